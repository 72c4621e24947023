"""Hostile input to the JaCoCo, Clover, Go and SimpleCov readers: each refused with one
clear line naming the file, never expanded, fetched, or read into unbounded memory."""

# The corpus reads best one case a line, however long.
# ruff: noqa: E501

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ratchet.cli import cli
from ratchet.errors import RatchetError
from ratchet.readers.load import load

pytestmark = pytest.mark.unit

BIG = "9" * 5000  # past int()'s own digit limit: refused before it is asked
ABSURD = str(10**7 + 1)  # a line number no source file has (formats.MAX_LINE is 9,999,999)


def _jacoco(lines: str, head: str = "", groups: int = 0) -> str:
    return (
        f'<?xml version="1.0"?>{head}<report name="x">'
        + "<group name='g'>" * groups
        + f"<package name='p'><sourcefile name='A.java'>{lines}</sourcefile></package>"
        + "</group>" * groups
        + "</report>"
    )


def _clover(lines: str, head: str = "", wrap: int = 0) -> str:
    return (
        f'<?xml version="1.0"?>{head}<coverage generated="1"><project>'
        + "<file name='a.php'>"
        + "<x>" * wrap
        + lines
        + "</x>" * wrap
        + "</file></project></coverage>"
    )


def _go(block: str) -> str:
    return f"mode: count\nexample.com/m/a.go:{block}\n"


def _resultset(lines: str, branches: str = "{}") -> str:
    return (
        '{"RSpec": {"coverage": {"/app/a.rb": {"lines": '
        + lines
        + ', "branches": '
        + branches
        + "}}, "
        '"timestamp": 1}}'
    )


def _formatter(branches: str) -> str:
    return (
        '{"meta": {"simplecov_version": "0.22.0"}, "coverage": {"/app/a.rb": '
        '{"lines": [1], "branches": ' + branches + "}}}"
    )


BOMB = '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
XXE = '<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
PARAM = '<!DOCTYPE r [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>'
JLINE = "<line nr='1' mi='0' ci='1' mb='0' cb='0'/>"
CLINE = "<line num='1' type='stmt' count='1'/>"

# name, file, content, what the one-line error says
CORPUS: list[tuple[str, str, bytes | str, str]] = [
    # JaCoCo
    ("jacoco-entity-bomb", "jacoco.xml", _jacoco(JLINE, BOMB), "entity declarations"),
    ("jacoco-xxe", "jacoco.xml", _jacoco(JLINE, XXE), "entity declarations"),
    ("jacoco-param-entity", "jacoco.xml", _jacoco(JLINE, PARAM), "entit"),
    (
        "jacoco-absurd-line",
        "jacoco.xml",
        _jacoco(f"<line nr='{ABSURD}' mi='0' ci='1'/>"),
        "no source file has more than",
    ),
    ("jacoco-huge-number", "jacoco.xml", _jacoco(f"<line nr='1' mi='0' ci='{BIG}'/>"), "out of range"),
    ("jacoco-negative", "jacoco.xml", _jacoco("<line nr='1' mi='-1' ci='0'/>"), "negative count -1"),
    ("jacoco-line-zero", "jacoco.xml", _jacoco("<line nr='0' mi='1' ci='0'/>"), "line number 0"),
    ("jacoco-deep-groups", "jacoco.xml", _jacoco(JLINE, groups=10_000), "nested more than 64"),
    ("jacoco-not-utf8", "jacoco.xml", _jacoco(JLINE).encode().replace(b"A.java", b"A\xff.java"), "invalid XML"),
    ("jacoco-no-nr", "jacoco.xml", _jacoco("<line mi='1' ci='0'/>"), "no attribute 'nr'"),
    # Clover
    ("clover-entity-bomb", "clover.xml", _clover(CLINE, BOMB), "entity declarations"),
    ("clover-xxe", "clover.xml", _clover(CLINE, XXE), "entity declarations"),
    ("clover-param-entity", "clover.xml", _clover(CLINE, PARAM), "entit"),
    ("clover-absurd-line", "clover.xml", _clover(f"<line num='{ABSURD}' type='stmt' count='1'/>"), "no source file has more than"),
    ("clover-huge-number", "clover.xml", _clover(f"<line num='1' type='stmt' count='{BIG}'/>"), "out of range"),
    ("clover-negative", "clover.xml", _clover("<line num='1' type='stmt' count='-3'/>"), "negative count -3"),
    (
        "clover-negative-cond",
        "clover.xml",
        _clover("<line num='1' type='cond' count='1' truecount='-1' falsecount='0'/>"),
        "negative count -1",
    ),
    ("clover-not-utf8", "clover.xml", _clover(CLINE).encode().replace(b"a.php", b"a\xff.php"), "invalid XML"),
    # Go
    ("go-absurd-line", "cover.out", _go(f"{ABSURD}.1,{ABSURD}.9 1 1"), "no source file has more than"),
    ("go-huge-number", "cover.out", _go(f"1.1,2.9 1 {BIG}"), "out of range"),
    ("go-negative", "cover.out", _go("1.1,2.9 1 -1"), "not a coverprofile block"),
    ("go-backwards-block", "cover.out", _go("5.1,2.9 1 1"), "ends before it starts"),
    ("go-statement-bomb", "cover.out", _go("1.1,2.9 2000000 1"), "more than 1,000,000 statements"),
    ("go-not-utf8", "cover.out", _go("1.1,2.9 1 1").encode().replace(b"a.go", b"a\xff.go"), "not valid UTF-8"),
    ("go-no-mode", "cover.out", "mode: bogus\n", "expected 'mode: set|count|atomic'"),
    ("go-other-mode", "cover.out", _go("1.1,2.9 1 1") + "mode: set\n", "differs from 'count'"),
    # SimpleCov
    ("simplecov-deep", ".resultset.json", _resultset("[" * 100_000 + "]" * 100_000), "nested too deeply"),
    ("simplecov-huge-int", ".resultset.json", _resultset(f"[{BIG}]"), "not a SimpleCov result"),
    ("simplecov-big-count", ".resultset.json", _resultset(f"[{2**64}]"), "out of range"),
    ("simplecov-float", ".resultset.json", _resultset("[1e400]"), "'inf' is not a count"),
    ("simplecov-bool", ".resultset.json", _resultset("[true]"), "'True' is not a count"),
    ("simplecov-negative", ".resultset.json", _resultset("[null, -2]"), "negative count -2"),
    (
        "simplecov-absurd-branch-line",
        ".resultset.json",
        _resultset("[1]", '{"[:if, 0, ' + ABSURD + ', 0, 1, 1]": {"[:then, 1, 1, 0, 1, 1]": 1}}'),
        "no source file has more than",
    ),
    (
        "simplecov-negative-branch",
        ".resultset.json",
        _resultset("[1]", '{"[:if, 0, 1, 0, 1, 1]": {"[:then, 1, 1, 0, 1, 1]": -1}}'),
        "negative count -1",
    ),
    (
        "simplecov-not-a-branch-key",
        ".resultset.json",
        _resultset("[1]", '{"__import__(\'os\')": {}}'),
        "is not SimpleCov's",
    ),
    (
        "simplecov-negative-key-line",  # was an internal error (StopIteration)
        ".resultset.json",
        _resultset("[1]", '{"[:if, 0, 1, 0, 1, 1]": {"[:then, 1, -1, 0, 1, 1]": 1}}'),
        "is not SimpleCov's",
    ),
    (
        "simplecov-formatter-absurd-line",
        "coverage.json",
        _formatter('[{"type": "then", "start_line": ' + ABSURD + ', "end_line": 1, "coverage": 1}]'),
        "no source file has more than",
    ),
    ("simplecov-not-utf8", ".resultset.json", _resultset("[1]").encode().replace(b"a.rb", b"a\xff.rb"), "utf-8"),
    ("simplecov-lone-surrogate", ".resultset.json", _resultset("[1]").replace("a.rb", "a\\ud800.rb"), "not valid UTF-8"),
    ("simplecov-truncated", ".resultset.json", _resultset("[1]")[:-5], "truncated"),
    # Shapes that are not the producers': each named
    ("jacoco-not-a-number", "jacoco.xml", _jacoco("<line nr='x' mi='0' ci='1'/>"), "line number 'x' is not a number"),
    ("jacoco-sourcefile-outside-package", "jacoco.xml", "<report name='r'><sourcefile name='A.java'/></report>", "<sourcefile> outside a <package>"),
    ("jacoco-no-mi-ci-no-counter", "jacoco.xml", _jacoco("<line nr='1'/>"), "lines without mi/ci, and no LINE counter"),
    ("jacoco-line-counter-bomb", "jacoco.xml", _jacoco(f"<line nr='1'/><counter type='LINE' missed='{10**9}' covered='0'/>"), "a LINE counter of more than 9,999,999 lines"),
    ("go-only-mode", "cover.out", "\n\nmode: set\n\n", "without any block"),
    ("go-count-past-2**63", "cover.out", _go(f"1.1,2.9 1 {2**63}"), "out of range"),
    ("go-block-again-other-statements", "cover.out", _go("1.1,2.9 1 1") + "example.com/m/a.go:1.1,2.9 2 1\n", "listed again with another statement count"),
    ("simplecov-lines-not-array", ".resultset.json", _resultset('"1, 0"'), "'lines' is not an array"),
    ("simplecov-big-count-not-first", ".resultset.json", _resultset(f"[0, {2**64}]"), "out of range"),
    ("simplecov-branches-not-object", ".resultset.json", _resultset("[1]", "[]"), "'branches' is not an object"),
    ("simplecov-condition-not-object", ".resultset.json", _resultset("[1]", '{"[:if, 0, 1, 0, 1, 1]": 3}'), "does not map its branches to counts"),
    ("simplecov-branch-count-string", ".resultset.json", _resultset("[1]", '{"[:if, 0, 1, 0, 1, 1]": {"[:then, 1, 1, 0, 1, 1]": "1"}}'), "a branch count is not a number"),
    ("simplecov-branch-count-big", ".resultset.json", _resultset("[1]", '{"[:if, 0, 1, 0, 1, 1]": {"[:then, 1, 1, 0, 1, 1]": 0, "[:else, 2, 1, 0, 1, 1]": ' + str(2**64) + "}}"), "out of range"),
    ("simplecov-second-condition-absurd", ".resultset.json", _resultset("[1]", '{"[:if, 0, 1, 0, 1, 1]": {}, "[:if, 1, ' + ABSURD + ', 0, 1, 1]": {}}'), "no source file has more than"),
    ("simplecov-no-lines", ".resultset.json", '{"S": {"coverage": {"/a.rb": {"branches": {}}}}}', "has no 'lines'"),
    ("simplecov-coverage-not-object", ".resultset.json", '{"S": {"coverage": []}}', "'coverage' is not an object"),
    ("simplecov-suite-not-object", ".resultset.json", '{"S": {"coverage": {}}, "T": []}', "suite 'T' is not an object"),
    ("simplecov-no-coverage", "coverage.json", '{"meta": {"simplecov_version": "0.22.0"}, "groups": {}}', "no 'coverage' object"),
    ("simplecov-formatter-branches-object", "coverage.json", _formatter("{}"), "'branches' is not an array"),
    ("simplecov-formatter-no-start-line", "coverage.json", _formatter('[{"type": "then", "coverage": 1}]'), "has no start_line"),
    ("simplecov-formatter-no-count", "coverage.json", _formatter('[{"type": "then", "start_line": 1}]'), "has no coverage count"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "filename", "content", "message"), CORPUS, ids=[c[0] for c in CORPUS]
)
def test_hostile_report__refused_with_one_line_naming_the_file(
    tmp_path: Path, name: str, filename: str, content: bytes | str, message: str
):
    p = tmp_path / filename
    if isinstance(content, str):
        p.write_text(content)
    else:
        p.write_bytes(content)
    with pytest.raises(RatchetError) as e:
        load([p], root=tmp_path)
    text = str(e.value)
    assert text.startswith(f"{p}: "), text
    assert message in text, text
    assert "root:" not in text  # /etc/passwd never read, let alone shown


@pytest.mark.parametrize(
    "name", ["jacoco-xxe", "clover-huge-number", "go-absurd-line", "simplecov-deep"]
)
def test_hostile_report__cli_exit_2_and_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
):
    _, filename, content, message = next(c for c in CORPUS if c[0] == name)
    (tmp_path / "pyproject.toml").write_text("[tool.ratchet]\nthreshold = 0\n")
    (tmp_path / filename).write_text(content if isinstance(content, str) else content.decode())
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli, ["check", filename])
    assert r.exit_code == 2
    (line,) = r.stderr.splitlines()
    assert line.startswith(f"ratchet: error: {filename}: ") and message in line, line


@pytest.mark.parametrize(
    ("module", "text", "message"),
    [("jacoco", "<coverage/>", "not JaCoCo's <report>"), ("clover", "<report/>", "not Clover's <coverage>")],
)  # fmt: skip
def test_xml_reader_given_another_root__refused(
    tmp_path: Path, module: str, text: str, message: str
):
    # detect() never sends one there; the report may have changed since it was detected.
    from ratchet.readers import clover, jacoco

    p = tmp_path / "r.xml"
    p.write_text(text)
    read = jacoco.parse(p, config_root=tmp_path) if module == "jacoco" else clover.parse(p)
    with pytest.raises(RatchetError, match=message):
        list(read)


def test_deep_elements_in_a_clover_file__read_without_recursion(tmp_path: Path):
    # expat keeps no Python frame per element: 100,000 levels cost only the bytes.
    p = tmp_path / "clover.xml"
    p.write_text(_clover(CLINE, wrap=100_000))
    (f,) = load([p], root=tmp_path).files
    assert (f.counts.lines_valid, f.counts.lines_covered) == (1, 1)


@pytest.mark.parametrize(
    ("filename", "content"),
    [("jacoco.xml", _jacoco(JLINE, '<!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "http://127.0.0.1:9/report.dtd">')),
     ("clover.xml", _clover(CLINE, '<!DOCTYPE coverage SYSTEM "http://127.0.0.1:9/clover.dtd">'))],
)  # fmt: skip
def test_doctype_naming_a_dtd__read_and_the_dtd_never_fetched(
    tmp_path: Path, filename: str, content: str
):
    # Port 9 (discard) on loopback: a fetch would fail loudly or hang; neither happens.
    p = tmp_path / filename
    p.write_text(content)
    assert load([p], root=tmp_path).totals.lines_covered == 1
