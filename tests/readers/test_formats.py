"""What every reader shares: the format recognised from the content, the same counts from
every format of one measurement."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ratchet.errors import RatchetError
from ratchet.readers.load import load
from ratchet.readers.paths import PathMap
from tests.conftest import FIXTURES
from tests.conftest import write_file as _write

pytestmark = pytest.mark.unit

ISTANBUL = FIXTURES / "istanbul"


def test_istanbul__xml_and_lcov_agree_with_the_xml_header(tmp_path: Path):
    remap = PathMap.from_config({"app": [".", "/home/runner/work/app/app"]})
    xml = load([ISTANBUL / "cobertura-coverage.xml"], root=ISTANBUL, path_map=remap)
    lcov = load([ISTANBUL / "lcov.info"], root=ISTANBUL)
    # nyc's header: lines-valid="10" lines-covered="8" branches-valid="10" branches-covered="6"
    for rep in (xml, lcov):
        t = rep.totals
        assert (t.lines_valid, t.lines_covered, t.branches_valid, t.branches_covered) == (
            10,
            8,
            10,
            6,
        )
        assert [f.path for f in rep.files] == ["calc.js", "run.js"]
    assert (
        xml.by_path()["calc.js"].missing_lines == lcov.by_path()["calc.js"].missing_lines == (5, 11)
    )


def _coverage_json(files: dict[str, dict]) -> str:
    return json.dumps({"meta": {"format": 3, "version": "7.6"}, "files": files, "totals": {}})


def test_two_exits_from_one_line__both_counted_in_every_format(tmp_path: Path):
    # A line can leave two code objects (a class body ending a function): coverage.py's XML
    # names both "exit"; neither may hide the other.
    json_report = _write(
        tmp_path,
        "coverage.json",
        _coverage_json(
            {
                "a.py": {
                    "executed_lines": [1, 2],
                    "missing_lines": [],
                    "missing_branches": [[2, -1], [2, -2]],
                }
            }
        ),
    )
    lcov = _write(
        tmp_path,
        "coverage.lcov",
        "SF:a.py\nDA:1,1\nDA:2,1\nBRDA:2,0,exit class 'A',0\n"
        "BRDA:2,0,return from function 'f',0\nend_of_record\n",
    )
    xml = _write(
        tmp_path,
        "coverage.xml",
        "<coverage><packages><package><classes><class filename='a.py'><lines>"
        "<line number='1' hits='1'/><line number='2' hits='1' branch='true' "
        "condition-coverage='0% (0/2)' missing-branches='exit,exit'/>"
        "</lines></class></classes></package></packages></coverage>",
    )
    for report in (json_report, lcov, xml):
        counts = load([report], root=tmp_path).totals
        assert (counts.branches_valid, counts.branches_covered) == (2, 0), report.name
    merged = load([json_report, lcov, xml], root=tmp_path).totals
    assert (merged.branches_valid, merged.branches_covered) == (2, 0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"   \n", "empty file"),
        (b"\x00\x01binary", "not a coverage report"),
        (b"!coverage.py: This is a private format", "pre-5.0"),
    ],
    ids=["empty", "blank", "binary", "old-data-format"],
)
def test_unrecognised_content__names_the_file(tmp_path: Path, content: bytes, message: str):
    p = tmp_path / "report.dat"
    p.write_bytes(content)
    with pytest.raises(RatchetError, match=message):
        load([p], root=tmp_path)


def test_format_recognised_from_content_not_name(tmp_path: Path):
    p = _write(tmp_path, "coverage.xml", "SF:a.py\nDA:1,1\nend_of_record\n")
    assert load([p], root=tmp_path).formats == ("lcov",)


def test_missing_file__names_it(tmp_path: Path):
    with pytest.raises(RatchetError, match="no such file") as e:
        load([tmp_path / "nope.xml"], root=tmp_path)
    assert "nope.xml" in str(e.value)
