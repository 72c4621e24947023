"""The patch-coverage section of each output format (text, JSON, Markdown). Pure."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from ratchet.models import Counts, format_spans
from ratchet.numbers import as_json_number, fmt_margin, fmt_pct, percent
from ratchet.render import jsonout
from ratchet.render import text as plain
from ratchet.render.common import printable
from ratchet.results import FileChange, PatchComponent, PatchFile, PatchResult


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
    names = [printable(f.path) for f in p.files]
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
        "components": [
            {"name": c.name, **jsonout.counts(c.counts), "threshold": as_json_number(c.threshold)}
            for c in p.components
        ],
    }


def markdown_line(p: PatchResult, places: int, threshold: Decimal) -> str:
    """Patch coverage in one line, stated once: its number, and whether a gate judged it
    (``patch_threshold``), with ⚠️ when nothing gates it and it is under the project's
    ``threshold``. Components' own gates are the components table's."""
    c = p.counts
    if p.empty:
        judged = 'fails: patch_empty = "fail" ❌' if not p.passed else "nothing to judge"
        return f"**Changed lines:** none measurable, {judged}."
    pct = p.percent
    shown = f"{fmt_pct(pct, places)}% ({c.covered}/{c.valid} lines+branches)"
    if p.threshold is None:
        low = " ⚠️" if pct < Fraction(threshold) else ""
        return f"**Changed lines:** {shown} covered; not gated (no patch_threshold){low}."
    gap = fmt_margin(pct - Fraction(p.threshold), places)
    if pct < Fraction(p.threshold):
        return (
            f"**Changed lines:** {shown} covered, {gap} points under the {p.threshold}% "
            "patch threshold ❌."
        )
    return f"**Changed lines:** {shown} covered, over the {p.threshold}% patch threshold ✅."


def component_cell(c: PatchComponent, places: int, threshold: Decimal) -> str:
    """A component's changed lines, for its row: ``40.00% ❌ (gate 80%)``."""
    if c.counts.valid == 0:
        return "none"
    pct = c.percent
    shown = f"{fmt_pct(pct, places)}%"
    if c.threshold is None:
        return f"{shown} ⚠️ not gated" if pct < Fraction(threshold) else f"{shown}, not gated"
    ok = pct >= Fraction(c.threshold)
    return f"{shown} {'✅' if ok else '❌'} (gate {c.threshold}%)"
