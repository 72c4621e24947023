"""``ratchet merge-driver``: git's merge driver for the bar's files, so that two branches
that both moved the bar merge without a person.

``.gitattributes`` (``ratchet init`` writes it) names the driver for pyproject.toml and the
per-file baseline; one ``git config`` line in each clone (and in CI) defines it::

    git config merge.ratchet.driver "ratchet merge-driver %O %A %B %L %P"

git gives the driver the merge-base's, our and their version of one file (``%O %A %B``) and
takes the merge from ``%A``; exit 0 means merged, anything else a conflict. The bar's values
merge as ``ratchet.core.barmerge`` says; the rest of pyproject.toml is git's own line merge
(``git merge-file``), conflict markers and all.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from ratchet.commands.common import echo_err
from ratchet.core import barmerge
from ratchet.core import config as config_mod
from ratchet.errors import RatchetError
from ratchet.store import filebaseline, git, pyproject
from ratchet.store.fsio import read_text, write_atomic


@click.command("merge-driver")
@click.argument("base", type=click.Path(path_type=Path))
@click.argument("ours", type=click.Path(path_type=Path))
@click.argument("theirs", type=click.Path(path_type=Path))
@click.argument("marker_size", type=click.IntRange(1, 100), default=7, required=False)
@click.argument("path", default="", required=False)
def command(base: Path, ours: Path, theirs: Path, marker_size: int, path: str) -> int:
    """git's merge driver for [tool.ratchet] and the per-file baseline (BASE OURS THEIRS
    [MARKER_SIZE [PATH]], git's %O %A %B %L %P): writes the merge into OURS.

    Per key and per file line the stricter value, except a value one side lowered (its
    `ratchet accept`), which wins; the rest of the file as git merges it. Exit 0 merged,
    1 conflicts left for a person."""
    return run(base, ours, theirs, marker_size=marker_size, path=path)


def run(base: Path, ours: Path, theirs: Path, *, marker_size: int = 7, path: str = "") -> int:
    """``merge-driver`` in-process: the merge written into ``ours``; its exit code."""
    texts = [read_text(p) for p in (base, ours, theirs)]
    if texts[1] is None or texts[2] is None:
        raise RatchetError("git gave the driver no such file", source=str(ours))
    merged, conflicts = merge(
        texts[0] or "", texts[1], texts[2], name=path or ours.name, marker_size=marker_size
    )
    write_atomic({ours: merged})
    if conflicts:
        echo_err(f"ratchet merge-driver: {path or ours}: {conflicts} conflict(s) left for you")
    return 1 if conflicts else 0  # git's: anything but 0 leaves a conflict


def merge(base: str, ours: str, theirs: str, *, name: str, marker_size: int = 7) -> tuple[str, int]:
    """The merge of one file's three versions, and how many conflicts are left in it."""
    if name.endswith(".toml"):
        prepared = _prepare_pyproject(base, ours, theirs, name)
        if prepared is not None:
            text, conflicts = _line_merge(*prepared, marker_size)
            if conflicts == 0 and not _carries(text, prepared[1], name):
                return text, 1  # the line merge moved the section about: a person decides
            return text, conflicts
    else:
        try:
            tables = [filebaseline.parse(t, source=name) for t in (base, ours, theirs)]
        except RatchetError:
            pass  # conflict markers, or not ours: git's line merge says what it can
        else:
            return filebaseline.render(barmerge.merge_lines(*tables)), 0
    return _line_merge(base, ours, theirs, marker_size)


def _line_merge(base: str, ours: str, theirs: str, marker_size: int) -> tuple[str, int]:
    with tempfile.TemporaryDirectory(prefix="ratchet-merge-") as tmp:
        paths = [Path(tmp) / n for n in ("base", "ours", "theirs")]
        for p, t in zip(paths, (base, ours, theirs), strict=True):
            p.write_text(t, encoding="utf-8", newline="")
        return git.merge_file(paths[1], paths[0], paths[2], marker_size=marker_size)


def _ratchet(text: str, name: str) -> Mapping[str, Any] | None:
    try:
        return config_mod.section(text, name) if text else None
    except RatchetError:
        return None


def _prepare_pyproject(base: str, ours: str, theirs: str, name: str) -> tuple[str, str, str] | None:
    """The three texts with every ordered value of the bar set to the merge's, in each
    text's own layout, so that git's line merge carries them and merges the rest; None
    when a side has no ``[tool.ratchet]`` or is not TOML (git's merge alone then)."""
    tables = [_ratchet(t, name) for t in (base, ours, theirs)]
    if tables[1] is None or tables[2] is None:
        return None
    merged = barmerge.merge_tables(tables[0], tables[1], tables[2]).table
    owned = [*barmerge.ORDERED, *barmerge.BASELINE_KEYS]
    values = {k: merged.get(k) for k in owned if any(k in t for t in tables if t)}
    out = []
    for text, table in zip((base, ours, theirs), tables, strict=True):
        if table is None:
            out.append(text)
            continue
        text = pyproject.set_values(text, ("tool", "ratchet"), values, source=name)
        for comp, mine in (merged.get("components") or {}).items():
            keys = [*barmerge.COMPONENT_ORDERED, "baseline"]
            text = pyproject.set_values(
                text,
                ("tool", "ratchet", "components", comp),
                {k: mine.get(k) for k in keys},
                source=name,
            )
        out.append(text)
    return out[0], out[1], out[2]


def _carries(text: str, ours: str, name: str) -> bool:
    """Whether the line merge kept every value the driver set (in ``ours``)."""
    a, b = _ratchet(text, name), _ratchet(ours, name)
    if a is None or b is None:
        return False
    keys = [*barmerge.ORDERED, *barmerge.BASELINE_KEYS]
    if any(a.get(k) != b.get(k) for k in keys):
        return False
    mine, theirs = b.get("components") or {}, a.get("components") or {}
    keys = [*barmerge.COMPONENT_ORDERED, "baseline"]
    return all(
        isinstance(theirs.get(n), Mapping) and all(theirs[n].get(k) == c.get(k) for k in keys)
        for n, c in mine.items()
        if isinstance(c, Mapping)
    )
