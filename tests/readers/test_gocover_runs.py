"""The Go reader's fast path (``gocover._runs``: a file's run of lines in a few C loops)
against its plain one (``_rows_slowly``: a line at a time), and the boundaries of both.
The property test of the two is in test_gocover_property."""

from __future__ import annotations

from pathlib import Path

import pytest

from ratchet.core.models import Counts
from ratchet.errors import RatchetError
from ratchet.readers import CountedFile, RawFile, bounds, gocover
from ratchet.readers.load import load

pytestmark = pytest.mark.unit

A = "example.com/m/a.go"
B = "example.com/m/b.go"


def plain(text: str) -> list[tuple[str, gocover.Columns]] | str:
    """What the line-by-line reader makes of ``text``, or its error."""
    try:
        return gocover._as_runs(gocover._rows_slowly(text, 1, "count", "cover.out"))
    except RatchetError as e:
        return str(e)


def _counts(tmp_path: Path, text: str, chunk_size: int = 1 << 20) -> dict[str, Counts]:
    p = tmp_path / "cover.out"
    p.write_text(text)
    out = {}
    for f in gocover.parse(p, config_root=tmp_path, counts_only=True, chunk_size=chunk_size):
        assert isinstance(f, CountedFile)
        out[f.path] = f.counts
    return out


def _hits(tmp_path: Path, text: str, chunk_size: int = 1 << 20) -> list[tuple[str, dict[int, int]]]:
    p = tmp_path / "cover.out"
    p.write_text(text)
    out = []
    for f in gocover.parse(p, config_root=tmp_path, chunk_size=chunk_size):
        assert isinstance(f, RawFile)
        out.append((f.path, dict(f.detail.hits)))
    return out


# -- the fast path reads what the plain one reads, or leaves the chunk to it -------------


@pytest.mark.parametrize(
    "block",
    [
        "1.2,3.4 1 1",
        "1.2,1.9 3 0",  # a block on one line
        "9.2,10.4 1 5",  # ends that sort before their starts as text
        "99.1,100.2 2 1",
        "9999999.1,9999999.9 1 1",  # the last line any reader takes
        f"1.2,3.4 999999999 {bounds.MAX_COUNT}",
        "1.2,3.4 0 1",  # a block without statements
    ],
)
def test_runs__a_canonical_block__read_by_the_fast_path(block: str):
    text = f"{A}:{block}\n{B}:1.1,2.2 1 1\n"
    fast = gocover._runs(text)
    assert fast is not None
    assert fast == plain(text)


@pytest.mark.parametrize(
    "block",
    [
        "01.2,3.4 1 1",  # leading zeros: the plain reader reads them as numbers
        "1.2,3.4 1 007",
        "0.2,3.4 1 1",  # line 0, a line out of range, a count out of range: its errors
        "10000000.2,10000000.4 1 1",
        f"1.2,3.4 1 {bounds.MAX_COUNT + 1}",
        "1.2,3.4 1000000000 1",
        "1.2,3.4 1 -1",
        "1.2,3.4 1 1 ",
        "",
    ],
)
def test_runs__anything_else__left_to_the_plain_reader(block: str):
    assert gocover._runs(f"{A}:1.1,2.2 1 1\n{A}:{block}\n") is None


def test_runs__a_file_listed_again_after_another__two_runs():
    text = f"{A}:1.1,2.2 1 1\n{B}:1.1,2.2 1 0\n{A}:3.1,4.2 2 0\n"
    runs = gocover._runs(text)
    assert runs is not None
    assert [name for name, _ in runs] == [A, B, A]
    assert runs == plain(text)


def test_runs__a_run_longer_than_the_window__one_run():
    lines = [f"{A}:{i}.1,{i}.9 1 {i % 2}" for i in range(1, 2001)]
    runs = gocover._runs("\n".join(lines) + f"\n{B}:1.1,1.2 1 1\n")
    assert runs is not None
    assert [(name, len(cols[0])) for name, cols in runs] == [(A, 2000), (B, 1)]


# -- the reader's boundaries, whichever path reads them ----------------------------------


def test_go__a_mode_line_and_no_block__refused(tmp_path: Path):
    with pytest.raises(RatchetError, match="without any block"):
        _counts(tmp_path, "mode: set\n")


@pytest.mark.parametrize("mode", ["set", "count", "atomic"])
@pytest.mark.parametrize("mode_line", ["mode: {}", "mode:{}", "  mode: {}  ", "\n\nmode: {}"])
def test_go__mode_line_variants__read(tmp_path: Path, mode: str, mode_line: str):
    text = mode_line.format(mode) + f"\n{A}:1.1,2.2 1 1\n{A}:3.1,4.2 2 0\n"
    assert _counts(tmp_path, text) == {A: Counts(3, 1)}


@pytest.mark.parametrize(
    ("mode", "first_run"), [("set", {2: 1}), ("count", {2: 4}), ("atomic", {2: 4})]
)
@pytest.mark.parametrize("chunk_size", [1 << 20, 23])
def test_go__a_block_repeated__merged(
    tmp_path: Path, mode: str, first_run: dict[int, int], chunk_size: int
):
    block = f"{A}:1.1,2.2 1 "
    ran = 1 if mode == "set" else 4
    text = f"mode: {mode}\n{block}0\n{block}{ran}\n{B}:1.1,2.2 1 0\n{block}0\n"
    # The reader yields a file once per run (merging repeats within it); load merges runs.
    assert _hits(tmp_path, text, chunk_size) == [(A, first_run), (B, {2: 0}), (A, {2: 0})]
    files = load([tmp_path / "cover.out"], root=tmp_path).files
    assert {f.path: (f.counts.lines_valid, f.counts.lines_covered) for f in files} == {
        A: (1, 1),
        B: (1, 0),
    }


def test_go__a_block_repeated_in_one_run__counted_once(tmp_path: Path):
    text = f"mode: count\n{A}:1.1,2.2 2 0\n{A}:1.1,2.2 2 5\n{A}:3.1,4.2 1 0\n"
    assert _counts(tmp_path, text) == {A: Counts(3, 2)}
    assert _hits(tmp_path, text) == [(A, {2: 5, 1: 5, 4: 0})]


def test_go__a_block_repeated_with_another_statement_count__refused(tmp_path: Path):
    with pytest.raises(RatchetError, match="listed again with another statement count"):
        _counts(tmp_path, f"mode: count\n{A}:1.1,2.2 2 0\n{A}:1.1,2.2 3 5\n")


@pytest.mark.parametrize(
    ("count", "error"),
    [
        ("10000000", None),  # eight digits: past the fast path's usual case, still read
        (str(bounds.MAX_COUNT), None),
        (str(bounds.MAX_COUNT + 1), "out of range"),
        ("9" * 30, "out of range"),
    ],
)
@pytest.mark.parametrize("chunk_size", [1 << 20, 17])
def test_go__huge_counts(tmp_path: Path, count: str, error: str | None, chunk_size: int):
    text = f"mode: count\n{A}:1.1,2.2 1 {count}\n{A}:3.1,4.2 1 0\n"
    if error:
        with pytest.raises(RatchetError, match=error):
            _counts(tmp_path, text, chunk_size)
    else:
        assert _counts(tmp_path, text, chunk_size) == {A: Counts(2, 1)}
        assert _hits(tmp_path, text, chunk_size) == [(A, {2: int(count), 4: 0})]


@pytest.mark.parametrize(
    ("block", "error"),
    [
        ("5.1,2.9 1 1", "ends before it starts"),
        ("10.1,9.9 1 1", "ends before it starts: 10.1,9.9"),
        ("0.1,2.9 1 1", "line numbers start at 1"),
        ("1.1,10000000.9 1 1", "no source file has more than"),
        ("1.1,2.9 1000001 1", "more than 1,000,000 statements"),
    ],
)
def test_go__refusals__the_same_on_either_path(tmp_path: Path, block: str, error: str):
    good = "\n".join(f"{A}:{i}.1,{i}.9 1 1" for i in range(1, 50))
    for text in (f"mode: set\n{good}\n{A}:{block}\n", f"mode: set\r\n{good}\r\n{A}:{block}\r\n"):
        with pytest.raises(RatchetError, match=error):
            _counts(tmp_path, text)


def test_go__leading_zeros__read_as_the_numbers_they_are(tmp_path: Path):
    canonical = f"mode: count\n{A}:1.1,2.2 1 7\n{A}:3.1,4.2 1 0\n"
    padded = f"mode: count\n{A}:01.1,02.02 01 007\n{A}:3.1,4.2 1 00\n"
    assert _counts(tmp_path, padded) == _counts(tmp_path, canonical) == {A: Counts(2, 1)}
    assert _hits(tmp_path, padded) == _hits(tmp_path, canonical)
