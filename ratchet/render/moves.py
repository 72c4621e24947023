"""What moved, file by file and in total: the rows of the files table and the one-line
account of the total, decided here once and drawn by the PR comment (Markdown) and the
terminal (plain text) alike."""

from __future__ import annotations

from dataclasses import dataclass

from ratchet.core.models import Counts
from ratchet.core.results import FileChange, PatchFile, PatchResult, Result
from ratchet.core.rules import FILE_MISSING, FILE_REGRESSION
from ratchet.render.common import plural
from ratchet.render.headline import base_bar


@dataclass(frozen=True)
class FileRow:
    path: str
    change: FileChange | None
    patch: PatchFile | None
    failed: bool
    waived: bool

    def newly(self) -> int:
        """Lines+branches uncovered now that were not (by the counts; never negative)."""
        c = self.change
        if c is None or c.after is None:
            return 0
        return max(c.after.missing - (c.before.missing if c.before else 0), 0)

    def key(self) -> tuple[bool, int, float, str]:
        """Failing files first, then the most newly uncovered, then the biggest drop
        (floats: only an order for display)."""
        c = self.change
        drop = 0.0
        if c is not None and c.before is not None and c.after is not None:
            drop = c.after.percent - c.before.percent
        return (not self.failed, -self.newly(), drop, self.path)


def file_rows(result: Result) -> list[FileRow]:
    """A row a file: its move against the base's per-file baseline (after an accept, the
    base's own lines, not the ones the accept recorded), and its uncovered changed lines."""
    v = result.verdict
    failed = {f.path for f in v.failures if f.kind in (FILE_REGRESSION, FILE_MISSING)}
    p = result.patch
    waived = {w.path for w in p.waived} if p else set()
    patched = {f.path: f for f in p.files if f.uncovered} if p else {}
    changes = result.base_changes or v.changes
    rows = [
        FileRow(c.path, c, patched.pop(c.path, None), c.path in failed, c.path in waived)
        for c in changes
    ]
    rows += [FileRow(path, None, f, False, False) for path, f in patched.items()]
    return rows


def touched(p: PatchResult) -> frozenset[str]:
    """The files the diff changed that the report measures (and their old names)."""
    return frozenset(f.path for f in p.files) | {f.old_path for f in p.files if f.old_path}


@dataclass(frozen=True)
class Movement:
    """Why the total moved, summed over the files whose counts changed."""

    uncovered_added: int = 0  # lines+branches that are uncovered and were not before
    uncovered_gone: int = 0  # uncovered ones now covered, or deleted
    covered_added: int = 0
    covered_deleted: int = 0
    new_files: int = 0
    removed_files: int = 0
    unmeasured_files: int = 0  # baselined, still in the tree, missing from the report

    @classmethod
    def of(
        cls, changes: tuple[FileChange, ...], unmeasured_paths: frozenset[str] = frozenset()
    ) -> Movement:
        """Only net counts per file are known, so each is explained the fewest ways: lines
        that lost coverage are newly uncovered, never also "deleted"."""
        ua = ug = ca = cd = new = gone = unmeasured = 0
        for c in changes:
            if c.path in unmeasured_paths:  # not measured is not deleted: no counts to add
                unmeasured += 1
                continue
            before, after = c.before or Counts(), c.after or Counts()
            new += c.before is None
            gone += c.after is None
            d_missing = after.missing - before.missing
            d_covered = after.covered - before.covered
            lost = min(max(-d_covered, 0), max(d_missing, 0))  # covered -> uncovered
            won = min(max(d_covered, 0), max(-d_missing, 0))  # uncovered -> covered
            ua += max(d_missing, 0)
            ug += max(-d_missing, 0)
            ca += max(d_covered, 0) - won
            cd += max(-d_covered, 0) - lost
        return cls(ua, ug, ca, cd, new, gone, unmeasured)


def why(result: Result) -> str | None:
    """The total's move in counts, in one line: what a percent hides. Against the base's
    bar when the change lowered it."""
    v = result.verdict
    t = v.totals
    bar = base_bar(result)
    base = bar.baseline
    if bar.lowered and base is not None and base.exact:
        assert base.measured is not None and base.covered is not None
        return (
            f"Uncovered lines+branches {base.measured - base.covered} → {t.missing}, measured "
            f"{base.measured} → {t.valid}, against the base's baseline."
        )
    if v.before is not None:
        b = v.before
        out = f"Uncovered lines+branches {b.missing} → {t.missing}, measured {b.valid} → {t.valid}"
        m = Movement.of(v.changes, v.unmeasured)
        bits = []
        if m.covered_deleted:
            bits.append(f"{m.covered_deleted} covered deleted, which is not a regression")
        if m.new_files or m.removed_files:
            bits.append(f"{plural(m.new_files, 'new file')}, {m.removed_files} removed")
        return out + (f" ({'; '.join(bits)})" if bits else "") + "."
    if v.baseline is not None and v.baseline.uncovered is not None:
        return f"Uncovered lines+branches {v.baseline.uncovered} → {t.missing}."
    return None
