"""Go's cover profiles (ratchet/readers/gocover.py): statements as go tool cover counts them,
modules and their paths."""

# Reports written inline read best on one line each.
# ruff: noqa: E501

from __future__ import annotations

from pathlib import Path

import pytest

from ratchet.readers import RawFile, gocover
from ratchet.readers.load import load
from tests.conftest import FIXTURES
from tests.conftest import write_file as _write

pytestmark = pytest.mark.unit


# -- Go -----------------------------------------------------------------------------------


def test_go_statements__placed_after_the_first_line_then_on_it_then_nowhere():
    blocks = {
        (4, 29, 5, 11): [1, 3],  # func f() {  /  if x {     -> 5
        (5, 11, 7, 3): [1, 0],  # return a  /  } else {      -> 6
        (7, 8, 7, 19): [1, 2],  # } else if y {  on line 7   -> 7
        (10, 2, 12, 9): [3, 1],  # a := 1 / b := 2 / c := 3  -> 11, 12, then 10
        (13, 2, 13, 30): [2, 0],  # a := 1; b := 2          -> 13, and one counted nowhere
        (19, 5, 21, 3): [3, 0],  # three statements           -> 20, 21, 19
        (20, 2, 20, 30): [1, 1],  # its line already held     -> counted nowhere
    }
    assert gocover.statements(blocks) == {
        **{5: 3, 6: 0, 7: 2, 11: 1, 12: 1, 10: 1, 13: 0, -1: 0},
        **{20: 0, 21: 0, 19: 0, -2: 1},
    }


def test_go__a_block_again__set_mode_covered_once_count_mode_added(tmp_path: Path):
    block = "example.com/m/a.go:3.10,5.2 2 {}\n"
    for mode, counts, hits in (("set", (1, 1), 1), ("count", (2, 3), 5)):
        p = _write(
            tmp_path, f"{mode}.out", f"mode: {mode}\n" + "".join(block.format(c) for c in counts)
        )
        raw = list(gocover.parse(p, config_root=tmp_path))
        assert [dict(r.detail.hits) for r in raw if isinstance(r, RawFile)] == [{4: hits, 5: hits}]


def test_go__nested_module_wins_and_paths_beside_its_go_mod(tmp_path: Path):
    _write(tmp_path, "go.mod", "module example.com/top\n\ngo 1.21\n")
    _write(tmp_path, "svc/go.mod", '// the service\nmodule "example.com/top/svc" // nested\n')
    _write(tmp_path, "docs/go.mod", "go 1.21\n")  # no module line: not a module
    _write(tmp_path, "svc/x/a.go", "package x\n")
    _write(tmp_path, "lib/b.go", "package lib\n")
    p = _write(
        tmp_path,
        "svc/cover.out",
        "mode: set\nexample.com/top/svc/x/a.go:1.1,2.2 1 1\nexample.com/top/lib/b.go:1.1,2.2 1 0\n",
    )
    assert [f.path for f in load([p], root=tmp_path).files] == ["lib/b.go", "svc/x/a.go"]


def test_go__package_outside_any_module_has_its_absolute_directory(tmp_path: Path):
    _write(tmp_path, "old/a.go", "package old\n")
    p = _write(tmp_path, "cover.out", f"mode: set\n_{tmp_path}/old/a.go:1.1,2.2 1 1\n")
    assert [f.path for f in load([p], root=tmp_path).files] == ["old/a.go"]


@pytest.mark.parametrize("profile", ["cover-set", "cover-count", "cover-calc"])
def test_go__chunked_regex_reads_as_the_line_by_line_reader(tmp_path: Path, profile: str):
    # The fast path (one regex per chunk) against the plain one (CRLF line ends send every
    # chunk to _rows_slowly), at chunk sizes that cut lines and files anywhere.
    text = (FIXTURES / "polyglot" / "go" / f"{profile}.out").read_text()
    crlf = _write(tmp_path, "crlf.out", text.replace("\n", "\r\n"))
    plain = _write(tmp_path, "plain.out", text)

    def read(p: Path, chunk: int) -> list[tuple[str, dict[int, int]]]:
        return [
            (r.path, dict(r.detail.hits))
            for r in gocover.parse(p, config_root=tmp_path, chunk_size=chunk)
            if isinstance(r, RawFile)
        ]

    expected = read(crlf, 1 << 20)
    assert expected
    for chunk in (1 << 20, 97, 7):
        assert read(plain, chunk) == expected
        assert read(crlf, chunk) == expected


def test_go__blank_lines_and_a_repeated_mode_line_are_read(tmp_path: Path):
    p = _write(
        tmp_path,
        "cover.out",
        "\nmode: set\nexample.com/m/a.go:1.1,2.2 1 1\n\nmode: set\nexample.com/m/a.go:3.1,4.2 1 0\n",
    )
    assert load([p], root=tmp_path).totals.lines_valid == 2
