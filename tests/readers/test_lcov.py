"""LCOV tracefiles: other producers, odd corners, and input that must be refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from ratchet.errors import RatchetError
from ratchet.readers.load import load
from ratchet.readers.paths import PathMap
from tests.conftest import write_file as _write

pytestmark = pytest.mark.unit

# check, update and init read a tracefile for its counts (lcov_scan, where it can), report
# for its lines (lcov.parse): the two must agree on every tracefile, and on every refusal.
both_readers = pytest.mark.parametrize("counts_only", [False, True], ids=["exact", "counts-only"])


def test_lcov__geninfo_style_with_untaken_branches_and_checksums(tmp_path: Path):
    p = _write(
        tmp_path,
        "lcov.info",
        """TN:unit
SF:/build/src/a.c
FN:1,main
FNDA:1,main
DA:1,1,abcdef
DA:2,0
DA:3,5
BRDA:3,0,0,1
BRDA:3,0,1,-
BRDA:3,0,2,0
LF:3
LH:2
end_of_record
""",
    )
    (f,) = load(
        [p], root=tmp_path, path_map=PathMap.from_config({"src": ["src", "/build/src"]})
    ).files
    assert f.path == "src/a.c"
    assert (f.counts.lines_valid, f.counts.lines_covered) == (3, 2)
    assert (f.counts.branches_valid, f.counts.branches_covered) == (3, 1)


@both_readers
def test_lcov__same_file_in_two_test_sections__union_not_sum(tmp_path: Path, counts_only: bool):
    p = _write(
        tmp_path,
        "lcov.info",
        """TN:a
SF:a.py
DA:1,1
DA:2,0
end_of_record
TN:b
SF:a.py
DA:1,0
DA:2,3
end_of_record
""",
    )
    (f,) = load([p], root=tmp_path, keep_missing_lines=not counts_only).files
    assert (f.counts.lines_valid, f.counts.lines_covered) == (2, 2)


@both_readers
def test_lcov__summary_only_record__counts_kept(tmp_path: Path, counts_only: bool):
    p = _write(tmp_path, "lcov.info", "SF:a.js\nLF:10\nLH:7\nBRF:4\nBRH:1\nend_of_record\n")
    rep = load([p], root=tmp_path, keep_missing_lines=not counts_only)
    t = rep.totals
    assert (t.lines_valid, t.lines_covered, t.branches_valid, t.branches_covered) == (10, 7, 4, 1)
    assert rep.files[0].missing_lines == ()  # no line numbers to show, not placeholders


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SF:a.py\nDA:1,1\n", "truncated"),
        ("SF:a.py\nDA:one,1\nend_of_record\n", "line 2"),
        ("SF:a.py\nhello world\nend_of_record\n", "not an LCOV line"),
        ("DA:1,1\nend_of_record\n", "no SF"),
        ("TN:\n", "no SF/end_of_record"),
        ("SF:a.py\nDA:1,-5\nend_of_record\n", "line 2: negative execution count -5"),
        ("SF:a.py\nDA:1,-5,abcdef\nend_of_record\n", "line 2: negative execution count -5"),
        ("SF:a.py\nDA:0,1\nend_of_record\n", "line 2: line number 0"),
        ("SF:a.py\nDA:1,1\nBRDA:1,0,0,-3\nend_of_record\n", "line 3: negative taken count"),
        ("SF:a.py\nLF:-3\nend_of_record\n", "line 2: negative LF"),
        ("SF:a.py\nLF:3\nLH:5\nend_of_record\n", r"LH \(5\) is more than LF \(3\)"),
        ("SF:a.py\nBRF:1\nBRH:2\nend_of_record\n", r"BRH \(2\) is more than BRF \(1\)"),
        ("SF:a.py\nLF:100000000000\nLH:1\nend_of_record\n", "more than 1,000,000 lines"),
        ("SF:a.py\nDA:7\nend_of_record\n", "line 2: expected 2 comma-separated fields, got '7'"),
        ("SF:a.py\nDA:1,1\nBRDA:1,0,1\nend_of_record\n", "line 3: BRDA needs 4 fields"),
        ("SF:a.py\nend_of_record\nend_of_record\n", "line 3: end_of_record without SF"),
    ],
    ids=[
        "truncated",
        "bad-number",
        "garbage",
        "no-sf",
        "no-records",
        "negative-da",
        "negative-da-checksum",
        "line-zero",
        "negative-brda",
        "negative-lf",
        "lh-over-lf",
        "brh-over-brf",
        "absurd-lf",
        "da-one-field",
        "brda-three-fields",
        "end-twice",
    ],
)
@both_readers
def test_lcov__bad_input__one_clear_error(
    tmp_path: Path, text: str, message: str, counts_only: bool
):
    p = _write(tmp_path, "lcov.info", text)
    with pytest.raises(RatchetError, match=message) as e:
        load([p], root=tmp_path, keep_missing_lines=not counts_only)
    assert str(e.value).startswith(str(p))


@both_readers
def test_lcov__path_not_utf8__refused_with_its_line(tmp_path: Path, counts_only: bool):
    p = tmp_path / "coverage.lcov"
    p.write_bytes(b"TN:\nSF:a\xff.py\nDA:1,1\nend_of_record\n")
    with pytest.raises(RatchetError) as e:
        load([p], root=tmp_path, keep_missing_lines=not counts_only)
    assert str(e.value) == f"{p}: line 2: source path 'a\\xff.py' is not valid UTF-8"


@both_readers
def test_lcov__more_distinct_numbers_than_the_memo_tables_hold__same_counts(
    tmp_path: Path, counts_only: bool
):
    # The exact reader memoises number strings, branch names and DA halves in bounded
    # tables (4,096 entries at most); past that it reads the plain way, with the same result.
    lines = 10_000
    da = "".join(f"DA:{n},{n % 300}\n" for n in range(1, lines + 1))
    brda = "".join(f"BRDA:{n},0,{n},{n % 2}\n" for n in range(1, lines + 1))
    p = _write(tmp_path, "lcov.info", f"SF:a.py\n{da}{brda}end_of_record\n")
    (fc,) = load([p], root=tmp_path, keep_missing_lines=not counts_only).files
    assert fc.counts.lines_valid == lines
    assert fc.counts.lines_covered == lines - lines // 300  # n % 300 == 0: 20 lines hit 0 times
    assert (fc.counts.branches_valid, fc.counts.branches_covered) == (lines, lines // 2)
