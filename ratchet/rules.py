"""The ratchet itself: a report against a baseline, as pure functions over values.

Every decision compares exact fractions. A drop in percent fails only when something
became uncovered: deleting covered code lowers the percent but cannot raise the number of
uncovered lines and branches, and that is not a regression.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from ratchet.config import Config
from ratchet.models import Counts, Report
from ratchet.numbers import floor_step, floor_to, fmt_margin, fmt_pct, percent

BELOW_THRESHOLD = "below_threshold"
TOTAL_REGRESSION = "total_regression"
FILE_REGRESSION = "file_regression"
BAR_LOWERED = "bar_lowered"


@dataclass(frozen=True)
class Failure:
    kind: str
    path: str | None  # None for the total
    message: str


@dataclass(frozen=True)
class FileChange:
    """A file whose counts differ from its per-file baseline (``before`` None: new file)."""

    path: str
    before: Counts | None
    after: Counts | None  # None: the file is gone from the report

    @property
    def delta(self) -> Fraction | None:
        if self.before is None or self.after is None:
            return None
        return percent(self.after) - percent(self.before)


@dataclass(frozen=True)
class Verdict:
    totals: Counts
    threshold: Decimal
    baseline: Decimal | None
    baseline_uncovered: int | None
    new_threshold: Decimal
    new_baseline: Decimal
    failures: tuple[Failure, ...]
    notes: tuple[str, ...]
    changes: tuple[FileChange, ...]
    before: Counts | None  # totals of the per-file baseline, when there is one

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def status(self) -> str:
        return "pass" if self.passed else "fail"

    @property
    def percent(self) -> Fraction:
        return percent(self.totals)

    @property
    def margin(self) -> Fraction:
        """Points above (positive) or below (negative) the threshold."""
        return self.percent - Fraction(self.threshold)

    @property
    def raises_bar(self) -> bool:
        return self.new_threshold > self.threshold or (
            self.baseline is None or self.new_baseline > self.baseline
        )


def new_threshold(pct: Fraction, config: Config) -> Decimal:
    """Highest step reached, capped at max_threshold, never below the current threshold."""
    reached = min(floor_step(pct, config.step), config.max_threshold)
    return max(reached, config.threshold)


def _file_failure(path: str, before: Counts, after: Counts, tol: Decimal) -> Failure | None:
    b, a = percent(before), percent(after)
    if a >= b - Fraction(tol) or after.missing <= before.missing:
        return None
    return Failure(
        FILE_REGRESSION,
        path,
        f"{path}: {fmt_pct(b)}% -> {fmt_pct(a)}% (-{fmt_margin(b - a)} points; "
        f"uncovered {before.missing} -> {after.missing})",
    )


def _stricter(here: Config, ref: Config, failures: list[Failure]) -> Config:
    """The bar of ``ref`` wherever the working copy loosened it; a loosening is a failure.

    Every value a branch could edit to get through is held to the ref: the threshold, the
    baseline and its uncovered count, and both tolerances.
    """
    loosened = []
    if here.threshold < ref.threshold:
        loosened.append(f"threshold {here.threshold} < {ref.threshold}")
    baseline, uncovered = here.baseline, here.baseline_uncovered
    if ref.baseline is not None:
        if baseline is None or baseline < ref.baseline:
            loosened.append(f"baseline {baseline} < {ref.baseline}")
            baseline, uncovered = ref.baseline, ref.baseline_uncovered
        elif (
            baseline == ref.baseline
            and ref.baseline_uncovered is not None
            and (uncovered is None or uncovered > ref.baseline_uncovered)
        ):
            loosened.append(f"baseline_uncovered {uncovered} > {ref.baseline_uncovered}")
            uncovered = ref.baseline_uncovered
    for key in ("tolerance", "file_tolerance"):
        if getattr(here, key) > getattr(ref, key):
            loosened.append(f"{key} {getattr(here, key)} > {getattr(ref, key)}")
    if loosened:
        failures.append(
            Failure(
                BAR_LOWERED,
                None,
                "this change loosens the bar set at the baseline ref ("
                + "; ".join(loosened)
                + "); the ref's values apply",
            )
        )
    return replace(
        here,
        threshold=max(here.threshold, ref.threshold),
        baseline=baseline,
        baseline_uncovered=uncovered,
        tolerance=min(here.tolerance, ref.tolerance),
        file_tolerance=min(here.file_tolerance, ref.file_tolerance),
    )


def evaluate(
    report: Report,
    config: Config,
    file_baseline: Mapping[str, Counts] | None = None,
    *,
    ref_config: Config | None = None,
) -> Verdict:
    """Hold ``report`` against the configured bar (and, with ``ref_config``, the bar at a ref)."""
    totals = report.totals
    pct = percent(totals)
    failures: list[Failure] = []
    notes: list[str] = []

    bar = config if ref_config is None else _stricter(config, ref_config, failures)
    threshold, baseline, uncovered = bar.threshold, bar.baseline, bar.baseline_uncovered

    count = f"{totals.covered}/{totals.valid} lines+branches"
    if pct < Fraction(threshold):
        failures.append(
            Failure(
                BELOW_THRESHOLD,
                None,
                f"total coverage {fmt_pct(pct)}% ({count}) is below the threshold "
                f"{threshold}% by {fmt_margin(Fraction(threshold) - pct)} points",
            )
        )
    if baseline is not None and pct < Fraction(baseline) - Fraction(bar.tolerance):
        gap = fmt_margin(Fraction(baseline) - pct)
        drop = f"{fmt_pct(pct)}% is {gap} points below the baseline {baseline}%"
        if uncovered is not None and totals.missing <= uncovered:
            notes.append(
                f"total {drop}, but no line became uncovered ({totals.missing} uncovered, "
                f"baseline {uncovered}): covered code was removed, which is not a regression"
            )
        else:
            was = f" (uncovered {uncovered} -> {totals.missing})" if uncovered is not None else ""
            tol = f", tolerance {bar.tolerance}" if bar.tolerance else ""
            failures.append(Failure(TOTAL_REGRESSION, None, f"total {drop}{tol}{was}"))

    changes: list[FileChange] = []
    before_total: Counts | None = None
    if file_baseline is not None:
        before_total = Counts()
        current = report.by_path()
        for path, before in file_baseline.items():
            before_total = before_total + before
            fc = current.get(path)
            if fc is None:
                changes.append(FileChange(path, before, None))
                continue
            if fc.counts != before:
                changes.append(FileChange(path, before, fc.counts))
                failure = _file_failure(path, before, fc.counts, bar.file_tolerance)
                if failure:
                    failures.append(failure)
        changes.extend(
            FileChange(p, None, f.counts) for p, f in current.items() if p not in file_baseline
        )
        changes.sort(key=lambda c: c.path)

    nt = new_threshold(pct, config)
    floor = floor_to(pct, config.precision)
    nb = max(floor, baseline) if baseline is not None else floor
    return Verdict(
        totals=totals,
        threshold=threshold,
        baseline=baseline,
        baseline_uncovered=uncovered,
        new_threshold=max(nt, threshold),
        new_baseline=nb,
        failures=tuple(failures),
        notes=tuple(notes),
        changes=tuple(changes),
        before=before_total,
    )


def updated_file_baseline(report: Report, old: Mapping[str, Counts] | None) -> dict[str, Counts]:
    """Current counts per file, except where a file's percent fell: the old bar stays."""
    out: dict[str, Counts] = {}
    for f in report.files:
        prev = (old or {}).get(f.path)
        out[f.path] = prev if prev is not None and percent(prev) > percent(f.counts) else f.counts
    return out
