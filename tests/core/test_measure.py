"""A bar recorded without branch coverage and a report measured with it: when that is a
new measure (``branches_appeared``), and what a failure may come from (``appeared_note``).
How ``rules`` uses them: tests/core/test_rules.py's ``incomparable`` cases."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ratchet.core import measure
from ratchet.core.models import Baseline, Counts
from tests.core.test_rules import cfg, lines, report

pytestmark = pytest.mark.unit

LINES_ONLY = Baseline(90, 100, 0, 10)


@pytest.mark.parametrize(
    ("baseline", "files", "expected"),
    [
        (LINES_ONLY, None, True),  # counts recorded with branches = 0
        (Baseline(90, 100, 1, 10), None, False),  # one branch: measured with branches
        (None, None, False),  # no bar yet: nothing to compare with
        (None, {"a.py": Counts(4, 2)}, True),  # the per-file lines only, without branches
        (None, {"a.py": Counts(4, 2), "b.py": Counts(2, 1, 1, 0)}, False),  # one has some
        (LINES_ONLY, {"a.py": Counts(4, 2, 2, 1)}, False),  # a per-file line with branches
        (Baseline(uncovered=10, legacy=Decimal(90)), None, False),  # a percent says nothing
        (Baseline(uncovered=10, legacy=Decimal(90)), {"a.py": Counts(4, 2)}, True),
    ],
)
def test_lines_only_bar(baseline, files, expected):
    assert measure.lines_only_bar(cfg(baseline=baseline), files) is expected


def test_branches_appeared__the_baselines_statements_with_branches_now():
    lines_only = cfg(baseline=LINES_ONLY)
    same_code = report(a=lines(100, 95, 20, 15))  # the baseline's 100 statements
    problem = measure.branches_appeared(same_code, lines_only, None)
    assert problem is not None and problem.startswith(
        "branch measurement is new since the bar was recorded: the bar measured no branches "
        "and this report measures 20 (the baseline's 100 statements, and 20 branches now), "
        "so its total cannot be held to it (counting lines only, as the bar does, it covers "
        "95 of 100 (95.00%); the baseline covered 90 of 100 (90.00%))"
    )
    assert 'ratchet accept --reason "measure branches"' in problem
    # One statement more: new code, maybe with the first branch; judged, not refused.
    assert measure.branches_appeared(report(a=lines(101, 96, 20, 15)), lines_only, None) is None
    assert measure.branches_appeared(report(a=lines(99, 95, 20, 15)), lines_only, None) is None
    # A report without branches is no new measure.
    assert measure.branches_appeared(report(a=lines(100, 95)), lines_only, None) is None


def test_branches_appeared__a_file_with_the_statements_its_line_counted():
    lines_only = cfg(baseline=LINES_ONLY)
    files = {"a.py": lines(60, 50), "b.py": lines(30, 30)}
    grown = report({"a.py": lines(60, 55, 8, 4), "b.py": lines(45, 40, 2, 1)})
    problem = measure.branches_appeared(grown, lines_only, files)
    assert (
        problem is not None and "(a.py has the 60 statements it had, and 8 branches now)" in problem
    )
    # a.py one statement longer: no file is evidence, and the total is not the baseline's.
    longer = report({"a.py": lines(61, 55, 8, 4), "b.py": lines(45, 40, 2, 1)})
    assert measure.branches_appeared(longer, lines_only, files) is None
    # An older percent-only baseline: its per-file lines say how the bar was measured.
    legacy = cfg(baseline=90, baseline_uncovered=10)
    same_code = report(a=lines(100, 95, 20, 15))
    assert measure.branches_appeared(same_code, legacy, None) is None  # nothing says
    problem = measure.branches_appeared(grown, legacy, files)
    assert problem is not None and "; the baseline covered" not in problem


def test_appeared_note__only_for_branches_against_a_lines_only_bar():
    new_code = report(a=lines(104, 94, 2, 1))
    assert measure.appeared_note(new_code, cfg(baseline=LINES_ONLY), None) == (
        "the bar measured no branches and this report measures 2: if branch coverage was "
        "turned on since, that is the fall; record the new measure with `ratchet accept "
        '--reason "measure branches"`'
    )
    with_branches = cfg(baseline=Baseline(90, 100, 20, 10))
    assert measure.appeared_note(new_code, with_branches, None) is None
    assert measure.appeared_note(new_code, cfg(), None) is None
    no_branches = report(a=lines(104, 94))
    assert measure.appeared_note(no_branches, cfg(baseline=LINES_ONLY), None) is None
