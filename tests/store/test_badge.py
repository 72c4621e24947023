"""The offline badge: coloured by the threshold bands, its number as coverage.py shows it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from fractions import Fraction

import pytest
from coverage.results import display_covered

from ratchet.store import badge

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("pct", "threshold", "step", "colour"),
    [
        (Fraction(100), 100, 5, badge.BRIGHT_GREEN),  # only 100% is bright green
        (Fraction(99999, 1000), 90, 5, badge.GREEN),  # 99.999% is not 100%
        (Fraction(95), 90, 5, badge.GREEN),  # exactly one step above: green
        (Fraction(9499999, 100000), 90, 5, badge.YELLOW),  # just under one step above
        (Fraction(90), 90, 5, badge.YELLOW),  # at the threshold: passes, but yellow
        (Fraction(8999999, 100000), 90, 5, badge.RED),  # just below: a check fails
        (Fraction(0), 0, 5, badge.YELLOW),  # nothing covered, nothing required
        (Fraction(725, 10), Decimal("72.5"), Decimal("0.5"), badge.YELLOW),
        (Fraction(73), Decimal("72.5"), Decimal("0.5"), badge.GREEN),
        (Fraction(100), 100, 100, badge.BRIGHT_GREEN),
    ],
)
def test_colour__bands_at_their_boundaries(pct, threshold, step, colour):
    assert badge.colour(pct, Decimal(threshold), Decimal(step)) == colour


@pytest.mark.parametrize(
    ("pct", "places", "shown"),
    [
        (Fraction(9265, 100), 0, "93%"),  # rounded as coverage.py rounds, not truncated
        (Fraction(9249, 100), 0, "92%"),
        (Fraction(925, 10), 0, "92%"),  # half to even: coverage.py's round() on the float
        (Fraction(935, 10), 0, "94%"),
        (Fraction(99999, 1000), 0, "99%"),  # never 100% before it is
        (Fraction(99999, 1000), 2, "99.99%"),
        (Fraction(1, 1000), 0, "1%"),  # never 0% once a line is covered
        (Fraction(2, 3) * 100, 1, "66.7%"),
        (Fraction(100), 0, "100%"),
        (Fraction(0), 0, "0%"),
    ],
)
def test_coverage_badge__the_value_reads_as_coverage_report_shows_it(pct, places, shown):
    svg = badge.coverage_badge(pct, Decimal(50), Decimal(5), places=places)
    assert f"<title>coverage: {shown}</title>" in svg
    assert f"{shown[:-1]}" == display_covered(float(pct), places)  # coverage.py's own


def test_svg__well_formed_sized_to_its_text_and_escaped():
    svg = badge.svg('a<b>&"c', "87%", badge.YELLOW)
    root = ET.fromstring(svg)  # escaped text and attributes parse back
    assert root.get("aria-label") == 'a<b>&"c: 87%'
    label, value = badge._width('a<b>&"c'), badge._width("87%")
    assert root.get("width") == str(label + value)
    assert f'fill="{badge.YELLOW}"' in svg and f'<rect x="{label}" width="{value}"' in svg


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("", 10),  # the padding alone
        ("8", 17),  # 7.0 px + 10
        ("87%", 36),  # 7.0 + 7.0 + 12.0 = 26.0 px + 10
        ("coverage", 61),  # 50.3 px, rounded up, + 10
        ("Ä", 18),  # a character without a known width counts as a wide letter: 7.5 -> 8
    ],
)
def test_width__verdana_advances_rounded_up_plus_padding(text, width):
    assert badge._width(text) == width
