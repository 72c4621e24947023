"""Recording the bar: ``record``, the one way ``init``, ``update`` and ``accept`` (and so
``push-update``) write it, and saying what each edit changed: every file and every key
(coverage.py's ``fail_under`` and pytest-cov's ``--cov-fail-under`` too), so that no edit
of a user's file goes unsaid."""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from ratchet.commands.common import out
from ratchet.core.config import Config
from ratchet.core.models import Counts
from ratchet.core.results import EVENT_ACCEPT, EVENT_INIT, Plan
from ratchet.render import text as text_mod
from ratchet.render.common import plural
from ratchet.store import filebaseline, recording, writelock
from ratchet.store.fsio import read_text, write_atomic
from ratchet.store.pyproject import changed_values
from ratchet.store.recording import GITATTRIBUTES


def record(
    kind: str,
    plan: Plan,
    cfg: Config,
    totals: Counts,
    *,
    old_files: Mapping[str, Counts] | None,
    dry_run: bool,
    reason: str | None = None,
    values: Mapping[str, object] | None = None,
    said: Iterable[str] = (),
    quiet: bool = False,
) -> list[Path]:
    """Record what ``plan`` (an ``init``, ``update`` or ``accept``: ``kind``) changes of the
    bar ``cfg`` holds: the history's event (none on a dry run), the new text of every file
    it changes, written at once (dry: shown as a diff), each named with what changed in it.
    The files written. The caller decided ``plan`` under the writers' lock, and holds it
    (``common.config_for_writing``; ``init``'s, on the directory of the file it creates).

    ``old_files``: the per-file baseline the plan moves from; ``values``: more
    ``[tool.ratchet]`` keys to set (``None`` removes one); ``said``: lines that say what is
    recorded, once it can be (``init``'s); ``quiet``: not a word of what was written
    (``update -q``)."""
    first = kind == EVENT_INIT
    # Accept says how far the bar goes down, dry or not, before it writes.
    event = None
    if not dry_run or kind == EVENT_ACCEPT:
        # There was no bar before init, whatever the section held: its event says so.
        before = dataclasses.replace(cfg, present=False) if first else cfg
        event = recording.event_for(kind, plan, before, totals, reason=reason)
    if kind == EVENT_ACCEPT:
        assert event is not None
        out(text_mod.lowered(event))
    assert cfg.pyproject is not None
    edits = recording.edits(
        plan,
        cfg,
        old_files,
        event=None if dry_run else event,
        # Init may create pyproject.toml.
        pyproject_text=(read_text(cfg.pyproject) or "") if first else None,
        values=values,
    )
    for line in said:
        out(line)
    written = apply(edits, cfg.root, dry_run=dry_run, quiet=quiet)
    if first and any(recording.MERGE_DRIVER in t for t in edits.values()):
        out(
            "ratchet: .gitattributes names ratchet's merge driver for the bar's files; enable "
            f"it once in each clone, and in CI before a merge: {recording.GIT_CONFIG}"
        )
    return written


def show_diff(edits: Mapping[Path, str], root: Path) -> str:
    out: list[str] = []
    for path, new in edits.items():
        old = read_text(path) or ""
        name = _name(path, root)
        out.extend(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                f"a/{name}",
                f"b/{name}",
            )
        )
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def _name(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def changes(name: str, old: str | None, new: str) -> list[str]:
    """What an edit changes in a file, a line each: the keys of a configuration file
    (``[tool.ratchet] threshold 70 -> 75``), how many per-file lines and history events,
    the lines a ``.gitattributes`` gains. Read from the texts themselves, so that what is
    said is what is written."""
    said = changed_values(name, old or "", new)
    if said:
        return said
    if new.startswith(filebaseline.HEADER):
        return [_per_file(old or "", new)]
    before = (old or "").splitlines()
    after = new.splitlines()
    if after[: len(before)] != before:
        return []  # not an append: the diff (--dry-run) shows it
    added = after[len(before) :]
    events = [_event(line) for line in added]
    if added and all(events):
        return [f"{plural(len(added), 'event')} appended: {', '.join(e for e in events if e)}"]
    if Path(name).name == GITATTRIBUTES:
        return [f"added: {line}" for line in added if line.strip() and not line.startswith("#")]
    return []  # the badge: its name says it


def _per_file(old: str, new: str) -> str:
    def lines(text: str) -> dict[str, str]:
        rows = (row.split("\t", 1) for row in text.splitlines() if row and row[0] != "#")
        return {r[0]: r[1] for r in rows if len(r) == 2}

    before, after = lines(old), lines(new)
    new_files = sum(1 for p in after if p not in before)
    gone = sum(1 for p in before if p not in after)
    moved = sum(1 for p, v in after.items() if p in before and before[p] != v)
    bits = [f"{moved} changed" if moved else "", f"{new_files} new" if new_files else ""]
    bits.append(f"{gone} removed" if gone else "")
    shown = ", ".join(b for b in bits if b) or "none changed"
    return f"per-file lines: {shown} ({plural(len(after), 'file')})"


def _event(line: str) -> str | None:
    """The event of a history line (``update``, ``init``, ``accept``), or None."""
    try:
        data = json.loads(line)
    except ValueError:
        return None
    event = data.get("event") if isinstance(data, dict) else None
    return event if event in ("init", "update", "accept") else None


def apply(
    edits: Mapping[Path, str], root: Path, *, dry_run: bool, quiet: bool = False
) -> list[Path]:
    """Write ``edits`` (or, dry, show them as a diff); the files written. Each file is
    named with what changed in it (``quiet``: not a word, unless dry). The caller holds
    ``writelock.hold`` (``common.config_for_writing``)."""
    old = {p: read_text(p) for p in edits}
    changed = {p: t for p, t in edits.items() if old[p] != t}
    quiet = quiet and not dry_run
    if not changed:
        if not quiet:
            out("ratchet: nothing to change.")
        return []
    if dry_run:
        out(show_diff(changed, root), nl=False)
    else:
        # Journaled: a writer killed between two renames leaves a write the next run finishes.
        write_atomic(changed, journal=writelock.journal_path(root))
        if quiet:
            return list(changed)
    for p, text in changed.items():
        name = _name(p, root)
        out(f"ratchet: {'would write' if dry_run else 'wrote'} {name}")
        for line in changes(name, old[p], text):
            out(f"  {line}")
    if dry_run:
        out("ratchet: dry run, nothing written.")
        return []
    return list(changed)
