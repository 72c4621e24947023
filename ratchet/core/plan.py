"""What ``ratchet update`` (and ``ratchet accept``) record, worked out once, purely.

A ``Plan`` names every value of ``[tool.ratchet]`` and every line of the per-file baseline
that changes, old -> new, with the reason; or why nothing may be recorded. ``update``,
``--dry-run``, ``push-update`` and every renderer read the same plan; ``ratchet.store.recording``
turns it into file contents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from ratchet.core.bar import floor_lower
from ratchet.core.config import Config
from ratchet.core.models import Baseline, Counts, Report
from ratchet.core.numbers import floor_step, fmt_pct, percent, percent_order
from ratchet.core.results import (
    BAD_INPUT,
    LINE_KEPT,
    LINE_NEW,
    LINE_RAISED,
    LINE_REMOVED,
    LINE_REMOVED_CODE,
    LINE_TIGHTENED,
    REGRESSION,
    Blocker,
    ComponentBar,
    FileLine,
    Plan,
    Setting,
    Verdict,
)
from ratchet.core.rules import (
    BAR_LOWERED,
    BELOW_THRESHOLD,
    FILE_MISSING,
    TOTAL_REGRESSION,
    component_totals,
    describe,
    named,
    new_threshold,
)

REMOVED_CODE = "covered code was removed"

# Failures that make update refuse: the total failed the ratchet. A file's own drop keeps
# the file's old line instead (never recorded lower) and lets the rest of the bar rise.
TOTAL_FAILURES = frozenset({BELOW_THRESHOLD, TOTAL_REGRESSION, BAR_LOWERED})


def _blockers(verdict: Verdict, config: Config, extra: Iterable[Blocker]) -> list[Blocker]:
    out = list(extra)
    if any(f.kind in TOTAL_FAILURES for f in verdict.failures):
        out.append(Blocker(REGRESSION, "the total failed the ratchet"))
    missing = sorted(f.path for f in verdict.failures if f.kind == FILE_MISSING and f.path)
    if missing:
        where = config.baseline_file or "the per-file baseline"
        out.append(
            Blocker(
                BAD_INPUT,
                f"{len(missing)} file(s) with a per-file baseline still exist but are not in "
                f"the report ({named(missing)}): re-run the tests so that the report measures "
                f"them, or stop tracking them on purpose (delete their lines from {where}, or "
                "`ratchet accept --reason ...`)",
            )
        )
    return out


def _threshold_setting(old: Decimal, new: Decimal, pct: Fraction, config: Config) -> Setting:
    clear = f", clearing it by the tolerance {config.tolerance}" if config.tolerance else ""
    return Setting(
        "threshold",
        f"{old}%",
        f"{new}%",
        f"the total {fmt_pct(pct)}% reached the {new}% step{clear}",
    )


def _baseline_after(old: Baseline | None, totals: Counts) -> tuple[Baseline | None, str]:
    """The baseline update records, and why (empty: it stays)."""
    pct = percent(totals)
    if old is None:
        return Baseline.of(totals), "first recorded baseline"
    if pct > old.percent:
        return Baseline.of(totals), "the total rose"
    if not old.exact and pct >= old.percent:
        return Baseline.of(totals), "records the exact counts of a run that reaches the percent"
    if pct < old.percent and old.uncovered is not None and totals.missing <= old.uncovered:
        # check passes such a run (no line became uncovered); kept, the old baseline would
        # hold the next change to covered lines that are gone (issue 21, item 2).
        return (
            Baseline.of(totals),
            f"{REMOVED_CODE} (uncovered {old.uncovered} -> {totals.missing}, measured "
            f"{old.measured if old.measured is not None else '?'} -> {totals.valid})",
        )
    if old.uncovered is not None and totals.missing < old.uncovered:
        return (
            replace(old, uncovered=totals.missing),
            f"fewer uncovered lines+branches at the same baseline ({old.uncovered} -> "
            f"{totals.missing})",
        )
    return old, ""


def file_lines(
    report: Report, old: Mapping[str, Counts] | None, keep: Iterable[str] = ()
) -> tuple[list[FileLine], list[FileLine]]:
    """The per-file lines that change, and those kept although the file's coverage fell.

    A file whose percent fell keeps its old line (its bar is never recorded lower); a file
    absent from the report leaves, unless named in ``keep`` (absent but still in the tree)."""
    prev_all = old or {}
    keep = set(keep)
    changed: list[FileLine] = []
    kept: list[FileLine] = []
    seen: set[str] = set()
    for f in report.files:
        seen.add(f.path)
        prev = prev_all.get(f.path)
        if prev is None:
            changed.append(FileLine(f.path, None, f.counts, LINE_NEW))
        elif (order := percent_order(f.counts, prev)) < 0:  # the percent fell
            if f.counts.missing <= prev.missing:  # covered code deleted: not a drop
                changed.append(FileLine(f.path, prev, f.counts, LINE_REMOVED_CODE))
            else:
                kept.append(FileLine(f.path, prev, prev, LINE_KEPT))
        elif prev != f.counts and not floor_lower(f.counts, prev):
            # (At the same percent, more uncovered would exempt more: the old line stays.)
            raised = order > 0
            changed.append(
                FileLine(f.path, prev, f.counts, LINE_RAISED if raised else LINE_TIGHTENED)
            )
    for path, prev in prev_all.items():
        if path not in seen and path not in keep:
            changed.append(FileLine(path, prev, None, LINE_REMOVED))
    changed.sort(key=lambda line: line.path)
    return changed, kept


def make(
    report: Report,
    verdict: Verdict,
    config: Config,
    old_files: Mapping[str, Counts] | None,
    *,
    blockers: Iterable[Blocker] = (),
) -> Plan:
    """What ``update`` records for ``report``: ``verdict`` is the report held to
    ``config`` (the working copy's, which update edits); ``blockers`` are the problems with
    the input the caller found (a stale report, say)."""
    found = _blockers(verdict, config, blockers)
    totals = report.totals
    pct = percent(totals)
    threshold = new_threshold(pct, config)
    baseline, why = _baseline_after(config.baseline, totals)
    settings: list[Setting] = []
    if threshold != config.threshold:
        settings.append(_threshold_setting(config.threshold, threshold, pct, config))
    if why:
        old = describe(config.baseline) if config.baseline is not None else None
        assert baseline is not None
        settings.append(Setting("baseline", old, describe(baseline), why))
    lines: list[FileLine] = []
    kept: list[FileLine] = []
    if config.baseline_file is not None:
        lines, kept = file_lines(report, old_files, keep=verdict.unmeasured)
    bars = _component_bars(report, config, settings, accept=False)
    return Plan(
        threshold,
        baseline,
        tuple(settings),
        tuple(lines),
        tuple(kept),
        tuple(found),
        bars,
        _reason(settings, lines),
    )


def _reason(settings: list[Setting], lines: list[FileLine]) -> str | None:
    """What the history says of an update that follows deleted covered code down: the
    bars it lowers in percent, each without a line more left uncovered."""
    moved = [s.key for s in settings if s.reason.startswith(REMOVED_CODE)]
    files = [line.path for line in lines if line.reason == LINE_REMOVED_CODE]
    if not moved and not files:
        return None
    what = moved + ([f"{len(files)} per-file line(s) ({named(files)})"] if files else [])
    return (
        f"{REMOVED_CODE}: {', '.join(what)} recorded lower in percent, with no more "
        "lines+branches left uncovered"
    )


def _component_bars(
    report: Report, config: Config, settings: list[Setting], *, accept: bool
) -> tuple[ComponentBar, ...]:
    """Each component's bar after update (raised on its own, as the total) or accept (the
    report as it is, the threshold lowered only as far as it must); ``settings`` gets what
    changes."""
    found = component_totals(report, config.components)
    out = []
    for c in config.components:
        totals = found.get(c.name, Counts())
        pct = percent(totals)
        step = c.step if c.step is not None else config.step
        key = f"components.{c.name}"
        if accept:
            threshold = c.threshold
            if pct < Fraction(threshold):
                threshold = min(floor_step(pct, step), config.max_threshold)
            baseline: Baseline | None = Baseline.of(totals)
            why = "accepted" if baseline != c.baseline else ""
            reason = "accepted: the total is below the threshold"
        else:
            own = replace(config, threshold=c.threshold, step=step)
            threshold = new_threshold(pct, own)
            baseline, why = _baseline_after(c.baseline, totals)
            reason = f"its total {fmt_pct(pct)}% reached the {threshold}% step"
        if threshold != c.threshold:
            settings.append(Setting(f"{key}.threshold", f"{c.threshold}%", f"{threshold}%", reason))
        if why and baseline is not None:
            old = describe(c.baseline) if c.baseline is not None else None
            settings.append(Setting(f"{key}.baseline", old, describe(baseline), why))
        out.append(ComponentBar(c.name, threshold, baseline))
    return tuple(out)


def make_accept(
    report: Report,
    config: Config,
    old_files: Mapping[str, Counts] | None,
    *,
    blockers: Iterable[Blocker] = (),
) -> Plan:
    """What ``ratchet accept`` records: the report as the new baseline, whatever it is;
    the threshold lowered to the step at or below the total only if it must be."""
    totals = report.totals
    pct = percent(totals)
    threshold = config.threshold
    settings: list[Setting] = []
    if pct < Fraction(threshold):
        threshold = min(floor_step(pct, config.step), config.max_threshold)
        settings.append(
            Setting(
                "threshold",
                f"{config.threshold}%",
                f"{threshold}%",
                f"accepted: the total {fmt_pct(pct)}% is below the threshold",
            )
        )
    baseline = Baseline.of(totals)
    if config.baseline != baseline:
        old = describe(config.baseline) if config.baseline is not None else None
        settings.append(Setting("baseline", old, describe(baseline), "accepted"))
    bars = _component_bars(report, config, settings, accept=True)
    lines: list[FileLine] = []
    if config.baseline_file is not None:
        current = {f.path: f.counts for f in report.files}
        for path in sorted(set(current) | set(old_files or {})):
            before = (old_files or {}).get(path)
            after = current.get(path)
            if before != after:
                reason = (
                    LINE_NEW if before is None else LINE_REMOVED if after is None else "accepted"
                )
                lines.append(FileLine(path, before, after, reason))
    return Plan(threshold, baseline, tuple(settings), tuple(lines), (), tuple(blockers), bars)
