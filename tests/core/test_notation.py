"""coverage.py's ``Missing`` column from what a report kept: spans, then missed branches
sorted as coverage.py sorts them, a branch into a missing line left out, an unknown
destination once as ``line->?``."""

from __future__ import annotations

import pytest

from ratchet.core.models import Counts, FileCoverage
from ratchet.core.notation import UNKNOWN, arrow_target, missing_text

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("name", "target"),
    [("12", 12), ("exit", "exit"), ("exit#2", "exit"), ("exits", UNKNOWN), ("b0", UNKNOWN)],
)
def test_arrow_target__a_line_an_exit_or_unknown(name, target):
    assert arrow_target(name) == target


def _file(spans=(), partial=(), missing=()) -> FileCoverage:
    return FileCoverage("a.py", Counts(20, 10, 4, 1), tuple(missing), None, spans, partial)


def test_missing_text__nothing_missing_is_empty():
    assert missing_text(_file()) == ""


def test_missing_text__spans_then_branches_by_line_then_as_text():
    f = _file(spans=((6, 10), (3, 3)), partial=((82, ("100", "85")), (4, ("exit",))))
    assert missing_text(f) == "3, 4->exit, 6-10, 82->100, 82->85"


def test_missing_text__a_branch_into_a_missing_line_is_not_shown():
    f = _file(spans=((7, 7),), partial=((5, ("7", "9")),), missing=(7,))
    assert missing_text(f) == "5->9, 7"


def test_missing_text__unknown_destinations_listed_once():
    f = _file(partial=((12, ("b0", "b1", "14")),))
    assert missing_text(f) == "12->14, 12->?"
