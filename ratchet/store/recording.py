"""A ``Plan`` into file contents, and onto disk: the one place ``init``, ``update``,
``accept`` and ``push-update`` write the bar.

``edits`` reads the files it changes and returns their new texts (nothing is written);
``write`` puts them in place atomically, all or nothing as far as the file system allows.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomlkit

from ratchet.core.config import Config
from ratchet.core.models import Baseline, Counts
from ratchet.core.numbers import as_toml_number, floor_to
from ratchet.core.results import ComponentBar, ComponentMove, Event, Plan
from ratchet.errors import RatchetError
from ratchet.store import badge, filebaseline, history, pyproject
from ratchet.store.fsio import read_text

GITATTRIBUTES = ".gitattributes"


def baseline_value(b: Baseline, precision: int) -> Any:
    """``baseline = { percent, covered, measured, branches, uncovered }`` for pyproject.toml:
    the counts decide; the percent, truncated to ``precision`` places, is for reading."""
    table = tomlkit.inline_table()
    table["percent"] = as_toml_number(floor_to(b.percent, precision))
    table["covered"] = b.covered
    table["measured"] = b.measured
    if b.branches is not None:
        table["branches"] = b.branches
    table["uncovered"] = b.uncovered
    return table


def ratchet_values(plan: Plan, config: Config) -> dict[str, Any]:
    """The ``[tool.ratchet]`` keys the plan sets (``None`` removes one)."""
    values: dict[str, Any] = {}
    if plan.setting("threshold"):
        values["threshold"] = plan.threshold
    if plan.setting("baseline") and plan.baseline is not None:
        # Always exact: a run that moves an older file's percent baseline at all records
        # its counts (``plan``), and the count lives in the table from then on.
        assert plan.baseline.exact
        values["baseline"] = baseline_value(plan.baseline, config.precision)
        values["baseline_uncovered"] = None
    return values


def component_values(plan: Plan, bar: ComponentBar, config: Config) -> dict[str, Any]:
    """The keys of ``[tool.ratchet.components.NAME]`` the plan sets."""
    values: dict[str, Any] = {}
    key = f"components.{bar.name}"
    if plan.setting(f"{key}.threshold"):
        values["threshold"] = bar.threshold
    if plan.setting(f"{key}.baseline") and bar.baseline is not None and bar.baseline.exact:
        values["baseline"] = baseline_value(bar.baseline, config.precision)
    return values


def file_baseline(plan: Plan, old: Mapping[str, Counts] | None) -> dict[str, Counts]:
    files = dict(old or {})
    for line in plan.lines:
        if line.new is None:
            files.pop(line.path, None)
        else:
            files[line.path] = line.new
    return files


def _pyproject(config: Config) -> tuple[Path, str]:
    assert config.pyproject is not None
    text = read_text(config.pyproject)
    if text is None:
        raise RatchetError("no such file", source=str(config.pyproject))
    return config.pyproject, text


def _append(path: Path, line: str) -> str:
    old = read_text(path) or ""
    if old and not old.endswith("\n"):
        old += "\n"
    return old + line


MERGE_DRIVER = "merge=ratchet"
GIT_CONFIG = 'git config merge.ratchet.driver "ratchet merge-driver %O %A %B %L %P"'


def _gitattributes(config: Config) -> tuple[Path, str] | None:
    """The lines that make git merge two branches' bars by itself: the history's lines as a
    union, pyproject.toml and the per-file baseline by ``ratchet merge-driver`` (which each
    clone enables with ``GIT_CONFIG``). A file the repository says something of already is
    left to what it says."""
    path = config.root / GITATTRIBUTES
    text = read_text(path) or ""
    named = {line.split()[0].lstrip("/") for line in text.splitlines() if line.split()}
    add = []
    if config.history_file not in named:
        add.append("# coverage-ratchet: each line of the history is one event; keep both sides\n")
        add.append(f"{config.history_file} {history.ATTRIBUTES}\n")
    # (A name with blanks would need quoting git's way: left to the user.)
    bar = [
        p
        for p in ("pyproject.toml", config.baseline_file)
        if p and p not in named and not any(c.isspace() for c in p)
    ]
    if config.pyproject is not None and config.pyproject.name != "pyproject.toml":
        bar = [p for p in bar if p != "pyproject.toml"]
    if bar:
        add.append(
            "# coverage-ratchet: merge the bar key by key and line by line; each clone (and CI)\n"
            f"# enables it once with: {GIT_CONFIG}\n"
        )
        add += [f"/{p} {MERGE_DRIVER}\n" for p in bar]
    if not add:
        return None
    sep = "" if not text or text.endswith("\n") else "\n"
    return path, text + sep + "".join(add)


def edits(
    plan: Plan,
    config: Config,
    old_files: Mapping[str, Counts] | None,
    *,
    event: Event | None,
    pyproject_text: str | None = None,
    values: Mapping[str, Any] | None = None,
) -> dict[Path, str]:
    """New contents of every file the plan changes (unchanged files are left out).
    ``pyproject_text``: start from this text instead of the file's (``init`` creates it);
    ``values``: more ``[tool.ratchet]`` keys to set (``None`` removes one)."""
    if plan.refused:
        raise ValueError("a refused plan records nothing")
    if pyproject_text is None:
        path, text = _pyproject(config)
    else:
        assert config.pyproject is not None
        path, text = config.pyproject, pyproject_text
    new = pyproject.set_ratchet_values(
        text, {**ratchet_values(plan, config), **(values or {})}, create=True, source=str(path)
    )
    for bar in plan.components:
        mine = component_values(plan, bar, config)
        if mine:
            new = pyproject.set_component_values(new, bar.name, mine, source=str(path))
    out: dict[Path, str] = {path: new}
    if config.sync_fail_under and plan.setting("threshold"):
        out.update(pyproject.fail_under_edits(config.root, path, new, plan.threshold))
    if config.baseline_path is not None and (plan.lines or read_text(config.baseline_path) is None):
        out[config.baseline_path] = filebaseline.render(file_baseline(plan, old_files))
    if event is not None:
        if not config.history_path.exists():
            attrs = _gitattributes(config)
            if attrs is not None:
                out[attrs[0]] = attrs[1]
        out[config.history_path] = _append(config.history_path, history.to_line(event))
    if config.badge_path is not None and plan.baseline is not None:
        out[config.badge_path] = badge.coverage_badge(
            plan.baseline.percent, plan.threshold, config.step
        )
    return {p: t for p, t in out.items() if read_text(p) != t}


def event_for(
    kind: str, plan: Plan, config: Config, totals: Counts, *, reason: str | None = None
) -> Event:
    author, commit = history.who_and_what(config.root)
    old = {c.name: c for c in config.components}
    moved = tuple(
        ComponentMove(bar.name, (c.threshold, bar.threshold), (c.baseline, bar.baseline))
        for bar in plan.components
        if (c := old.get(bar.name)) is not None and component_values(plan, bar, config)
    )
    return Event(
        event=kind,
        date=history.now(),
        author=author,
        commit=commit,
        total=totals,
        threshold=(config.threshold if config.present else None, plan.threshold),
        baseline=(config.baseline, plan.baseline),
        reason=reason,
        components=moved,
    )
