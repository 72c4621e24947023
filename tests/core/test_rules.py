"""The ratchet's decisions: exact, boundary by boundary."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from ratchet.core import rules
from ratchet.core.config import Component, Config
from ratchet.core.models import Baseline, Counts, FileCoverage, Report

pytestmark = pytest.mark.unit


def report(files: dict[str, Counts] | None = None, /, **by_name: Counts) -> Report:
    """``report(a=...)`` or ``report({"pkg/a.py": ...})``."""
    merged = {**(files or {}), **by_name}
    return Report(tuple(FileCoverage(p, c) for p, c in sorted(merged.items())))


def lines(valid: int, covered: int, bv: int = 0, bc: int = 0) -> Counts:
    return Counts(valid, covered, bv, bc)


def cfg(**kw) -> Config:
    """Numbers as in pyproject.toml; a numeric ``baseline`` (with ``baseline_uncovered``) is
    a percent as versions before the exact counts recorded it, still honoured."""
    uncovered = kw.pop("baseline_uncovered", None)
    kw = {
        k: Decimal(str(v))
        if isinstance(v, (int, float)) and not isinstance(v, bool) and k != "precision"
        else v
        for k, v in kw.items()
    }
    if isinstance(kw.get("baseline"), Decimal):
        kw["baseline"] = Baseline(uncovered=uncovered, legacy=kw["baseline"])
    return Config(present=True, **kw)


# -- threshold ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valid", "covered", "threshold", "passed"),
    [
        (100, 80, 80, True),  # exactly at the threshold
        (100, 79, 80, False),
        (100000, 79999, 80, False),  # 79.999%: no rounding up to 80
        (3, 2, Decimal("66.67"), False),  # 66.666...% < 66.67
        (3, 2, Decimal("66.66"), True),
        (100, 100, 100, True),  # 100% means 100%
        (100000, 99999, 100, False),
        (7, 0, 0, True),  # 0% against a zero floor
    ],
)
def test_threshold__exact_comparison(valid, covered, threshold, passed):
    v = rules.evaluate(report(a=lines(valid, covered)), cfg(threshold=threshold))
    assert v.passed is passed
    if not passed:
        assert v.failures[0].kind == rules.BELOW_THRESHOLD


def test_threshold__message_has_unrounded_numbers_and_margin():
    v = rules.evaluate(report(a=lines(100000, 79999)), cfg(threshold=80))
    msg = v.failures[0].message
    assert "79.9990%" in msg
    assert "79999/100000" in msg
    assert "by 0.0010 points" in msg


def test_branches_count_like_coverage_py():
    # (8 + 1) / (10 + 2) = 75%
    v = rules.evaluate(report(a=lines(10, 8, 2, 1)), cfg(threshold=75))
    assert v.passed
    assert v.percent == 75


# -- baseline and tolerance --------------------------------------------------------------


def test_baseline__drop_below_fails_with_counts():
    v = rules.evaluate(report(a=lines(100, 80)), cfg(baseline=81, baseline_uncovered=19))
    (f,) = v.failures
    assert f.kind == rules.TOTAL_REGRESSION
    assert f.path is None
    assert "uncovered 19 -> 20" in f.message


def test_baseline__exactly_at_baseline_passes():
    v = rules.evaluate(report(a=lines(100, 81)), cfg(baseline=81, baseline_uncovered=19))
    assert v.passed


def test_baseline__within_tolerance_passes_and_outside_fails():
    rep = report(a=lines(1000, 805))  # 80.5%
    assert rules.evaluate(rep, cfg(baseline=81, tolerance=0.5, baseline_uncovered=1)).passed
    assert not rules.evaluate(rep, cfg(baseline=81, tolerance=0.49, baseline_uncovered=1)).passed


def test_baseline__deleting_covered_code_is_not_a_regression():
    # Was 90/100 (10 uncovered); 20 covered lines deleted: 70/80 = 87.5%, still 10 uncovered.
    v = rules.evaluate(report(a=lines(80, 70)), cfg(baseline=90, baseline_uncovered=10))
    assert v.passed
    assert "no line became uncovered" in v.notes[0]


def test_baseline__deletion_plus_one_new_uncovered_line_fails():
    v = rules.evaluate(report(a=lines(81, 70)), cfg(baseline=90, baseline_uncovered=10))
    assert not v.passed


def test_baseline__without_uncovered_count_judges_percent_only():
    v = rules.evaluate(report(a=lines(80, 70)), cfg(baseline=90))
    assert [f.kind for f in v.failures] == [rules.TOTAL_REGRESSION]


# -- per-file ------------------------------------------------------------------------------


def test_per_file__regression_reported_with_before_after_and_delta():
    base = {"pkg/a.py": lines(10, 9), "pkg/b.py": lines(10, 5)}
    v = rules.evaluate(report({"pkg/a.py": lines(10, 7), "pkg/b.py": lines(10, 6)}), cfg(), base)
    (f,) = v.failures
    assert f.kind == rules.FILE_REGRESSION
    assert f.path == "pkg/a.py"
    assert "90.0000% -> 70.0000%" in f.message
    assert "-20.0000 points" in f.message
    assert "uncovered 1 -> 3" in f.message


def test_per_file__tolerance_and_deletions():
    base = {"a.py": lines(100, 90)}
    assert rules.evaluate(report({"a.py": lines(100, 89)}), cfg(file_tolerance=1), base).passed
    assert not rules.evaluate(
        report({"a.py": lines(100, 89)}), cfg(file_tolerance=0.99), base
    ).passed
    # Covered lines deleted: 80/90 < 90% but still 10 uncovered.
    assert rules.evaluate(report({"a.py": lines(90, 80)}), cfg(), base).passed


def test_per_file__new_and_deleted_files_are_changes_not_failures():
    base = {"old.py": lines(10, 10)}
    v = rules.evaluate(report({"new.py": lines(10, 1)}), cfg(), base, exists=lambda p: False)
    assert v.passed
    assert {(c.path, c.before is None, c.after is None) for c in v.changes} == {
        ("old.py", False, True),
        ("new.py", True, False),
    }
    assert v.notes == (
        "1 file(s) with a per-file baseline were removed from the tree (old.py): "
        "`ratchet update` drops their lines",
    )


def test_per_file__a_baselined_file_still_in_the_tree_but_not_in_the_report_fails():
    # A `paths` remap (or an `omit`) makes files vanish from the report, not from the tree.
    base = {"pkg/a.py": lines(10, 9), "pkg/b.py": lines(10, 9), "pkg/gone.py": lines(5, 5)}
    rep = report({"src/pkg/a.py": lines(10, 1), "src/pkg/b.py": lines(10, 1)})
    v = rules.evaluate(rep, cfg(), base, exists=lambda p: p != "pkg/gone.py")
    assert [(f.kind, f.path) for f in v.failures] == [
        (rules.FILE_MISSING, "pkg/a.py"),
        (rules.FILE_MISSING, "pkg/b.py"),
    ]
    assert "has a per-file baseline but is not in the report" in v.failures[0].message
    assert v.notes == (
        "1 file(s) with a per-file baseline were removed from the tree (pkg/gone.py): "
        "`ratchet update` drops their lines",
    )
    assert {c.path for c in v.changes if c.after is None} == {"pkg/a.py", "pkg/b.py", "pkg/gone.py"}
    assert v.unmeasured == {"pkg/a.py", "pkg/b.py"}


def test_per_file__unchanged_file_not_listed():
    base = {"a.py": lines(10, 5)}
    v = rules.evaluate(report({"a.py": lines(10, 5)}), cfg(), base)
    assert v.changes == ()
    assert v.before == lines(10, 5)


# -- raising the bar -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pct_covered", "threshold", "step", "expected"),
    [
        (7499, 70, 5, 70),  # 74.99%: not yet 75
        (7500, 70, 5, 75),  # exactly 75%
        (8012, 70, 5, 80),  # two steps at once
        (10000, 95, 5, 100),
        (6000, 70, 5, 70),  # never lowers
        (7300, 70, Decimal("2.5"), Decimal("72.5")),
        (0, 0, 5, 0),
    ],
)
def test_new_threshold__highest_step_reached_never_lower(pct_covered, threshold, step, expected):
    v = rules.evaluate(report(a=lines(10000, pct_covered)), cfg(threshold=0, step=step))
    c = cfg(threshold=threshold, step=step)
    assert rules.new_threshold(v.percent, c) == expected


def test_new_threshold__capped_by_max_threshold():
    c = cfg(threshold=85, max_threshold=90)
    assert rules.new_threshold(Fraction(99), c) == 90


@pytest.mark.parametrize(
    ("pct", "tolerance", "expected"),
    [
        (Fraction("95.01"), "0.2", 90),  # within the declared wobble of 95: not yet
        (Fraction("95.2"), "0.2", 95),  # clears 95 by exactly the tolerance
        (Fraction("95.19"), "0.2", 90),
        (Fraction("95.01"), "0", 95),  # no tolerance: a step reached is a step reached
        (Fraction("100"), "0.2", 95),  # 100 is a step like the others
        (Fraction("0.1"), "0.2", 90),  # never below the threshold, never negative
    ],
)
def test_new_threshold__a_step_counts_once_cleared_by_the_tolerance(pct, tolerance, expected):
    c = cfg(threshold=90, tolerance=Decimal(tolerance))
    assert rules.new_threshold(pct, c) == expected


# -- the bar at a git ref ----------------------------------------------------------------------


def test_ref_config__lowered_threshold_fails_and_ref_values_apply():
    ref = cfg(threshold=80, baseline=85, baseline_uncovered=15)
    here = cfg(threshold=70, baseline=70, baseline_uncovered=30)
    v = rules.evaluate(report(a=lines(100, 75)), here, ref_config=ref)
    kinds = [f.kind for f in v.failures]
    assert kinds[0] == rules.BAR_LOWERED
    assert rules.BELOW_THRESHOLD in kinds
    assert v.threshold == 80


def test_ref_config__same_bar_passes():
    ref = cfg(threshold=70, baseline=75, baseline_uncovered=25)
    v = rules.evaluate(report(a=lines(100, 76)), ref, ref_config=ref)
    assert v.passed


@pytest.mark.parametrize(
    ("here", "needle"),
    [
        ({"tolerance": 100}, "tolerance 100 > 0"),
        ({"file_tolerance": 50}, "file_tolerance 50 > 0"),
        ({"baseline_uncovered": 999}, "baseline uncovered 999 > 15"),
    ],
)
def test_ref_config__every_loosened_gate_fails_and_the_ref_applies(here, needle):
    ref = cfg(threshold=80, baseline=85, baseline_uncovered=15)
    branch = cfg(threshold=80, baseline=85, **{"baseline_uncovered": 15, **here})
    base = {"a.py": lines(100, 85)}
    v = rules.evaluate(report({"a.py": lines(100, 84)}), branch, base, ref_config=ref)
    kinds = [f.kind for f in v.failures]
    assert kinds[0] == rules.BAR_LOWERED
    assert needle in v.failures[0].message
    # The ref's strict values were applied: the 1-point drop fails on the total and the file.
    assert rules.TOTAL_REGRESSION in kinds
    assert rules.FILE_REGRESSION in kinds


def test_ref_config__an_inflated_uncovered_count_beside_a_raised_baseline_does_not_pass():
    # The reviewer's case: main 80 / 84.5 / 31 uncovered; the branch sets baseline 99 and
    # baseline_uncovered 99999, and a report at 83.64% with 36 uncovered must still fail.
    ref = cfg(threshold=80, baseline=84.5, baseline_uncovered=31)
    here = cfg(threshold=80, baseline=99, baseline_uncovered=99999)
    v = rules.evaluate(report(a=lines(220, 184)), here, ref_config=ref)
    assert [f.kind for f in v.failures] == [rules.TOTAL_REGRESSION]
    assert "below the baseline 84.5% (uncovered 31 -> 36)" in v.failures[0].message
    assert v.baseline == ref.baseline  # the pair that failed
    assert v.notes == ()


def test_ref_config__each_baseline_is_judged_with_its_own_count():
    # The branch ran `update` itself after adding well-tested code: 86% with 40 uncovered
    # (main: 84.5% with 31). A report at 85.71% with 40 uncovered deleted covered code: it
    # fails neither pair, while mixing them (86% with 31) would fail it.
    ref = cfg(threshold=80, baseline=84.5, baseline_uncovered=31)
    here = cfg(threshold=80, baseline=86, baseline_uncovered=40)
    v = rules.evaluate(report(a=lines(280, 240)), here, ref_config=ref)
    assert v.passed, v.failures
    assert v.baseline == Baseline(uncovered=40, legacy=Decimal(86))
    assert "covered code was removed" in v.notes[0]
    # ...and below the ref's baseline, the ref's own count decides.
    v = rules.evaluate(report(a=lines(240, 200)), here, ref_config=ref)  # 83.33%, 40
    assert [f.kind for f in v.failures] == [rules.TOTAL_REGRESSION]
    assert "below the baseline 84.5% (uncovered 31 -> 40)" in v.failures[0].message


@pytest.mark.parametrize(
    ("ref", "here", "needle", "applied"),
    [
        ({"patch_threshold": 90}, {}, "patch_threshold unset < 90", {"patch_threshold": 90}),
        ({"patch_threshold": 90}, {"patch_threshold": 50}, "patch_threshold 50 < 90", {}),
        ({"patch_empty": "fail"}, {}, "patch_empty 'pass' (was 'fail')", {"patch_empty": "fail"}),
        ({}, {"fail_on_indirect": False}, "fail_on_indirect false", {"fail_on_indirect": True}),
        ({"max_threshold": 100}, {"max_threshold": 85}, "max_threshold 85 < 100", {}),
        ({"precision": 2}, {"precision": 0}, "precision 0 < 2", {"precision": 2}),
        ({"baseline_file": "b.tsv"}, {}, "baseline_file removed (was 'b.tsv')", {}),
        ({"baseline": 85, "baseline_uncovered": 15}, {}, "baseline unset < 85%", {}),
        ({"expect_reports": 3}, {}, "expect_reports unset < 3", {"expect_reports": 3}),
    ],
)
def test_ref_config__every_gate_is_held_to_the_ref(ref, here, needle, applied):
    ref_c, here_c = cfg(threshold=80, **ref), cfg(threshold=80, **here)
    bar, loosened = rules.held_to_ref(here_c, ref_c)
    assert any(needle in x for x in loosened), loosened
    for key, value in {**ref, **applied}.items():
        if key == "baseline":
            assert bar.baseline == ref_c.baseline
        elif key not in ("baseline_file", "baseline_uncovered"):
            assert getattr(bar, key) == value, key
    v = rules.evaluate(report(a=lines(100, 90)), here_c, ref_config=ref_c)
    assert v.failures[0].kind == rules.BAR_LOWERED
    assert needle in v.failures[0].message


def test_ref_config__a_stricter_branch_is_not_a_loosening():
    ref = cfg(threshold=80, baseline=85, baseline_uncovered=15, tolerance=1, file_tolerance=1)
    here = cfg(
        threshold=85,
        baseline=86,
        baseline_uncovered=20,  # beside a higher baseline: its own pair, not a loosening
        patch_threshold=90,
        patch_empty="fail",
        fail_on_indirect=True,
        precision=3,
        max_threshold=100,
    )
    bar, loosened = rules.held_to_ref(here, ref)
    assert loosened == ()
    assert (bar.threshold, bar.tolerance, bar.file_tolerance) == tuple(map(Decimal, (85, 0, 0)))
    assert bar.baseline == here.baseline
    assert rules.evaluate(report(a=lines(100, 86)), here, ref_config=ref).passed


def test_ref_config__no_section_at_the_ref_holds_nothing():
    here = cfg(threshold=70, tolerance=1)
    assert rules.held_to_ref(here, Config()) == (here, ())


# -- exact baselines -----------------------------------------------------------------------


def exact(covered: int, measured: int, uncovered: int | None = None) -> Baseline:
    return Baseline(covered, measured, 0, measured - covered if uncovered is None else uncovered)


def test_exact_baseline__a_fall_below_the_rounded_percent_still_fails():
    # The reproduction: 771/776 = 99.3557% recorded; a module of 147 covered lines
    # and one uncovered gives 919/925 = 99.3514%, uncovered 5 -> 6. A baseline rounded to
    # 99.35 let it pass; the exact one does not.
    rep = report(a=lines(925, 919))
    assert rules.evaluate(rep, cfg(baseline=99.35, baseline_uncovered=5)).passed
    v = rules.evaluate(rep, cfg(baseline=exact(771, 776)))
    assert [f.kind for f in v.failures] == [rules.TOTAL_REGRESSION]
    assert (
        "total 99.3514% (919/925) is 0.0043 points below the baseline 99.3557% (771/776) "
        "(uncovered 5 -> 6)" in v.failures[0].message
    )


@pytest.mark.parametrize(
    ("covered", "measured", "passed"),
    [
        (771, 776, True),  # exactly the baseline
        (1542, 1552, True),  # the same fraction, twice the code: equal, not below
        (770, 775, True),  # 99.3548%, below, but 5 uncovered as before: covered code deleted
        (771, 777, False),  # one more uncovered line, percent below
        (772, 777, True),  # 99.3565%: above
        (0, 0, True),  # nothing measured counts as 100%
    ],
)
def test_exact_baseline__boundaries(covered, measured, passed):
    v = rules.evaluate(report(a=lines(measured, covered)), cfg(baseline=exact(771, 776)))
    assert v.passed is passed


def test_exact_baseline__margins_come_from_exact_values():
    # 14/15 = 93.3333% against 100%: 6.6667 points, whatever a rounded baseline said.
    v = rules.evaluate(report(a=lines(15, 14)), cfg(baseline=exact(10, 10)))
    assert "6.6667 points below the baseline 100.0000% (10/10)" in v.failures[0].message
    assert v.delta == Fraction(-20, 3)


def test_exact_baseline__held_to_the_ref_compares_fractions_not_percents():
    ref = cfg(baseline=exact(771, 776))
    lowered = cfg(baseline=exact(919, 925))  # 99.3514 < 99.3557, both "99.35"
    bar, loosened = rules.held_to_ref(lowered, ref)
    assert loosened == ("baseline 99.3514% (919/925) < 99.3557% (771/776)",)
    assert bar.baseline == ref.baseline
    raised = cfg(baseline=exact(920, 925))
    assert rules.held_to_ref(raised, ref) == (raised, ())


def test_incomparable__branch_measurement_vanished():
    c = cfg(baseline=Baseline(90, 100, 20, 10))
    no_branches = report(a=lines(80, 80))
    problem = rules.incomparable(no_branches, c, None)
    assert problem is not None and problem.startswith(
        "the report measures no branches, but the baseline measured 20 branches: branch "
        "measurement is off since the bar was recorded"
    )
    assert rules.incomparable(report(a=lines(80, 70, 20, 20)), c, None) is None
    # The per-file lines say so too, where the total's counts do not (an older file).
    legacy = cfg(baseline=90, baseline_uncovered=10)
    assert rules.incomparable(no_branches, legacy, None) is None
    problem = rules.incomparable(no_branches, legacy, {"a.py": lines(80, 70, 20, 20)})
    assert problem is not None and "per-file baseline measured branches (a.py" in problem
    # Several reports: one measured without branches.
    shards = Report(
        (FileCoverage("a.py", lines(80, 70, 20, 20)),), ("one.xml", "two.xml"), (), ("two.xml",)
    )
    problem = rules.incomparable(shards, c, None)
    assert problem is not None and problem.startswith("two.xml measured no branches")
    # A bar without branches asks nothing of the report.
    assert rules.incomparable(no_branches, cfg(baseline=exact(70, 80)), None) is None


def test_incomparable__accept_records_a_new_branch_measure():
    """What the new measure is (``branches_appeared``): tests/core/test_measure.py."""
    lines_only = cfg(baseline=Baseline(90, 100, 0, 10))
    same_code = report(a=lines(100, 95, 20, 15))  # the baseline's 100 statements
    problem = rules.incomparable(same_code, lines_only, None)
    assert problem is not None and problem.startswith("branch measurement is new since")
    # accept records the new measure: the sanctioned way.
    assert rules.incomparable(same_code, lines_only, None, new_measure=True) is None


def test_incomparable__new_code_with_the_first_branches_is_judged_with_a_note():
    """A branchless bar measured with branch coverage also records 0: new code with its
    first ``if`` is judged, and a failure names the other possible cause."""
    lines_only = cfg(threshold=Decimal(95), baseline=Baseline(90, 100, 0, 10))
    new_code = report(a=lines(104, 94, 2, 1))
    assert rules.incomparable(new_code, lines_only, None) is None
    v = rules.evaluate(new_code, lines_only)
    assert not v.passed
    assert v.notes[-1] == (
        "the bar measured no branches and this report measures 2: if branch coverage was "
        "turned on since, that is the fall; record the new measure with `ratchet accept "
        '--reason "measure branches"`'
    )
    passing = rules.evaluate(report(a=lines(104, 104, 2, 2)), lines_only)
    assert passing.passed and passing.notes == ()
    # A bar measured with branches, or none yet, asks nothing of the report.
    with_branches = cfg(baseline=Baseline(90, 100, 20, 10))
    assert rules.incomparable(new_code, with_branches, None) is None
    assert rules.incomparable(new_code, cfg(), None) is None


def test_ref_config__two_exempt_baselines_note_the_strictest_once():
    # Both pairs exempt the drop (40 uncovered, at most 40 and 45 allowed): one note, on
    # the higher baseline, and no failure.
    ref = cfg(threshold=80, baseline=84.5, baseline_uncovered=45)
    here = cfg(threshold=80, baseline=86, baseline_uncovered=40)
    v = rules.evaluate(report(a=lines(240, 200)), here, ref_config=ref)  # 83.33%, 40 uncovered
    assert v.passed, v.failures
    assert v.baseline == here.baseline
    (note,) = v.notes
    assert note.startswith("total 83.3333% (200/240) is 2.6667 points below the baseline 86%")
    assert "(40 uncovered, baseline 40): covered code was removed" in note


def test_ref_config__dropping_the_uncovered_count_is_stricter_not_a_loosening():
    # Without a count there is no exemption at all: the branch asks for more, and the
    # stricter bar (no exemption) is the one in force.
    ref = cfg(threshold=80, baseline=85, baseline_uncovered=15)
    here = cfg(threshold=80, baseline=85)
    bar, loosened = rules.held_to_ref(here, ref)
    assert loosened == ()
    assert bar.baseline == Baseline(uncovered=None, legacy=Decimal(85))
    v = rules.evaluate(report(a=lines(90, 76)), here, ref_config=ref)  # 84.44%, 14 uncovered
    assert [f.kind for f in v.failures] == [rules.TOTAL_REGRESSION]  # the ref's would exempt it


# -- components held to the ref ------------------------------------------------------------


def component(name: str, **kw) -> Component:
    kw = {k: Decimal(v) if isinstance(v, int) else v for k, v in kw.items()}
    return Component(name, kw.pop("paths", (f"{name}/**",)), **kw)


@pytest.mark.parametrize(
    ("here", "needle", "held"),
    [
        (
            component("api", threshold=80, baseline=exact(90, 100), patch_threshold=90),
            "components.api.threshold 80 < 85",
            {"threshold": 85},
        ),
        (
            component("api", threshold=85, baseline=exact(89, 100), patch_threshold=90),
            "components.api.baseline 89.0000% (89/100) < 90.0000% (90/100)",
            {"baseline": exact(90, 100)},
        ),
        (
            component("api", threshold=85, patch_threshold=90),
            "components.api.baseline unset < 90.0000% (90/100)",
            {"baseline": exact(90, 100)},
        ),
        (
            component("api", threshold=85, baseline=exact(90, 100), patch_threshold=80),
            "components.api.patch_threshold 80 < 90",
            {"patch_threshold": 90},
        ),
        (
            component("api", threshold=85, baseline=exact(90, 100)),
            "components.api.patch_threshold unset < 90",
            {"patch_threshold": 90},
        ),
    ],
)
def test_ref_config__each_components_gate_is_held_to_the_ref(here, needle, held):
    ref = component("api", threshold=85, baseline=exact(90, 100), patch_threshold=90)
    moved = Component("api", ("src/api/**",), here.threshold, None, here.baseline,
                      here.patch_threshold)  # fmt: skip
    bar, loosened = rules.held_to_ref(cfg(components=(moved,)), cfg(components=(ref,)))
    assert loosened == (needle,)
    (api,) = bar.components
    assert api.paths == ("src/api/**",)  # files move: the working copy's paths hold
    for key, value in held.items():
        assert getattr(api, key) == value


def test_ref_config__a_component_cannot_go_away_but_a_new_one_brings_its_own_bar():
    api = component("api", threshold=85)
    web = component("web", threshold=60, baseline=exact(60, 100))
    new = component("cli", threshold=10)
    bar, loosened = rules.held_to_ref(cfg(components=(api, new)), cfg(components=(api, web)))
    assert loosened == ("component web removed",)
    assert bar.components == (api, new, web)  # the ref's bar for the removed one still holds
    same, none = rules.held_to_ref(cfg(components=(api, web)), cfg(components=(web, api)))
    assert none == () and same.components == (api, web)
