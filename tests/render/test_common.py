"""What the renderers share: control characters shown, plurals, coverage.py's display of a
percent and its order of file names."""

from __future__ import annotations

import pytest

from ratchet.core.models import Counts, FileCoverage
from ratchet.render.common import display, human_key, human_sorted, plural, printable

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain.py", "plain.py"),
        ("a\nb\tc\rd", "a\\nb\\tc\\rd"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("\x7f\x9f", "\\x7f\\x9f"),
        ("evil\u202etxt.py", "evil\\u202etxt.py"),  # Trojan Source
        ("\u2028\u2069", "\\u2028\\u2069"),
        ("café ☕", "café ☕"),
    ],
)
def test_printable__every_control_character_escaped(text, shown):
    assert printable(text) == shown


@pytest.mark.parametrize(
    ("n", "args", "text"),
    [
        (0, ("file",), "0 files"),
        (1, ("file",), "1 file"),
        (2, ("branch", "branches"), "2 branches"),
    ],
)
def test_plural(n, args, text):
    assert plural(n, *args) == text


@pytest.mark.parametrize(
    ("counts", "precision", "shown"),
    [
        (Counts(1000, 999), 0, "99"),  # never rounded up to 100
        (Counts(1000, 1), 0, "1"),  # nor down to 0
        (Counts(3, 2), 2, "66.67"),
        (Counts(10, 10), 1, "100.0"),
        (Counts(10, 0), 0, "0"),
    ],
)
def test_display__as_coverage_report_shows_it(counts, precision, shown):
    assert display(counts, precision) == shown


def test_human_sorted__digits_compare_as_numbers_the_name_breaks_ties():
    names = ["f10.py", "f2.py", "x01", "x1", "a.py"]
    files = [FileCoverage(n, Counts(1, 1)) for n in names]
    assert [f.path for f in human_sorted(files)] == ["a.py", "f2.py", "f10.py", "x01", "x1"]
    assert human_key("f2.py") < human_key("f10.py")
