"""The Markdown verdict: the PR comment, the job summary and ``check --format markdown``.

One renderer for all three, pure, from values, under GitHub's size limit by construction.
Both halves of the fork-safe setup render through here: the ``pull_request`` job from its
``Outcome``, the privileged ``workflow_run`` job from the validated JSON artifact, so a
Markdown file from an untrusted run is never posted as is. Every string that came from a
report goes through ``markdown.escape`` (with a length limit) or ``markdown.path``, and every
list is capped, so the total stays under ``MAX_COMMENT`` whatever the report holds.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from fractions import Fraction

from ratchet.models import Baseline, Counts
from ratchet.numbers import fmt_margin, fmt_pct, percent
from ratchet.render import markdown as md
from ratchet.render import patch as patch_render
from ratchet.render.text import records
from ratchet.results import (
    BarSource,
    Event,
    Failure,
    FileChange,
    Lowering,
    Outcome,
    PatchResult,
    Plan,
    Verdict,
)

MAX_COMMENT = 65_536  # GitHub rejects longer bodies with 422
BUDGET = 60_000  # what we aim for; the rest is head-room for the guard
MAX_ROWS = 100
MAX_FAILURES = 20
MAX_NOTES = 5
MARKER_PREFIX = "<!-- coverage-ratchet:comment"
STATE_PREFIX = "<!-- coverage-ratchet:state "


@dataclass(frozen=True)
class Result:
    """One run's verdict, as both halves see it. ``status`` is the overall one."""

    verdict: Verdict
    status: str
    patch: PatchResult | None = None
    plan: Plan | None = None
    accepted: tuple[Event, ...] = ()
    trend: tuple[Event, ...] = ()
    warnings: tuple[str, ...] = ()
    source: BarSource | None = None
    lowered: tuple[Lowering, ...] = ()

    @property
    def failures(self) -> tuple[Failure, ...]:
        return self.verdict.failures + (self.patch.failures if self.patch else ())


def result_of(outcome: Outcome) -> Result:
    return Result(
        outcome.verdict,
        outcome.status,
        outcome.patch,
        outcome.plan,
        outcome.accepted,
        outcome.trend,
        outcome.warnings,
        outcome.source,
        outcome.lowered,
    )


def marker(ident: str) -> str:
    """The hidden first line that finds the comment again (one per PR per ``id``)."""
    return f"{MARKER_PREFIX}{':' + ident if ident else ''} -->"


def state(result: Result) -> str:
    """The hidden line that tells the next run whether the verdict or the bar moved."""
    v = result.verdict
    b = v.baseline
    base = "none" if b is None else f"{b.covered}/{b.measured}" if b.exact else b.legacy
    return f"{STATE_PREFIX}status={result.status} threshold={v.threshold} baseline={base} -->"


def state_of(body: str) -> str | None:
    for line in body.splitlines():
        if line.startswith(STATE_PREFIX):
            return line
    return None


def _pct(c: Counts) -> str:
    return f"{fmt_pct(percent(c), 2)}%"


def signed(value: Fraction, places: int = 2) -> str:
    """A change in points with its sign: a margin, never a percent (0.001 points is
    "<0.01", not "0.01"; 99.999 points is not held below 100)."""
    sign = "+" if value >= 0 else "-"
    return f"{sign}{fmt_margin(value, places)}"


def delta(v: Verdict) -> Fraction | None:
    """Points of the total against the recorded baseline, exactly."""
    return v.delta


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


def why(v: Verdict) -> list[str]:
    """Bullet points that explain the change of the total in counts, not only percent."""
    if v.before is not None and v.changes:
        m = Movement.of(v.changes, v.unmeasured)
        b, t = v.before, v.totals
        out = [
            f"- Measured lines+branches {b.valid} → {t.valid}, uncovered {b.missing} → "
            f"{t.missing} (per-file baseline {_pct(b)} → {_pct(t)})."
        ]
        if m.uncovered_added:
            out.append(
                f"- **{m.uncovered_added}** lines+branches are uncovered that were not "
                "(added without tests, or no longer reached)."
            )
        if m.covered_deleted:
            out.append(
                f"- **{m.covered_deleted}** covered lines+branches were deleted; deleting "
                "covered code lowers the percent but is not a regression."
            )
        if m.covered_added:
            out.append(f"- **{m.covered_added}** covered lines+branches were added.")
        if m.uncovered_gone:
            out.append(
                f"- **{m.uncovered_gone}** uncovered lines+branches were covered or removed."
            )
        if m.new_files or m.removed_files:
            out.append(f"- {m.new_files} new file(s), {m.removed_files} removed file(s).")
        if m.unmeasured_files:
            out.append(
                f"- **{m.unmeasured_files}** file(s) with a per-file baseline still exist but "
                "are not in the report."
            )
        return out
    if v.before is not None:  # a per-file baseline, and no file moved against it
        return [f"- No file's coverage moved against the per-file baseline ({_pct(v.before)})."]
    if v.baseline is not None and v.baseline.uncovered is not None:
        return [
            f"- Uncovered lines+branches: {v.baseline.uncovered} at the baseline → "
            f"{v.totals.missing} now. (Set `baseline_file` in `[tool.ratchet]` to see which "
            "files moved.)"
        ]
    if v.baseline is None:
        return [
            "- No baseline is recorded yet: `ratchet update` on the default branch records one."
        ]
    return []


def _headline(result: Result) -> list[str]:
    v = result.verdict
    icon = "✅" if result.status == "pass" else "❌"
    d = delta(v)
    change = f" ({signed(d)} points)" if d is not None else ""
    t = v.totals
    base = _baseline_cell(v.baseline)
    return [
        f"### {icon} Coverage ratchet: {result.status}",
        "",
        f"**Total: {fmt_pct(v.percent, 2)}%**{change} · {t.covered}/{t.valid} lines+branches "
        f"covered, {t.missing} uncovered",
        "",
        "| | |",
        "|---|---:|",
        f"| Baseline | {base} |",
        f"| Threshold | {v.threshold}% |",
        f"| Margin over the threshold | {signed(v.margin, 4)} points |",
    ] + ([f"| Bar from | {_source_cell(result.source)} |"] if result.source else [])


def _source_cell(s: BarSource) -> str:
    """The ref and commit the bar was read at (names from the event: as code), or the
    working copy."""
    if s.ref is None:
        return f"the working copy ({md.code(s.config)})"
    at = f" at {md.code(s.commit[:12])}" if s.commit else ""
    return f"{md.code(s.ref)}{at} ({md.code(s.config)})"


def _components(v: Verdict) -> list[str]:
    """A row a component: status, total, its move against its baseline, its bar."""
    if not v.components:
        return []
    out = [
        "",
        "| Component | Status | Total | Δ points | Threshold | Baseline |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for c in v.components[:MAX_ROWS]:
        icon = "✅" if c.status == "pass" else "❌"
        d = signed(c.delta) if c.delta is not None else ""
        out.append(
            f"| {md.code(c.name)} | {icon} {c.status} | {fmt_pct(c.percent, 2)}% | {d} | "
            f"{c.threshold}% | {_baseline_cell(c.baseline)} |"
        )
    return out


def _baseline_cell(b: Baseline | None) -> str:
    """``85.40% (854/1000, 146 uncovered)``; an older file's percent as recorded."""
    if b is None:
        return "none yet"
    unc = f"{b.uncovered} uncovered" if b.uncovered is not None else ""
    if not b.exact:
        return f"{b.legacy}%" + (f" ({unc})" if unc else "")
    return f"{fmt_pct(b.percent, 2)}% ({b.covered}/{b.measured}{', ' + unc if unc else ''})"


def _failures(failures: tuple[Failure, ...]) -> list[str]:
    if not failures:
        return []
    out = ["", f"**Failures ({len(failures)})**", ""]
    out.extend(f"- {md.escape(f.message, limit=md.MAX_TEXT)}" for f in failures[:MAX_FAILURES])
    if len(failures) > MAX_FAILURES:
        out.append(f"- …and {len(failures) - MAX_FAILURES} more")
    return out


def _notes(notes: tuple[str, ...]) -> list[str]:
    if not notes:
        return []
    out = [""] + [f"> {md.escape(n, limit=md.MAX_TEXT)}" for n in notes[:MAX_NOTES]]
    if len(notes) > MAX_NOTES:
        out.append(f"> …and {len(notes) - MAX_NOTES} more notes.")
    return out


def _update(plan: Plan | None) -> list[str]:
    """What `ratchet update` would do with this report: the plan, not this run's status
    (patch coverage, and a file's own drop, fail a check without stopping update)."""
    if plan is None:
        return []
    if plan.refused:
        return [
            "",
            "`ratchet update` would not record this: "
            + md.escape(plan.blockers[0].message, limit=md.MAX_TEXT),
        ]
    kept = (
        f", keeping the old per-file line of {len(plan.kept)} file(s) whose coverage fell"
        if plan.kept
        else ""
    )
    if not plan.changes:
        return ["", f"`ratchet update` would leave the bar where it is{kept}."]
    bits = [
        f"{s.key} {md.escape(s.old or 'none')} → **{md.escape(s.new or 'none')}** "
        f"({md.escape(s.reason)})"
        for s in plan.settings
    ]
    if plan.lines:
        bits.append(f"{len(plan.lines)} per-file line(s)")
    return ["", f"`ratchet update` would record: {'; '.join(bits)}{kept}."]


MAX_EVENTS = 10  # accept events listed in the comment; the JSON and the log have them all
MAX_LOWERED = 30  # lowered requirements listed in the comment; likewise


def _accepted(
    events: tuple[Event, ...], lowered: tuple[Lowering, ...], source: BarSource | None
) -> list[str]:
    """A lowering of the bar that this change records with `ratchet accept`: allowed, on
    the record, and impossible to miss. What falls is said from the values at the base ref
    (an event's own "old" values are whatever its line says), the total's and the
    components' first; every event follows. Past a bound, how many more."""
    if not events:
        return []
    ref = f" since {md.code(source.ref)}" if source is not None and source.ref else ""
    where = f"at {md.code(source.ref)}" if source is not None and source.ref else "before"
    out = [
        "",
        "> [!WARNING]",
        f"> **This change lowers the coverage bar on purpose** (`ratchet accept`, "
        f"{len(events)} event(s){ref}).",
    ]
    if lowered:
        out += [">", f"> What falls, from the values {where}:", ">"]
        out += [
            f"> - {md.path(x.key)}: {md.escape(x.old, limit=150)} → "
            f"**{md.escape(x.new, limit=150)}**"
            for x in lowered[:MAX_LOWERED]
        ]
        if len(lowered) > MAX_LOWERED:
            out.append(f"> - … and {len(lowered) - MAX_LOWERED} more (all in the JSON result)")
    else:
        out += [">", f"> Nothing falls below the values {where}."]
    out += [">", "> The events:", ">"]
    for e in events[:MAX_EVENTS]:
        who = f" by {md.escape(e.author, limit=200)}" if e.author else ""
        at = f" at {md.code(e.commit[:12])}" if e.commit else ""
        out.append(
            f"> - {md.escape(e.date)}{who}{at}: records {md.escape(records(e), limit=md.MAX_TEXT)}."
            f" Reason: {md.escape(e.reason or '', limit=md.MAX_TEXT)}"
        )
    if len(events) > MAX_EVENTS:
        out.append(f"> - … and {len(events) - MAX_EVENTS} more (all in the JSON result)")
    return out


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: list[Fraction]) -> str:
    lo, hi = min(values), max(values)
    if hi == lo:
        return SPARK[-1] * len(values)
    return "".join(SPARK[int((v - lo) / (hi - lo) * (len(SPARK) - 1))] for v in values)


def _trend(events: tuple[Event, ...]) -> list[str]:
    """The latest recorded bars, from the history file: a sparkline and a small table."""
    if not events:
        return []
    totals = [percent(e.total) for e in events]
    rows = [
        f"| {md.escape(e.date[:10])} | {e.event} | {fmt_pct(t, 2)}% | {e.threshold[1]}% |"
        for e, t in zip(events, totals, strict=True)
    ]
    return [
        "",
        f"<details><summary>Recorded totals {sparkline(totals)} "
        f"({fmt_pct(totals[0], 2)}% → {fmt_pct(totals[-1], 2)}%)</summary>",
        "",
        "| Date | Event | Total | Threshold |",
        "|---|---|---:|---:|",
        *reversed(rows),
        "",
        "</details>",
    ]


def _sort_key(c: FileChange) -> tuple[int, float, str]:
    """Most newly uncovered first, then the biggest drop (floats: only an order for display)."""
    before, after = c.before or Counts(), c.after or Counts()
    drop = after.percent - before.percent if c.before and c.after else 0.0
    return (-(after.missing - before.missing), drop, c.path)


def _row(c: FileChange, unmeasured: frozenset[str]) -> str:
    b = _pct(c.before) if c.before else "new"
    a = _pct(c.after) if c.after else "not in report" if c.path in unmeasured else "removed"
    d = f"{signed(c.delta)}" if c.delta is not None else ""
    unc_b = c.before.missing if c.before else 0
    unc_a = c.after.missing if c.after else 0
    return f"| {md.path(c.path)} | {b} | {a} | {d} | {unc_b} → {unc_a} |"


def _changed(
    changes: tuple[FileChange, ...], budget: int, max_rows: int, unmeasured: frozenset[str]
) -> list[str]:
    if not changes:
        return []
    head = [
        f"<details><summary>Files whose coverage changed ({len(changes)})</summary>",
        "",
        "| File | Before | After | Δ points | Uncovered |",
        "|---|---:|---:|---:|---:|",
    ]
    rows = (_row(c, unmeasured) for c in heapq.nsmallest(max_rows, changes, key=_sort_key))
    table = md.table(head, rows, total=len(changes), max_rows=max_rows, budget=budget - 20)
    return ["", *table, "", "</details>"]


def render(
    result: Result,
    *,
    ident: str = "",
    run_url: str | None = None,
    hidden: bool = True,
    max_rows: int = MAX_ROWS,
    budget: int = BUDGET,
) -> str:
    """The comment; ``hidden=False`` leaves out the marker and state lines (the job summary
    and ``check --format markdown``: the same content, nothing to find again)."""
    v = result.verdict
    out = [marker(ident), state(result)] if hidden else []
    out += _headline(result)
    out += _components(v)
    out += _accepted(result.accepted, result.lowered, result.source)
    out += _failures(result.failures)
    out += _notes(v.notes + result.warnings)
    reasons = why(v)
    if reasons:
        out += ["", "**Why the numbers moved**", "", *reasons]
    out += _update(result.plan)
    out += _trend(result.trend)
    footer = [
        "",
        f"<sub>coverage-ratchet{f' · [workflow run]({run_url})' if run_url else ''}</sub>",
    ]
    if result.patch is not None:
        # Half of what is left for the changed lines' tables, the rest for the total's.
        room = (budget - md.size(out + footer)) // 2
        section = patch_render.markdown(result.patch, budget=room)
        out += ["", *section.rstrip("\n").split("\n")]
    out += _changed(v.changes, budget - md.size(out + footer), max_rows, v.unmeasured)
    body = "\n".join(out + footer) + "\n"
    if len(body) > MAX_COMMENT:  # pragma: no cover - every part above is bounded
        body = body[: MAX_COMMENT - 2] + "…\n"
    return body
