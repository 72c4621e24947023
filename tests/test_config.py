"""[tool.ratchet] validation: every mistake is one clear error, never a silent default."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ratchet.config import from_text
from ratchet.errors import RatchetError

pytestmark = pytest.mark.unit


def parse(body: str):
    return from_text(f"[tool.ratchet]\n{body}\n", None, src="pyproject.toml")


def test_defaults():
    c = parse("")
    assert c.present
    assert (c.threshold, c.step, c.max_threshold, c.tolerance) == (0, 5, 100, 0)
    assert c.baseline is None
    assert c.precision == 2


def test_numbers_are_exact_decimals():
    c = parse("threshold = 72.5\nbaseline = 78.42\ntolerance = 0.1")
    assert (c.threshold, c.baseline, c.tolerance) == (
        Decimal("72.5"),
        Decimal("78.42"),
        Decimal("0.1"),
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("threshold = -0.01", "between 0 and 100"),
        ("threshold = 100.01", "between 0 and 100"),
        ("threshold = true", "must be a number"),
        ("threshold = nan", "finite|between"),
        ("step = 0", "greater than 0"),
        ("precision = 7", "integer 0-6"),
        ("precision = 1.5", "integer 0-6"),
        ("baseline_uncovered = -1", "non-negative integer"),
        ("patch_empty = 'maybe'", "one of pass, fail"),
        ("fail_on_indirect = 'yes'", "true or false"),
        ("reports = [1]", "list of paths"),
        ("paths = { src = [] }", "non-empty lists"),
        ("threshold = 90\nmax_threshold = 80", "above max_threshold"),
        ("baseline_file = ''", "non-empty string"),
        ("stepp = 5", "did you mean 'step'"),
    ],
)
def test_invalid__one_message_naming_the_key(body: str, message: str):
    with pytest.raises(RatchetError, match=message) as e:
        parse(body)
    assert str(e.value).startswith("pyproject.toml: ")


@pytest.mark.parametrize(
    "edge", ["threshold = 0", "threshold = 100", "step = 100", "precision = 0"]
)
def test_boundaries_accepted(edge: str):
    parse(edge)


def test_no_section__not_present():
    c = from_text("[project]\nname = 'x'\n", None, src="pyproject.toml")
    assert not c.present
