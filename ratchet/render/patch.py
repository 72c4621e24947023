"""The patch-coverage section of each output format (text, JSON, Markdown). Pure."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from ratchet.core.numbers import as_json_number, fmt_margin, fmt_pct
from ratchet.core.results import PatchComponent, PatchFile, PatchResult
from ratchet.render import jsonout


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


# How a statement of patch coverage reads: failing a gate, low with no gate, passing one.
FAILING, LOW, PASSING, NEUTRAL = "fail", "low", "pass", ""
_MARK = {FAILING: " ❌", LOW: " ⚠️", PASSING: " ✅", NEUTRAL: ""}


def summary(p: PatchResult, places: int, threshold: Decimal) -> tuple[str, str]:
    """Patch coverage in one sentence, stated once: its number, and whether a gate judged
    it (``patch_threshold``); with how it reads (``FAILING``, ``LOW`` when nothing gates
    it and it is under the project's ``threshold``, ``PASSING``, ``NEUTRAL``). The comment
    and the terminal each draw it their way. Components' own gates are their rows'."""
    c = p.counts
    if p.empty:
        if not p.passed:
            return 'none measurable, fails: patch_empty = "fail"', FAILING
        return "none measurable, nothing to judge", NEUTRAL
    pct = p.percent
    shown = f"{fmt_pct(pct, places)}% ({c.covered}/{c.valid} lines+branches)"
    if p.threshold is None:
        low = LOW if pct < Fraction(threshold) else NEUTRAL
        return f"{shown} covered; not gated (no patch_threshold)", low
    gap = fmt_margin(pct - Fraction(p.threshold), places)
    if pct < Fraction(p.threshold):
        return f"{shown} covered, {gap} points under the {p.threshold}% patch threshold", FAILING
    return f"{shown} covered, over the {p.threshold}% patch threshold", PASSING


def markdown_line(p: PatchResult, places: int, threshold: Decimal) -> str:
    """``summary`` in the comment: bold, with ❌, ⚠️ or ✅."""
    said, mood = summary(p, places, threshold)
    return f"**Changed lines:** {said}{_MARK[mood]}."


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
