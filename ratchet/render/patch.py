"""The patch-coverage section of each output format (text, JSON, Markdown). Pure."""

from __future__ import annotations

from typing import Any

from ratchet.models import Counts, format_spans
from ratchet.numbers import as_json_number, fmt_pct, percent
from ratchet.render import jsonout
from ratchet.render import markdown as md
from ratchet.render import text as plain
from ratchet.results import FileChange, PatchFile, PatchResult

MAX_NOTES = 5
MAX_SPANS = 20  # uncovered ranges listed per file in Markdown (the JSON has them all)
BUDGET = 30_000  # characters of the Markdown section's tables


def _status(f: PatchFile) -> str:
    if f.old_path is None:
        return f.status
    return f"{f.status} from {f.old_path}"


def _counts(c: Counts) -> str:
    bits = [f"{c.lines_covered}/{c.lines_valid} lines"]
    if c.branches_valid:
        bits.append(f"{c.branches_covered}/{c.branches_valid} branches")
    return ", ".join(bits)


def _headline(p: PatchResult, places: int) -> str:
    c = p.counts
    if p.empty:
        return "no measurable changed lines"
    return f"{fmt_pct(p.percent, places)}% ({c.covered}/{c.valid} changed lines+branches)"


def _moved(c: FileChange) -> str:
    if c.before is None:
        return "new in the report"
    if c.after is None:
        return "gone from the report"
    return (
        f"{fmt_pct(percent(c.before))}% -> {fmt_pct(percent(c.after))}% "
        f"(uncovered {c.before.missing} -> {c.after.missing})"
    )


def _status_word(p: PatchResult) -> str:
    """PASS or FAIL where a gate judged the changed lines; else they were only measured
    (a PASS beside an overall FAIL read as if they had been)."""
    return p.status.upper() if p.gated else "not gated (no patch_threshold)"


def text(p: PatchResult) -> str:
    threshold = f", patch_threshold {p.threshold}%" if p.threshold is not None else ""
    lines = [
        f"patch coverage: {_status_word(p)}",
        f"  changed    {_headline(p, 4)}{threshold}",
        f"  diff       {p.description}",
    ]
    # Widths of the names as printed: a control character is shown as an escape.
    names = [plain.printable(f.path) for f in p.files]
    width = max(map(len, names), default=0)
    for f, name in zip(p.files, names, strict=True):
        if f.status == "deleted":
            lines.append(f"  {name.ljust(width)}  deleted")
            continue
        row = f"  {name.ljust(width)}  {_status(f)}: {_counts(f.counts)}"
        if f.uncovered:
            row += f"; uncovered {format_spans(f.uncovered)}"
        if f.partial:
            row += "; branch not taken on " + ", ".join(map(str, f.partial))
        lines.append(row)
    for fail in p.failures:
        lines.append(f"FAIL {fail.message}")
    for n in p.notes:
        lines.append(f"note: {n}")
    if p.indirect:
        lines.append("indirect: coverage moved in files this change did not touch")
        waived = {w.path for w in p.waived}
        for c in p.indirect:
            tag = "  (not failing: fail_on_indirect = false)" if c.path in waived else ""
            lines.append(f"  {c.path}  {_moved(c)}{tag}")
    return plain.lines(lines)


def _file_json(f: PatchFile) -> dict[str, Any]:
    return {
        "path": f.path,
        "status": f.status,
        "old_path": f.old_path,
        "lines_valid": f.counts.lines_valid,
        "lines_covered": f.counts.lines_covered,
        "branches_valid": f.counts.branches_valid,
        "branches_covered": f.counts.branches_covered,
        "covered": list(f.covered),
        "uncovered_ranges": [[a, b] for a, b in f.uncovered],
        "partial_branch_lines": list(f.partial),
    }


def json(p: PatchResult) -> dict[str, Any]:
    waived = {w.path for w in p.waived}
    return {
        **jsonout.counts(p.counts),
        "threshold": as_json_number(p.threshold),
        "status": p.status,
        "description": p.description,
        "path_prefix": p.prefix,
        "files": [_file_json(f) for f in p.files],
        "failures": [jsonout.failure_dict(f) for f in p.failures],
        "notes": list(p.notes),
        "unreported": list(p.unreported),
        "outside": list(p.outside),
        "untracked": list(p.untracked),
        "indirect": [
            {
                "path": c.path,
                "before": jsonout.counts(c.before) if c.before else None,
                "after": jsonout.counts(c.after) if c.after else None,
                "waived": c.path in waived,
            }
            for c in p.indirect
        ],
        "waived": [jsonout.failure_dict(f) for f in p.waived],
    }


def _md_row(f: PatchFile) -> str:
    c = f.counts
    status = md.escape(f.status) + (f" from {md.path(f.old_path)}" if f.old_path else "")
    branches = f"{c.branches_covered}/{c.branches_valid}" if c.branches_valid else ""
    lines = f"{c.lines_covered}/{c.lines_valid}" if f.status != "deleted" else ""
    spans = md.escape(format_spans(f.uncovered[:MAX_SPANS]))
    if len(f.uncovered) > MAX_SPANS:
        spans += ", …"
    return f"| {md.path(f.path)} | {status} | {lines} | {branches} | {spans} |"


def _md_indirect(c: FileChange, waived: set[str | None]) -> str:
    note = "regression, not failing (fail_on_indirect = false)" if c.path in waived else ""
    return f"| {md.path(c.path)} | {md.escape(_moved(c))} | {md.escape(note)} |"


def markdown(p: PatchResult, *, max_rows: int = md.MAX_FILE_ROWS, budget: int = BUDGET) -> str:
    """The "Changed lines" section of the Markdown verdict (the PR comment): bounded by
    ``max_rows`` rows a table and about ``budget`` characters, whatever the change holds.
    Its failures are listed with the verdict's."""
    icon = ("✅" if p.passed else "❌") if p.gated else "⚪"
    threshold = f" (threshold {p.threshold}%)" if p.threshold is not None else " (not gated)"
    head = [
        f"#### {icon} Changed lines: {_headline(p, 2)}{threshold}",
        "",
        f"Diff: {md.escape(p.description, limit=md.MAX_TEXT)}",
        "",
    ]
    notes = [f"> {md.escape(n, limit=md.MAX_TEXT)}" for n in p.notes[:MAX_NOTES]]
    if len(p.notes) > MAX_NOTES:
        notes.append(f"> …and {len(p.notes) - MAX_NOTES} more notes.")
    room = budget - md.size(head) - md.size(notes) - 200  # 200: the indirect list's frame
    files: list[str] = []
    rows = [f for f in p.files if f.counts.valid or f.status == "deleted"]
    if rows:
        # Files with uncovered lines first: in a long list, those are what a reviewer wants.
        rows.sort(key=lambda f: (not f.uncovered, f.path))
        files = md.table(
            [
                "| File | Change | Lines | Branches | Uncovered changed lines |",
                "|---|---|---:|---:|---|",
            ],
            map(_md_row, rows),
            total=len(rows),
            max_rows=max_rows,
            budget=room * 2 // 3 if p.indirect else room,
        )
        files.append("")
        room -= md.size(files)
    out = head + files
    if notes:
        out += [*notes, ""]
    if p.indirect:
        waived = {w.path for w in p.waived}
        out.append(
            f"<details><summary>Indirect changes: {len(p.indirect)} files this change did "
            "not touch</summary>\n"
        )
        out += md.table(
            ["| File | Coverage | Note |", "|---|---|---|"],
            (_md_indirect(c, waived) for c in p.indirect),
            total=len(p.indirect),
            max_rows=max_rows,
            budget=room,
        )
        out.append("\n</details>\n")
    return "\n".join(out).rstrip() + "\n"
