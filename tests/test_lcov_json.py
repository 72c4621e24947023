"""LCOV and coverage.py JSON: other producers, odd corners, and input that must be refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ratchet.errors import RatchetError
from ratchet.formats import coverage_json
from ratchet.load import load
from ratchet.paths import PathMap
from tests.conftest import FIXTURES

pytestmark = pytest.mark.unit

ISTANBUL = FIXTURES / "istanbul"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


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


def test_lcov__same_file_in_two_test_sections__union_not_sum(tmp_path: Path):
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
    (f,) = load([p], root=tmp_path).files
    assert (f.counts.lines_valid, f.counts.lines_covered) == (2, 2)


def test_lcov__summary_only_record__counts_kept(tmp_path: Path):
    p = _write(tmp_path, "lcov.info", "SF:a.js\nLF:10\nLH:7\nBRF:4\nBRH:1\nend_of_record\n")
    rep = load([p], root=tmp_path)
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
    ],
)
def test_lcov__bad_input__one_clear_error(tmp_path: Path, text: str, message: str):
    p = _write(tmp_path, "lcov.info", text)
    with pytest.raises(RatchetError, match=message) as e:
        load([p], root=tmp_path)
    assert str(e.value).startswith(str(p))


def _coverage_json(files: dict[str, dict]) -> str:
    return json.dumps({"meta": {"format": 3, "version": "7.6"}, "files": files, "totals": {}})


def test_json__large_report_streams_across_buffer_boundaries(tmp_path: Path):
    entry = {
        "executed_lines": list(range(1, 200)),
        "missing_lines": [200, 201],
        "excluded_lines": [],
        "executed_branches": [[5, 6], [5, 9]],
        "missing_branches": [[7, -1]],
        "summary": {},
    }
    files = {f"pkg/mod_{i:05d}.py": entry for i in range(3000)}
    text = _coverage_json(files)
    assert len(text) > 3 * (1 << 20)  # several read chunks
    p = _write(tmp_path, "coverage.json", text)
    rep = load([p], root=tmp_path)
    assert len(rep.files) == 3000
    t = rep.totals
    assert (t.lines_valid, t.lines_covered) == (3000 * 201, 3000 * 199)
    assert (t.branches_valid, t.branches_covered) == (3000 * 3, 3000 * 2)


def test_json__one_file_entry_larger_than_many_read_chunks(tmp_path: Path):
    # One 600 KB entry read 4 KB at a time: ~150 refills while decoding one value. How long
    # that takes (it once grew with the square of the entry's size) is measured by
    # benchmarks/bench_json_entry.py, not asserted here.
    lines = list(range(1, 100_001))
    path = _write(
        tmp_path,
        "one.json",
        _coverage_json(
            {
                "big.py": {"executed_lines": lines[::2], "missing_lines": lines[1::2]},
                "caf\u00e9/sm\u00f6r.py": {"executed_lines": [1], "missing_lines": []},
            }
        ),
    )
    assert path.stat().st_size > 150 * (1 << 12)
    files = {f.path: f.detail for f in coverage_json.parse(path, chunk_size=1 << 12)}
    assert sorted(files) == ["big.py", "caf\u00e9/sm\u00f6r.py"]
    big = files["big.py"]
    assert big is not None
    assert len(big.hits) == len(lines)
    assert sum(1 for h in big.hits.values() if h) == len(lines) // 2


def test_json__syntax_error_mid_file__named_where_it_is(tmp_path: Path):
    entry = json.dumps({"executed_lines": list(range(1, 400)), "missing_lines": []})
    good = ", ".join(f'"m{i:05d}.py": {entry}' for i in range(2000))  # several read chunks
    text = '{"files": {' + good + ', "bad.py": {"executed_lines": [1 2]}}, ' + good + "}}"
    p = _write(tmp_path, "coverage.json", text)
    at = text.index("[1 2]") + 3
    with pytest.raises(RatchetError) as e:
        load([p], root=tmp_path)
    assert str(e.value) == f"{p}: invalid JSON: Expecting ',' delimiter at character {at}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"/src/a.js": {"path": "/src/a.js", "statementMap": {}}}', "not a coverage.py report"),
        ('{"meta": {"format": 3}, "files": {"a.py": {"executed_lines": [1]', "truncated"),
        ('{"meta": {}, "files": {"a.py": {"summary": {}}}}', "lacks executed_lines"),
        ('{"meta": {}}', "without a 'files' object"),
        ('{"meta": {}, "files": {}} trailing', "after the end"),
        ('{"meta": {}, "files": []}', "not an object"),
        ('{"meta": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ],
    ids=["istanbul-json", "truncated", "no-lines", "no-files", "trailing", "files-list", "nested"],
)
def test_json__not_a_coverage_report__one_clear_error(tmp_path: Path, text: str, message: str):
    p = _write(tmp_path, "coverage.json", text)
    with pytest.raises(RatchetError, match=message) as e:
        load([p], root=tmp_path)
    assert str(e.value).startswith(str(p))


def test_lcov__path_not_utf8__refused_with_its_line(tmp_path: Path):
    p = tmp_path / "coverage.lcov"
    p.write_bytes(b"TN:\nSF:a\xff.py\nDA:1,1\nend_of_record\n")
    with pytest.raises(RatchetError) as e:
        load([p], root=tmp_path)
    assert str(e.value) == f"{p}: line 2: source path 'a\\xff.py' is not valid UTF-8"


def test_json__path_with_a_lone_surrogate__refused(tmp_path: Path):
    text = '{"files": {"a\\ud800.py": {"executed_lines": [1], "missing_lines": []}}}'
    p = _write(tmp_path, "coverage.json", text)
    with pytest.raises(RatchetError, match=r"source path 'a\\ud800.py' is not valid UTF-8"):
        load([p], root=tmp_path)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("executed_lines", "abc", "executed_lines is not a list of line numbers"),
        ("missing_lines", ["2"], "missing_lines is not a list of line numbers"),
        ("executed_lines", ["x", 2], "executed_lines is not a list of line numbers"),
        ("executed_lines", [1.0], "executed_lines is not a list of line numbers"),
        ("executed_lines", [True], "executed_lines is not a list of line numbers"),
        ("missing_lines", [-2], "missing_lines holds line number -2"),
        ("executed_lines", [0], "executed_lines holds line number 0"),
        ("executed_branches", [[1]], r"executed_branches holds \[1\], not a \[from, to\]"),
        ("missing_branches", [["1", 2]], "missing_branches holds"),
        ("missing_branches", [[1, 0]], "missing_branches holds"),
        ("missing_branches", {"1": 2}, "missing_branches is not a list"),
    ],
)
def test_json__bad_line_numbers__one_line_naming_file_and_entry(
    tmp_path: Path, field: str, value: object, message: str
):
    entry = {"executed_lines": [1], "missing_lines": [2], field: value}
    p = _write(tmp_path, "coverage.json", _coverage_json({"pkg/a.py": entry}))
    with pytest.raises(RatchetError, match=message) as e:
        load([p], root=tmp_path)
    assert str(e.value).startswith(f"{p}: 'files' entry 'pkg/a.py': ")
    assert "\n" not in str(e.value)


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
