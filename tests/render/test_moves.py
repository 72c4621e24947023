"""What moved, file by file and in total, decided once for the comment and the terminal:
the files table's order, and the total's move explained the fewest ways."""

from __future__ import annotations

import pytest

from ratchet.core.models import Counts
from ratchet.core.results import FileChange
from ratchet.render.moves import FileRow, Movement

pytestmark = pytest.mark.unit


def test_movement__lines_that_lost_coverage_are_newly_uncovered_never_also_deleted():
    # 10 statements, 8 covered -> 10 statements, 5 covered: 3 newly uncovered, none deleted.
    m = Movement.of((FileChange("a.py", Counts(10, 8), Counts(10, 5)),))
    assert m == Movement(uncovered_added=3)


def test_movement__covered_lines_deleted_are_not_a_regression():
    m = Movement.of((FileChange("a.py", Counts(10, 8), Counts(6, 4)),))
    assert m == Movement(covered_deleted=4)


def test_movement__uncovered_now_covered_and_new_and_removed_files():
    m = Movement.of(
        (
            FileChange("a.py", Counts(10, 5), Counts(10, 9)),  # 4 uncovered now covered
            FileChange("new.py", None, Counts(3, 1)),
            FileChange("gone.py", Counts(4, 4), None),
        )
    )
    assert m == Movement(
        uncovered_added=2, uncovered_gone=4, covered_added=1, covered_deleted=4,
        new_files=1, removed_files=1,
    )  # fmt: skip


def test_movement__a_file_not_measured_is_counted_apart_not_as_deleted():
    changes = (FileChange("a.py", Counts(10, 8), None),)
    assert Movement.of(changes, frozenset({"a.py"})) == Movement(unmeasured_files=1)
    assert Movement.of(changes) == Movement(uncovered_gone=2, covered_deleted=8, removed_files=1)


def _row(path, before, after, failed=False):
    return FileRow(path, FileChange(path, before, after), None, failed, False)


def test_file_rows__failing_first_then_most_newly_uncovered_then_biggest_drop():
    rows = [
        _row("z.py", Counts(10, 10), Counts(10, 9)),  # 1 newly uncovered, -10 points
        _row("y.py", Counts(100, 100), Counts(100, 99)),  # 1 newly uncovered, -1 point
        _row("x.py", Counts(10, 10), Counts(10, 5)),  # 5 newly uncovered
        _row("w.py", Counts(10, 10), Counts(10, 10), failed=True),
        _row("v.py", None, Counts(4, 0)),  # a new file: all of it newly uncovered
    ]
    assert [r.path for r in sorted(rows, key=FileRow.key)] == [
        "w.py",
        "x.py",
        "v.py",
        "z.py",
        "y.py",
    ]
    assert [r.newly() for r in rows] == [1, 1, 5, 0, 4]
    assert FileRow("p.py", None, None, False, False).newly() == 0
