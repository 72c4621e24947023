"""Parity with diff-cover: on the same coverage XML and the same git diff, the changed-line
counts agree. Where the numbers differ by design (diff-cover counts lines only and
truncates the percent), the test computes diff-cover's number from ours and compares.

diff-cover is a test dependency, pinned by requirements/dev.txt. The lock resolves 11.0.4
(Python 3.11 and up) and 10.6.0 (Python 3.10, which 11 no longer supports); these tests
hold for those two versions. Where the two behave differently the expectation is kept per
version (``DIFF_COVER``), and any other version fails loudly: `make upgrade` moving diff-cover
means reading its changelog and checking these expectations again.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from importlib.metadata import version

import pytest

from tests.commands.conftest import MakeRepo, Repo, patch_json
from tests.conftest import RunRatchet, unmeasured_env

pytest.importorskip("diff_cover", reason="diff-cover is needed for the parity tests")

pytestmark = pytest.mark.integration

# The diff-cover versions of the lock, with what the version-dependent test expects of each:
# the lines diff-cover counts as added when a last line without a newline becomes two.
# 11.0.4 fixed its reading of "\ No newline at end of file" (10.6.0 counted line 3 only).
DIFF_COVER = {"11.0.4": [2, 3], "10.6.0": [3]}
INSTALLED = version("diff-cover")


def test_parity__installed_diff_cover_is_one_these_tests_hold_for():
    assert INSTALLED in DIFF_COVER, (
        f"diff-cover {INSTALLED} is not a version these parity tests were checked against "
        f"({', '.join(DIFF_COVER)}): read its changelog, re-check the expectations, add it"
    )


CALC = """\
def add(a, b):
    return a + b


def sign(x):
    if x < 0:
        return -1
    return 1
"""
CALC_FEATURE = """\
def add(a, b):
    # now with a check
    if a is None or b is None:
        raise TypeError("None")
    return a + b


def clamp(x, lo, hi):
    \"\"\"Keep x within [lo, hi].\"\"\"
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x
"""
GEO = "".join(f"def area{i}(w, h):\n    return w * h * {i}\n\n\n" for i in range(6))
GEO_FEATURE = (
    GEO.replace("return w * h * 2", "return (w * h) * 2").replace(
        "def area4(w, h):\n    return w * h * 4\n\n\n", ""
    )
    + "def perimeter(w, h):\n    if w == h:\n        return 4 * w\n    return 2 * (w + h)\n"
)
OLD = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(8))
MOVED = OLD + "def g(x):\n    while x > 0:\n        x -= 1\n    return x\n"
NEW = (
    "def fresh(flag):\n    if flag:\n        return 'yes'\n    return 'no'\n\n\n"
    "UNUSED = [\n    1,\n    2,\n]\n"
)
RUN_MAIN = "from pkg import calc, geo, old\ncalc.add(1, 2); calc.sign(1)\n"
RUN_FEATURE = (
    "from pkg import calc, geo, moved, new\n"
    "calc.add(1, 2); calc.clamp(5, 0, 10); geo.area2(1, 2); geo.perimeter(2, 3)\n"
    "moved.g(2); new.fresh(True)\n"
)


def diff_cover(repo: Repo, *args: str) -> dict:
    out = repo.root / "dc.json"
    proc = subprocess.run(
        [sys.executable, "-m", "diff_cover.diff_cover_tool", "coverage.xml", *args,
         "--format", f"json:{out}"],
        cwd=repo.root, capture_output=True, text=True, env=unmeasured_env(), check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return json.loads(out.read_text())


@pytest.fixture
def project(make_repo: MakeRepo) -> Repo:
    """Several commits on ``feature``: edits, deleted lines, a rename with edits, a new
    file, a file outside the report, and a commit that is later reverted."""
    repo = make_repo()
    repo.write("pkg/calc.py", CALC)
    repo.write("pkg/geo.py", GEO)
    repo.write("pkg/old.py", OLD)
    repo.write("run.py", RUN_MAIN)
    repo.commit("main")
    repo.branch("feature")
    repo.write("pkg/calc.py", CALC_FEATURE)
    repo.commit("calc: clamp")
    repo.git("mv", "pkg/old.py", "pkg/moved.py")
    repo.write("pkg/moved.py", MOVED)
    repo.commit("move old -> moved, add g")
    repo.write("pkg/geo.py", GEO_FEATURE)
    repo.write("pkg/new.py", NEW)
    repo.write("tools/script.py", "print('not measured')\n")
    repo.write("run.py", RUN_FEATURE)
    repo.commit("geo, new, tools")
    repo.write("pkg/geo.py", GEO_FEATURE + "\n\ndef reverted():\n    return 0\n")
    repo.commit("a function")
    repo.git("revert", "--no-edit", "HEAD")
    repo.run_tests()
    return repo


def expand(ranges: list[list[int]]) -> list[int]:
    return [n for a, b in ranges for n in range(a, b + 1)]


def assert_parity(p: dict, dc: dict, dc_branch: dict, dc_float: dict, prefix: str = "") -> None:
    """``prefix``: the config root below the git top; diff-cover names files from the top."""
    measured = {prefix + f["path"]: f for f in p["files"] if f["lines_valid"]}
    assert sorted(measured) == sorted(dc["src_stats"])
    for path, stats in dc["src_stats"].items():
        f = measured[path]
        assert f["covered"] == stats["covered_lines"], path
        assert expand(f["uncovered_ranges"]) == stats["violation_lines"], path
        # --branch-coverage: a covered line with a branch never taken is a violation too.
        assert (
            sorted(expand(f["uncovered_ranges"]) + f["partial_branch_lines"])
            == (dc_branch["src_stats"][path]["violation_lines"])
        ), path
    assert p["lines_valid"] == dc["total_num_lines"]
    assert p["lines_covered"] == dc["total_num_lines"] - dc["total_num_violations"]
    lines_pct = 100 * p["lines_covered"] / p["lines_valid"] if p["lines_valid"] else 100.0
    # diff-cover truncates to an int, or rounds to 2 places with --total-percent-float.
    assert math.floor(lines_pct) == dc["total_percent_covered"]
    assert round(lines_pct, 2) == dc_float["total_percent_covered"]


def run_both(
    repo: Repo, run_ratchet: RunRatchet, ref: str = "main"
) -> tuple[dict, dict, dict, dict]:
    r = run_ratchet("check", "--diff", ref, "--format", "json", "coverage.xml", cwd=repo.root)
    assert r.code in (0, 1), r
    compare = f"--compare-branch={ref}"
    return (
        patch_json(r.stdout),
        diff_cover(repo, compare),
        diff_cover(repo, compare, "--branch-coverage"),
        diff_cover(repo, compare, "--total-percent-float"),
    )


def test_parity__committed_changes(project: Repo, run_ratchet: RunRatchet):
    p, dc, dc_branch, dc_float = run_both(project, run_ratchet)
    assert_parity(p, dc, dc_branch, dc_float)
    # The scenario is not trivial: both sides saw several files, misses and partial branches.
    assert len(dc["src_stats"]) == 4
    assert 0 < dc["total_num_violations"] < dc["total_num_lines"]
    assert any(f["partial_branch_lines"] for f in p["files"])
    moved = next(f for f in p["files"] if f["path"] == "pkg/moved.py")
    assert (moved["status"], moved["old_path"], moved["lines_valid"]) == (
        "renamed",
        "pkg/old.py",
        4,
    )


def test_parity__with_staged_and_unstaged_changes(project: Repo, run_ratchet: RunRatchet):
    project.write("pkg/new.py", NEW + "\n\ndef staged(x):\n    return x\n")
    project.git("add", "pkg/new.py")
    project.write("pkg/calc.py", CALC_FEATURE + "\n\ndef unstaged(x):\n    return x\n")
    project.run_tests()
    p, dc, dc_branch, dc_float = run_both(project, run_ratchet)
    assert_parity(p, dc, dc_branch, dc_float)
    new = next(f for f in p["files"] if f["path"] == "pkg/new.py")
    assert 13 in new["covered"] and [14, 14] in new["uncovered_ranges"]  # the staged function
    calc = next(f for f in p["files"] if f["path"] == "pkg/calc.py")
    assert [18, 18] in calc["uncovered_ranges"]  # the unstaged one


def test_parity__no_measurable_changed_lines(make_repo: MakeRepo, run_ratchet: RunRatchet):
    repo = make_repo()
    repo.write("pkg/calc.py", CALC)
    repo.write("run.py", RUN_MAIN.replace(", geo, old", ""))
    repo.commit("main")
    repo.branch("comments")
    repo.write("pkg/calc.py", "# header\n\n" + CALC + "\n# footer\n")
    repo.commit("comments only")
    repo.run_tests()
    p, dc, dc_branch, dc_float = run_both(repo, run_ratchet)
    assert_parity(p, dc, dc_branch, dc_float)
    assert (p["lines_valid"], p["percent"], p["status"]) == (0, 100.0, "pass")
    assert (dc["total_num_lines"], dc["total_percent_covered"]) == (0, 100)


def test_parity__monorepo_subdirectory(make_repo: MakeRepo, run_ratchet: RunRatchet):
    repo = make_repo("services/api")
    repo.write("pkg/calc.py", CALC)
    repo.write("run.py", RUN_MAIN.replace(", geo, old", ""))
    repo.write("services/web/other.py", "x = 1\n", at_top=True)
    repo.commit("main")
    repo.branch("feature")
    repo.write("pkg/calc.py", CALC_FEATURE)
    repo.write("run.py", "from pkg import calc\ncalc.add(1, 2); calc.clamp(-1, 0, 10)\n")
    repo.write("services/web/other.py", "x = 2\ny = 3\n", at_top=True)
    repo.commit("feature")
    repo.run_tests()
    p, dc, dc_branch, dc_float = run_both(repo, run_ratchet)
    assert_parity(p, dc, dc_branch, dc_float, prefix="services/api/")
    assert [f["path"] for f in p["files"]] == ["pkg/calc.py"]
    assert list(dc["src_stats"]) == ["services/api/pkg/calc.py"]


def test_parity__no_newline_at_end_of_file(make_repo: MakeRepo, run_ratchet: RunRatchet):
    """A file without a final newline whose last line becomes two: git's diff adds lines 2
    and 3, and ratchet counts both. diff-cover 11.0.4 agrees; 10.6.0 counted only line 3,
    misreading the ``\\ No newline at end of file`` marker after the removed line."""
    repo = make_repo()
    (repo.root / "pkg" / "last.py").write_text("x = 1\ny = 2")  # no final newline
    repo.write("run.py", "import pkg.last\n")
    repo.commit("main")
    repo.branch("feature")
    (repo.root / "pkg" / "last.py").write_text("x = 1\ny = 3\nz = 4")
    repo.commit("the last line becomes two")
    diff = repo.git("diff", "main")
    assert "-y = 2\n\\ No newline at end of file\n+y = 3\n+z = 4\n\\ No newline" in diff
    repo.run_tests()
    p, dc, _, _ = run_both(repo, run_ratchet)
    (f,) = p["files"]
    assert (f["path"], f["covered"], f["uncovered_ranges"]) == ("pkg/last.py", [2, 3], [])
    expected = DIFF_COVER[INSTALLED]
    assert dc["src_stats"]["pkg/last.py"]["covered_lines"] == expected
    assert (p["lines_valid"], dc["total_num_lines"]) == (2, len(expected))
