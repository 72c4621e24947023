"""The patch-coverage section of the text and Markdown outputs (JSON: ``jsonpatch``). Pure."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from ratchet.core.numbers import fmt_margin, fmt_pct
from ratchet.core.results import PatchComponent, PatchResult

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
