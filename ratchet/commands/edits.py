"""Computing and applying the file edits of ``init`` and ``update``."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path

from ratchet import writelock
from ratchet.commands.common import out
from ratchet.fsio import read_text, write_atomic


def show_diff(edits: Mapping[Path, str], root: Path) -> str:
    out: list[str] = []
    for path, new in edits.items():
        old = read_text(path) or ""
        try:
            name = path.relative_to(root).as_posix()
        except ValueError:
            name = str(path)
        out.extend(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                f"a/{name}",
                f"b/{name}",
            )
        )
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def apply(edits: Mapping[Path, str], root: Path, *, dry_run: bool) -> list[Path]:
    """Write ``edits`` (or, dry, show them as a diff); the files written. The caller holds
    ``writelock.hold`` (``common.config_for_writing``)."""
    changed = {p: t for p, t in edits.items() if read_text(p) != t}
    if not changed:
        out("ratchet: nothing to change.")
        return []
    if dry_run:
        out(show_diff(changed, root), nl=False)
        out("ratchet: dry run, nothing written.")
        return []
    # Journaled: a writer killed between two renames leaves a write the next run finishes.
    write_atomic(changed, journal=writelock.journal_path(root))
    for p in changed:
        try:
            shown = p.relative_to(root).as_posix()
        except ValueError:
            shown = str(p)
        out(f"ratchet: wrote {shown}")
    return list(changed)
