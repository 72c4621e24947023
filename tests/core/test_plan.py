"""What `ratchet update` and `ratchet accept` record: one pure plan, old -> new."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ratchet.core import plan, rules
from ratchet.core.config import Component
from ratchet.core.models import Baseline, Counts
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
)
from tests.core.test_rules import cfg, exact, lines, report

pytestmark = pytest.mark.unit


def make(rep, c, files=None, **kw):
    return plan.make(rep, rules.evaluate(rep, c, files, **kw), c, files)


def test_climb__70_75_80_with_exact_baselines():
    c = cfg(threshold=70, step=5)
    for covered, expected in [(7210, 70), (7690, 75), (8105, 80)]:
        rep = report(a=lines(10000, covered))
        p = make(rep, c)
        assert not p.refused
        assert p.threshold == expected
        c = cfg(threshold=p.threshold, step=5, baseline=p.baseline)
    assert c.baseline == Baseline(8105, 10000, 0, 1895)


def test_same_report_passes_again_and_changes_nothing():
    rep = report(a=lines(3, 2))  # 66.666...%: no rounding on the way to the file
    p = make(rep, cfg())
    again = cfg(threshold=p.threshold, baseline=p.baseline)
    assert rules.evaluate(rep, again).passed
    assert not make(rep, again).changes


def test_nothing_rises__nothing_changes():
    c = cfg(threshold=80, baseline=exact(80, 100))
    p = make(report(a=lines(100, 80)), c)
    assert (p.settings, p.changes, p.refused) == ((), False, False)
    p = make(report(a=lines(100, 85)), c)
    assert [(s.key, s.old, s.new) for s in p.settings] == [
        ("threshold", "80%", "85%"),
        ("baseline", "80.0000% (80/100)", "85.0000% (85/100)"),
    ]


@pytest.mark.parametrize(
    ("covered", "measured", "old", "expected"),
    [
        (84, 100, exact(84, 100, 16), exact(84, 100, 16)),  # the same: nothing moves
        (168, 200, exact(84, 100, 16), exact(84, 100, 16)),  # same fraction, more uncovered
        # Below, no more uncovered: covered code was deleted, and the baseline follows it
        # down (kept, it would hold the next change to lines that are gone).
        (83, 99, exact(84, 100, 16), exact(83, 99, 16)),
        (70, 85, exact(84, 100, 16), exact(70, 85, 15)),
        (83, 100, exact(84, 100, 16), exact(84, 100, 16)),  # below, 17 uncovered: kept
        (84, 101, exact(84, 100, 16), exact(84, 100, 16)),  # below, 17 uncovered: kept
        (168, 200, exact(84, 100, 15), exact(84, 100, 15)),  # the same percent, more: kept
        (42, 50, exact(84, 100, 16), exact(84, 100, 8)),  # the same percent, fewer: tighter
        (85, 100, exact(84, 100, 16), exact(85, 100, 15)),  # raised: its own counts
        (84, 100, None, exact(84, 100, 16)),  # the first baseline
    ],
)
def test_baseline__raised_exactly_uncovered_only_ever_tighter(covered, measured, old, expected):
    p = make(report(a=lines(measured, covered)), cfg(baseline=old))
    assert p.baseline == expected


def test_baseline__an_older_files_percent_is_upgraded_by_a_run_that_reaches_it():
    legacy = cfg(baseline=99.35, baseline_uncovered=5)
    p = make(report(a=lines(20000, 19870)), legacy)  # exactly 99.35%: reaches it
    assert p.baseline == exact(19870, 20000)
    assert p.setting("baseline").reason.startswith("records the exact counts")
    assert make(report(a=lines(776, 771)), legacy).baseline == exact(771, 776)  # rose
    # Below the percent, only covered code deleted: the run's exact counts, said so.
    p = make(report(a=lines(500, 496)), legacy)
    assert p.baseline == exact(496, 500)
    assert p.setting("baseline").reason == (
        "covered code was removed (uncovered 5 -> 4, measured ? -> 500)"
    )
    assert p.reason == (
        "covered code was removed: baseline recorded lower in percent, with no more "
        "lines+branches left uncovered"
    )
    # One more left uncovered: kept as it is.
    assert not make(report(a=lines(500, 494)), legacy).setting("baseline")


def test_refuses__a_total_regression_is_never_recorded():
    p = make(report(a=lines(100, 60)), cfg(threshold=70))
    assert p.refused and p.exit_code == 1
    assert [b.kind for b in p.blockers] == [REGRESSION]
    assert p.blockers[0].message == "the total failed the ratchet"


def test_refuses__a_baselined_file_not_measured_is_bad_input_naming_the_fixes():
    files = {"a.py": lines(10, 9), "b.py": lines(10, 9)}
    rep = report({"a.py": lines(10, 10)})
    p = make(rep, cfg(baseline_file="b.tsv"), files, exists=lambda path: True)
    assert p.refused and p.exit_code == 2
    (b,) = p.blockers
    assert b.kind == BAD_INPUT
    assert "(b.py)" in b.message
    assert "re-run the tests" in b.message and "delete their lines from b.tsv" in b.message


def test_refuses__input_blockers_from_the_caller_win_over_a_pass():
    p = plan.make(
        report(a=lines(10, 10)),
        rules.evaluate(report(a=lines(10, 10)), cfg()),
        cfg(),
        None,
        blockers=[Blocker(BAD_INPUT, "stale")],
    )
    assert (p.refused, p.exit_code, p.changes) == (True, 2, False)


def test_file_lines__never_records_a_drop_and_names_every_change():
    old = {"a.py": lines(10, 9), "b.py": lines(10, 5), "gone.py": lines(1, 1)}
    rep = report({"a.py": lines(10, 8), "b.py": lines(10, 7), "c.py": lines(2, 1)})
    changed, kept = plan.file_lines(rep, old)
    assert [(x.path, x.reason) for x in changed] == [
        ("b.py", LINE_RAISED),
        ("c.py", LINE_NEW),
        ("gone.py", LINE_REMOVED),
    ]
    assert [(x.path, x.reason, x.new) for x in kept] == [("a.py", LINE_KEPT, lines(10, 9))]


def test_file_lines__a_drop_of_deleted_covered_code_is_recorded_and_said():
    old = {"deleted.py": lines(10, 9), "one_more.py": lines(10, 9)}
    # deleted.py lost 4 covered lines (one still uncovered); one_more.py one line more.
    rep = report({"deleted.py": lines(6, 5), "one_more.py": lines(10, 8)})
    changed, kept = plan.file_lines(rep, old)
    assert [(x.path, x.reason, x.new) for x in changed] == [
        ("deleted.py", LINE_REMOVED_CODE, lines(6, 5))
    ]
    assert [x.path for x in kept] == ["one_more.py"]
    p = make(rep, cfg(threshold=0, baseline_file="b.tsv"), old)
    assert p.reason == (
        "covered code was removed: 1 per-file line(s) (deleted.py) recorded lower in percent, "
        "with no more lines+branches left uncovered"
    )


def test_file_lines__at_the_same_percent_only_fewer_uncovered_is_recorded():
    old = {"fewer.py": lines(4, 2), "more.py": lines(2, 1)}
    rep = report({"fewer.py": lines(2, 1), "more.py": lines(4, 2)})  # both 50%
    changed, kept = plan.file_lines(rep, old)
    # 1 uncovered -> 2 at the same percent would exempt one more line: the old line stays.
    assert [(x.path, x.reason, x.new) for x in changed] == [
        ("fewer.py", LINE_TIGHTENED, lines(2, 1))
    ]
    assert kept == []


def test_file_lines__keeps_the_line_of_a_file_that_still_exists():
    old = {"kept.py": lines(10, 9), "gone.py": lines(1, 1)}
    changed, _ = plan.file_lines(report({"a.py": lines(2, 1)}), old, keep=["kept.py"])
    assert [(x.path, x.reason) for x in changed] == [("a.py", LINE_NEW), ("gone.py", LINE_REMOVED)]


def test_accept__lowers_only_as_far_as_it_must():
    c = cfg(threshold=90, step=5, baseline=exact(95, 100), baseline_file="b.tsv")
    p = plan.make_accept(report({"a.py": lines(100, 87)}), c, {"a.py": lines(100, 95)})
    assert p.threshold == 85 and p.baseline == exact(87, 100)
    assert [s.key for s in p.settings] == ["threshold", "baseline"]
    assert [(x.path, x.old, x.new) for x in p.lines] == [("a.py", lines(100, 95), lines(100, 87))]
    # Above the threshold: it stays where it is.
    p = plan.make_accept(report({"a.py": lines(100, 93)}), c, None)
    assert p.threshold == 90 and [s.key for s in p.settings] == ["baseline"]


def test_accept__a_file_no_longer_measured_loses_its_line_on_purpose():
    c = cfg(threshold=0, baseline_file="b.tsv")
    p = plan.make_accept(report({"a.py": lines(4, 4)}), c, {"old.py": Counts(3, 3)})
    assert [(x.path, x.reason) for x in p.lines] == [("a.py", LINE_NEW), ("old.py", LINE_REMOVED)]


def test_accept__the_same_report_again_changes_nothing():
    rep = report({"a.py": lines(100, 87)})
    c = cfg(threshold=85, baseline=exact(87, 100))  # no per-file baseline: no lines at all
    p = plan.make_accept(rep, c, None)
    assert (p.threshold, p.baseline) == (Decimal(85), exact(87, 100))
    assert (p.settings, p.lines, p.changes) == ((), (), False)


def test_accept__each_component_takes_the_report_as_its_bar():
    components = (
        Component("api", ("api/**",), threshold=Decimal(95), baseline=exact(95, 100)),
        Component("web", ("web/**",), threshold=Decimal(60), step=Decimal(10)),
        Component("cli", ("cli/**",), threshold=Decimal(90), baseline=exact(95, 100)),
    )
    c = cfg(threshold=70, step=5, max_threshold=80, components=components)
    rep = report(
        {"api/a.py": lines(100, 88), "web/w.py": lines(100, 57), "cli/c.py": lines(100, 95)}
    )
    p = plan.make_accept(rep, c, None)
    assert [(b.name, b.threshold, b.baseline) for b in p.components] == [
        ("api", Decimal(80), exact(88, 100)),  # below 95: its step at or below 88, capped at 80
        ("web", Decimal(50), exact(57, 100)),  # its own step of 10
        ("cli", Decimal(90), exact(95, 100)),  # at its bar already: nothing of it changes
    ]
    assert [(s.key, s.old, s.new, s.reason) for s in p.settings] == [
        ("baseline", None, "80.0000% (240/300)", "accepted"),
        (
            "components.api.threshold",
            "95%",
            "80%",
            "accepted: the total is below the threshold",
        ),
        ("components.api.baseline", "95.0000% (95/100)", "88.0000% (88/100)", "accepted"),
        (
            "components.web.threshold",
            "60%",
            "50%",
            "accepted: the total is below the threshold",
        ),
        ("components.web.baseline", None, "57.0000% (57/100)", "accepted"),
    ]
