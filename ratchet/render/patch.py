"""The patch-coverage section of each output format (text, JSON, Markdown). Pure."""

from __future__ import annotations

from typing import Any

from ratchet.models import Counts
from ratchet.numbers import as_json_number, fmt_pct, percent
from ratchet.patch import PatchFile, PatchResult
from ratchet.render import jsonout
from ratchet.render.markdown import MAX_FILE_ROWS, code, escape
from ratchet.rules import FileChange


def _ranges(f: PatchFile) -> str:
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in f.uncovered)


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


def text(p: PatchResult) -> str:
    threshold = f", patch_threshold {p.threshold}%" if p.threshold is not None else ""
    lines = [
        f"patch coverage: {p.status.upper()}",
        f"  changed    {_headline(p, 4)}{threshold}",
        f"  diff       {p.description}",
    ]
    width = max((len(f.path) for f in p.files), default=0)
    for f in p.files:
        if f.status == "deleted":
            lines.append(f"  {f.path.ljust(width)}  deleted")
            continue
        row = f"  {f.path.ljust(width)}  {_status(f)}: {_counts(f.counts)}"
        if f.uncovered:
            row += f"; uncovered {_ranges(f)}"
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
    return "\n".join(lines) + "\n"


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
        "failures": [{"kind": f.kind, "path": f.path, "message": f.message} for f in p.failures],
        "notes": list(p.notes),
        "unreported": list(p.unreported),
        "indirect": [
            {
                "path": c.path,
                "before": jsonout.counts(c.before) if c.before else None,
                "after": jsonout.counts(c.after) if c.after else None,
                "waived": c.path in waived,
            }
            for c in p.indirect
        ],
        "waived": [{"kind": f.kind, "path": f.path, "message": f.message} for f in p.waived],
    }


def markdown(p: PatchResult, *, max_rows: int = MAX_FILE_ROWS) -> str:
    icon = "✅" if p.passed else "❌"
    threshold = f" (threshold {p.threshold}%)" if p.threshold is not None else ""
    out = [
        f"#### {icon} Changed lines: {_headline(p, 2)}{threshold}",
        "",
        f"Diff: {escape(p.description)}",
        "",
    ]
    rows = [f for f in p.files if f.counts.valid or f.status == "deleted"]
    if rows:
        out += [
            "| File | Change | Lines | Branches | Uncovered changed lines |",
            "|---|---|---:|---:|---|",
        ]
        # Files with uncovered lines first: in a long list, those are what a reviewer wants.
        rows.sort(key=lambda f: (not f.uncovered, f.path))
        for f in rows[:max_rows]:
            c = f.counts
            status = escape(f.status) + (f" from {code(f.old_path)}" if f.old_path else "")
            branches = f"{c.branches_covered}/{c.branches_valid}" if c.branches_valid else ""
            lines = f"{c.lines_covered}/{c.lines_valid}" if f.status != "deleted" else ""
            out.append(
                f"| {code(f.path)} | {status} | {lines} | {branches} | {escape(_ranges(f))} |"
            )
        if len(rows) > max_rows:
            out.append(f"\n…and {len(rows) - max_rows} more files.")
        out.append("")
    if p.failures:
        out += [f"- **{escape(f.message)}**" for f in p.failures] + [""]
    if p.notes:
        out += [f"> {escape(n)}" for n in p.notes] + [""]
    if p.indirect:
        waived = {w.path for w in p.waived}
        out.append(
            f"<details><summary>Indirect changes: {len(p.indirect)} files this change did "
            "not touch</summary>\n"
        )
        out += ["| File | Coverage | Note |", "|---|---|---|"]
        for ch in p.indirect[:max_rows]:
            note = "regression, not failing (fail_on_indirect = false)" if ch.path in waived else ""
            out.append(f"| {code(ch.path)} | {escape(_moved(ch))} | {escape(note)} |")
        if len(p.indirect) > max_rows:
            out.append(f"\n…and {len(p.indirect) - max_rows} more.")
        out.append("\n</details>\n")
    return "\n".join(out).rstrip() + "\n"
