"""The SimpleCov reader's counts-only path (``check`` reads one report for its counts): the
counts the full line tables give, after the same refusals, whatever the entry holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ratchet.core.models import Counts
from ratchet.errors import RatchetError
from ratchet.readers import CountedFile, RawFile, bounds, simplecov
from ratchet.readers.load import load
from tests.conftest import FIXTURES

pytestmark = pytest.mark.unit

IF = "[:if, 0, 2, 0, 2, 9]"
THEN = "[:then, 1, 2, 4, 2, 5]"
ELSE = "[:else, 2, 2, 7, 2, 9]"


def _both(path: Path) -> tuple[list[tuple[str, Counts]], list[tuple[str, Counts]]]:
    counted, exact = [], []
    for f in simplecov.parse(path, counts_only=True):
        assert isinstance(f, CountedFile)
        assert f.read_detail().counts() == f.counts  # the tables, should they be wanted
        counted.append((f.path, f.counts))
    for g in simplecov.parse(path):
        assert isinstance(g, RawFile)
        exact.append((g.path, g.detail.counts()))
    return counted, exact


def _resultset(tmp_path: Path, entry: Any, *more: Any) -> Path:
    suites = {
        f"suite{i}": {"coverage": {"/a.rb": e}, "timestamp": 1}
        for i, e in enumerate((entry, *more))
    }
    p = tmp_path / ".resultset.json"
    p.write_text(json.dumps(suites))
    return p


@pytest.mark.parametrize(
    "entry",
    [
        {"lines": []},
        {"lines": [None, None]},
        {"lines": [None, 1, 0, None, 5]},
        {"lines": [0, 0, bounds.MAX_COUNT]},
        [None, 1, 0],  # SimpleCov < 0.18: the lines array alone
        {"lines": [1, 0], "branches": {}},
        {"lines": [1, 1], "branches": {IF: {THEN: 3, ELSE: 0}}},
        {"lines": [1, 0], "branches": {IF: {THEN: 0, ELSE: 0}}},
        {"lines": [1, 1], "branches": {IF: {}}},  # no branches: was an internal error
        # Two conditions on one line, and the same branch key under both: a line's missing
        # branches are a set, so it is missing once.
        {"lines": [1, 1], "branches": {IF: {THEN: 0}, "[:if, 3, 2, 0, 2, 9]": {THEN: 0, ELSE: 1}}},
        {"lines": [1, 1], "branches": {IF: {THEN: 0}, "[:if, 3, 1, 0, 1, 9]": {THEN: 0}}},
    ],
)
def test_counts_only__the_counts_of_the_tables(tmp_path: Path, entry: Any):
    counted, exact = _both(_resultset(tmp_path, entry))
    assert counted == exact


def test_counts_only__lines_and_branches_counted(tmp_path: Path):
    entry = {"lines": [None, 1, 0, 3], "branches": {IF: {THEN: 3, ELSE: 0}}}
    (counted,), _ = _both(_resultset(tmp_path, entry))
    assert counted == ("/a.rb", Counts(3, 2, 2, 1))


def test_counts_only__a_file_in_two_suites__yielded_twice(tmp_path: Path):
    # load sees the path twice and reads both again with their tables, for a union.
    counted, exact = _both(_resultset(tmp_path, {"lines": [1, 0]}, {"lines": [0, 1]}))
    assert counted == exact == [("/a.rb", Counts(2, 1)), ("/a.rb", Counts(2, 1))]


@pytest.mark.parametrize("name", ["ruby/coverage/.resultset.json", "ruby/coverage/coverage.json"])
def test_counts_only__the_producers_reports(name: str):
    path = FIXTURES / "polyglot" / name
    counted, exact = _both(path)
    assert counted
    assert counted == exact


def test_counts_only__json_formatter_with_ignored_lines_and_branches(tmp_path: Path):
    p = tmp_path / "coverage.json"
    p.write_text(
        '{"meta": {"simplecov_version": "0.22.0"}, "coverage": {"/a.rb": '
        '{"lines": [null, 1, "ignored", 0], '
        '"branches": [{"type": "then", "start_line": 2, "end_line": 2, "coverage": 0}, '
        '{"type": "else", "start_line": 2, "end_line": 2, "coverage": "ignored"}]}}}'
    )
    counted, exact = _both(p)
    assert counted == exact == [("/a.rb", Counts(2, 1, 1, 0))]


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        ({"lines": [True]}, "is not a count"),
        ({"lines": [1.5]}, "is not a count"),
        ({"lines": [None, -2]}, "negative count -2"),
        ({"lines": [2**64]}, "out of range"),
        ({"lines": "1"}, "'lines' is not an array"),
        ({"lines": [1], "branches": []}, "'branches' is not an object"),
        ({"lines": [1], "branches": {IF: 3}}, "does not map its branches to counts"),
        ({"lines": [1], "branches": {IF: {THEN: -1}}}, "negative count -1"),
        ({"lines": [1], "branches": {IF: {THEN: "1"}}}, "a branch count is not a number"),
        (
            {"lines": [1], "branches": {"[:if, 0, 0, 0, 1, 1]": {THEN: 1}}},
            "line numbers start at 1",
        ),
        (
            {"lines": [1], "branches": {IF: {"[:then, 1, 0, 4, 2, 5]": 1}}},
            "line numbers start at 1",
        ),
        ({"lines": [1], "branches": {IF: {"x": 1}}}, "is not SimpleCov's"),
        ({"branches": {}}, "has no 'lines'"),
    ],
)
def test_counts_only__the_same_refusals(tmp_path: Path, entry: Any, error: str):
    p = _resultset(tmp_path, entry)
    for counts_only in (True, False):
        with pytest.raises(RatchetError, match=error):
            list(simplecov.parse(p, counts_only=counts_only))


def test_load__counts_only__a_file_in_two_suites_is_a_union(tmp_path: Path):
    arms = {THEN: 1, ELSE: 0}, {THEN: 0, ELSE: 2}
    p = _resultset(
        tmp_path,
        {"lines": [1, 1, 0], "branches": {IF: arms[0]}},
        {"lines": [1, 0, 0], "branches": {IF: arms[1]}},
    )
    for keep_missing_lines in (False, True):  # check's read, and report's
        (f,) = load([p], root=tmp_path, keep_missing_lines=keep_missing_lines).files
        assert f.counts == Counts(3, 2, 2, 2)


# Keys the one-pass check (ASCII, a line 1 to MAX_LINE without a leading zero) refuses and
# the key-by-key one reads: the same counts, or the same refusal, either way.
@pytest.mark.parametrize(
    "key",
    [
        "[:then, 1, 02, 4, 2, 5]",  # a leading zero: line 2
        f"[:then, 1, {bounds.MAX_LINE}, 4, 2, 5]",
        "[:then, 1, \u0662, 4, 2, 5]",  # an Arabic-Indic two, which int() reads
        "[:th\u00e9n, 1, 2, 4, 2, 5]",  # a non-ASCII word character
        "[:then, -1, 2, -4, 2, -5]",
    ],
)
def test_counts_only__keys_read_one_by_one__the_counts_of_the_tables(tmp_path: Path, key: str):
    for entry in (
        {"lines": [1, 1], "branches": {IF: {key: 0, ELSE: 1}}},
        {"lines": [1, 1], "branches": {key.replace(":then", ":if"): {THEN: 0, ELSE: 1}}},
    ):
        counted, exact = _both(_resultset(tmp_path, entry))
        assert counted == exact
        assert counted[0][1].branches_valid == 2


@pytest.mark.parametrize(
    ("key", "error"),
    [
        ("[:then, 1, 0, 4, 2, 5]", "line numbers start at 1"),
        ("[:then, 1, 00, 4, 2, 5]", "line numbers start at 1"),
        (f"[:then, 1, {bounds.MAX_LINE + 1}, 4, 2, 5]", "no source file has more than"),
        ("[:then, 1, 1234567890, 4, 2, 5]", "is not SimpleCov's"),
        ("[:then, 1, 2, 4, 2, 5]\n[:else, 2, 2, 7, 2, 9]", "is not SimpleCov's"),  # two lines
        ("[:then, 1, 2, 4, 2, 5]\n", "is not SimpleCov's"),
        ("", "is not SimpleCov's"),
        ("[:then, 1, 2, 4, 2]", "is not SimpleCov's"),
        ("[:then, 1, -2, 4, 2, 5]", "is not SimpleCov's"),
    ],
)
def test_counts_only__keys__the_same_refusals(tmp_path: Path, key: str, error: str):
    for entry in (
        {"lines": [1], "branches": {IF: {key: 1}}},
        {"lines": [1], "branches": {key: {THEN: 1}}},
    ):
        p = _resultset(tmp_path, entry)
        for counts_only in (True, False):
            with pytest.raises(RatchetError, match=error):
                list(simplecov.parse(p, counts_only=counts_only))
