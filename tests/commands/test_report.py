"""`ratchet report` beside `coverage report -m`: the same table, line for line.

Real coverage.py runs over code written to exercise every part of the Missing column: spans
that run over blank lines, comments and excluded lines; partial branches into lines that
ran (``2->4``), out of the function (``5->exit``) and into lines that did not run (not
shown: coverage.py lists the line, not the branch); file names sorted as coverage.py sorts them
(``f2`` before ``f10``); empty and fully covered files. Each report coverage.py writes —
JSON, ``.coverage``, Cobertura XML, LCOV — gives the same table as ``coverage report -m``
itself. (The XML and LCOV that coverage.py writes name every missed branch's destination,
so nothing is lost there; reports of other tools are in ``tests/render/test_text.py``.)

These hold for coverage 7.18.0 and 7.16.2, the versions of the lock (see
``tests/core/test_numbers.py``, whose first test fails on any other).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal

import pytest
from click.testing import CliRunner

from ratchet import cli
from ratchet.core.numbers import percent
from ratchet.readers.load import load
from ratchet.render import text
from ratchet.store import badge
from tests.conftest import Project, RunRatchet, unmeasured_env

pytestmark = pytest.mark.integration

FORMATS = ["coverage.json", ".coverage", "coverage.xml", "coverage.lcov"]

BRANCHY = """\
def d(x):
    if x:
        x += 1
    x += 2
    if x > 100:
        return 1


def g(n):
    try:
        if n:
            return 1
    finally:
        pass


def h(a):
    if a:  # pragma: no cover
        return 1
    b = 1

    # a comment, then an excluded line: neither splits the span 20-25
    c = 2  # pragma: no cover
    d = 3
    return b + d


def loop(items):
    for i in items:
        if i > 3:
            continue
        if i == 2:
            break
    else:
        return -1
    return 1


class C:
    for i in range(2):
        pass
    if i:
        z = 1
"""

FULL = """\
def f():
    return 1


f()
"""


def _project(root) -> Project:
    proj = Project(root)
    proj.write("pkg/__init__.py", "")
    proj.write("pkg/empty.py", "# only a comment\n")
    proj.write("pkg/full.py", FULL)
    proj.write("pkg/f2.py", BRANCHY)
    proj.write("pkg/f10.py", BRANCHY)
    proj.write(
        "run.py",
        "import pkg.empty, pkg.full, pkg.f2, pkg.f10\n"
        "pkg.f2.d(200); pkg.f2.g(1); pkg.f2.loop([1, 5]); pkg.f10.loop([2])\n",
    )
    return proj


@pytest.fixture(scope="module")
def branchy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    proj = _project(tmp_path_factory.mktemp("report") / "proj")
    proj.run_tests("run.py")
    yield proj
    shutil.rmtree(proj.root, ignore_errors=True)


def test_sample__exercises_what_it_claims(branchy: Project):
    table = branchy.coverage("report", "-m").stdout
    row = next(line for line in table.splitlines() if line.startswith("pkg/f2.py"))
    for shown in ("2->4", "5->exit", "20-25", "33", "42->exit"):
        assert shown in row, row
    assert "32->" not in row  # its missed branch goes to 33, listed already
    assert table.index("pkg/f2.py") < table.index("pkg/f10.py")  # numbers sort as numbers


@pytest.mark.parametrize("name", FORMATS)
def test_report__same_table_as_coverage_report_m(
    branchy: Project, run_ratchet: RunRatchet, name: str
):
    r = run_ratchet("report", "--precision", "2", name, cwd=branchy.root)
    assert r.code == 0
    assert r.stdout == branchy.coverage("report", "-m", "--precision=2").stdout


@pytest.mark.parametrize("precision", range(7))
def test_report__every_precision(branchy: Project, precision: int):
    expected = branchy.coverage("report", "-m", f"--precision={precision}").stdout
    for name in FORMATS:
        rep = load([branchy.root / name], root=branchy.root)
        assert text.report(rep, precision=precision) == expected, name


@pytest.mark.parametrize(
    "options",
    [["--skip-covered"], ["--skip-empty"], ["--skip-covered", "--skip-empty"]],
    ids=["skip-covered", "skip-empty", "both"],
)
def test_report__skip_options_as_coverage_py(
    branchy: Project, run_ratchet: RunRatchet, options: list[str]
):
    r = run_ratchet("report", "--precision", "0", *options, "coverage.json", cwd=branchy.root)
    assert r.code == 0
    assert r.stdout == branchy.coverage("report", "-m", *options).stdout


def test_report_markdown__coverage_py_numbers(branchy: Project, run_ratchet: RunRatchet):
    # Its own layout (least covered first, for a PR comment), coverage.py's cells.
    r = run_ratchet(
        "report",
        "--format",
        "markdown",
        "--precision",
        "0",
        "--skip-covered",
        "coverage.json",
        cwd=branchy.root,
    )
    assert r.code == 0
    theirs = branchy.coverage("report", "--format=markdown", "--skip-covered").stdout

    def cells(table: str) -> set[tuple[str, ...]]:
        rows = [line for line in table.splitlines() if line.startswith("| ") and "pkg" in line]
        return {
            tuple(c.strip().strip("`").replace("\\", "") for c in row.split("|")[1:-1])
            for row in rows
        }

    assert cells(r.stdout) == cells(theirs)
    assert len(cells(r.stdout)) == 2
    assert r.stdout.startswith(f"**Coverage: {branchy.total(0)}%**")
    skipped = "\n\n3 files skipped due to complete coverage.\n"
    assert r.stdout.endswith(skipped) and theirs.endswith(skipped)


def test_report__no_show_missing_is_coverage_report_without_m(
    branchy: Project, run_ratchet: RunRatchet
):
    r = run_ratchet(
        "report", "--precision", "1", "--no-show-missing", "coverage.xml", cwd=branchy.root
    )
    assert r.code == 0
    assert r.stdout == branchy.coverage("report", "--precision=1").stdout
    assert (
        run_ratchet("report", "--precision", "1", "-m", "coverage.xml", cwd=branchy.root).stdout
        == branchy.coverage("report", "-m", "--precision=1").stdout
    )


def test_report__several_reports_of_one_run_merge_to_the_same_table(branchy: Project):
    rep = load([branchy.root / "coverage.xml", branchy.root / "coverage.lcov"], root=branchy.root)
    assert text.report(rep, precision=3) == branchy.coverage("report", "-m", "--precision=3").stdout


def test_report__shards_merged_as_coverage_combine(tmp_path):
    # Two runs, each covering a different part: the union is `coverage combine`'s table.
    proj = _project(tmp_path / "proj")
    proj.write("one.py", "import pkg.f2\npkg.f2.d(0)\npkg.f2.loop([5])\n")
    proj.write("two.py", "import pkg.f2\npkg.f2.d(200)\npkg.f2.g(0)\n")
    for shard in ("one", "two"):
        proj.coverage(
            "run", "--branch", "--source=pkg", f"--data-file=.coverage.{shard}", f"{shard}.py"
        )
        proj.coverage("json", f"--data-file=.coverage.{shard}", "-o", f"{shard}.json")
    proj.coverage("combine", ".coverage.one", ".coverage.two")
    rep = load([proj.root / "one.json", proj.root / "two.json"], root=proj.root)
    assert text.report(rep, precision=2) == proj.coverage("report", "-m", "--precision=2").stdout


# A project at the edges of rounding, measured without --branch (so coverage.py shows no
# Branch or BrPart column, and neither does ratchet): 1999 of 2000 statements (99.95%,
# which must not read 100.0 at one decimal, nor 100 at none), 1 of 2001 (0.04998%, which
# must not read 0.0), and a file of no statements at all. (99.995 at two decimals is the
# same rule a thousand times slower to run: tests/core/test_numbers.py has it, from counts.)
NEAR_FULL = "".join(f"v{i} = {i}\n" for i in range(1998)) + "if v0:\n    never = 1\n"
# Only the def runs: the 2000 statements of its body never do.
NEAR_EMPTY = "def never():\n" + "".join(f"    v{i} = {i}\n" for i in range(2000))


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    proj = Project(tmp_path_factory.mktemp("edges") / "proj")
    proj.write("pkg/__init__.py", "")
    proj.write("pkg/near_full.py", NEAR_FULL)
    proj.write("pkg/near_empty.py", NEAR_EMPTY)
    proj.write(
        "run.py",
        "import pkg.near_full, pkg.near_empty\n",
    )
    proj.coverage("run", "--source=pkg", "run.py")
    for kind, out in (
        ("xml", "coverage.xml"),
        ("json", "coverage.json"),
        ("lcov", "coverage.lcov"),
    ):
        proj.coverage(kind, "-o", out)
    yield proj
    shutil.rmtree(proj.root, ignore_errors=True)


@pytest.mark.parametrize(
    ("precision", "shown"),
    [
        (0, {"pkg/__init__.py": "100%", "pkg/near_empty.py": "1%", "pkg/near_full.py": "99%"}),
        (
            1,
            {"pkg/__init__.py": "100.0%", "pkg/near_empty.py": "0.1%", "pkg/near_full.py": "99.9%"},
        ),
        (
            6,
            {
                "pkg/__init__.py": "100.000000%",
                "pkg/near_empty.py": "0.049975%",
                "pkg/near_full.py": "99.950000%",
            },
        ),
    ],
)
def test_report__edges_of_rounding(edges: Project, precision: int, shown: dict[str, str]):
    expected = edges.coverage("report", "-m", f"--precision={precision}").stdout
    for name in FORMATS:
        rep = load([edges.root / name], root=edges.root)
        assert text.report(rep, precision=precision) == expected, name
    rows = {line.split()[0]: line.split()[3] for line in expected.splitlines()[2:5]}
    assert rows == shown


def test_report__a_branch_run_of_code_without_branches(tmp_path):
    # The one difference: coverage.py knows the run measured branches and shows Branch and
    # BrPart columns of zeros; the reports do not all say so (LCOV cannot), so ratchet
    # shows those columns only when some file has branches. The rest is the same.
    proj = Project(tmp_path / "proj")
    proj.write("pkg/__init__.py", "")
    proj.write("pkg/flat.py", FULL)
    proj.write("run.py", "import pkg.flat\n")
    proj.run_tests("run.py")
    theirs = proj.coverage("report", "-m").stdout
    assert "Branch" in theirs.splitlines()[0]
    for name in FORMATS:
        ours = text.report(load([proj.root / name], root=proj.root), precision=0)
        assert "Branch" not in ours
        drop = [
            [c for i, c in enumerate(line.split()) if i not in (3, 4)]
            for line in theirs.splitlines()
            if not line.startswith("-")
        ]
        assert [line.split() for line in ours.splitlines() if not line.startswith("-")] == drop


# -- coverage.py's own [report] settings -----------------------------------------------------
# `ratchet report` reads coverage.py's configuration as `coverage report` does (the same
# file wins) and honours the settings that change the table. Each case: the config files
# written beside the reports, the `ratchet report` arguments, and the `coverage report`
# arguments that must print the same table. Where coverage.py's config says nothing about
# show_missing, ratchet keeps its own default (shown), so the comparison adds -m.

CONFIG_CASES = {
    "pyproject": (
        {"pyproject.toml": "[tool.coverage.report]\nskip_covered = true\nprecision = 1\n"},
        [],
        ["-m"],
    ),
    "coveragerc": (
        {".coveragerc": "[report]\nskip_empty = True\nshow_missing = False\nprecision = 2\n"},
        [],
        [],
    ),
    # An explicit 0 is coverage.py's default and still a setting: not ratchet's 2.
    "setup.cfg": (
        {
            "setup.cfg": (
                "[coverage:report]\nskip_covered = yes\nshow_missing = true\nprecision = 0\n"
            )
        },
        [],
        [],
    ),
    "tox.ini": (
        {"tox.ini": "[coverage:report]\nskip_empty = 1\nprecision = 3\n"},
        [],
        ["-m"],
    ),
    # coverage.py reads the first file that has its settings, and no other.
    "first-file-wins": (
        {
            ".coveragerc": "[report]\nprecision = 1\n",
            "pyproject.toml": "[tool.coverage.report]\nprecision = 4\nskip_covered = true\n",
        },
        [],
        ["-m"],
    ),
    # $VAR in a value, as coverage.py substitutes it.
    "environment": (
        {".coveragerc": "[report]\nprecision = ${RATCHET_TEST_PRECISION}\n"},
        [],
        ["-m"],
    ),
    # The command line wins over the file.
    "options-win": (
        {"pyproject.toml": "[tool.coverage.report]\nskip_covered = true\nshow_missing = false\n"},
        ["--no-skip-covered", "-m", "--precision", "2"],
        ["--no-skip-covered", "-m", "--precision=2"],
    ),
    "no-coverage-settings": (
        {"pyproject.toml": '[project]\nname = "x"\n', "setup.cfg": "[metadata]\nname = x\n"},
        [],
        ["-m", "--precision=2"],
    ),
}


@pytest.fixture
def configured(branchy: Project, request: pytest.FixtureRequest) -> Iterator[Project]:
    """``branchy`` with the files of a CONFIG_CASES case beside its reports, for one test."""
    files, _, _ = CONFIG_CASES[request.param]
    for name, body in files.items():
        branchy.write(name, body)
    yield branchy
    for name in files:
        (branchy.root / name).unlink()


def _ratchet_report(root, monkeypatch, *args: str, env: dict[str, str] | None = None) -> str:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli.cli, ["report", *args], env=env)
    print(result.output)  # shown by pytest only when the test fails
    assert result.exit_code == 0, result.exception
    return result.stdout


@pytest.mark.parametrize("configured", list(CONFIG_CASES), indirect=True)
def test_report__coverage_py_report_settings_as_coverage_report(
    configured: Project, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
):
    _, ours, theirs = CONFIG_CASES[request.node.callspec.params["configured"]]
    env = {"RATCHET_TEST_PRECISION": "3"}
    expected = subprocess.run(
        [sys.executable, "-m", "coverage", "report", *theirs],
        cwd=configured.root,
        capture_output=True,
        text=True,
        env=unmeasured_env(**env),
        check=True,
    ).stdout
    for name in ("coverage.json", ".coverage"):
        assert _ratchet_report(configured.root, monkeypatch, *ours, name, env=env) == expected


def test_report__coverage_rcfile_names_the_config_as_for_coverage_py(
    branchy: Project, monkeypatch: pytest.MonkeyPatch
):
    branchy.write("ci/coverage.ini", "[report]\nskip_covered = true\nprecision = 1\n")
    branchy.write("pyproject.toml", "[tool.coverage.report]\nprecision = 4\n")
    try:
        expected = branchy.coverage("report", "-m", "--rcfile=ci/coverage.ini").stdout
        for rcfile in ("ci/coverage.ini", str(branchy.root / "ci/coverage.ini")):
            ours = _ratchet_report(
                branchy.root, monkeypatch, "coverage.xml", env={"COVERAGE_RCFILE": rcfile}
            )
            assert ours == expected
        assert "4 files skipped" not in expected and "skipped due to complete" in expected
    finally:
        shutil.rmtree(branchy.root / "ci")
        (branchy.root / "pyproject.toml").unlink()


def test_report__a_coverage_config_coverage_py_cannot_read_is_one_line(
    branchy: Project, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(branchy.root)
    result = CliRunner().invoke(
        cli.cli, ["report", "coverage.json"], env={"COVERAGE_RCFILE": "missing.ini"}
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"ratchet: error: {branchy.root / 'missing.ini'}: cannot be read as a coverage.py "
        "config file\n"
    )


# -- the badge ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["branchy", "edges"])
def test_badge__reads_as_coverage_report_total(request: pytest.FixtureRequest, fixture: str):
    proj: Project = request.getfixturevalue(fixture)
    rep = load([proj.root / "coverage.json"], root=proj.root)  # every format: same counts
    svg = badge.coverage_badge(percent(rep.totals), Decimal(0), Decimal(5))
    assert f"<title>coverage: {proj.total(0)}%</title>" in svg
