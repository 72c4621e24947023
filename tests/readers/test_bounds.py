"""Line numbers beyond any source file (readers.MAX_LINE) are bad input in every reader, its
exact reader and its counts-only scanner alike; the largest allowed one is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ratchet import readers
from ratchet.errors import RatchetError
from ratchet.readers import MAX_LINE
from ratchet.readers.load import load

TOO_FAR = MAX_LINE + 1


def lcov_da(n: int) -> str:
    return f"SF:a.py\nDA:1,1\nDA:{n},0\nend_of_record\n"


def lcov_brda(n: int) -> str:
    return f"SF:a.py\nDA:1,1\nBRDA:{n},0,0,1\nBRDA:{n},0,1,0\nend_of_record\n"


def xml(n: int) -> str:
    return (
        '<?xml version="1.0" ?>\n<coverage version="7.6.0">\n'
        "<sources><source>.</source></sources>\n"
        '<packages><package name="."><classes><class name="a.py" filename="a.py">'
        "<methods/><lines>\n"
        f'<line number="1" hits="1"/>\n<line number="{n}" hits="0"/>\n'
        "</lines></class></classes></package></packages></coverage>\n"
    )


def json_lines(n: int) -> str:
    entry = {"executed_lines": [1], "missing_lines": [n], "excluded_lines": []}
    return json.dumps({"meta": {"format": 3}, "files": {"a.py": entry}})


def json_arcs(n: int) -> str:
    entry = {
        "executed_lines": [1],
        "missing_lines": [],
        "excluded_lines": [],
        "executed_branches": [[1, n]],
        "missing_branches": [[1, -1]],
    }
    return json.dumps({"meta": {"format": 3}, "files": {"a.py": entry}})


CASES = {
    "lcov-DA": ("coverage.lcov", lcov_da),
    "lcov-BRDA": ("coverage.lcov", lcov_brda),
    "xml": ("coverage.xml", xml),
    "json-lines": ("coverage.json", json_lines),
    "json-arcs": ("coverage.json", json_arcs),
}


def read(tmp_path: Path, name: str, text: str, *, counts_only: bool) -> int:
    (tmp_path / name).write_text(text)
    report = load([tmp_path / name], root=tmp_path, keep_missing_lines=not counts_only)
    (only,) = report.files
    return only.counts.valid


@pytest.mark.unit
@pytest.mark.parametrize("counts_only", [True, False], ids=["scanner", "exact"])
@pytest.mark.parametrize("case", CASES)
def test_line_bound__the_last_allowed_line_is_read(tmp_path, case, counts_only):
    name, make = CASES[case]
    assert read(tmp_path, name, make(MAX_LINE), counts_only=counts_only) >= 2


@pytest.mark.unit
@pytest.mark.parametrize("n", [TOO_FAR, 10**20, 10**23])
@pytest.mark.parametrize("counts_only", [True, False], ids=["scanner", "exact"])
@pytest.mark.parametrize("case", CASES)
def test_line_bound__beyond_is_bad_input_naming_the_file(tmp_path, case, counts_only, n):
    name, make = CASES[case]
    with pytest.raises(RatchetError) as e:
        read(tmp_path, name, make(n), counts_only=counts_only)
    message = str(e.value)
    assert message.startswith(str(tmp_path / name))
    assert f"no source file has more than {MAX_LINE:,} lines" in message
    assert "\n" not in message


@pytest.mark.unit
def test_line_problem__wording_at_each_boundary():
    assert readers.line_problem(1) is None
    assert readers.line_problem(MAX_LINE) is None
    assert readers.line_problem(0) == "line number 0; line numbers start at 1"
    assert readers.line_problem(TOO_FAR) == (
        f"line number {TOO_FAR}; no source file has more than 9,999,999 lines"
    )
    assert readers.line_problem(10**4000) == (
        "line number 100000... (4001 digits); no source file has more than 9,999,999 lines"
    )


@pytest.mark.integration
@pytest.mark.slow
def test_coverage_data__a_line_beyond_the_source_is_not_counted(tmp_path):
    """coverage.py (7.18.0 checked) reports only the lines that are statements of the source
    it analyses: a recorded line 10**7 of a two-line file counts for nothing, as in
    ``coverage report``."""
    from coverage import CoverageData

    (tmp_path / "a.py").write_text("x = 1\ny = 2\n")
    data = CoverageData(str(tmp_path / ".coverage"))
    data.add_lines({str(tmp_path / "a.py"): [1, TOO_FAR]})
    data.write()
    report = load([tmp_path / ".coverage"], root=tmp_path)
    (only,) = report.files
    counts = only.counts
    assert (counts.valid, counts.covered) == (2, 1)
