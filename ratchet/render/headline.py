"""The verdict in one sentence, with its reason: what a reviewer reads first.

Decided once, here, from the result value alone, and rendered by every output (the PR
comment's heading, the job summary, later the terminal's first line). The sentence holds
numbers and fixed words only, never a string from a report or an artifact (file and
component names are counted, not named), so it needs no escaping anywhere.

What the sentence only counts or names in a word, ``reasons`` says in full, once, for
every output to show right below it: those strings come from the bar and the report, and
each output escapes them.

Deltas are against the base branch's bar: with ``--baseline-ref`` that is the ref's
baseline, and when the change lowers the bar with ``ratchet accept``, the baseline the
first accept event found (what the bar was before the change lowered it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ratchet.core.models import Baseline
from ratchet.core.numbers import fmt_margin, fmt_pct
from ratchet.core.patch import PATCH_BELOW_THRESHOLD, PATCH_EMPTY
from ratchet.core.results import Cause, Result
from ratchet.core.rules import (
    BAR_LOWERED,
    BELOW_THRESHOLD,
    COMPONENT_BELOW_THRESHOLD,
    COMPONENT_REGRESSION,
    FILE_MISSING,
    FILE_REGRESSION,
    TOTAL_REGRESSION,
)
from ratchet.render.common import plural

# The kinds of failure the sentence says in words (any other is counted).
COMPONENT_KINDS = (COMPONENT_BELOW_THRESHOLD, COMPONENT_REGRESSION)
KNOWN = (
    BELOW_THRESHOLD, TOTAL_REGRESSION, FILE_REGRESSION, FILE_MISSING, BAR_LOWERED,
    *COMPONENT_KINDS, PATCH_BELOW_THRESHOLD, PATCH_EMPTY,
)  # fmt: skip


# The kinds the sentence names in a word that ``reasons`` says in full (the rule they break).
IN_FULL = (BAR_LOWERED, PATCH_EMPTY)
MAX_REASONS = 5  # reasons an output shows below the sentence (the rest counted)
MAX_DETAILS = 5  # failures named in one cause's parentheses (the rest counted)


def signed(value: Fraction, places: int = 2) -> str:
    """A change in points with its sign, at ``places`` decimals (never "+0.00" for a
    change that is not 0: "+<0.01")."""
    return f"{'+' if value >= 0 else '-'}{fmt_margin(value, places)}"


def baseline_pct(b: Baseline, places: int) -> str:
    """``85.00%`` at the shown precision; a percent recorded by an older version as is."""
    return f"{b.legacy}%" if not b.exact else f"{fmt_pct(b.percent, places)}%"


@dataclass(frozen=True)
class Bar:
    """The bar the change is measured against: the base branch's."""

    threshold: Decimal
    baseline: Baseline | None
    lowered: bool  # the change lowers it with `ratchet accept`


def base_bar(result: Result) -> Bar:
    """The base branch's bar: as the base ref records it (never as an accept event says it
    was: anyone can write a history line), else the bar the total was held to."""
    v = result.verdict
    lowered = bool(result.accepted)
    if result.base is None:
        return Bar(v.threshold, v.baseline, lowered)
    return Bar(result.base.threshold, result.base.baseline or v.baseline, lowered)


@dataclass(frozen=True)
class Headline:
    passed: bool
    lowered: bool  # passes on a bar the change lowered on purpose
    total: str  # "72.50%"
    change: str | None  # "+3.10": points against the base's baseline, shown when it passes
    reasons: tuple[str, ...]

    def sentence(self) -> str:
        """``72.50% — 12.50 points under the 85.00% baseline; 2 files fell``."""
        change = f" ({self.change})" if self.change and self.passed and not self.lowered else ""
        reasons = "; ".join(self.reasons)
        return f"{self.total}{change}" + (f" — {reasons}" if reasons else "")


def headline(result: Result) -> Headline:
    v = result.verdict
    places = result.precision
    bar = base_bar(result)
    pct = v.percent
    change = None
    if bar.baseline is not None:
        change = signed(pct - bar.baseline.percent, places)
    reasons = _failing(result) if result.status == "fail" else _passing(result, bar)
    return Headline(
        passed=result.status == "pass",
        lowered=bar.lowered,
        total=f"{fmt_pct(pct, places)}%",
        change=change,
        reasons=tuple(reasons),
    )


def _under(points: Fraction, places: int) -> str:
    return f"{fmt_margin(points, places)} points under"


def _failing(result: Result) -> list[str]:
    v = result.verdict
    places = result.precision
    kinds = [f.kind for f in result.failures]
    out: list[str] = []
    below = BELOW_THRESHOLD in kinds
    fell = TOTAL_REGRESSION in kinds and v.baseline is not None
    threshold = f"the {v.threshold}% threshold"
    if fell:
        assert v.baseline is not None
        base = f"the {baseline_pct(v.baseline, places)} baseline"
        gap = _under(v.baseline.percent - v.percent, places)
        out.append(
            f"{gap} {base}"
            + (f" and {fmt_margin(-v.margin, places)} under {threshold}" if below else "")
        )
    elif below:
        out.append(f"{_under(-v.margin, places)} {threshold}")
    files = kinds.count(FILE_REGRESSION)
    if files:
        out.append(f"{plural(files, 'file')} fell")
    missing = kinds.count(FILE_MISSING)
    if missing:
        out.append(f"{plural(missing, 'file')} not measured")
    parts = {f.component for f in result.failures if f.kind in COMPONENT_KINDS}
    if parts:
        out.append(
            f"{plural(len(parts), 'component')} under {'its' if len(parts) == 1 else 'their'} bar"
        )
    patch = result.patch
    if patch is not None:
        total_gate = [
            f for f in patch.failures if f.kind == PATCH_BELOW_THRESHOLD and f.component is None
        ]
        if total_gate and patch.threshold is not None:
            gap = fmt_margin(Fraction(patch.threshold) - patch.percent, places)
            out.append(f"changed lines {gap} points under the {patch.threshold}% patch threshold")
        gated = {
            f.component for f in patch.failures if f.kind == PATCH_BELOW_THRESHOLD and f.component
        }
        if gated:
            out.append(
                f"changed lines of {plural(len(gated), 'component')} under "
                f"{'its' if len(gated) == 1 else 'their'} patch threshold"
            )
        if any(f.kind == PATCH_EMPTY for f in patch.failures):
            out.append("no measurable changed line")
    if BAR_LOWERED in kinds:
        out.append("the change loosens the bar")
    other = sum(1 for k in kinds if k not in KNOWN)
    if other:
        out.append(f"{plural(other, 'other failure')}")
    return out


def _passing(result: Result, bar: Bar) -> list[str]:
    v = result.verdict
    places = result.precision
    if bar.lowered:
        out = ["the bar is lowered on purpose"]
        if bar.baseline is not None and v.percent < bar.baseline.percent:
            gap = _under(bar.baseline.percent - v.percent, places)
            out[0] += f", {gap} the base's {baseline_pct(bar.baseline, places)} baseline"
        if bar.threshold != v.threshold:
            out.append(f"threshold {bar.threshold}% → {v.threshold}%")
        return out
    plan = result.plan
    rises = plan is not None and plan.changes and plan.threshold > v.threshold
    if v.baseline is None:
        return ["no baseline recorded yet"] + (
            [f"the threshold rises to {plan.threshold}%"]
            if rises and plan
            else [f"over the {v.threshold}% threshold"]
        )
    if rises and plan:
        return [f"the threshold rises to {plan.threshold}%"]
    if (
        plan is not None
        and plan.changes
        and plan.baseline is not None
        and plan.baseline.percent > v.baseline.percent
    ):
        return [f"the baseline rises to {baseline_pct(plan.baseline, places)}"]
    if v.percent < v.baseline.percent:
        # Passing under the baseline: only covered code was deleted (or the tolerance).
        gap = _under(v.baseline.percent - v.percent, places)
        unc = v.baseline.uncovered
        if unc is not None and v.totals.missing <= unc:
            return [f"{gap} the baseline, but no line became uncovered"]
        return [f"{gap} the baseline, within the tolerance"]
    return [f"holds the {baseline_pct(v.baseline, places)} baseline"]


def reasons(result: Result) -> tuple[str, ...]:
    """Why the verdict fails, beyond what the sentence says: what the change loosens (each
    requirement), an empty patch failing by ``patch_empty``, each cause found for a failure
    (the base's bar rose since the branch was cut; the test files the change deletes or
    edits), said once for all the failures it explains with each one's part in the
    parentheses, then each failure of a kind this version does not know. The failures' own
    numbers are the files' and components' rows."""
    out: list[str] = []
    unknown: list[str] = []
    causes: dict[tuple[str, str], list[Cause]] = {}
    for f in result.failures:
        if f.kind in IN_FULL:
            out.append(f.text)
        elif f.kind not in KNOWN:
            unknown.append(f.text)
        elif f.cause is not None:
            causes.setdefault((f.cause.said, f.cause.fix), []).append(f.cause)
    for same in causes.values():
        details = [c.detail for c in same if c.detail]
        if len(details) > MAX_DETAILS:
            more = len(details) - MAX_DETAILS
            details = [*details[:MAX_DETAILS], f"and {more} more"]
        out.append(same[0].sentence(tuple(details)))
    return (*out, *unknown)
