"""One pass per report: ``load_with_lines`` reads a report's counts and keeps, for each file
a scanner counted, where it stands in the report, so that a failing ``check`` reads only the
failed files' bytes again, never the whole report (issue 20)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ratchet.errors import RatchetError
from ratchet.readers import cobertura, lcov
from ratchet.readers.load import load_with_lines

pytestmark = pytest.mark.unit


def _class(name: str, lines: str) -> str:
    return f'<class name="{name}" filename="{name}"><methods/><lines>{lines}</lines></class>'


def _line(number: int, hits: int, branch: str = "") -> str:
    if not branch:
        return f'<line number="{number}" hits="{hits}"/>'
    covered, valid, missing = branch.split(" ")
    pct = int(covered) * 100 // int(valid)
    return (
        f'<line number="{number}" hits="{hits}" branch="true" '
        f'condition-coverage="{pct}% ({covered}/{valid})" missing-branches="{missing}"/>'
    )


def _xml(tmp_path: Path, *classes: str, name: str = "coverage.xml") -> Path:
    path = tmp_path / name
    path.write_text(
        '<?xml version="1.0" ?>\n<coverage version="7.10">\n<sources><source>'
        f"{tmp_path}</source></sources>\n<packages><package><classes>"
        + "".join(classes)
        + "</classes></package></packages>\n</coverage>\n"
    )
    return path


A = _class("a.py", _line(1, 1) + _line(2, 0) + _line(3, 1, "1 2 exit") + _line(4, 0))
B = _class("b.py", _line(1, 1) + _line(5, 0))


def test_xml__every_file_read_again_alone__the_exact_readers_lines(tmp_path: Path):
    path = _xml(tmp_path, A, B)
    loaded = load_with_lines([path], root=tmp_path, keep_missing_lines=False)
    assert set(loaded.rereads) == {"a.py", "b.py"}
    assert all(f.detail is None for f in loaded.report.files)  # counts only, as check reads
    exact = {f.path: f.detail for f in cobertura.parse(path)}
    assert loaded.lines(["b.py", "a.py", "c.py"]) == exact  # c.py: no such file, no lines


def test_lcov__every_record_read_again_alone(tmp_path: Path):
    path = tmp_path / "coverage.lcov"
    path.write_text(
        "SF:a.py\nDA:1,1\nDA:2,0\nBRDA:1,0,0,1\nBRDA:1,0,1,0\nend_of_record\n"
        "SF:b.py\nDA:3,0\nend_of_record\n"
    )
    loaded = load_with_lines([path], root=tmp_path, keep_missing_lines=False)
    assert set(loaded.rereads) == {"a.py", "b.py"}
    assert loaded.lines(["a.py", "b.py"]) == {f.path: f.detail for f in lcov.parse(path)}


def test_a_file_kept_with_its_lines__not_read_again(tmp_path: Path):
    # A changed file under --diff: its lines are on the report already.
    path = _xml(tmp_path, A, B)
    loaded = load_with_lines(
        [path], root=tmp_path, keep_detail={"a.py"}.__contains__, keep_missing_lines=False
    )
    assert set(loaded.rereads) == {"b.py"}
    assert loaded.report.by_path()["a.py"].detail is not None


def test_a_file_listed_twice__read_as_a_union__not_read_again_alone(tmp_path: Path):
    # Two records of one file: neither's bytes alone are its lines.
    path = tmp_path / "coverage.lcov"
    path.write_text(
        "TN:x\nSF:a.py\nDA:1,1\nDA:2,0\nend_of_record\nSF:b.py\nDA:1,1\nend_of_record\n"
        "TN:y\nSF:a.py\nDA:1,0\nDA:2,3\nend_of_record\n"
    )
    loaded = load_with_lines([path], root=tmp_path, keep_missing_lines=False)
    assert set(loaded.rereads) == {"b.py"}
    assert loaded.report.by_path()["a.py"].counts.lines_covered == 2


@pytest.mark.parametrize(
    "case",
    ["missing lines kept", "two reports", "layout the scanner leaves", "json holds its entries"],
)
def test_nothing_to_read_again(tmp_path: Path, case: str):
    """Where no scanner counted the files alone (``report``; shards, which merge; a layout
    only the exact reader reads; a reader whose way back holds the file's entry, whose
    failed files are read again from the whole report), nothing is kept."""
    path = _xml(tmp_path, A, B)
    paths, missing = [path], False
    if case == "missing lines kept":
        missing = True
    elif case == "two reports":
        paths.append(_xml(tmp_path, B, name="shard.xml"))
    elif case == "layout the scanner leaves":
        path.write_text(
            path.read_text().replace('<line number="1" hits="1"/>', "<line hits='1' number='1'/>")
        )
    else:
        entry = {"executed_lines": [1], "missing_lines": [2], "excluded_lines": []}
        paths = [tmp_path / "coverage.json"]
        paths[0].write_text(json.dumps({"meta": {}, "files": {"a.py": entry}, "totals": {}}))
    loaded = load_with_lines(paths, root=tmp_path, keep_missing_lines=missing)
    assert loaded.rereads == {}
    assert loaded.lines(["a.py", "b.py"]) == {}


def test_report_changed_since_it_was_read__refused(tmp_path: Path):
    path = _xml(tmp_path, A, B)
    loaded = load_with_lines([path], root=tmp_path, keep_missing_lines=False)
    # Same size, other bytes, later: the offsets would name other bytes.
    text = path.read_text()
    path.write_text(text.replace('filename="b.py"', 'filename="c.py"'))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    with pytest.raises(RatchetError, match="changed while it was being read"):
        loaded.lines(["b.py"])
    assert loaded.lines(["c.py"]) == {}  # nothing to read again: the file is not looked at


def test_report_gone_since_it_was_read__refused(tmp_path: Path):
    path = _xml(tmp_path, A, B)
    loaded = load_with_lines([path], root=tmp_path, keep_missing_lines=False)
    path.unlink()
    with pytest.raises(RatchetError, match="changed while it was being read"):
        loaded.lines(["a.py"])
