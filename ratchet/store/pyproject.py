"""Edits to the user's configuration files. Only the values the ratchet owns change.

pyproject.toml goes through tomlkit, which keeps comments, ordering and quoting. The INI
files coverage.py and pytest read (.coveragerc, setup.cfg, tox.ini, pytest.ini) are edited
line by line inside the right section, for the same reason: configparser would drop
every comment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Table

from ratchet.core import config
from ratchet.core.config import Config
from ratchet.core.numbers import as_toml_number, normalize
from ratchet.errors import RatchetError
from ratchet.store.fsio import read_text

_FAIL_UNDER_OPT = re.compile(r"(--cov-fail-under[= ])(\d+(?:\.\d+)?)")


def _ratchet_table(doc: tomlkit.TOMLDocument, *, create: bool) -> Table:
    tool = doc.get("tool")
    if tool is None:
        if not create:
            raise RatchetError("no [tool.ratchet] section; run `ratchet init` first")
        tool = tomlkit.table(is_super_table=True)
        doc["tool"] = tool
    table = tool.get("ratchet")
    if table is None:
        if not create:
            raise RatchetError("no [tool.ratchet] section; run `ratchet init` first")
        table = tomlkit.table()
        tool["ratchet"] = table
    return table


def _parse(text: str, source: str) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(text)
    except Exception as e:  # tomlkit.exceptions.ParseError
        raise RatchetError(f"invalid TOML: {e}", source=source) from None


def _set(table: MutableMapping[str, Any], values: Mapping[str, Any]) -> None:
    """Set keys of ``table``: ``None`` removes one, a plain dict is written inline, a key
    whose value is already equal stays exactly as written."""
    for key, value in values.items():
        if value is None:  # the key is no longer wanted
            if key in table:
                del table[key]
            continue
        if isinstance(value, Decimal):
            value = as_toml_number(value)
        if key in table and table[key] == value:
            continue
        if type(value) is dict:
            inline = tomlkit.inline_table()
            inline.update(value)
            value = inline
        table[key] = value


def set_ratchet_values(text: str, values: Mapping[str, Any], *, create: bool, source: str) -> str:
    """Set keys of [tool.ratchet] (``None`` removes one); other keys stay exactly as they were."""
    doc = _parse(text, source)
    _set(_ratchet_table(doc, create=create), values)
    return _keep_newlines(text, tomlkit.dumps(doc))


def set_component_values(text: str, name: str, values: Mapping[str, Any], *, source: str) -> str:
    """Set keys of ``[tool.ratchet.components.NAME]``, which must exist already (a component
    is the user's to declare, with its paths); the rest of the file stays as it was."""
    doc = _parse(text, source)
    table = _table(doc, "tool", "ratchet", "components", name)
    if table is None:
        raise RatchetError(f"no [tool.ratchet.components.{name}] to record into", source=source)
    _set(table, values)
    return _keep_newlines(text, tomlkit.dumps(doc))


def set_values(text: str, keys: tuple[str, ...], values: Mapping[str, Any], *, source: str) -> str:
    """Set keys of the table at ``keys`` (``("tool", "ratchet")``) as ``_set`` does; a text
    without that table is returned as it is."""
    doc = _parse(text, source)
    table = _table(doc, *keys)
    if table is None:
        return text
    _set(table, values)
    return _keep_newlines(text, tomlkit.dumps(doc))


def _keep_newlines(original: str, new: str) -> str:
    """tomlkit writes the lines it adds with LF; a file that is CRLF throughout stays so."""
    crlf = original.count("\r\n")
    if not crlf or crlf != original.count("\n"):
        return new
    return new.replace("\r\n", "\n").replace("\n", "\r\n")


def _table(node: Any, *keys: str) -> MutableMapping[str, Any] | None:
    """``node[keys[0]][keys[1]]...`` when every step is a table, else None: another tool's
    section that is not a table (``[tool] coverage = 1``) is that tool's to report, not
    ours to crash on or to rewrite."""
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node if isinstance(node, MutableMapping) else None


def _raise_number(old: str, new: Decimal) -> str:
    """The new threshold, unless the file already asks for more (never lower a gate)."""
    try:
        current = Decimal(old)
    except ArithmeticError:
        return old
    return str(normalize(new)) if new > current else old


def sync_pyproject_fail_under(text: str, threshold: Decimal) -> str:
    """[tool.coverage.report] fail_under and --cov-fail-under in [tool.pytest.ini_options]."""
    doc = tomlkit.parse(text)
    changed = False
    report = _table(doc, "tool", "coverage", "report")
    if report is not None and "fail_under" in report:
        old = report["fail_under"]
        if (
            isinstance(old, (int, float))
            and not isinstance(old, bool)
            and threshold > Decimal(str(old))
        ):
            report["fail_under"] = as_toml_number(threshold)
            changed = True
    ini = _table(doc, "tool", "pytest", "ini_options")
    if ini is not None and "addopts" in ini:
        addopts = ini["addopts"]
        if isinstance(addopts, str):
            new = _FAIL_UNDER_OPT.sub(lambda m: m[1] + _raise_number(m[2], threshold), addopts)
            if new != addopts:
                ini["addopts"] = new
                changed = True
        elif isinstance(addopts, list):
            for i, item in enumerate(addopts):
                if isinstance(item, str):
                    new = _FAIL_UNDER_OPT.sub(lambda m: m[1] + _raise_number(m[2], threshold), item)
                    if new != item:
                        addopts[i] = new
                        changed = True
    return _keep_newlines(text, tomlkit.dumps(doc)) if changed else text


_SECTION = re.compile(r"^\s*\[([^\]]+)\]")
_KEY_FAIL_UNDER = re.compile(r"^(\s*fail_under\s*[=:]\s*)(\d+(?:\.\d+)?)(.*)$", re.S)


def sync_ini_fail_under(
    text: str, threshold: Decimal, *, coverage_sections: set[str], pytest_sections: set[str]
) -> str:
    out = []
    section = ""
    for line in text.splitlines(keepends=True):
        m = _SECTION.match(line)
        if m:
            section = m[1].strip()
        elif section in coverage_sections:
            k = _KEY_FAIL_UNDER.match(line)
            if k:
                line = k[1] + _raise_number(k[2], threshold) + k[3]
        elif section in pytest_sections and "--cov-fail-under" in line:
            line = _FAIL_UNDER_OPT.sub(lambda m: m[1] + _raise_number(m[2], threshold), line)
        out.append(line)
    return "".join(out)


# file name -> (coverage.py sections, pytest sections)
INI_FILES = {
    ".coveragerc": ({"report"}, set()),
    "setup.cfg": ({"coverage:report"}, {"tool:pytest"}),
    "tox.ini": ({"coverage:report"}, {"pytest"}),
    "pytest.ini": (set(), {"pytest"}),
}


def fail_under_edits(
    root: Path, pyproject_path: Path, pyproject_text: str, threshold: Decimal
) -> dict[Path, str]:
    """New contents for every file whose coverage/pytest gate should follow the threshold.

    ``pyproject_text`` is the already-edited pyproject.toml; its result (changed or not)
    is returned under ``pyproject_path``.
    """
    edits = {pyproject_path: sync_pyproject_fail_under(pyproject_text, threshold)}
    for name, (cov, pyt) in INI_FILES.items():
        path = root / name
        text = read_text(path)
        if text is None:
            continue
        new = sync_ini_fail_under(text, threshold, coverage_sections=cov, pytest_sections=pyt)
        if new != text:
            edits[path] = new
    return edits


# -- what an edit changed, as the user reads it ----------------------------------------------


def owned_values(name: str, text: str) -> dict[str, str]:
    """The values ``init`` and ``update`` may set in a file named ``name``, by key as a user
    would look them up (``[tool.ratchet] threshold``, ``[tool.coverage.report]
    fail_under``, ``[tool:pytest] --cov-fail-under``): every ``[tool.ratchet]`` value,
    components' too, and coverage.py's and pytest-cov's gates where they are synced. A
    file that cannot be read as its kind holds none (the edit itself said what was wrong)."""
    if Path(name).name == "pyproject.toml":
        return _toml_values(text)
    sections = INI_FILES.get(Path(name).name)
    if sections is None:
        return {}
    return _ini_values(text, *sections)


def _toml_values(text: str) -> dict[str, str]:
    from ratchet.core.config import parse_toml

    try:
        doc = parse_toml(text, "pyproject.toml")
    except RatchetError:
        return {}
    out: dict[str, str] = {}
    found_tool = doc.get("tool")
    tool: dict[str, Any] = found_tool if isinstance(found_tool, dict) else {}
    ratchet = tool.get("ratchet")
    if isinstance(ratchet, dict):
        for key, value in ratchet.items():
            if key == "components" and isinstance(value, dict):
                for part, table in value.items():
                    if isinstance(table, dict):
                        for k, v in table.items():
                            out[f"[tool.ratchet.components.{part}] {k}"] = _shown(v)
            else:
                out[f"[tool.ratchet] {key}"] = _shown(value)
    coverage = tool.get("coverage")
    report = coverage.get("report") if isinstance(coverage, dict) else None
    if isinstance(report, dict) and "fail_under" in report:
        out["[tool.coverage.report] fail_under"] = _shown(report["fail_under"])
    pytest = tool.get("pytest")
    ini = pytest.get("ini_options") if isinstance(pytest, dict) else None
    addopts = ini.get("addopts") if isinstance(ini, dict) else None
    opts = [addopts] if isinstance(addopts, str) else addopts if isinstance(addopts, list) else []
    found = [m[2] for item in opts if isinstance(item, str) for m in _FAIL_UNDER_OPT.finditer(item)]
    if found:
        out["[tool.pytest.ini_options] addopts --cov-fail-under"] = ", ".join(found)
    return out


def _shown(value: Any) -> str:
    """A TOML value in a few characters: a baseline table as its percent and counts."""
    if isinstance(value, dict) and "percent" in value:
        counts = f" ({value['covered']}/{value['measured']})" if "measured" in value else ""
        return f"{value['percent']}%{counts}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    import json

    return json.dumps(value, default=str)


def _ini_values(
    text: str, coverage_sections: set[str], pytest_sections: set[str]
) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    section = ""
    for line in text.splitlines():
        m = _SECTION.match(line)
        if m:
            section = m[1].strip()
        elif section in coverage_sections and (k := _KEY_FAIL_UNDER.match(line)):
            out.setdefault(f"[{section}] fail_under", []).append(k[2])
        elif section in pytest_sections:
            for o in _FAIL_UNDER_OPT.finditer(line):
                out.setdefault(f"[{section}] --cov-fail-under", []).append(o[2])
    return {key: ", ".join(values) for key, values in out.items()}


def changed_values(name: str, old: str, new: str) -> list[str]:
    """``key old -> new`` for each value of ``owned_values`` the edit changed, in the new
    file's order (removed ones last)."""
    before, after = owned_values(name, old), owned_values(name, new)
    out = [
        f"{key} {before.get(key, 'none')} -> {value}"
        for key, value in after.items()
        if before.get(key) != value
    ]
    out += [f"{key} {value} -> removed" for key, value in before.items() if key not in after]
    return out


def find_pyproject(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        p = d / "pyproject.toml"
        if p.is_file():
            return p
    return None


def read_pyproject(path: Path) -> str | None:
    """The text of ``path``; ``None`` when there is no such file."""
    if path.is_dir():
        raise RatchetError("is a directory, not a pyproject.toml", source=str(path))
    return read_text(path)


def load_config(pyproject: Path | None) -> Config:
    """Read the configuration; ``None`` means: look upward from the working directory."""
    path = pyproject if pyproject is not None else find_pyproject()
    if path is None:
        return Config()
    text = read_pyproject(path)
    if text is None:
        raise RatchetError("no such file", source=str(path))
    return config.from_text(text, path.absolute(), src=str(path))
