"""The values' own invariants (``ratchet.core.models``)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ratchet.core.models import Baseline, Counts, InvalidBaseline

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("kwargs", "said"),
    [
        ({"covered": 3, "measured": 2}, "baseline covers 3 of 2: more than it measured"),
        ({"covered": -1, "measured": 2}, "baseline.covered -1 must be a non-negative integer"),
        ({"covered": 1, "measured": -2}, "baseline.measured -2 must be a non-negative integer"),
        (
            {"covered": 1, "measured": 2, "branches": 3},
            "baseline.branches 3 is more than it measured",
        ),
        (
            {"covered": 1, "measured": 2, "branches": -1},
            "baseline.branches -1 must be a non-negative integer",
        ),
        (
            {"covered": 1, "measured": 4, "uncovered": 4},
            "baseline.uncovered 4 is more than the 3 the accepted run left uncovered: it can "
            "only be fewer",
        ),
        (
            {"covered": 1, "measured": 4, "uncovered": -1},
            "baseline.uncovered -1 must be a non-negative integer",
        ),
        ({"covered": 1}, "baseline needs both its counts, covered and measured"),
        (
            {"measured": 1, "legacy": Decimal(5)},
            "baseline needs both its counts, covered and measured",
        ),
        ({}, "baseline needs its counts, covered and measured"),
        ({"legacy": Decimal("100.5")}, "baseline percent 100.5 is not between 0 and 100"),
        (
            {"legacy": Decimal(50), "uncovered": -2},
            "baseline.uncovered -2 must be a non-negative integer",
        ),
    ],
)
def test_baseline__refuses_counts_that_contradict_each_other(kwargs, said):
    with pytest.raises(InvalidBaseline) as e:
        Baseline(**kwargs)
    assert e.value.at("baseline") == said


@pytest.mark.parametrize(
    "kwargs",
    [
        {"covered": 0, "measured": 0, "branches": 0, "uncovered": 0},
        {"covered": 3, "measured": 4, "branches": 4, "uncovered": 1},  # the boundaries
        {"covered": 3, "measured": 4},
        {"legacy": Decimal(0)},
        {"legacy": Decimal(100), "uncovered": 7},
    ],
)
def test_baseline__holds_consistent_counts(kwargs):
    assert Baseline(**kwargs).percent >= 0


def test_baseline__of_a_run_is_always_consistent():
    b = Baseline.of(Counts(10, 7, 4, 1))
    assert (b.covered, b.measured, b.branches, b.uncovered) == (8, 14, 4, 6)
