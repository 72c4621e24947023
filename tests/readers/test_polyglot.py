"""JaCoCo, Clover, Go and SimpleCov reports from their real producers
(tests/fixtures/polyglot, made by its make.sh): ratchet's totals are the producer's own,
and each report works wherever a report works. The CLI runs in-process."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ratchet import readers
from ratchet.cli import cli
from ratchet.github.action import expand
from tests.conftest import FIXTURES

# The readers' tests are unit tests; the three that run `update` or `init` (the bar written,
# under its lock, then judged) are the CLI end to end.
unit = pytest.mark.unit
integration = pytest.mark.integration

POLYGLOT = FIXTURES / "polyglot"
BUILD = "/tmp/ratchet-polyglot"  # where make.sh built them: the absolute paths in the reports
PATHS = f"""
[tool.ratchet.paths]
ruby = ["ruby", "{BUILD}/ruby"]
php = ["php", "{BUILD}/php"]
js = ["js", "{BUILD}/js"]
"""

Counts = tuple[int, int, int, int]  # lines covered, lines valid, branches covered, valid


def _jacoco_totals(text: str) -> Counts:
    c = {
        m[0]: (int(m[1]), int(m[1]) + int(m[2]))
        for m in re.findall(r"(\w+) covered=(\d+) missed=(\d+)", text)
    }
    return (*c["LINE"], *c["BRANCH"])


def _gcovr_summary(text: str, branches: bool = True) -> Counts:
    s = json.loads(text)
    b = (s["branch_covered"], s["branch_total"]) if branches else (0, 0)
    return (s["line_covered"], s["line_total"], *b)


def _clover_metrics(text: str) -> Counts:
    m = ET.fromstring(text).find("project/metrics")
    assert m is not None
    get = lambda k: int(m.get(k, "0"))  # noqa: E731
    return (
        get("coveredstatements"),
        get("statements"),
        get("coveredconditionals"),
        get("conditionals"),
    )


def _phpunit_text(text: str) -> Counts:
    covered, valid = map(int, re.search(r"Lines:\s+[\d.]+% \((\d+)/(\d+)\)", text).groups())  # type: ignore[union-attr]
    return covered, valid, 0, 0


def _nyc_summary(text: str) -> Counts:
    def pair(name: str) -> tuple[int, int]:
        m = re.search(rf"{name}\s*: [\d.]+% \( (\d+)/(\d+) \)", text)
        assert m is not None
        return int(m[1]), int(m[2])

    return (*pair("Statements"), *pair("Branches"))


def _simplecov_totals(text: str) -> Counts:
    t = json.loads(text)
    lines, branches = t["lines"], t["branches"]
    return (
        lines["covered"],
        lines["covered"] + lines["missed"],
        branches["covered"],
        branches["covered"] + branches["missed"],
    )


# report -> (format, the producer's own totals file, how to read it)
PRODUCED: dict[str, tuple[str, str, Callable[[str], Counts]]] = {
    "java/jacoco.xml": (readers.JACOCO, "java/jacoco.totals", _jacoco_totals),
    "c/jacoco.xml": (readers.JACOCO, "c/summary.json", _gcovr_summary),
    "c/clover.xml": (readers.CLOVER, "c/summary.json", lambda t: _gcovr_summary(t, False)),
    "php/clover.xml": (readers.CLOVER, "php/coverage.txt", _phpunit_text),
    "js/clover.xml": (readers.CLOVER, "js/summary.txt", _nyc_summary),
    "ruby/coverage/.resultset.json": (
        readers.SIMPLECOV,
        "ruby/coverage/totals.json",
        _simplecov_totals,
    ),
    "ruby/coverage/coverage.json": (
        readers.SIMPLECOV,
        "ruby/coverage/totals.json",
        _simplecov_totals,
    ),
}
GO_PROFILES = ["cover-set", "cover-count", "cover-atomic", "cover-calc"]


def _copy(root: Path) -> Path:
    """A copy of the polyglot tree as a repository at ``root``: sources older than the
    reports."""
    shutil.copytree(POLYGLOT, root)
    past = time.time() - 3600
    for p in root.rglob("*"):
        if p.is_file():
            os.utime(p, (past, past))
    for report in [*PRODUCED, *(f"go/{g}.out" for g in GO_PROFILES)]:
        os.utime(root / report)
    (root / "pyproject.toml").write_text("[tool.ratchet]\nthreshold = 0\n" + PATHS)
    return root


def _state(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*")}


@pytest.fixture(scope="module")
def _shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = _copy(tmp_path_factory.mktemp("polyglot") / "repo")
    before = _state(root)
    yield root
    assert _state(root) == before, "a test of the shared copy changed it: give it its own"


@pytest.fixture
def shared_repo(_shared: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One copy of the polyglot tree, the working directory, for the tests that only read
    it (a copy for each test was most of the module's time)."""
    monkeypatch.chdir(_shared)
    return _shared


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the polyglot tree of the test's own, to change; the working directory."""
    root = _copy(tmp_path / "repo")
    monkeypatch.chdir(root)
    return root


def ratchet(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def report_json(*reports: str) -> dict:
    r = ratchet("report", "--format", "json", *reports)
    assert r.exit_code == 0, r.output + r.stderr
    return json.loads(r.stdout)


def _totals(doc: dict) -> Counts:
    t = doc["totals"]
    return t["lines_covered"], t["lines_valid"], t["branches_covered"], t["branches_valid"]


@unit
@pytest.mark.parametrize("report", list(PRODUCED))
def test_report_json__totals_are_the_producers_own(shared_repo: Path, report: str):
    fmt, totals_file, read = PRODUCED[report]
    assert readers.detect(shared_repo / report) == fmt
    assert _totals(report_json(report)) == read((shared_repo / totals_file).read_text())


@unit
@pytest.mark.parametrize("profile", GO_PROFILES)
def test_go__total_is_go_tool_cover_funcs(shared_repo: Path, profile: str):
    assert readers.detect(shared_repo / f"go/{profile}.out") == readers.GO
    covered, valid, _, branches = _totals(report_json(f"go/{profile}.out"))
    func = (shared_repo / f"go/{profile}.func").read_text()
    total = re.search(r"^total:\s+\(statements\)\s+([\d.]+)%$", func, re.M)
    assert total is not None
    assert f"{100 * covered / valid:.1f}" == total[1]
    assert branches == 0


@unit
def test_go__statements_as_go_counts_them__blocks_listed_twice_merged(shared_repo: Path):
    # -coverpkg: both test binaries list every block of both packages; Go's total is 15/19
    # statements (cover-*.func: 78.9%), and calc's own run measures 13 statements of calc.
    for profile in ("cover-set", "cover-count", "cover-atomic"):
        assert _totals(report_json(f"go/{profile}.out")) == (15, 19, 0, 0)
    calc = report_json("go/cover-calc.out")
    assert [(f["path"], f["lines_covered"], f["lines_valid"]) for f in calc["files"]] == [
        ("go/calc/calc.go", 10, 13)
    ]


@unit
def test_go__missing_column_lists_the_lines_of_unrun_blocks(shared_repo: Path):
    r = ratchet("report", "go/cover-count.out")
    assert r.exit_code == 0, r.output
    # calc.go: `return "zero"` (line 8) and Unused's body (27-28); shapes.go: "medium" (18).
    assert re.search(r"^go/calc/calc\.go\s+13\s+3\s+76\.92%\s+8, 27-28$", r.stdout, re.M), r.stdout
    assert re.search(r"^go/shapes/shapes\.go\s+6\s+1\s+83\.33%\s+18$", r.stdout, re.M), r.stdout


@unit
def test_go__import_path_under_no_go_mod__kept_for_paths_to_map(repo: Path):
    (repo / "go" / "go.mod").unlink()
    r = ratchet("report", "--format", "json", "go/cover-calc.out")
    assert [f["path"] for f in json.loads(r.stdout)["files"]] == [
        "example.com/poly/go/calc/calc.go"
    ]
    with (repo / "pyproject.toml").open("a") as f:
        f.write('go = ["go", "example.com/poly/go"]\n')
    assert [f["path"] for f in report_json("go/cover-calc.out")["files"]] == ["go/calc/calc.go"]


@unit
def test_jacoco__package_paths_found_under_src_main_java(shared_repo: Path):
    doc = report_json("java/jacoco.xml")
    assert [f["path"] for f in doc["files"]] == [
        "java/src/main/java/com/example/poly/Calc.java",
        "java/src/main/java/com/example/poly/util/Shapes.java",
    ]
    calc = doc["files"][0]
    # The implicit constructor (3), "zero" (8), the switch's tue and wed (18, 20), unused (35).
    assert calc["missing_lines"] == [3, 8, 18, 20, 35]


@unit
def test_jacoco_from_gcovr__counts_without_lines(shared_repo: Path):
    (f,) = report_json("c/jacoco.xml")["files"]
    assert (f["path"], f["lines_covered"], f["lines_valid"]) == ("c/calc.c", 9, 14)
    assert f["missing_lines"] == []  # gcovr's <line>s say not which ran


@unit
def test_simplecov__two_suites_merged_as_simplecov_merges_them(shared_repo: Path):
    doc = report_json("ruby/coverage/.resultset.json")
    last_run = json.loads((shared_repo / "ruby/coverage/.last_run.json").read_text())["result"]
    covered, valid, b_covered, b_valid = _totals(doc)
    # .last_run.json: SimpleCov's percentages, floored to two places.
    assert math.floor(10000 * covered / valid) / 100 == last_run["line"]
    assert math.floor(10000 * b_covered / b_valid) / 100 == last_run["branch"]
    assert [f["path"] for f in doc["files"]] == ["ruby/lib/calc.rb", "ruby/lib/shapes.rb"]


@integration
def test_every_format_in_one_union__components_per_language(repo: Path):
    (repo / "pyproject.toml").write_text(
        "[tool.ratchet]\nthreshold = 0\n"
        + PATHS
        + "".join(
            f'[tool.ratchet.components.{lang}]\npaths = ["{lang}/**"]\n'
            for lang in ("java", "go", "ruby", "php", "js")
        )
    )
    reports = [
        "java/jacoco.xml",
        "go/cover-count.out",
        "ruby/coverage/.resultset.json",
        "php/clover.xml",
        "js/clover.xml",
    ]
    doc = report_json(*reports)
    assert _totals(doc) == (16 + 15 + 24 + 13 + 14, 26 + 19 + 27 + 17 + 17, 8 + 8 + 4, 12 + 11 + 6)
    r = ratchet("update", *reports)
    assert r.exit_code == 0, r.output + r.stderr
    r = ratchet("check", "--format", "json", *reports)
    assert r.exit_code == 0, r.output + r.stderr
    components = {c["name"]: c["totals"] for c in json.loads(r.stdout)["components"]}
    assert {name: (t["lines_covered"], t["lines_valid"]) for name, t in components.items()} == {
        "java": (16, 26),
        "go": (15, 19),
        "ruby": (24, 27),
        "php": (13, 17),
        "js": (14, 17),
    }


@unit
def test_same_format_twice__union_not_sum(repo: Path):
    # A Go profile and a second one of the same run: the same statements, covered once.
    assert _totals(report_json("go/cover-set.out", "go/cover-count.out")) == (15, 19, 0, 0)
    # SimpleCov shards: two result sets of the same suites (a copy: one file named twice is
    # refused, see test_load's duplicate tests).
    resultset = "ruby/coverage/.resultset.json"
    shard = "ruby/coverage/shard2/.resultset.json"
    (repo / shard).parent.mkdir()
    shutil.copy2(repo / resultset, repo / shard)
    assert _totals(report_json(resultset, shard)) == (24, 27, 8, 11)


DIFF = """\
--- a/go/calc/calc.go
+++ b/go/calc/calc.go
@@ -26,4 +26,4 @@
 func Unused(x int) int {
-\ty := x * 3
+\ty := x * 2
 \treturn y + 1
 }
--- a/java/src/main/java/com/example/poly/Calc.java
+++ b/java/src/main/java/com/example/poly/Calc.java
@@ -4,3 +4,3 @@
     public static String classify(int n) {
-        if (n <= 0) {
+        if (n < 0) {
             return "negative";
--- a/ruby/lib/calc.rb
+++ b/ruby/lib/calc.rb
@@ -9,3 +9,3 @@
     else
-      n.even? ? "even" : "o"
+      n.even? ? "even" : "odd"
     end
"""


@integration
def test_patch_coverage__changed_lines_of_go_java_and_ruby(repo: Path):
    (repo / "change.diff").write_text(DIFF)
    reports = ["java/jacoco.xml", "go/cover-count.out", "ruby/coverage/.resultset.json"]
    assert ratchet("update", *reports).exit_code == 0
    r = ratchet("check", "--format", "json", "--diff-file", "change.diff", *reports)
    assert r.exit_code == 0, r.output + r.stderr
    patch = json.loads(r.stdout)["patch"]
    files = {f["path"]: f for f in patch["files"]}
    # Go 27: a statement of Unused, never run. Java 5: `if (n < 0)`, ran, both branches taken.
    # Ruby 10: the ternary ran, its else branch ("odd") never taken.
    go = files["go/calc/calc.go"]
    java = files["java/src/main/java/com/example/poly/Calc.java"]
    ruby = files["ruby/lib/calc.rb"]
    counts = lambda f: (  # noqa: E731
        f["lines_covered"],
        f["lines_valid"],
        f["branches_covered"],
        f["branches_valid"],
    )
    assert counts(go) == (0, 1, 0, 0), go
    assert counts(java) == (1, 1, 2, 2), java
    assert counts(ruby) == (1, 1, 1, 2), ruby
    assert ruby["partial_branch_lines"] == [10]


@unit
def test_foreign_report__paths_not_mapped__refused(repo: Path):
    (repo / "pyproject.toml").write_text("[tool.ratchet]\nthreshold = 0\n")
    r = ratchet("check", "ruby/coverage/.resultset.json")
    assert r.exit_code == 2
    assert "does not describe this repository" in r.stderr
    assert f"{BUILD}/ruby/lib/calc.rb" in r.stderr


@integration
@pytest.mark.parametrize(
    ("report", "source"),
    [
        ("java/jacoco.xml", "java/src/main/java/com/example/poly/Calc.java"),
        ("go/cover-count.out", "go/calc/calc.go"),
        ("php/clover.xml", "php/src/Calc.php"),
    ],
)
def test_stale_report__check_warns_and_init_refuses_until_allowed(
    repo: Path, report: str, source: str
):
    os.utime(repo / source)
    os.utime(repo / report, (time.time() - 60, time.time() - 60))
    r = ratchet("check", report)
    assert r.exit_code == 0, r.output
    assert f"{report} is older than {source}" in r.stderr
    r = ratchet("init", "--force", report)
    assert r.exit_code == 2, r.output
    assert "may not measure this code: re-run the tests, or pass --allow-stale" in r.stderr
    assert ratchet("init", "--force", "--allow-stale", report).exit_code == 0


@unit
def test_action_coverage_files_glob__finds_every_format(shared_repo: Path):
    files = expand(
        "**/jacoco.xml go/cover-count.out ruby/coverage/.resultset.json **/clover.xml", shared_repo
    )
    assert files == [
        "c/jacoco.xml",
        "java/jacoco.xml",
        "go/cover-count.out",
        "ruby/coverage/.resultset.json",
        "c/clover.xml",
        "js/clover.xml",
        "php/clover.xml",
    ]
    r = ratchet("report", "--format", "json", *files)
    assert r.exit_code == 0, r.output + r.stderr
    assert {f["path"].split("/")[0] for f in json.loads(r.stdout)["files"]} == {
        "c",
        "java",
        "go",
        "ruby",
        "js",
        "php",
    }
