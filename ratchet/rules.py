"""The ratchet itself: a report against a baseline, as pure functions over values.

Every decision compares exact fractions. A drop in percent fails only when something
became uncovered: deleting covered code lowers the percent but cannot raise the number of
uncovered lines and branches, and that is not a regression.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ratchet.config import Config
from ratchet.models import Counts, Report
from ratchet.numbers import floor_step, floor_to, fmt_margin, fmt_pct, percent

BELOW_THRESHOLD = "below_threshold"
TOTAL_REGRESSION = "total_regression"
FILE_REGRESSION = "file_regression"
FILE_MISSING = "file_missing"
BAR_LOWERED = "bar_lowered"

# Failures `ratchet update` records past: the file keeps its old per-file line (never
# recorded lower, never dropped while it exists), so it need not hold back the total.
KEEPS_FILE_LINE = frozenset({FILE_REGRESSION, FILE_MISSING})


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
    after: Counts | None  # None: the file is gone from the report (see Verdict.unmeasured)

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

    @property
    def new_baseline_uncovered(self) -> int | None:
        """What `ratchet update` records beside ``new_baseline`` (see the function)."""
        return new_baseline_uncovered(
            self.totals, self.baseline, self.baseline_uncovered, self.new_baseline
        )

    @property
    def unmeasured(self) -> frozenset[str]:
        """Files of the per-file baseline missing from the report though still in the tree
        (the other absent ones were removed)."""
        return frozenset(f.path for f in self.failures if f.kind == FILE_MISSING and f.path)

    @property
    def tightens_uncovered(self) -> bool:
        """`update` records fewer uncovered lines+branches at an unchanged baseline."""
        return (
            self.baseline is not None
            and self.new_baseline == self.baseline
            and self.new_baseline_uncovered is not None
            and self.new_baseline_uncovered != self.baseline_uncovered
        )

    @property
    def update_blockers(self) -> tuple[Failure, ...]:
        """The failures that make `ratchet update` refuse to record anything."""
        return update_blockers(self.failures)


def update_blockers(failures: tuple[Failure, ...] | list[Failure]) -> tuple[Failure, ...]:
    """What `ratchet update` refuses to record: anything but a file's own drop or absence
    (those keep the file's old per-file line and let the rest of the bar rise)."""
    return tuple(f for f in failures if f.kind not in KEEPS_FILE_LINE)


def new_threshold(pct: Fraction, config: Config) -> Decimal:
    """Highest step reached, capped at max_threshold, never below the current threshold.

    A step counts as reached once the total clears it by ``tolerance``: the points a
    project declares its total wobbles by. The threshold is a hard floor, so a bar raised to
    95 on a total of 95.01 that wobbles by 0.2 would fail about every other run."""
    clear = pct - Fraction(config.tolerance)
    reached = min(floor_step(max(clear, Fraction(0)), config.step), config.max_threshold)
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


Pair = tuple[Decimal, "int | None"]  # a baseline and its uncovered count, judged together


def held_to_ref(here: Config, ref: Config) -> tuple[Config, tuple[str, ...]]:
    """The bar in force when ``here`` (the working copy) is held to ``ref`` (the config at
    a git ref), and what ``here`` loosened.

    Every gate takes the stricter of the two values, each on its own: a branch can tighten
    its bar but not loosen the ref's. The baseline and its uncovered count are a pair (the
    count is the exemption *at that baseline*); ``evaluate`` judges the ref's pair and the
    working copy's pair each as a pair, so neither inflating the count beside a raised
    baseline nor mixing the two pairs can let a regression through or fail a good change.
    ``max_threshold`` and ``precision`` only shape what ``update`` records, but a lower one
    records a lower bar from then on, so lowering either is a loosening too. ``step`` is
    not held: a different step is neither stricter nor looser everywhere (at 100% a step
    of 3 reaches 99, a step of 5 reaches 100), and ``update`` never lowers the threshold.
    """
    if not ref.present:  # no bar at the ref yet: the branch introduces it
        return here, ()
    loosened: list[str] = []

    def lower(key: str, a: Decimal | None, b: Decimal | None) -> bool:
        """Whether ``here``'s floor ``a`` is below the ref's ``b`` (and say so)."""
        if b is not None and (a is None or a < b):
            loosened.append(f"{key} {a if a is not None else 'unset'} < {b}")
            return True
        return False

    def at_least(key: str) -> Any:
        """The ref's floor ``key`` where ``here`` lowered it, else ``here``'s."""
        a, b = getattr(here, key), getattr(ref, key)
        return b if lower(key, a, b) else a

    def at_most(key: str) -> Any:
        """The ref's allowance ``key`` where ``here`` raised it, else ``here``'s."""
        a, b = getattr(here, key), getattr(ref, key)
        if a > b:
            loosened.append(f"{key} {a} > {b}")
            return b
        return a

    threshold = at_least("threshold")
    max_threshold = at_least("max_threshold")
    baseline = at_least("baseline")
    if (
        baseline is not None
        and here.baseline == ref.baseline
        and ref.baseline_uncovered is not None
        and (here.baseline_uncovered is None or here.baseline_uncovered > ref.baseline_uncovered)
    ):
        # A None count is the strictest (no exemption), so only a larger one loosens.
        loosened.append(f"baseline_uncovered {here.baseline_uncovered} > {ref.baseline_uncovered}")
    if here.baseline == ref.baseline:
        uncovered = _min_uncovered(here.baseline_uncovered, ref.baseline_uncovered)
    else:
        uncovered = (here if baseline == here.baseline else ref).baseline_uncovered
    tolerance = at_most("tolerance")
    file_tolerance = at_most("file_tolerance")
    patch_threshold = at_least("patch_threshold")
    patch_empty = here.patch_empty
    if ref.patch_empty == "fail" and here.patch_empty != "fail":
        loosened.append(f"patch_empty {here.patch_empty!r} (was 'fail')")
        patch_empty = "fail"
    if ref.fail_on_indirect and not here.fail_on_indirect:
        loosened.append("fail_on_indirect false (was true)")
    if here.precision < ref.precision:
        loosened.append(f"precision {here.precision} < {ref.precision}")
    if ref.baseline_file is not None and here.baseline_file is None:
        loosened.append(f"baseline_file removed (was {ref.baseline_file!r})")
    bar = replace(
        here,
        threshold=threshold,
        max_threshold=max_threshold,
        baseline=baseline,
        baseline_uncovered=uncovered,
        tolerance=tolerance,
        file_tolerance=file_tolerance,
        patch_threshold=patch_threshold,
        patch_empty=patch_empty,
        fail_on_indirect=here.fail_on_indirect or ref.fail_on_indirect,
        precision=max(here.precision, ref.precision),
    )
    return bar, tuple(loosened)


def _min_uncovered(a: int | None, b: int | None) -> int | None:
    """The stricter exemption: None (no exemption at all) beats any count."""
    return None if a is None or b is None else min(a, b)


def _pairs(config: Config, ref: Config | None) -> list[Pair]:
    """The (baseline, uncovered) pairs to judge, strictest first."""
    pairs: set[Pair] = set()
    for c in (config, ref):
        if c is not None and c.baseline is not None:
            pairs.add((c.baseline, c.baseline_uncovered))
    # Highest baseline first; at one baseline a missing count (no exemption) first.
    return sorted(pairs, key=lambda p: (-p[0], -1 if p[1] is None else p[1]))


def _judge_baseline(
    totals: Counts, pairs: list[Pair], tolerance: Decimal
) -> tuple[Pair | None, Failure | None, str | None]:
    """The pair that decides, and its failure or its note. A failure against any pair
    fails; the note of an exempted drop is given only when nothing failed."""
    pct = percent(totals)
    noted: tuple[Pair, str] | None = None
    for baseline, uncovered in pairs:
        if pct >= Fraction(baseline) - Fraction(tolerance):
            continue
        gap = fmt_margin(Fraction(baseline) - pct)
        drop = f"{fmt_pct(pct)}% is {gap} points below the baseline {baseline}%"
        if uncovered is not None and totals.missing <= uncovered:
            if noted is None:
                noted = (
                    (baseline, uncovered),
                    f"total {drop}, but no line became uncovered ({totals.missing} "
                    f"uncovered, baseline {uncovered}): covered code was removed, which is "
                    "not a regression",
                )
            continue
        was = f" (uncovered {uncovered} -> {totals.missing})" if uncovered is not None else ""
        tol = f", tolerance {tolerance}" if tolerance else ""
        return (
            (baseline, uncovered),
            Failure(TOTAL_REGRESSION, None, f"total {drop}{tol}{was}"),
            None,
        )
    if noted is not None:
        return noted[0], None, noted[1]
    return (pairs[0] if pairs else None), None, None


def evaluate(
    report: Report,
    config: Config,
    file_baseline: Mapping[str, Counts] | None = None,
    *,
    ref_config: Config | None = None,
    exists: Callable[[str], bool] | None = None,
) -> Verdict:
    """Hold ``report`` against the configured bar (and, with ``ref_config``, the bar at a ref).

    ``exists(path)`` says whether a file of the per-file baseline is still in the working
    tree: one that is but is missing from the report fails (``FILE_MISSING``); one that is
    not was removed. Without ``exists``, every absent file counts as removed.
    """
    totals = report.totals
    pct = percent(totals)
    failures: list[Failure] = []
    notes: list[str] = []

    bar = config
    if ref_config is not None:
        bar, loosened = held_to_ref(config, ref_config)
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
    threshold = bar.threshold

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
    pairs = _pairs(config, ref_config if ref_config is not None and ref_config.present else None)
    shown, failure, note = _judge_baseline(totals, pairs, bar.tolerance)
    baseline, uncovered = shown if shown is not None else (None, None)
    if failure is not None:
        failures.append(failure)
    if note is not None:
        notes.append(note)

    changes: list[FileChange] = []
    before_total: Counts | None = None
    if file_baseline is not None:
        before_total = Counts()
        current = report.by_path()
        missing: list[str] = []
        removed = 0
        for path, before in file_baseline.items():
            before_total = before_total + before
            fc = current.get(path)
            if fc is None:
                changes.append(FileChange(path, before, None))
                if exists is not None and exists(path):
                    missing.append(path)
                else:
                    removed += 1
                continue
            if fc.counts != before:
                changes.append(FileChange(path, before, fc.counts))
                file_failure = _file_failure(path, before, fc.counts, bar.file_tolerance)
                if file_failure:
                    failures.append(file_failure)
        failures.extend(
            Failure(
                FILE_MISSING,
                p,
                f"{p}: has a per-file baseline but is not in the report, and the file still "
                "exists (a `paths` remap or an `omit`?)",
            )
            for p in missing
        )
        if missing or removed:
            notes.append(_absent_note(len(missing), removed))
        changes.extend(
            FileChange(p, None, f.counts) for p, f in current.items() if p not in file_baseline
        )
        changes.sort(key=lambda c: c.path)

    nt = new_threshold(pct, config)
    floor = floor_to(pct, config.precision)
    top = pairs[0][0] if pairs else None
    nb = max(floor, top) if top is not None else floor
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


def _absent_note(missing: int, removed: int) -> str:
    n = missing + removed
    return (
        f"{n} file(s) with a per-file baseline are not in the report: {missing} still "
        f"exist (a failure each), {removed} were removed from the tree (`ratchet update` "
        "drops their lines)"
    )


def new_baseline_uncovered(
    totals: Counts, baseline: Decimal | None, uncovered: int | None, new_baseline: Decimal
) -> int | None:
    """The uncovered count `update` records beside ``new_baseline``: the current one at a
    raised baseline; at an unchanged baseline only when it is fewer (a tighter exemption).
    No count at all is the strictest (no exemption), so none is never replaced by one."""
    if baseline is None or new_baseline > baseline:
        return totals.missing
    if uncovered is not None and totals.missing < uncovered:
        return totals.missing
    return uncovered


def updated_file_baseline(
    report: Report, old: Mapping[str, Counts] | None, *, keep: Iterable[str] = ()
) -> dict[str, Counts]:
    """Current counts per file, except where a file's percent fell: the old bar stays.

    Files absent from the report leave, except those named in ``keep`` (absent but still in
    the tree): their old line stays, so dropping one is a deliberate edit, never a side
    effect of a report that stopped measuring it."""
    prev_all = old or {}
    out: dict[str, Counts] = {p: prev_all[p] for p in keep if p in prev_all}
    for f in report.files:
        prev = prev_all.get(f.path)
        out[f.path] = prev if prev is not None and percent(prev) > percent(f.counts) else f.counts
    return out
