"""SimpleCov's result sets and JSON (ratchet/readers/simplecov.py): old formats, suites merged."""

# Reports written inline read best on one line each.
# ruff: noqa: E501

from __future__ import annotations

from pathlib import Path

import pytest

from ratchet.readers.load import load
from tests.conftest import write_file as _write

pytestmark = pytest.mark.unit


# -- SimpleCov ----------------------------------------------------------------------------


def test_simplecov__old_result_set_and_ignored_lines(tmp_path: Path):
    old = _write(
        tmp_path, "old.json", '{"RSpec": {"coverage": {"/a.rb": [null, 1, 0]}, "timestamp": 1}}'
    )
    new = _write(
        tmp_path,
        "coverage.json",
        '{"meta": {"simplecov_version": "0.22.0"}, "coverage": {"/a.rb": {"lines": [null, 1, "ignored", 0], '
        '"branches": [{"type": "then", "start_line": 2, "end_line": 2, "coverage": "ignored"}]}}, "groups": {}}',
    )
    assert load([old], root=tmp_path).files[0].missing_lines == (3,)
    (f,) = load([new], root=tmp_path).files
    assert (
        f.counts.lines_valid,
        f.counts.lines_covered,
        f.counts.branches_valid,
        f.missing_lines,
    ) == (2, 1, 0, (4,))


def test_simplecov__a_file_in_two_suites_is_a_union(tmp_path: Path):
    branches = (
        '{{"[:if, 0, 2, 0, 2, 9]": {{"[:then, 1, 2, 4, 2, 5]": {}, "[:else, 2, 2, 7, 2, 9]": {}}}}}'
    )
    suite = '"{}": {{"coverage": {{"/a.rb": {{"lines": {}, "branches": {}}}}}, "timestamp": 1}}'
    text = (
        "{"
        + suite.format("unit", "[1, 1, 0]", branches.format(1, 0))
        + ", "
        + suite.format("e2e", "[1, 0, 0]", branches.format(0, 2))
        + "}"
    )
    (f,) = load([_write(tmp_path, ".resultset.json", text)], root=tmp_path).files
    assert (
        f.counts.lines_valid,
        f.counts.lines_covered,
        f.counts.branches_valid,
        f.counts.branches_covered,
    ) == (3, 2, 2, 2)


def test_simplecov__a_result_set_without_branch_coverage(tmp_path: Path):
    p = _write(tmp_path, ".resultset.json", '{"S": {"coverage": {"/a.rb": {"lines": [1, 0]}}}}')
    t = load([p], root=tmp_path).totals
    assert (t.lines_valid, t.lines_covered, t.branches_valid) == (2, 1, 0)
