"""The ratchet's decisions: exact, boundary by boundary."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from ratchet import rules
from ratchet.config import Config
from ratchet.models import Counts, FileCoverage, Report

pytestmark = pytest.mark.unit


def report(files: dict[str, Counts] | None = None, /, **by_name: Counts) -> Report:
    """``report(a=...)`` or ``report({"pkg/a.py": ...})``."""
    merged = {**(files or {}), **by_name}
    return Report(tuple(FileCoverage(p, c) for p, c in sorted(merged.items())))


def lines(valid: int, covered: int, bv: int = 0, bc: int = 0) -> Counts:
    return Counts(valid, covered, bv, bc)


def cfg(**kw) -> Config:
    kw = {
        k: Decimal(str(v))
        if isinstance(v, (int, float))
        and not isinstance(v, bool)
        and k not in ("baseline_uncovered", "precision")
        else v
        for k, v in kw.items()
    }
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
        "1 file(s) with a per-file baseline are not in the report: 0 still exist (a failure "
        "each), 1 were removed from the tree (`ratchet update` drops their lines)",
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
    assert "3 file(s) with a per-file baseline are not in the report: 2 still exist" in v.notes[0]
    assert {c.path for c in v.changes if c.after is None} == {"pkg/a.py", "pkg/b.py", "pkg/gone.py"}
    assert v.unmeasured == {"pkg/a.py", "pkg/b.py"}
    # A file drop or absence keeps the file's line; it does not stop `update`.
    assert v.update_blockers == ()


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


def test_climb__70_75_80():
    c = cfg(threshold=70, step=5)
    for covered, expected in [(7210, 70), (7690, 75), (8105, 80)]:
        v = rules.evaluate(report(a=lines(10000, covered)), c)
        assert v.passed
        assert v.new_threshold == expected
        c = cfg(
            threshold=v.new_threshold,
            step=5,
            baseline=v.new_baseline,
            baseline_uncovered=v.totals.missing,
        )
    assert c.baseline == Decimal("81.05")


def test_new_baseline__floored_at_precision_so_the_same_report_passes_again():
    rep = report(a=lines(3, 2))  # 66.666...%
    v = rules.evaluate(rep, cfg(precision=2))
    assert v.new_baseline == Decimal("66.66")
    again = rules.evaluate(rep, cfg(baseline=v.new_baseline, baseline_uncovered=1))
    assert again.passed


def test_raises_bar__reported_only_when_something_would_rise():
    v = rules.evaluate(
        report(a=lines(100, 80)), cfg(threshold=80, baseline=80, baseline_uncovered=20)
    )
    assert not v.raises_bar
    v = rules.evaluate(
        report(a=lines(100, 85)), cfg(threshold=80, baseline=80, baseline_uncovered=20)
    )
    assert v.raises_bar
    assert v.new_threshold == 85


def test_updated_file_baseline__keeps_the_line_of_a_file_that_still_exists():
    old = {"kept.py": lines(10, 9), "gone.py": lines(1, 1)}
    rep = report({"a.py": lines(2, 1)})
    assert rules.updated_file_baseline(rep, old, keep=["kept.py", "never-baselined.py"]) == {
        "kept.py": lines(10, 9),
        "a.py": lines(2, 1),
    }


@pytest.mark.parametrize(
    ("covered", "baseline", "uncovered", "expected"),
    [
        (84, 84, 160, 16),  # the same baseline, fewer uncovered: the tighter count
        (84, 84, 10, 10),  # more uncovered than recorded: never loosened
        (84, 84, None, None),  # no count is no exemption, the strictest: stays so
        (85, 84, 10, 15),  # a raised baseline records its own count
        (84, None, None, 16),  # the first baseline
        (83, 84, 160, 17),  # below the baseline (a deletion, exempt): still tighter
    ],
)
def test_new_baseline_uncovered__tighter_at_an_unchanged_baseline_never_looser(
    covered, baseline, uncovered, expected
):
    v = rules.evaluate(
        report(a=lines(100, covered)),
        cfg(baseline=baseline, baseline_uncovered=uncovered, precision=0),
    )
    assert v.new_baseline_uncovered == expected


def test_update_blockers__only_the_total_stops_update():
    f = {k: rules.Failure(k, None, k) for k in ("file_regression", "file_missing", "bar_lowered")}
    blocking = [rules.Failure(rules.BELOW_THRESHOLD, None, "x"), *f.values()]
    assert rules.update_blockers(blocking) == (blocking[0], f["bar_lowered"])


def test_updated_file_baseline__never_records_a_drop():
    old = {"a.py": lines(10, 9), "b.py": lines(10, 5), "gone.py": lines(1, 1)}
    rep = report({"a.py": lines(10, 8), "b.py": lines(10, 7), "c.py": lines(2, 1)})
    assert rules.updated_file_baseline(rep, old) == {
        "a.py": lines(10, 9),
        "b.py": lines(10, 7),
        "c.py": lines(2, 1),
    }


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
        ({"baseline_uncovered": 999}, "baseline_uncovered 999 > 15"),
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
    assert (v.baseline, v.baseline_uncovered) == (Decimal("84.5"), 31)  # the pair that failed
    assert v.notes == ()


def test_ref_config__each_baseline_is_judged_with_its_own_count():
    # The branch ran `update` itself after adding well-tested code: 86% with 40 uncovered
    # (main: 84.5% with 31). A report at 85.71% with 40 uncovered deleted covered code: it
    # fails neither pair, while mixing them (86% with 31) would fail it.
    ref = cfg(threshold=80, baseline=84.5, baseline_uncovered=31)
    here = cfg(threshold=80, baseline=86, baseline_uncovered=40)
    v = rules.evaluate(report(a=lines(280, 240)), here, ref_config=ref)
    assert v.passed, v.failures
    assert (v.baseline, v.baseline_uncovered) == (Decimal(86), 40)
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
        ({"fail_on_indirect": True}, {}, "fail_on_indirect false", {"fail_on_indirect": True}),
        ({"max_threshold": 100}, {"max_threshold": 85}, "max_threshold 85 < 100", {}),
        ({"precision": 2}, {"precision": 0}, "precision 0 < 2", {"precision": 2}),
        ({"baseline_file": "b.tsv"}, {}, "baseline_file removed (was 'b.tsv')", {}),
        ({"baseline": 85, "baseline_uncovered": 15}, {}, "baseline unset < 85", {}),
    ],
)
def test_ref_config__every_gate_is_held_to_the_ref(ref, here, needle, applied):
    ref_c, here_c = cfg(threshold=80, **ref), cfg(threshold=80, **here)
    bar, loosened = rules.held_to_ref(here_c, ref_c)
    assert any(needle in x for x in loosened), loosened
    for key, value in {**ref, **applied}.items():
        if key != "baseline_file":
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
    assert (bar.threshold, bar.baseline, bar.tolerance, bar.file_tolerance) == tuple(
        map(Decimal, (85, 86, 0, 0))
    )
    assert rules.evaluate(report(a=lines(100, 86)), here, ref_config=ref).passed


def test_ref_config__no_section_at_the_ref_holds_nothing():
    here = cfg(threshold=70, tolerance=1)
    assert rules.held_to_ref(here, Config()) == (here, ())
