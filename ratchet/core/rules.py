"""The ratchet itself: a report against a baseline, as pure functions over values.

Every decision compares exact fractions. A drop in percent fails only when something
became uncovered: deleting covered code lowers the percent but cannot raise the number of
uncovered lines and branches, and that is not a regression.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from ratchet.core import bar as bar_mod
from ratchet.core import results
from ratchet.core.bar import MAX_NAMED as MAX_NAMED
from ratchet.core.bar import component_of as component_of
from ratchet.core.bar import describe as describe
from ratchet.core.bar import named as named
from ratchet.core.config import Component, Config
from ratchet.core.measure import MEASURE_BRANCHES, appeared_note, branches_appeared
from ratchet.core.models import Baseline, Counts, Report
from ratchet.core.numbers import floor_step, fmt_margin, fmt_pct, percent
from ratchet.core.results import ComponentVerdict, Failure, FileChange, Verdict

BELOW_THRESHOLD = "below_threshold"
TOTAL_REGRESSION = "total_regression"
FILE_REGRESSION = "file_regression"
# Before the lines a fallen file no longer runs, in its message (``intake.with_lines``).
NOT_RUN = "; not run: "
FILE_MISSING = results.FILE_MISSING
BAR_LOWERED = "bar_lowered"
COMPONENT_BELOW_THRESHOLD = "component_below_threshold"
COMPONENT_REGRESSION = "component_regression"


def new_threshold(pct: Fraction, config: Config) -> Decimal:
    """Highest step reached, capped at max_threshold, never below the current threshold.

    A step counts as reached once the total clears it by ``tolerance``: the points a
    project declares its total wobbles by. The threshold is a hard floor, so a bar raised to
    95 on a total of 95.01 that wobbles by 0.2 would fail about every other run."""
    clear = pct - Fraction(config.tolerance)
    reached = min(floor_step(max(clear, Fraction(0)), config.step), config.max_threshold)
    return max(reached, config.threshold)


def _file_failure(
    path: str, before: Counts, after: Counts, tol: Decimal, was: str | None = None
) -> Failure | None:
    if after.missing <= before.missing or percent(after) >= percent(before) - Fraction(tol):
        return None
    b, a = percent(before), percent(after)
    name = f"{path} (renamed from {was})" if was else path
    return Failure(
        FILE_REGRESSION,
        path,
        f"{name}: {fmt_pct(b)}% -> {fmt_pct(a)}% (-{fmt_margin(b - a)} points; "
        f"uncovered {before.missing} -> {after.missing})",
    )


def held_to_ref(here: Config, ref: Config) -> tuple[Config, tuple[str, ...]]:
    """The bar in force when ``here`` (the working copy) is held to ``ref`` (the config at
    a git ref), and what ``here`` loosened (``bar.compare`` decides that, one clause each).

    Every gate takes the stricter of the two values, each on its own: a branch can tighten
    its bar but not loosen the ref's. The baseline and its uncovered count are a pair (the
    count is the exemption *at that baseline*); ``evaluate`` judges the ref's pair and the
    working copy's pair each as a pair, so neither inflating the count beside a raised
    baseline nor mixing the two pairs can let a regression through or fail a good change.
    Baselines compare exactly (their counts), never as rounded percents.
    ``max_threshold`` and ``precision`` only shape what ``update`` records, but a lower one
    records a lower bar from then on, so lowering either is a loosening too. ``step`` is
    not held: a different step is neither stricter nor looser everywhere (at 100% a step
    of 3 reaches 99, a step of 5 reaches 100), and ``update`` never lowers the threshold.
    """
    if not ref.has_bar:  # no bar at the ref yet: the branch introduces it
        return here, ()
    loosened = tuple(x.message for x in bar_mod.compare(bar_mod.of(ref), bar_mod.of(here)))
    baseline = here.baseline
    hb, rb = here.baseline, ref.baseline
    if rb is not None:
        if hb is None or hb.percent < rb.percent:
            baseline = rb
        elif hb.percent == rb.percent and rb.uncovered is not None:
            baseline = replace(hb, uncovered=_min_uncovered(hb.uncovered, rb.uncovered))
    patch_threshold = here.patch_threshold
    if ref.patch_threshold is not None and (
        patch_threshold is None or patch_threshold < ref.patch_threshold
    ):
        patch_threshold = ref.patch_threshold
    expect = here.expect_reports
    if ref.expect_reports is not None and (expect is None or expect < ref.expect_reports):
        expect = ref.expect_reports
    bar = replace(
        here,
        threshold=max(here.threshold, ref.threshold),
        max_threshold=max(here.max_threshold, ref.max_threshold),
        baseline=baseline,
        tolerance=min(here.tolerance, ref.tolerance),
        file_tolerance=min(here.file_tolerance, ref.file_tolerance),
        patch_threshold=patch_threshold,
        patch_empty="fail" if ref.patch_empty == "fail" else here.patch_empty,
        fail_on_indirect=here.fail_on_indirect or ref.fail_on_indirect,
        precision=max(here.precision, ref.precision),
        expect_reports=expect,
        components=_held_components(here.components, ref.components),
        present=True,
        recorded=True,
    )
    return bar, loosened


def _held_components(
    here: tuple[Component, ...], ref: tuple[Component, ...]
) -> tuple[Component, ...]:
    """Each component of the ref held as the total is: its threshold, baseline and
    patch_threshold may not go down, nor may it go away. ``paths`` follow the working copy
    (the files the ref's paths held are held by ``evaluate``'s ``extra_members``), and a
    component new on the branch brings its own bar."""
    mine = {c.name: c for c in here}
    out = list(here)
    for r in ref:
        c = mine.get(r.name)
        if c is None:
            out.append(r)
            continue
        baseline, patch = c.baseline, c.patch_threshold
        if bar_mod.baseline_lower(c.baseline, r.baseline) is not None:
            baseline = r.baseline
        if r.patch_threshold is not None and (patch is None or patch < r.patch_threshold):
            patch = r.patch_threshold
        out[out.index(c)] = replace(
            c, threshold=max(c.threshold, r.threshold), baseline=baseline, patch_threshold=patch
        )
    return tuple(out)


def _min_uncovered(a: int | None, b: int | None) -> int | None:
    """The stricter exemption: None (no exemption at all) beats any count."""
    return None if a is None or b is None else min(a, b)


def _pairs(config: Config, ref: Config | None) -> list[Baseline]:
    """The baselines (each with its uncovered count) to judge, strictest first."""
    pairs: list[Baseline] = []
    for c in (config, ref):
        if c is not None and c.baseline is not None and c.baseline not in pairs:
            pairs.append(c.baseline)
    # Highest baseline first; at one baseline a missing count (no exemption) first.
    return sorted(pairs, key=lambda b: (-b.percent, -1 if b.uncovered is None else b.uncovered))


def _judge_baseline(
    totals: Counts, pairs: list[Baseline], tolerance: Decimal
) -> tuple[Baseline | None, Failure | None, str | None]:
    """The baseline that decides, and its failure or its note. A failure against any one
    fails; the note of an exempted drop is given only when nothing failed."""
    pct = percent(totals)
    noted: tuple[Baseline, str] | None = None
    for b in pairs:
        if pct >= b.percent - Fraction(tolerance):
            continue
        drop = (
            f"{fmt_pct(pct)}% ({totals.covered}/{totals.valid}) is "
            f"{fmt_margin(b.percent - pct)} points below the baseline {describe(b)}"
        )
        uncovered = b.uncovered
        if uncovered is not None and totals.missing <= uncovered:
            if noted is None:
                noted = (
                    b,
                    f"total {drop}, but no line became uncovered ({totals.missing} "
                    f"uncovered, baseline {uncovered}): covered code was removed, which is "
                    "not a regression",
                )
            continue
        was = f" (uncovered {uncovered} -> {totals.missing})" if uncovered is not None else ""
        tol = f", tolerance {tolerance}" if tolerance else ""
        return b, Failure(TOTAL_REGRESSION, None, f"total {drop}{tol}{was}"), None
    if noted is not None:
        return noted[0], None, noted[1]
    return (pairs[0] if pairs else None), None, None


def component_totals(
    report: Report,
    components: tuple[Component, ...],
    extra: Mapping[str, frozenset[str]] | None = None,
) -> dict[str, Counts]:
    """Each component's counts (a component none of whose files is measured is absent).
    ``extra``: more files each component holds besides those its globs give it first (the
    files its paths held at the baseline ref)."""
    which = component_of(components)
    out: dict[str, Counts] = {}
    for f in report.files:
        name = which(f.path)
        if name is not None:
            out[name] = out.get(name, Counts()) + f.counts
    if extra:
        current = report.by_path()
        for name, paths in extra.items():
            for p in paths:
                fc = current.get(p)
                if fc is not None and which(p) != name:
                    out[name] = out.get(name, Counts()) + fc.counts
    return out


def incomparable(
    report: Report,
    config: Config,
    file_baseline: Mapping[str, Counts] | None,
    *,
    new_measure: bool = False,
) -> str | None:
    """Why ``report`` cannot be held to this bar at all (a problem with the input, not a
    regression), or None: a component it does not measure; the bar measured with branches
    and the report (or one of the reports merged into it) without, so branch misses would
    silently vanish; or the other way round (``branches_appeared``), unless ``new_measure``
    (``accept``, the sanctioned way to record the new measure)."""
    if config.components:
        found = component_totals(report, config.components)
        empty = [c for c in config.components if c.name not in found]
        if empty:
            c = empty[0]
            return (
                f"the report measures none of the files of component {c.name} "
                f"({', '.join(c.paths)}): run its tests under coverage and include their "
                "report, or correct its paths"
            )
    if report.totals.branches_valid and not report.branchless:
        return None if new_measure else branches_appeared(report, config, file_baseline)
    had = config.baseline is not None and bool(config.baseline.branches)
    with_branches = None
    if not had and file_baseline:
        with_branches = next((p for p, c in file_baseline.items() if c.branches_valid), None)
    if not had and with_branches is None:
        return None
    where = (
        f"the baseline measured {config.baseline.branches} branches"
        if had and config.baseline is not None
        else f"the per-file baseline measured branches ({with_branches}, ...)"
    )
    if report.totals.branches_valid:
        names = ", ".join(report.branchless)
        return (
            f"{names} measured no branches, but {where}: merged with the other reports, "
            "their branch misses would vanish. Run every shard with branch coverage "
            f"({MEASURE_BRANCHES})"
        )
    return (
        f"the report measures no branches, but {where}: branch measurement is off since the "
        "bar was recorded, and judged without it every branch miss would vanish. Measure "
        f"branches again ({MEASURE_BRANCHES})"
    )


def file_changes(report: Report, file_baseline: Mapping[str, Counts]) -> tuple[FileChange, ...]:
    """Each file whose counts differ from its per-file baseline (new, gone or moved), by
    path."""
    current = report.by_path()
    changes = [
        FileChange(path, before, None if fc is None else fc.counts)
        for path, before in file_baseline.items()
        if (fc := current.get(path)) is None or fc.counts != before
    ]
    changes += (FileChange(p, None, f.counts) for p, f in current.items() if p not in file_baseline)
    return tuple(sorted(changes, key=lambda c: c.path))


def evaluate(
    report: Report,
    config: Config,
    file_baseline: Mapping[str, Counts] | None = None,
    *,
    ref_config: Config | None = None,
    held: tuple[Config, tuple[str, ...]] | None = None,
    exists: Callable[[str], bool] | None = None,
    extra_members: Mapping[str, frozenset[str]] | None = None,
    renamed: Mapping[str, str] | None = None,
) -> Verdict:
    """Hold ``report`` against the configured bar (and, with ``ref_config``, the bar at a ref).

    ``held``: ``held_to_ref(config, ref_config)`` when the caller has it already (it needs
    the bar too), so that it is worked out once.
    ``exists(path)`` says whether a file of the per-file baseline is still in the working
    tree: one that is but is missing from the report fails (``FILE_MISSING``); one that is
    not was removed. Without ``exists``, every absent file counts as removed.
    ``extra_members``: files a component holds besides its own globs' (``component_totals``).
    ``renamed``: new path -> old path of files whose per-file line moved with them (git's
    rename detection), so a message names both.
    """
    totals = report.totals
    failures: list[Failure] = []
    notes: list[str] = []
    bar = config
    if ref_config is not None:
        bar, loosened = held if held is not None else held_to_ref(config, ref_config)
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
    failures += _below_threshold(totals, bar.threshold)
    pairs = _pairs(config, ref_config if ref_config is not None and ref_config.has_bar else None)
    baseline, failure, note = _judge_baseline(totals, pairs, bar.tolerance)
    failures += [failure] if failure is not None else []
    notes += [note] if note is not None else []
    changes: tuple[FileChange, ...] = ()
    before_total: Counts | None = None
    if file_baseline is not None:
        before_total = sum(file_baseline.values(), Counts())
        changes = file_changes(report, file_baseline)
        file_failures, removed = _judge_files(changes, file_baseline, bar, exists, renamed or {})
        failures += file_failures
        notes += [removed] if removed is not None else []
    verdicts = _components(report, bar, extra_members)
    if verdicts:
        failures = _with_components(failures, bar, verdicts)
    cause = appeared_note(report, bar, file_baseline) if failures else None
    notes += [cause] if cause is not None else []
    return Verdict(
        totals=totals,
        threshold=bar.threshold,
        baseline=baseline,
        failures=tuple(failures),
        notes=tuple(notes),
        changes=changes,
        before=before_total,
        components=verdicts,
    )


def _below_threshold(totals: Counts, threshold: Decimal) -> list[Failure]:
    """The total below the threshold: a hard floor, with no tolerance."""
    pct = percent(totals)
    if pct >= Fraction(threshold):
        return []
    count = f"{totals.covered}/{totals.valid} lines+branches"
    return [
        Failure(
            BELOW_THRESHOLD,
            None,
            f"total coverage {fmt_pct(pct)}% ({count}) is below the threshold "
            f"{threshold}% by {fmt_margin(Fraction(threshold) - pct)} points",
        )
    ]


def _judge_files(
    changes: tuple[FileChange, ...],
    file_baseline: Mapping[str, Counts],
    bar: Config,
    exists: Callable[[str], bool] | None,
    renamed: Mapping[str, str],
) -> tuple[list[Failure], str | None]:
    """Each file of the per-file baseline held to its line, in the baseline's order: a
    fall that left more of it uncovered fails; a file the report lacks though it is still
    in the tree fails (``FILE_MISSING``); one gone from the tree was removed, which is no
    failure, only said (the note)."""
    moved = {c.path: c for c in changes}
    failures: list[Failure] = []
    missing: list[str] = []
    removed: list[str] = []
    for path in file_baseline:
        c = moved.get(path)
        if c is None or c.before is None:
            continue
        if c.after is None:
            (missing if exists is not None and exists(c.path) else removed).append(c.path)
            continue
        fell = _file_failure(c.path, c.before, c.after, bar.file_tolerance, renamed.get(c.path))
        failures += [fell] if fell is not None else []
    failures.extend(
        Failure(
            FILE_MISSING,
            p,
            f"{p}: has a per-file baseline but is not in the report, and the file still "
            "exists (a `paths` remap or an `omit`?)",
        )
        for p in missing
    )
    if not removed:
        return failures, None
    return failures, (
        f"{len(removed)} file(s) with a per-file baseline were removed from the tree "
        f"({named(removed)}): `ratchet update` drops their lines"
    )


def _with_components(
    failures: list[Failure], bar: Config, verdicts: tuple[ComponentVerdict, ...]
) -> list[Failure]:
    """The failures, a file's each naming the component the file is in, then each
    component's own."""
    which = component_of(bar.components)
    out = [replace(f, component=which(f.path)) if f.path is not None else f for f in failures]
    for cv in verdicts:
        out.extend(cv.failures)
    return out


def _components(
    report: Report, bar: Config, extra: Mapping[str, frozenset[str]] | None = None
) -> tuple[ComponentVerdict, ...]:
    """Each component held to its own threshold and baseline, as the total is."""
    found = component_totals(report, bar.components, extra)
    out = []
    for c in bar.components:
        totals = found.get(c.name, Counts())
        pct = percent(totals)
        failures = []
        if pct < Fraction(c.threshold):
            failures.append(
                Failure(
                    COMPONENT_BELOW_THRESHOLD,
                    None,
                    f"component {c.name}: coverage {fmt_pct(pct)}% ({totals.covered}/"
                    f"{totals.valid}) is below its threshold {c.threshold}% by "
                    f"{fmt_margin(Fraction(c.threshold) - pct)} points",
                    c.name,
                )
            )
        pairs = [c.baseline] if c.baseline is not None else []
        _, failure, _ = _judge_baseline(totals, pairs, bar.tolerance)
        if failure is not None:
            failures.append(
                Failure(
                    COMPONENT_REGRESSION, None, f"component {c.name}: {failure.message}", c.name
                )
            )
        out.append(ComponentVerdict(c.name, totals, c.threshold, c.baseline, tuple(failures)))
    return tuple(out)
