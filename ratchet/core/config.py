"""``[tool.ratchet]`` in pyproject.toml, read into a frozen ``Config``.

Reading uses the standard library's TOML parser (fast, strict); editing uses tomlkit in
``ratchet.store.pyproject`` so the user's layout survives.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ratchet.core.models import Baseline, InvalidBaseline
from ratchet.core.numbers import normalize
from ratchet.errors import RatchetError

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None  # type: ignore[assignment]

SECTION = "tool.ratchet"
PATCH_EMPTY_CHOICES = ("pass", "fail")
DEFAULT_HISTORY_FILE = "coverage-history.jsonl"
BASELINE_KEYS = ("percent", "covered", "measured", "branches", "uncovered")


@dataclass(frozen=True)
class Component:
    """``[tool.ratchet.components.NAME]``: a part of a monorepo with a bar of its own. A file
    belongs to the first component whose ``paths`` globs match it; the total stays too."""

    name: str
    paths: tuple[str, ...]
    threshold: Decimal = Decimal(0)
    step: Decimal | None = None  # None: the project's
    baseline: Baseline | None = None
    patch_threshold: Decimal | None = None


@dataclass(frozen=True)
class Config:
    """The ratchet's settings. Percentages are ``Decimal`` percent (``Decimal("80")`` = 80%)."""

    pyproject: Path | None = None
    threshold: Decimal = Decimal(0)
    step: Decimal = Decimal(5)
    max_threshold: Decimal = Decimal(100)
    baseline: Baseline | None = None
    tolerance: Decimal = Decimal(0)
    file_tolerance: Decimal = Decimal(0)
    precision: int = 2
    baseline_file: str | None = None
    history_file: str = DEFAULT_HISTORY_FILE
    badge_file: str | None = None
    reports: tuple[str, ...] = ()
    paths: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sync_fail_under: bool = True
    # Changed-code ("patch") coverage.
    diff_against: str | None = None
    patch_threshold: Decimal | None = None
    patch_empty: str = "pass"
    # A file the change did not touch that lost coverage fails too: after the merge its
    # per-file line stays, and main would fail its own check (the drop is the tests').
    fail_on_indirect: bool = True
    components: tuple[Component, ...] = ()
    expect_reports: int | None = None  # refuse a verdict on any other number of reports
    present: bool = False  # whether [tool.ratchet] exists at all
    # Whether [tool.ratchet] records a bar (a threshold or a baseline): a section holding
    # only settings or components has none yet, and judging against it would pass anything.
    recorded: bool = True
    # Not a [tool.ratchet] key: ``--rcfile``, the coverage.py configuration that ``.coverage``
    # data is read with (None: coverage.py's own search, ``$COVERAGE_RCFILE`` first).
    coverage_rcfile: Path | None = None

    @property
    def has_bar(self) -> bool:
        return self.present and self.recorded

    @property
    def root(self) -> Path:
        return self.pyproject.parent if self.pyproject else Path.cwd()

    @property
    def baseline_path(self) -> Path | None:
        return self.root / self.baseline_file if self.baseline_file else None

    @property
    def history_path(self) -> Path:
        return self.root / self.history_file

    @property
    def badge_path(self) -> Path | None:
        return self.root / self.badge_file if self.badge_file else None


KEYS = {
    "threshold", "step", "max_threshold", "baseline", "baseline_uncovered", "tolerance",
    "file_tolerance", "precision", "baseline_file", "history_file", "badge_file", "reports",
    "paths", "sync_fail_under", "diff_against", "patch_threshold", "patch_empty",
    "fail_on_indirect", "components", "expect_reports",
}  # fmt: skip
COMPONENT_KEYS = ("paths", "threshold", "step", "baseline", "patch_threshold")
_COMPONENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
COMPONENT_NAME = _COMPONENT_NAME  # what a result artifact's component names are held to


def parse_toml(text: str, source: str) -> dict[str, Any]:
    try:
        if tomllib is not None:
            return tomllib.loads(text)
        import tomlkit

        return tomlkit.parse(text).unwrap()
    except Exception as e:  # tomllib.TOMLDecodeError / tomlkit.exceptions.ParseError
        raise RatchetError(f"invalid TOML: {e}", source=source) from None


def _number(value: Any, key: str, src: str, *, lo: Decimal, hi: Decimal | None) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RatchetError(f"[{SECTION}] {key} must be a number, not {value!r}", source=src)
    d = Decimal(str(value))  # str() of any float is a valid Decimal: nan, inf included
    if not d.is_finite() or d < lo or (hi is not None and d > hi):
        bound = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
        raise RatchetError(f"[{SECTION}] {key} = {value} must be {bound}", source=src)
    return normalize(d)  # 100.00 -> 100: the value as messages should show it


def from_table(table: Mapping[str, Any], pyproject: Path | None, *, src: str) -> Config:
    unknown = sorted(set(table) - KEYS)
    if unknown:
        key = unknown[0]
        close = difflib.get_close_matches(key, sorted(KEYS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise RatchetError(f"unknown key {key!r} in [{SECTION}]{hint}", source=src)

    kw: dict[str, Any] = {
        "pyproject": pyproject,
        "present": True,
        "recorded": "threshold" in table or "baseline" in table,
        **_numbers(table, src),
        **_names(table, src),
        **_lists(table, src),
    }
    if "baseline" in table:
        kw["baseline"] = _baseline(table["baseline"], table.get("baseline_uncovered"), src)
    elif "baseline_uncovered" in table:
        raise RatchetError(f"[{SECTION}] baseline_uncovered without a baseline", source=src)
    if "patch_empty" in table:
        if table["patch_empty"] not in PATCH_EMPTY_CHOICES:
            raise RatchetError(
                f"[{SECTION}] patch_empty must be one of {', '.join(PATCH_EMPTY_CHOICES)}",
                source=src,
            )
        kw["patch_empty"] = table["patch_empty"]
    for key in ("sync_fail_under", "fail_on_indirect"):
        if key in table:
            if not isinstance(table[key], bool):
                raise RatchetError(f"[{SECTION}] {key} must be true or false", source=src)
            kw[key] = table[key]
    if "components" in table:
        kw["components"] = _components(table["components"], src)
    cfg = Config(**kw)
    if cfg.threshold > cfg.max_threshold:
        raise RatchetError(
            f"[{SECTION}] threshold {cfg.threshold} is above max_threshold {cfg.max_threshold}",
            source=src,
        )
    return cfg


def _numbers(table: Mapping[str, Any], src: str) -> dict[str, Any]:
    """The percents, ``step``, ``precision`` and ``expect_reports`` of ``[tool.ratchet]``."""
    kw: dict[str, Any] = {}
    pct = {"lo": Decimal(0), "hi": Decimal(100)}
    for key in ("threshold", "max_threshold", "tolerance", "file_tolerance", "patch_threshold"):
        if key in table:
            kw[key] = _number(table[key], key, src, **pct)
    if "step" in table:
        kw["step"] = _number(table["step"], "step", src, lo=Decimal(0), hi=Decimal(100))
        if kw["step"] == 0:
            raise RatchetError(f"[{SECTION}] step must be greater than 0", source=src)
    if "precision" in table:
        p = table["precision"]
        if isinstance(p, bool) or not isinstance(p, int) or not 0 <= p <= 6:
            raise RatchetError(f"[{SECTION}] precision must be an integer 0-6", source=src)
        kw["precision"] = p
    if "expect_reports" in table:
        n = table["expect_reports"]
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise RatchetError(f"[{SECTION}] expect_reports must be a positive integer", source=src)
        kw["expect_reports"] = n
    return kw


def _names(table: Mapping[str, Any], src: str) -> dict[str, Any]:
    """The files ``[tool.ratchet]`` names (inside the project) and ``diff_against``."""
    kw: dict[str, Any] = {}
    for key in ("baseline_file", "history_file", "badge_file", "diff_against"):
        if key in table:
            if not isinstance(table[key], str) or not table[key]:
                raise RatchetError(f"[{SECTION}] {key} must be a non-empty string", source=src)
            kw[key] = table[key]
    for key in ("baseline_file", "history_file", "badge_file"):
        if key in kw:
            check_baseline_file(kw[key], src=src, what=f"[{SECTION}] {key}")
    return kw


def _lists(table: Mapping[str, Any], src: str) -> dict[str, Any]:
    """``reports`` and ``paths``."""
    kw: dict[str, Any] = {}
    if "reports" in table:
        r = table["reports"]
        if isinstance(r, str):
            r = [r]
        if not isinstance(r, list) or not all(isinstance(x, str) for x in r):
            raise RatchetError(f"[{SECTION}] reports must be a list of paths", source=src)
        kw["reports"] = tuple(r)
    if "paths" in table:
        paths = table["paths"]
        ok = isinstance(paths, Mapping) and all(
            isinstance(v, list) and v and all(isinstance(x, str) for x in v) for v in paths.values()
        )
        if not ok:
            raise RatchetError(
                f"[{SECTION}.paths] entries must be non-empty lists of path prefixes", source=src
            )
        kw["paths"] = {k: tuple(v) for k, v in paths.items()}
    return kw


def _components(value: Any, src: str) -> tuple[Component, ...]:
    where = f"[{SECTION}.components]"
    if not isinstance(value, Mapping):
        raise RatchetError(f"{where} must be a table of tables", source=src)
    out = []
    for name, table in value.items():
        at = f"[{SECTION}.components.{name}]"
        if not _COMPONENT_NAME.match(name):
            raise RatchetError(
                f"{at}: a component's name is letters, digits, '.', '_' and '-'", source=src
            )
        if not isinstance(table, Mapping):
            raise RatchetError(f"{at} must be a table", source=src)
        unknown = sorted(set(table) - set(COMPONENT_KEYS))
        if unknown:
            close = difflib.get_close_matches(unknown[0], COMPONENT_KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise RatchetError(f"unknown key {unknown[0]!r} in {at}{hint}", source=src)
        paths = table.get("paths")
        if isinstance(paths, str):
            paths = [paths]
        if (
            not isinstance(paths, list)
            or not paths
            or not all(isinstance(p, str) and p for p in paths)
        ):
            raise RatchetError(f"{at} paths must be a non-empty list of globs", source=src)
        pct = {"lo": Decimal(0), "hi": Decimal(100)}
        kw: dict[str, Any] = {"name": name, "paths": tuple(paths)}
        for key in ("threshold", "patch_threshold"):
            if key in table:
                kw[key] = _number(table[key], f"components.{name}.{key}", src, **pct)
        if "step" in table:
            kw["step"] = _number(table["step"], f"components.{name}.step", src, **pct)
            if kw["step"] == 0:
                raise RatchetError(f"{at} step must be greater than 0", source=src)
        if "baseline" in table:
            kw["baseline"] = _baseline(table["baseline"], None, src, f"components.{name}.baseline")
        out.append(Component(**kw))
    return tuple(out)


def _count(value: Any, key: str, src: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RatchetError(f"[{SECTION}] {key} must be a non-negative integer", source=src)
    return value


def baseline_of(value: Any, legacy_uncovered: Any, src: str) -> Baseline:
    """A ``baseline`` value (and the older ``baseline_uncovered`` beside it) as the
    configuration reads it."""
    return _baseline(value, legacy_uncovered, src)


def _baseline(value: Any, legacy_uncovered: Any, src: str, what: str = "baseline") -> Baseline:
    """``baseline = { percent, covered, measured, branches, uncovered }``: the exact counts
    of the accepted run decide; ``percent`` is there for people to read. A plain number
    (with ``baseline_uncovered`` beside it) is what versions before 0.2 wrote."""
    if not isinstance(value, Mapping):
        legacy = _number(value, what, src, lo=Decimal(0), hi=Decimal(100))
        uncovered = None
        if legacy_uncovered is not None:
            uncovered = _count(legacy_uncovered, "baseline_uncovered", src)
        return Baseline(uncovered=uncovered, legacy=legacy)
    if legacy_uncovered is not None:
        raise RatchetError(
            f"[{SECTION}] baseline_uncovered: give it as `uncovered` inside baseline = {{...}}",
            source=src,
        )
    unknown = sorted(set(value) - set(BASELINE_KEYS))
    if unknown:
        close = difflib.get_close_matches(unknown[0], BASELINE_KEYS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise RatchetError(f"unknown key {unknown[0]!r} in [{SECTION}] {what}{hint}", source=src)
    for key in ("covered", "measured"):
        if key not in value:
            raise RatchetError(
                f"[{SECTION}] {what} needs `covered` and `measured` (the counts of the "
                "accepted run); `ratchet update` writes them",
                source=src,
            )
    covered, measured = (_count(value[k], f"{what}.{k}", src) for k in ("covered", "measured"))
    branches = None
    if "branches" in value:
        branches = _count(value["branches"], f"{what}.branches", src)
    uncovered = measured - covered
    if "uncovered" in value:
        uncovered = _count(value["uncovered"], f"{what}.uncovered", src)
    try:
        baseline = Baseline(covered, measured, branches, uncovered)
    except InvalidBaseline as e:
        raise RatchetError(f"[{SECTION}] {e.at(what)}", source=src) from None
    if "percent" in value:
        shown = _number(value["percent"], f"{what}.percent", src, lo=Decimal(0), hi=Decimal(100))
        places = max(-shown.as_tuple().exponent, 0)  # type: ignore[operator]
        if abs(baseline.percent - Fraction(shown)) >= Fraction(1, 10**places):
            raise RatchetError(
                f"[{SECTION}] {what} percent {shown} does not match its counts "
                f"{covered}/{measured} ({float(baseline.percent):.4f}%): the counts decide. "
                "To lower the bar on purpose use `ratchet accept --reason ...`",
                source=src,
            )
    return baseline


def check_baseline_file(value: str, *, src: str, what: str = "baseline_file") -> None:
    """Refuse a per-file baseline outside the directory of pyproject.toml: `update` writes
    it, and must never write anywhere a config (say, a branch's) points it to."""
    posix = value.replace("\\", "/")
    windows = PureWindowsPath(value)
    parts = PurePosixPath(posixpath.normpath(posix)).parts
    if PurePosixPath(posix).is_absolute() or windows.drive or windows.root or parts[:1] == ("..",):
        raise RatchetError(
            f"{what} {value!r} is outside the project: give a path relative to the "
            "directory of pyproject.toml, inside it",
            source=src,
        )
    if parts in ((), (".",)):
        raise RatchetError(f"{what} {value!r} names no file", source=src)


REWRITTEN_BY_INIT = ("threshold", "step", "baseline", "baseline_uncovered", "baseline_file")


def for_reinit(text: str, pyproject: Path, *, src: str) -> tuple[Config, tuple[str, ...]]:
    """The settings ``init --force`` keeps, and the unknown keys it drops.

    ``--force`` starts the bar over, so what it rewrites is not validated (a broken
    threshold is what it is there to replace) and an unknown key, a typo ``init`` cannot
    guess the meaning of, is dropped instead of refusing the fix."""
    table = _section(text, src)
    if table is None:
        return Config(pyproject=pyproject), ()
    unknown = tuple(sorted(set(table) - KEYS))
    kept = {k: v for k, v in table.items() if k in KEYS and k not in REWRITTEN_BY_INIT}
    return from_table(kept, pyproject, src=src), unknown


def section(text: str, src: str) -> Mapping[str, Any] | None:
    """``[tool.ratchet]`` of a pyproject.toml's text, as plain values; ``None`` when there
    is none."""
    return _section(text, src)


def _section(text: str, src: str) -> Mapping[str, Any] | None:
    """``[tool.ratchet]`` of a pyproject.toml's text; ``None`` when there is none."""
    tool = parse_toml(text, src).get("tool", {})
    if not isinstance(tool, Mapping):
        raise RatchetError("[tool] must be a table", source=src)
    for name, value in tool.items():
        if name != "ratchet" and _looks_like_ours(name, value):
            # A bar under another name is no bar at all: read as "no threshold", it would
            # pass everything (or, beside a [tool.ratchet] of components, everything else).
            raise RatchetError(
                f"[tool.{name}] looks like coverage-ratchet's settings under another name "
                "(did you mean [tool.ratchet]?): rename it, or it is not read",
                source=src,
            )
    table = tool.get("ratchet")
    if table is not None and not isinstance(table, Mapping):
        raise RatchetError(f"[{SECTION}] must be a table", source=src)
    return table


def _looks_like_ours(name: str, value: Any) -> bool:
    """A ``[tool.NAME]`` table that is a misspelt ``[tool.ratchet]``: a name close to
    "ratchet" (``rachet``, ``Ratchet``, ``coverage-ratchet``) holding one of our keys. Another
    tool's table, whatever its name, holds keys of its own."""
    lowered = name.lower()
    close = "ratchet" in lowered or difflib.get_close_matches(lowered, ["ratchet"], cutoff=0.75)
    return bool(close) and isinstance(value, Mapping) and any(k in KEYS for k in value)


def from_text(text: str, pyproject: Path | None, *, src: str) -> Config:
    table = _section(text, src)
    return Config(pyproject=pyproject) if table is None else from_table(table, pyproject, src=src)


def require_bar(cfg: Config) -> None:
    """Refuse a configuration that records no bar: without one every report would pass."""
    where = str(cfg.pyproject) if cfg.pyproject else "pyproject.toml (none found)"
    if not cfg.present:
        raise RatchetError("no [tool.ratchet] section; run `ratchet init` first", source=where)
    if not cfg.recorded:
        raise RatchetError(
            f"[{SECTION}] records no bar (no threshold or baseline; settings and components "
            "are not one): run `ratchet init` to record it",
            source=where,
        )
