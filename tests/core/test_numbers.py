"""How numbers read: percents as coverage.py rounds them, margins exact and never 0.

The rounding is coverage.py's ``results.display_covered``, checked here against the
installed coverage.py itself. The lock pins coverage 7.18.0 (Python 3.11 and up) and 7.16.2
(Python 3.10); ``display_covered``, ``Numbers`` and ``format_lines`` are the same code in
both, and these tests hold for those two versions only: any other fails the first test, so
that moving coverage means reading its changelog and checking them again.
"""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction
from importlib.metadata import version

import pytest
from coverage.results import Numbers, display_covered

from ratchet.core import numbers
from ratchet.core.models import Counts
from ratchet.core.numbers import floor_step, floor_to, fmt_margin, fmt_pct, percent

pytestmark = pytest.mark.unit

COVERAGE_CHECKED = ("7.18.0", "7.16.2")


def test_installed_coverage__a_version_these_tests_hold_for():
    assert version("coverage") in COVERAGE_CHECKED, (
        f"coverage {version('coverage')} is not a version the rounding and report tests were "
        f"checked against ({', '.join(COVERAGE_CHECKED)}): read its changelog for "
        "display_covered, format_lines and the summary report, then add it"
    )


def test_fmt_pct__digit_for_digit_coverage_py_for_every_small_fraction():
    # Every covered/total up to 80 items, at every precision `report` accepts.
    for total in range(1, 81):
        for covered in range(total + 1):
            pct = percent(Counts(total, covered))
            pc = 100.0 * covered / total  # what coverage.py computes
            for places in range(7):
                assert fmt_pct(pct, places) == display_covered(pc, places), (covered, total)


def test_fmt_pct__coverage_py_numbers_for_large_counts():
    rnd = random.Random(7)
    for _ in range(3000):
        stmts = rnd.randrange(1, 10**7)
        branches = rnd.randrange(0, 10**6)
        missing = rnd.randrange(0, stmts + 1)
        missing_br = rnd.randrange(0, branches + 1)
        counts = Counts(stmts, stmts - missing, branches, branches - missing_br)
        places = rnd.randrange(7)
        theirs = Numbers(
            precision=places,
            n_statements=stmts,
            n_missing=missing,
            n_branches=branches,
            n_missing_branches=missing_br,
        )
        assert fmt_pct(percent(counts), places) == theirs.pc_covered_str
        assert counts.percent == theirs.pc_covered


@pytest.mark.parametrize(
    ("covered", "total", "places", "shown"),
    [
        (257, 270, 4, "95.1852"),  # 95.185185...: ratchet once printed 95.1851
        (255, 259, 2, "98.46"),  # 98.455598...: the comment once printed 98.45
        (19999, 20000, 2, "99.99"),  # 99.995 rounds to 100.00: coverage.py says 99.99
        (199999, 200000, 4, "99.9995"),  # at 4 places it is 99.9995
        (1999999, 2000000, 4, "99.9999"),  # 99.99995: never 100.0000
        (199, 200, 0, "99"),  # 99.5 at 0 places
        (1, 200, 0, "1"),  # 0.5 at 0 places: never 0
        (1, 20001, 2, "0.01"),  # 0.0049998: tiny, but not nothing
        (1, 20001, 6, "0.005000"),  # 0.00499975
        (1, 10**8, 6, "0.000001"),
        (0, 7, 2, "0.00"),  # truly 0
        (7, 7, 2, "100.00"),  # truly 100
        (7, 7, 0, "100"),
        (1, 8, 0, "12"),  # 12.5: half to even, as Python's round()
        (3, 8, 0, "38"),  # 37.5
        (2, 3, 6, "66.666667"),
        (0, 0, 2, "100.00"),  # nothing to measure counts as covered
    ],
)
def test_fmt_pct__boundaries(covered: int, total: int, places: int, shown: str):
    assert fmt_pct(percent(Counts(total, covered)), places) == shown
    assert fmt_pct(percent(Counts(total, covered)), places) == display_covered(
        Counts(total, covered).percent, places
    )


def test_fmt_pct__a_configured_bar_reads_as_written():
    assert fmt_pct(Decimal("80.00")) == "80"
    assert fmt_pct(Decimal("72.50")) == "72.5"
    assert fmt_pct(Decimal("99.999999")) == "99.999999"


def test_fmt_pct__default_places_show_four():
    assert numbers.SHOW == 4
    assert fmt_pct(Fraction(2, 3) * 100) == "66.6667"


def test_display_covered__negative_precision_refused():
    with pytest.raises(ValueError, match="precision=-1"):
        numbers.display_covered(50.0, -1)


@pytest.mark.parametrize(
    ("margin", "places", "shown"),
    [
        (Fraction(1, 10**9), 4, "<0.0001"),  # a margin that is not 0 never reads as 0
        (Fraction(-1, 10**9), 4, "<0.0001"),  # the sign is the caller's
        (Fraction(1, 10**9), 2, "<0.01"),
        (Fraction(1, 3), 0, "<1"),
        (Fraction(0), 4, "0.0000"),  # exactly on the bar
        (Fraction(0), 0, "0"),
        (Fraction(2570, 27) - 95, 4, "0.1852"),  # 95.185185... above 95
        (Fraction(5, 2), 0, "2"),  # half to even, like fmt_pct
        (Fraction(3, 2), 0, "2"),
        (Fraction(99995, 1000), 2, "100.00"),  # a margin has no 100 to keep away from
        (Decimal("0.5"), 1, "0.5"),
    ],
)
def test_fmt_margin__rounded_never_zero(margin: Fraction | Decimal, places: int, shown: str):
    assert fmt_margin(margin, places) == shown


def test_fmt_margin__reads_as_the_shown_percent_minus_the_bar():
    # A bar with no more decimals than are shown: "95.1852% ... 0.1852 points above 95".
    for total in range(1, 200, 3):
        for covered in range(0, total + 1, 5):
            pct = percent(Counts(total, covered))
            shown = Decimal(fmt_pct(pct))
            if shown in (Decimal("0.0001"), Decimal("99.9999")):
                continue  # clamped away from 0 and 100: the margin is the exact one
            for bar in (Decimal(0), Decimal(50), Decimal("72.5"), Decimal("80.25"), Decimal(95)):
                assert Decimal(fmt_margin(pct - Fraction(bar))) == abs(shown - bar), (
                    covered,
                    total,
                    bar,
                )


def test_floor_to_and_floor_step__never_round_up():
    # Decisions (the recorded baseline, the next threshold) floor; only display rounds.
    assert floor_to(Fraction(2, 3) * 100, 2) == Decimal("66.66")
    assert floor_to(Fraction(7999999, 100000), 4) == Decimal("79.9999")
    assert floor_step(Fraction(100), Decimal(5)) == 100
    assert floor_step(Fraction(7999999, 100000), Decimal(5)) == 75


@pytest.mark.parametrize(
    ("a", "b", "order"),
    [
        (Counts(2, 1), Counts(4, 2), 0),  # 50% both: equal fractions, other counts
        (Counts(3, 1), Counts(2, 1), -1),  # 33.3% < 50%
        (Counts(3, 2, 2, 2), Counts(4, 3), 1),  # 80% > 75%: branches count
        (Counts(), Counts(5, 5), 0),  # nothing measured is fully covered
        (Counts(), Counts(5, 4), 1),
        (Counts(1, 0), Counts(), -1),
        (Counts(), Counts(), 0),
        # One part in a billion apart: no rounding, however fine.
        (Counts(10**9, 10**9 - 1), Counts(10**9 + 1, 10**9), -1),
    ],
)
def test_percent_order__the_exact_comparison_of_the_percents(a: Counts, b: Counts, order: int):
    assert numbers.percent_order(a, b) == order
    assert numbers.percent_order(b, a) == -order
    assert (percent(a) > percent(b)) - (percent(a) < percent(b)) == order


def test_percent_order__agrees_with_percent_on_random_counts():
    rng = random.Random(20)
    for _ in range(2000):
        a, b = (
            Counts(lv := rng.randrange(0, 50), rng.randrange(0, lv + 1), bv := rng.randrange(9),
                   rng.randrange(0, bv + 1))
            for _ in range(2)
        )  # fmt: skip
        want = (percent(a) > percent(b)) - (percent(a) < percent(b))
        assert numbers.percent_order(a, b) == want, (a, b)
