"""The JaCoCo, Clover, Go and SimpleCov readers' rules, case by case (the real producers'
reports are in test_polyglot)."""

# Reports written inline read best on one line each.
# ruff: noqa: E501

from __future__ import annotations

from pathlib import Path

import pytest

from ratchet import readers
from ratchet.readers import RawFile, gocover
from ratchet.readers.load import load
from tests.conftest import FIXTURES

pytestmark = pytest.mark.unit


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ('<?xml version="1.0"?><!DOCTYPE report PUBLIC "x" "report.dtd"><report name="a">', readers.JACOCO),
        ('<coverage generated="1"><project timestamp="1">', readers.CLOVER),
        ('<coverage clover="3.2.0" generated="1">\n  <project>', readers.CLOVER),
        ('<?xml version="1.0" ?>\n<!-- x -->\n<coverage version="7"><sources>', readers.COBERTURA),
        ("mode: atomic\n", readers.GO),
        ('{"RSpec": {"coverage": {"/a.rb": {"lines": [1]}}}}', readers.SIMPLECOV),
        ('{"meta": {"simplecov_version": "0.22.0"}, "coverage": {}}', readers.SIMPLECOV),
        ('{"meta": {"format": 3}, "files": {"coverage": {}}}', readers.COVERAGE_JSON),
        ('{"files": {"coverage": {"executed_lines": []}}}', readers.COVERAGE_JSON),
    ],
    ids=["jacoco", "clover-phpunit", "clover-istanbul", "cobertura", "go", "resultset", "simplecov-json", "coverage-json", "coverage-json-file-named-coverage"],
)  # fmt: skip
def test_detect__by_content_whatever_the_name(tmp_path: Path, text: str, fmt: str):
    assert readers.detect(_write(tmp_path, "report.dat", text)) == fmt


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


# -- JaCoCo -------------------------------------------------------------------------------


def test_jacoco__aggregate_report_group_is_the_module_directory(tmp_path: Path):
    for module in ("core", "web"):
        (tmp_path / module / "src/main/java/com/x").mkdir(parents=True)
        (tmp_path / module / f"src/main/java/com/x/{module.title()}.java").write_text(
            "class A {}\n"
        )
    line = "<line nr='3' mi='0' ci='2' mb='1' cb='1'/>"
    xml = (
        "<report name='all'>"
        + "".join(
            f"<group name='{m}'><package name='com/x'><sourcefile name='{m.title()}.java'>{line}"
            "</sourcefile></package></group>"
            for m in ("core", "web")
        )
        + "</report>"
    )
    p = _write(tmp_path, "target/site/jacoco-aggregate/jacoco.xml", xml)
    rep = load([p], root=tmp_path)
    assert [f.path for f in rep.files] == [
        "core/src/main/java/com/x/Core.java",
        "web/src/main/java/com/x/Web.java",
    ]
    assert (rep.totals.lines_covered, rep.totals.branches_valid, rep.totals.branches_covered) == (
        2,
        4,
        2,
    )


def test_jacoco__line_without_instructions_not_counted_partly_covered_counted_covered(
    tmp_path: Path,
):
    lines = "<line nr='1' mi='0' ci='0'/><line nr='2' mi='3' ci='1'/><line nr='3' mi='2' ci='0'/>"
    p = _write(
        tmp_path,
        "j.xml",
        f"<report name='r'><package name=''><sourcefile name='A.kt'>{lines}</sourcefile></package></report>",
    )
    (f,) = load([p], root=tmp_path).files
    assert (f.path, f.counts.lines_valid, f.counts.lines_covered, f.missing_lines) == (
        "A.kt",
        2,
        1,
        (3,),
    )


# -- Clover -------------------------------------------------------------------------------


def _clover_file(lines: str, metrics: str) -> str:
    return f"<coverage clover='4.4.1'><project><file name='A.java' path='A.java'><metrics {metrics}/>{lines}</file></project></coverage>"


def test_clover__openclover_conditions_are_true_and_false_counts(tmp_path: Path):
    # OpenClover: truecount/falsecount are how often the condition was true/false.
    cond = "<line num='4' type='cond' count='5' truecount='5' falsecount='0'/>"
    p = _write(
        tmp_path, "clover.xml", _clover_file(cond, "conditionals='2' coveredconditionals='1'")
    )
    (f,) = load([p], root=tmp_path).files
    assert (f.counts.branches_valid, f.counts.branches_covered) == (2, 1)
    assert f.partial_branches == ((4, ("#0",)),)


def test_clover__istanbul_conditions_are_branches_taken_and_not(tmp_path: Path):
    # istanbul: a switch of 4 cases, 3 taken: truecount 3, falsecount 1, as its metrics say.
    cond = "<line num='4' type='cond' count='5' truecount='3' falsecount='1'/>"
    p = _write(
        tmp_path, "clover.xml", _clover_file(cond, "conditionals='4' coveredconditionals='3'")
    )
    (f,) = load([p], root=tmp_path).files
    assert (f.counts.branches_valid, f.counts.branches_covered) == (4, 3)


def test_clover__method_lines_and_testproject_not_read(tmp_path: Path):
    xml = (
        "<coverage><project><file name='/app/a.php'>"
        "<line num='1' type='method' name='f' count='0'/><line num='2' type='stmt' count='1'/>"
        "</file></project><testproject><file name='dummy'><line num='1' type='stmt' count='0'/>"
        "</file></testproject></coverage>"
    )
    (f,) = load([_write(tmp_path, "clover.xml", xml)], root=tmp_path).files
    assert (f.path, f.counts.lines_valid, f.counts.lines_covered) == ("/app/a.php", 1, 1)


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


def test_jacoco__report_outside_the_config_root__roots_from_the_root_only(tmp_path: Path):
    (tmp_path / "repo" / "src/main/java/x").mkdir(parents=True)
    (tmp_path / "repo" / "src/main/java/x/A.java").write_text("class A {}\n")
    p = _write(
        tmp_path,
        "elsewhere/jacoco.xml",
        "<report name='r'><class name='x/A'><line nr='9'/></class><package name='x'>"
        "<sourcefile name='A.java'><line nr='1' mi='0' ci='1'/></sourcefile></package></report>",
    )
    (f,) = load([p], root=tmp_path / "repo").files
    assert (f.path, f.counts.lines_valid) == ("src/main/java/x/A.java", 1)


def test_go__blank_lines_and_a_repeated_mode_line_are_read(tmp_path: Path):
    p = _write(
        tmp_path,
        "cover.out",
        "\nmode: set\nexample.com/m/a.go:1.1,2.2 1 1\n\nmode: set\nexample.com/m/a.go:3.1,4.2 1 0\n",
    )
    assert load([p], root=tmp_path).totals.lines_valid == 2


def test_simplecov__a_result_set_without_branch_coverage(tmp_path: Path):
    p = _write(tmp_path, ".resultset.json", '{"S": {"coverage": {"/a.rb": {"lines": [1, 0]}}}}')
    t = load([p], root=tmp_path).totals
    assert (t.lines_valid, t.lines_covered, t.branches_valid) == (2, 1, 0)


def test_detect__xml_too_short_to_name_its_root__read_as_cobertura(tmp_path: Path):
    assert readers.detect(_write(tmp_path, "r.xml", "<?xml version='1.0'?>")) == readers.COBERTURA
