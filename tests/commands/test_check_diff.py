"""``ratchet check --diff`` end-to-end: real git repositories, real coverage.py runs, the
CLI as a subprocess."""

from __future__ import annotations

import json
import re
import shlex

import pytest

from tests.commands.conftest import MakeRepo, Repo, patch_json, sh_git
from tests.conftest import RunRatchet
from tests.render.gfm import parse
from tests.wrapped import flat, unwrapped

pytestmark = pytest.mark.integration

BASE = """\
def add(a, b):
    return a + b
"""

# Lines 5, 8-12 are measurable (6); 3-4 blank, 6 a docstring, 7 a comment are not.
# With RUN_FEATURE: line 11 never runs; of the 4 branches (8->9, 8->10, 10->11, 10->12)
# 10->11 is never taken. 5 of 6 lines + 3 of 4 branches = 8/10 = exactly 80%.
FEATURE = """\
def add(a, b):
    return a + b


def clamp(x, lo, hi):
    \"\"\"Keep x within [lo, hi].\"\"\"
    # a comment is not measurable
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x
"""
RUN_BASE = "from pkg.calc import *\nadd(1, 2)\n"
RUN_FEATURE = "from pkg.calc import *\nadd(1, 2)\nclamp(5, 0, 10)\nclamp(-1, 0, 10)\n"
RUN_ALL = RUN_FEATURE + "clamp(11, 0, 10)\n"


@pytest.fixture
def feature(make_repo: MakeRepo) -> Repo:
    """``main`` with pkg/calc.py, and a branch ``feature`` that adds ``clamp``, committed."""
    repo = make_repo()
    repo.write("pkg/calc.py", BASE)
    repo.write("run.py", RUN_BASE)
    repo.commit("calc")
    repo.branch("feature")
    repo.write("pkg/calc.py", FEATURE)
    repo.write("run.py", RUN_FEATURE)
    repo.commit("clamp")
    return repo


def check(run_ratchet: RunRatchet, repo: Repo, *args: str, **kw):
    return run_ratchet("check", *args, "coverage.xml", cwd=repo.root, **kw)


def test_diff__changed_lines_measured_counted_and_listed(feature: Repo, run_ratchet: RunRatchet):
    feature.config(patch_threshold=81)
    feature.commit("gate")
    feature.run_tests()
    r = check(run_ratchet, feature, "--diff", "main", "--format", "json")
    assert r.code == 1
    p = patch_json(r.stdout)
    assert (p["lines_valid"], p["lines_covered"], p["branches_valid"], p["branches_covered"]) == (
        6,
        5,
        4,
        3,
    )
    assert p["percent"] == 80.0
    assert (p["threshold"], p["status"]) == (81, "fail")
    assert p["files"] == [
        {
            "path": "pkg/calc.py",
            "status": "modified",
            "old_path": None,
            "lines_valid": 6,
            "lines_covered": 5,
            "branches_valid": 4,
            "branches_covered": 3,
            "covered": [5, 8, 9, 10, 12],
            "uncovered_ranges": [[11, 11]],
            "partial_branch_lines": [10],
        }
    ]
    assert [f["kind"] for f in p["failures"]] == ["patch_below_threshold"]
    assert json.loads(r.stdout)["status"] == "fail"

    text = check(run_ratchet, feature, "--diff", "main")
    assert text.code == 1
    assert text.stdout.splitlines()[1:3] == [
        "changed lines: 80.00% (8/10 lines+branches) covered, 1.00 points under the 81% patch "
        "threshold",
        "       pkg/calc.py  changed lines not run: 11",
    ]
    text = check(run_ratchet, feature, "-v", "--diff", "main")
    assert (
        "  pkg/calc.py modified: 5/6 changed lines, 3/4 branches; not run: 11; branch not "
        "taken on 10\n"
    ) in text.stdout
    assert "FAIL patch coverage 80.0000% (8/10 changed lines+branches) is below" in text.stdout

    md = check(run_ratchet, feature, "--diff", "main", "--format", "markdown")
    assert md.stdout.startswith(
        "### ❌ Coverage 83.33% — changed lines 1.00 points under the 81% patch threshold\n\n"
        "**Changed lines:** 80.00% (8/10 lines+branches) covered, 1.00 points under the 81% "
        "patch threshold ❌.\n"
    )
    # The uncovered changed line, in the one table of files (no per-file baseline: no counts).
    assert "| pkg/calc\\.py | — | — | — | 11 | yes |" in md.stdout


@pytest.mark.parametrize(("threshold", "code"), [(79, 0), (80, 0), (80.01, 1)])
def test_diff__exactly_at_patch_threshold_passes(
    feature: Repo, run_ratchet: RunRatchet, threshold: float, code: int
):
    feature.config(patch_threshold=threshold)
    feature.commit("gate")
    feature.run_tests()
    r = check(run_ratchet, feature, "--diff", "main")
    assert r.code == code
    judged = f"over the {threshold}%" if code == 0 else "0.01 points under the 80.01%"
    assert f"changed lines: 80.00% (8/10 lines+branches) covered, {judged} patch threshold\n" in (
        r.stdout
    )


def test_diff__without_a_patch_threshold_it_is_measured_not_gated(
    feature: Repo, run_ratchet: RunRatchet
):
    # A newcomer read "PASS" inside an overall FAIL as if the changed lines had been judged.
    feature.run_tests()
    r = check(run_ratchet, feature, "--diff", "main")
    assert (
        "changed lines: 80.00% (8/10 lines+branches) covered; not gated (no patch_threshold)\n"
    ) in r.stdout
    assert r.stdout.count("gated") == 1  # said once (it was said twice)
    md = check(run_ratchet, feature, "--diff", "main", "--format", "markdown")
    line = (
        "**Changed lines:** 80.00% (8/10 lines+branches) covered; not gated (no patch_threshold)."
    )
    assert line in md.stdout.splitlines()
    assert md.stdout.count("gated") == 1  # said once


def test_diff__fully_covered_change(feature: Repo, run_ratchet: RunRatchet):
    feature.config(patch_threshold=100)
    feature.commit("gate")
    feature.run_tests(RUN_ALL)
    r = check(run_ratchet, feature, "--diff", "main", "--format", "json")
    assert r.code == 0
    p = patch_json(r.stdout)
    assert (p["percent"], p["status"]) == (100.0, "pass")
    assert p["files"][0]["uncovered_ranges"] == []


@pytest.mark.parametrize(("rule", "code"), [("pass", 0), ("fail", 1)])
def test_diff__no_measurable_changed_lines(
    make_repo: MakeRepo, run_ratchet: RunRatchet, rule, code
):
    repo = make_repo()
    repo.write("pkg/calc.py", BASE)
    repo.write("run.py", RUN_BASE)
    repo.config(patch_threshold=90, patch_empty=rule)
    repo.commit("calc")
    repo.branch("docs")
    repo.write("pkg/calc.py", '"""Arithmetic."""\n# helpers\n\n' + BASE + "\n# the end\n")
    repo.commit("comments, a docstring and blank lines only")
    repo.run_tests()
    r = check(run_ratchet, repo, "--diff", "main", "--format", "json")
    assert r.code == code
    p = patch_json(r.stdout)
    assert (p["lines_valid"], p["branches_valid"]) == (0, 0)
    said = p["notes"] + [f["message"] for f in p["failures"]]
    if rule == "fail":
        assert said == ['no measurable changed lines (1 changed file) and patch_empty = "fail"']
    else:
        assert said == []  # nothing to say beyond the counts


def test_diff__rename_without_edits_is_not_new_code(feature: Repo, run_ratchet: RunRatchet):
    feature.git("checkout", "-q", "main")
    feature.config(patch_threshold=100)
    feature.commit("gate")
    feature.branch("move")
    feature.git("mv", "pkg/calc.py", "pkg/arith.py")
    feature.write("run.py", RUN_BASE.replace("pkg.calc", "pkg.arith"))
    feature.commit("move")
    feature.run_tests()
    r = check(run_ratchet, feature, "--diff", "main", "--format", "json")
    assert r.code == 0
    p = patch_json(r.stdout)
    assert p["files"] == [
        {
            "path": "pkg/arith.py",
            "status": "renamed",
            "old_path": "pkg/calc.py",
            "lines_valid": 0,
            "lines_covered": 0,
            "branches_valid": 0,
            "branches_covered": 0,
            "covered": [],
            "uncovered_ranges": [],
            "partial_branch_lines": [],
        }
    ]


def test_diff__rename_with_edits_counts_only_the_edited_lines(
    make_repo: MakeRepo, run_ratchet: RunRatchet
):
    repo = make_repo()
    body = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(10))
    repo.write("pkg/old_name.py", body)
    repo.write("run.py", "from pkg.old_name import *\n")
    repo.commit("ten functions")
    repo.branch("move")
    repo.git("mv", "pkg/old_name.py", "pkg/new_name.py")
    repo.write("pkg/new_name.py", body + "def extra(x):\n    return -x\n")
    repo.write("run.py", "from pkg.new_name import *\n")
    repo.commit("move and add one function")
    repo.run_tests()
    p = patch_json(check(run_ratchet, repo, "--diff", "main", "--format", "json").stdout)
    (f,) = p["files"]
    assert (f["path"], f["status"], f["old_path"]) == (
        "pkg/new_name.py",
        "renamed",
        "pkg/old_name.py",
    )
    # Only `def extra` (run at import) and its body (never run): the moved lines are not new.
    assert (f["lines_valid"], f["covered"], f["uncovered_ranges"]) == (2, [41], [[42, 42]])


def test_diff__deleted_file_reported_as_deleted(feature: Repo, run_ratchet: RunRatchet):
    feature.write("pkg/legacy.py", "def old():\n    return 1\n")
    feature.commit("legacy")
    feature.git("checkout", "-q", "-b", "cleanup")
    feature.git("rm", "-q", "pkg/legacy.py")
    feature.commit("remove legacy")
    feature.run_tests()
    r = check(run_ratchet, feature, "--diff", "feature", "--format", "json")
    p = patch_json(r.stdout)
    assert r.code == 0
    assert [(f["path"], f["status"], f["lines_valid"]) for f in p["files"]] == [
        ("pkg/legacy.py", "deleted", 0)
    ]
    assert (
        "\n  pkg/legacy.py deleted\n"
        in check(run_ratchet, feature, "-v", "--diff", "feature").stdout
    )


def test_diff__binary_files_and_files_outside_the_report(feature: Repo, run_ratchet: RunRatchet):
    feature.git("checkout", "-q", "-b", "assets")
    (feature.root / "pkg" / "logo.bin").write_bytes(b"\x00\x01\x02binary\x00")
    feature.write("tools/helper.py", "print('not measured')\n")  # outside --source
    feature.write("pkg/plugins/extra.py", "def plugin():\n    return 1\n")  # no __init__.py
    feature.commit("assets, a tool, a plugin no test imports")
    feature.run_tests()
    r = check(run_ratchet, feature, "--diff", "feature", "--format", "json")
    assert r.code == 0
    p = patch_json(r.stdout)
    assert p["files"] == []
    assert p["unreported"] == ["pkg/plugins/extra.py"]
    assert any("not in the coverage report" in n for n in p["notes"])
    assert (p["lines_valid"], p["status"]) == (0, "pass")


def test_diff__non_ascii_and_spaces_in_file_names(make_repo: MakeRepo, run_ratchet: RunRatchet):
    repo = make_repo()
    repo.branch("unicode")
    repo.write("pkg/modulé x.py", "def f(v):\n    if v:\n        return 1\n    return 2\n")
    repo.write(
        "run.py",
        "import runpy\nns = runpy.run_path('pkg/modulé x.py')\nns['f'](1)\n",
    )
    repo.commit("a file name git must quote")
    repo.run_tests()
    p = patch_json(check(run_ratchet, repo, "--diff", "main", "--format", "json").stdout)
    assert [(f["path"], f["covered"], f["uncovered_ranges"]) for f in p["files"]] == [
        ("pkg/modulé x.py", [1, 2, 3], [[4, 4]])
    ]


def test_diff__local_run_counts_staged_and_unstaged_ci_only_commits(
    feature: Repo, run_ratchet: RunRatchet
):
    feature.write("pkg/calc.py", FEATURE + "\n\ndef staged():\n    return 1\n")
    feature.git("add", "pkg/calc.py")
    feature.write(
        "pkg/calc.py",
        FEATURE + "\n\ndef staged():\n    return 1\n\n\ndef unstaged():\n    return 2\n",
    )
    feature.run_tests()
    local = patch_json(check(run_ratchet, feature, "--diff", "main", "--format", "json").stdout)
    assert local["files"][0]["uncovered_ranges"] == [[11, 11], [16, 16], [20, 20]]
    assert local["files"][0]["covered"] == [5, 8, 9, 10, 12, 15, 19]
    assert "including staged and unstaged changes" in local["description"]
    for env in ({"CI": "true"}, {"GITHUB_ACTIONS": "true"}):
        args = ("--diff", "main", "--format", "json", "--no-github")
        ci = patch_json(check(run_ratchet, feature, *args, env=env).stdout)
        assert ci["files"][0]["uncovered_ranges"] == [[11, 11]], env
        assert ci["description"].endswith("up to HEAD")


def test_diff_file__same_result_as_git_and_from_stdin(feature: Repo, run_ratchet: RunRatchet):
    feature.run_tests()
    via_git = patch_json(check(run_ratchet, feature, "--diff", "main", "--format", "json").stdout)
    diff = feature.git("diff", "main")
    (feature.root / "change.diff").write_text(diff)
    via_file = patch_json(
        check(run_ratchet, feature, "--diff-file", "change.diff", "--format", "json").stdout
    )
    via_stdin = patch_json(
        check(run_ratchet, feature, "--diff-file", "-", "--format", "json", stdin=diff).stdout
    )
    assert via_file["files"] == via_git["files"] == via_stdin["files"]
    assert via_git["path_prefix"] == via_file["path_prefix"] == ""
    assert via_file["description"] == "the diff in change.diff"
    assert via_stdin["description"] == "the diff in standard input"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--diff-file", "nope.diff"), "nope.diff: cannot read the diff"),
        (("--diff-file", "-"), "not a unified diff"),
        (("--diff", "main", "--diff-file", "x.diff"), "not both"),
        (
            ("--diff", "no-such-branch"),
            "git ref 'no-such-branch' not found in this repository, so the changed lines "
            "cannot be computed, and it has no remote to fetch it from: check the name "
            "(`git branch --all`, `git tag --list`)",
        ),
        (("--diff", "0123abcd"), "'0123abcd' not found in this repository"),
        (("--diff", "--help-me"), "invalid git ref"),
    ],
)
def test_diff__bad_input_exits_2(feature: Repo, run_ratchet: RunRatchet, args, message):
    feature.run_tests()
    r = check(run_ratchet, feature, *args, stdin="--- a/x\n+++ b/x\n@@ -1 +1,5 @@\n+truncated\n")
    assert r.code == 2
    assert message in r.stderr
    assert len(r.stderr.splitlines()) == 1
    assert "origin" not in r.stderr  # this repository has no remote


def test_diff__outside_a_git_work_tree_exits_2(
    make_repo: MakeRepo, run_ratchet: RunRatchet, tmp_path
):
    repo = make_repo()
    repo.write("pkg/calc.py", BASE)
    repo.write("run.py", RUN_BASE)
    repo.run_tests()
    plain = tmp_path / "plain"
    plain.mkdir()
    for name in ("pyproject.toml", "coverage.xml"):
        (plain / name).write_bytes((repo.root / name).read_bytes())
    r = run_ratchet("check", "--diff", "main", "coverage.xml", cwd=plain)
    assert r.code == 2
    assert "needs a git work tree" in r.stderr


def test_config_diff_against_is_the_default_and_no_diff_turns_it_off(
    feature: Repo, run_ratchet: RunRatchet
):
    feature.config(diff_against="main", patch_threshold=90)
    feature.commit("gate")
    feature.run_tests()
    r = check(run_ratchet, feature, "--format", "json")
    assert r.code == 1
    assert patch_json(r.stdout)["status"] == "fail"
    off = check(run_ratchet, feature, "--no-diff", "--format", "json")
    assert off.code == 0
    assert "patch" not in json.loads(off.stdout)


def test_monorepo__config_root_below_the_git_top(make_repo: MakeRepo, run_ratchet: RunRatchet):
    repo = make_repo("services/api")
    repo.write("pkg/calc.py", BASE)
    repo.write("run.py", RUN_BASE)
    repo.write("services/web/pkg/calc.py", BASE, at_top=True)
    repo.commit("two services")
    repo.branch("feature")
    repo.write("pkg/calc.py", FEATURE)
    repo.write("run.py", RUN_FEATURE)
    # The sibling service changes too, with the same relative path: it must not count.
    repo.write("services/web/pkg/calc.py", BASE + "\n\ndef other():\n    return 0\n", at_top=True)
    repo.write("README.md", "top-level change\n", at_top=True)
    repo.commit("clamp")
    repo.run_tests()
    r = check(run_ratchet, repo, "--diff", "main", "--format", "json")
    p = patch_json(r.stdout)
    assert [(f["path"], f["lines_valid"], f["uncovered_ranges"]) for f in p["files"]] == [
        ("pkg/calc.py", 6, [[11, 11]])
    ]
    assert p["path_prefix"] == "services/api"  # what an annotation must put before the path
    # The same from a subdirectory of the project: git's paths are still mapped to the root.
    sub = run_ratchet(
        "check", "--diff", "main", "--format", "json", "--config", "../pyproject.toml",
        "../coverage.xml", cwd=repo.root / "pkg",
    )  # fmt: skip
    assert patch_json(sub.stdout)["files"] == p["files"]


# -- shallow clones ----------------------------------------------------------------------


@pytest.fixture
def origin(make_repo: MakeRepo) -> Repo:
    """A remote: main with 4 commits, feature forked at the 3rd with 3 commits."""
    repo = make_repo(name="origin")
    repo.write("pkg/calc.py", BASE)
    repo.write("run.py", RUN_BASE)
    repo.commit("calc")
    repo.write("NOTES", "1\n")
    repo.commit("main 2")
    repo.branch("feature")
    repo.write("pkg/calc.py", FEATURE)
    repo.commit("feature 1")
    repo.write("run.py", RUN_FEATURE)
    repo.commit("feature 2")
    repo.write("NOTES", "1\nfeature\n")
    repo.commit("feature 3")
    repo.git("checkout", "-q", "main")
    repo.write("NOTES", "1\n2\n")
    repo.commit("main 3")
    return repo


def advice(stderr: str) -> list[str]:
    """The `git fetch ...` commands an error message names."""
    return list(re.findall(r"`(git fetch [^`]*)`", stderr))


def test_shallow_clone__names_the_exact_fetch_then_works(
    origin: Repo, run_ratchet: RunRatchet, tmp_path
):
    clone = tmp_path / "clone"
    sh_git(
        tmp_path, "clone", "-q", "--depth=1", "--branch", "feature", f"file://{origin.top}", "clone"
    )
    repo = Repo(clone, clone)
    repo.run_tests()

    # 1. origin/main is not in this single-branch clone at all.
    r = check(run_ratchet, repo, "--diff", "origin/main")
    assert r.code == 2, r
    (fetch,) = advice(r.stderr)
    assert fetch == "git fetch --no-tags origin +refs/heads/main:refs/remotes/origin/main"
    sh_git(clone, *shlex.split(fetch)[1:], "--depth=1")  # as CI would: still shallow

    # 2. Both tips are here, but not the commit where they forked.
    r = check(run_ratchet, repo, "--diff", "origin/main")
    assert r.code == 2, r
    assert "shallow clone" in r.stderr and "merge-base" in r.stderr
    unshallow, deepen = advice(r.stderr)
    assert unshallow == (
        "git fetch --no-tags --unshallow origin +refs/heads/main:refs/remotes/origin/main"
    )
    assert (
        deepen == "git fetch --no-tags --deepen=N origin +refs/heads/main:refs/remotes/origin/main"
    )

    # 3. Deepening by the branch's 3 commits is enough; one fewer is not.
    sh_git(clone, *shlex.split(deepen.replace("=N", "=2"))[1:])
    assert check(run_ratchet, repo, "--diff", "origin/main").code == 2
    sh_git(clone, *shlex.split(deepen.replace("=N", "=1"))[1:])
    r = check(run_ratchet, repo, "--diff", "origin/main", "--format", "json")
    assert r.code == 0, r
    p = patch_json(r.stdout)
    assert [(f["path"], f["lines_valid"], f["lines_covered"]) for f in p["files"]] == [
        ("pkg/calc.py", 6, 5)
    ]


def test_shallow_clone__unshallow_advice_works(origin: Repo, run_ratchet: RunRatchet, tmp_path):
    clone = tmp_path / "clone"
    sh_git(
        tmp_path, "clone", "-q", "--depth=1", "--branch", "feature", f"file://{origin.top}", "clone"
    )
    sh_git(clone, "fetch", "-q", "--depth=1", "origin", "+refs/heads/main:refs/remotes/origin/main")
    repo = Repo(clone, clone)
    repo.run_tests()
    r = check(run_ratchet, repo, "--diff", "origin/main")
    assert r.code == 2
    unshallow = advice(r.stderr)[0]
    sh_git(clone, *shlex.split(unshallow)[1:])
    r = check(run_ratchet, repo, "--diff", "origin/main", "--format", "json")
    assert r.code == 0, r
    assert patch_json(r.stdout)["files"][0]["uncovered_ranges"] == [[11, 11]]


def clone_shallow(origin: Repo, tmp_path) -> Repo:
    """What actions/checkout makes: the branch alone, one commit deep, no tags."""
    url = f"file://{origin.top}"
    sh_git(tmp_path, "clone", "-q", "--depth=1", "--no-tags", "--branch", "feature", url, "c")
    repo = Repo(tmp_path / "c", tmp_path / "c")
    repo.run_tests()
    return repo


def test_missing_ref__a_tag_gets_a_tag_fetch_that_works(
    origin: Repo, run_ratchet: RunRatchet, tmp_path
):
    origin.git("tag", "v1.0", "main~1")  # the fork point of feature
    repo = clone_shallow(origin, tmp_path)
    r = check(run_ratchet, repo, "--diff", "v1.0")
    assert r.code == 2, r
    assert len(r.stderr.splitlines()) == 1
    tag_fetch, _branch_fetch = advice(r.stderr)
    assert tag_fetch == "git fetch --no-tags origin tag v1.0"
    sh_git(repo.top, *shlex.split(tag_fetch)[1:])
    # The tag is here now, but this clone's history does not reach it from HEAD.
    r = check(run_ratchet, repo, "--diff", "v1.0")
    assert r.code == 2, r
    unshallow, deepen = advice(r.stderr)
    assert unshallow == "git fetch --no-tags --unshallow origin tag v1.0"
    assert deepen == "git fetch --no-tags --deepen=N origin tag v1.0"
    sh_git(repo.top, *shlex.split(unshallow)[1:])
    r = check(run_ratchet, repo, "--diff", "v1.0", "--format", "json")
    assert r.code == 0, r
    assert patch_json(r.stdout)["files"][0]["uncovered_ranges"] == [[11, 11]]


def test_missing_ref__revision_expressions_and_ranges_are_not_branches(
    origin: Repo, run_ratchet: RunRatchet, tmp_path
):
    repo = clone_shallow(origin, tmp_path)
    r = check(run_ratchet, repo, "--diff", "HEAD~2")
    assert r.code == 2, r
    assert len(r.stderr.splitlines()) == 1
    assert "'HEAD~2' names no commit in this shallow clone" in r.stderr
    deepen, unshallow = advice(r.stderr)
    assert (deepen, unshallow) == (
        "git fetch --no-tags --deepen=N origin",
        "git fetch --no-tags --unshallow origin",
    )
    assert "refs/heads" not in r.stderr
    # Deepening by 2 is what HEAD~2 needs (N: the commits missing).
    sh_git(repo.top, *shlex.split(deepen.replace("=N", "=2"))[1:])
    r = check(run_ratchet, repo, "--diff", "HEAD~2", "--format", "json")
    assert r.code == 0, r
    # HEAD~2 is "feature 1": since then, run.py and NOTES changed, not pkg/calc.py.
    assert patch_json(r.stdout)["files"] == []

    r = check(run_ratchet, repo, "--diff", "main..feature")
    assert r.code == 2, r
    assert "git ref 'main..feature' is a range, not one commit" in r.stderr
    assert "give the base alone, e.g. 'main'" in r.stderr
    assert "fetch" not in r.stderr


def test_missing_ref__no_remote_means_no_fetch(feature: Repo, run_ratchet: RunRatchet):
    feature.git("tag", "v0.9", "main")
    feature.run_tests()
    for ref, said in [
        ("v1.0", "git ref 'v1.0' not found in this repository"),
        ("HEAD~100", "git ref 'HEAD~100' names no commit, so the changed lines cannot be "
         "computed: 'HEAD' has no such ancestor"),
        ("nope~1", "git ref 'nope' (of 'nope~1') not found in this repository"),
        ("main@{99}", "'main' has no such reflog entry or upstream"),
    ]:  # fmt: skip
        r = check(run_ratchet, feature, "--diff", ref)
        assert r.code == 2, r
        assert said in r.stderr, r
        assert len(r.stderr.splitlines()) == 1
        assert "origin" not in r.stderr and "git fetch" not in r.stderr, r
    assert check(run_ratchet, feature, "--diff", "v0.9").code == 0  # a tag that is here works


# -- indirect changes --------------------------------------------------------------------

B_MODULE = "def b1():\n    return 1\n\n\ndef b2():\n    return 2\n"
C_MODULE = "def untested(x):\n" + "".join(f"    x += {i}\n" for i in range(10)) + "    return x\n"


@pytest.fixture
def indirect(make_repo: MakeRepo, run_ratchet: RunRatchet) -> Repo:
    """A per-file baseline recorded on main; on ``feature`` pkg/a.py grows (all covered)
    while pkg/b.py, which the change does not touch, loses a covered line: the total
    rises, b.py regresses."""
    repo = make_repo()
    repo.config(baseline_file="coverage-baseline.tsv")
    repo.write("coverage-baseline.tsv", "")  # per-file baselines start: update fills it
    repo.write("pkg/a.py", "def a():\n    return 0\n")
    repo.write("pkg/b.py", B_MODULE)
    repo.write("pkg/c.py", C_MODULE)
    repo.run_tests("from pkg import a, b, c\na.a(); b.b1(); b.b2()\n")
    assert run_ratchet("update", "coverage.xml", cwd=repo.root).code == 0
    repo.commit("baseline")
    repo.branch("feature")
    repo.write("pkg/a.py", "".join(f"def a{i}():\n    return {i}\n\n\n" for i in range(10)))
    calls = "; ".join(f"a.a{i}()" for i in range(10))
    repo.run_tests(f"from pkg import a, b, c\n{calls}; b.b1()\n")
    repo.commit("grow a, stop calling b.b2")
    return repo


@pytest.mark.parametrize("fail_on_indirect", [False, True])
def test_indirect__listed_apart_and_waived_unless_fail_on_indirect(
    indirect: Repo, run_ratchet: RunRatchet, fail_on_indirect: bool
):
    if not fail_on_indirect:  # true is the default
        waive(indirect)
    r = check(run_ratchet, indirect, "--diff", "main", "--format", "json")
    data = json.loads(r.stdout)
    # A waived drop is not a failure: it moves from "failures" to patch.waived.
    expected = [("file_regression", "pkg/b.py")] if fail_on_indirect else []
    assert [(f["kind"], f["path"]) for f in data["failures"]] == expected
    assert data["status"] == ("fail" if fail_on_indirect else "pass")
    p = data["patch"]
    # 20 lines in a.py, but "    return 0" was there before: git's diff keeps it as context.
    assert (p["status"], p["lines_valid"], p["lines_covered"]) == ("pass", 19, 19)
    assert [(c["path"], c["after"]["lines_covered"]) for c in p["indirect"]] == [("pkg/b.py", 3)]
    assert p["indirect"][0]["waived"] is not fail_on_indirect
    assert [w["path"] for w in p["waived"]] == ([] if fail_on_indirect else ["pkg/b.py"])
    text = check(run_ratchet, indirect, "--diff", "main").stdout
    rows = text.splitlines()
    row = next(line for line in rows if line.lstrip().removeprefix("FAIL ").startswith("pkg/b.py"))
    assert row.startswith("  FAIL pkg/b.py" if fail_on_indirect else "       pkg/b.py")
    assert "not touched by this change" in row
    waived = "not touched by this change; not failing: fail_on_indirect = false"
    assert (waived in flat(text)) is not fail_on_indirect
    if fail_on_indirect:
        assert r.code == 1
        # The change touched no test file (the sample's tests are one script, outside).
        said = (
            "this change deletes or edits no test file, yet files it did not touch lost "
            "coverage (pkg/b.py): a flaky or order-dependent test? file_tolerance lets a flaky "
            "file move a little; or record the lower bar with "
        )
        assert f"\nwhy: {said}'ratchet accept --reason ...'\n" in unwrapped(text)
        assert "FAIL pkg/b.py 100.00% -> 75.00% -25.00 +1 uncovered; not run: 6;" in flat(text)
        # JSON: the whole sentence, and the cause apart (for the comment to say it once).
        [f] = data["failures"]
        assert f["message"] == (
            "pkg/b.py: 100.0000% -> 75.0000% (-25.0000 points; uncovered 0 -> 1); not run: 6; "
            f"{said}`ratchet accept --reason ...`"
        )
        assert f["cause"]["detail"] == "pkg/b.py"


def waive(repo: Repo) -> None:
    text = (repo.root / "pyproject.toml").read_text()
    (repo.root / "pyproject.toml").write_text(
        text.replace("[tool.ratchet]\n", "[tool.ratchet]\nfail_on_indirect = false\n")
    )


def test_indirect__the_likely_cause_is_the_test_files_the_change_deletes_or_edits(
    indirect: Repo, run_ratchet: RunRatchet
):
    indirect.git("checkout", "-q", "main")
    indirect.write("tests/test_b.py", "def test_b():\n    pass\n")
    indirect.write("tests/conftest.py", "")
    indirect.commit("tests on main")
    indirect.git("checkout", "-q", "feature")
    indirect.git("rebase", "-q", "main")
    indirect.git("rm", "-q", "tests/test_b.py")
    indirect.write("tests/conftest.py", "# edited\n")
    indirect.commit("delete the test of b, edit conftest")
    r = check(run_ratchet, indirect, "--diff", "main")
    assert r.code == 1, r
    said = (
        "this change deletes tests/test_b.py and edits tests/conftest.py, likely the tests that "
        "ran the files it did not touch (pkg/b.py): keep the tests, or record the lower bar "
        "with {} (file_tolerance lets a flaky file move a little)"
    )
    text = unwrapped(r.stdout)
    assert text.startswith("coverage-ratchet: FAIL 66.67% — 1 file fell\n")
    assert "\nwhy: " + said.format("'ratchet accept --reason ...'") + "\n" in text
    # The PR comment says it too, right below the heading.
    md = check(run_ratchet, indirect, "--diff", "main", "--format", "markdown").stdout
    shown = flat(parse(md).text)
    below = said.format("`ratchet accept --reason ...`")
    assert f"1 file fell {below} Changed lines:" in shown


def test_indirect__waived_regression_does_not_fail_the_check(
    indirect: Repo, run_ratchet: RunRatchet
):
    waive(indirect)
    r = check(run_ratchet, indirect, "--diff", "main", "--format", "json")
    assert json.loads(r.stdout)["status"] == "pass"
    assert r.code == 0


# -- what a --diff-file must be ----------------------------------------------------------


def test_diff_file__text_that_is_not_a_diff_exits_2(feature: Repo, run_ratchet: RunRatchet):
    feature.config(patch_threshold=90)
    feature.commit("gate")
    feature.run_tests()
    # The report itself, given by mistake: no file section at all.
    r = check(run_ratchet, feature, "--diff-file", "coverage.xml")
    assert r.code == 2, r
    assert r.stderr.startswith("ratchet: error: coverage.xml: not a unified diff: no file section")
    assert len(r.stderr.splitlines()) == 1
    # `git diff --stat` names files but holds no lines.
    stat = feature.git("diff", "--stat", "main")
    assert "pkg/calc.py" in stat
    r = check(run_ratchet, feature, "--diff-file", "-", stdin=stat)
    assert r.code == 2, r
    assert "standard input: not a unified diff: no file section" in r.stderr
    assert len(r.stderr.splitlines()) == 1
    # An empty diff is a change with no lines, not an error.
    for empty in ("", "\n"):
        r = check(run_ratchet, feature, "--diff-file", "-", stdin=empty)
        assert r.code == 0, r
        assert "changed lines: none measurable, nothing to judge\n" in r.stdout


def test_diff_file__a_series_of_patches_exits_2(feature: Repo, run_ratchet: RunRatchet):
    # Two commits touch pkg/calc.py: each patch of `git format-patch` numbers the lines of a
    # different version of it, so none of their line numbers can be trusted together.
    feature.write("pkg/calc.py", FEATURE + "\n\ndef neg(x):\n    return -x\n")
    feature.commit("neg")
    feature.run_tests()
    series = feature.git("format-patch", "--stdout", "main")
    assert series.count("diff --git a/pkg/calc.py") == 2
    r = check(run_ratchet, feature, "--diff-file", "-", stdin=series)
    assert r.code == 2, r
    assert (
        "not a unified diff: pkg/calc.py appears in several file sections" in r.stderr
        and "`git diff BASE...HEAD`" in r.stderr
    ), r
    # The cumulative diff the message asks for works.
    one = feature.git("diff", "main...HEAD")
    r = check(run_ratchet, feature, "--diff-file", "-", "--format", "json", stdin=one)
    assert r.code == 0, r
    assert patch_json(r.stdout)["files"][0]["uncovered_ranges"] == [[11, 11], [16, 16]]


# -- a monorepo: changes outside the config root ----------------------------------------


@pytest.fixture
def mono(make_repo: MakeRepo) -> Repo:
    """Config at sub/proj; ``feature`` edits the project, a sibling and the top README."""
    repo = make_repo("sub/proj")
    repo.write("pkg/calc.py", BASE)
    repo.write("run.py", RUN_BASE)
    repo.write("sub/other/x.py", "x = 1\n", at_top=True)
    repo.commit("two projects")
    repo.branch("feature")
    repo.write("pkg/calc.py", FEATURE)
    repo.write("run.py", RUN_FEATURE)
    repo.write("sub/other/x.py", "x = 2\n", at_top=True)
    repo.write("README.md", "top\n", at_top=True)
    repo.commit("feature")
    repo.run_tests()
    return repo


def test_monorepo__changes_outside_the_config_root_are_reported(
    mono: Repo, run_ratchet: RunRatchet
):
    r = check(run_ratchet, mono, "--diff", "main")
    assert r.code == 0, r
    note = "note: 2 changed files outside sub/proj ignored: README.md, sub/other/x.py"
    assert note in flat(r.stdout)
    p = patch_json(check(run_ratchet, mono, "--diff", "main", "--format", "json").stdout)
    assert p["outside"] == ["README.md", "sub/other/x.py"]
    assert [f["path"] for f in p["files"]] == ["pkg/calc.py"]
    md = check(run_ratchet, mono, "--diff", "main", "--format", "markdown").stdout
    assert r"- 2 changed files outside sub/proj ignored\: README\.md, sub/other/x\.py" in md


def test_monorepo__a_relative_diff_file_is_all_outside_and_says_why(
    mono: Repo, run_ratchet: RunRatchet
):
    mono.config(patch_threshold=90)
    mono.commit("gate")
    mono.run_tests()
    # `--relative` names files from sub/proj, so none lines up with the top of the repository.
    relative = mono.git("diff", "--relative=sub/proj", "main...HEAD")
    r = check(run_ratchet, mono, "--diff-file", "-", stdin=relative)
    assert r.code == 0, r
    assert (
        "note: 3 changed files outside sub/proj ignored: pkg/calc.py, pyproject.toml, run.py. "
        "No changed file is inside sub/proj: paths in a --diff-file are taken relative to the "
        "top of the repository, so make the diff there, without --relative "
    ) in flat(r.stdout)
    r = check(run_ratchet, mono, "--diff-file", "-", "--format", "json", stdin=relative)
    p = patch_json(r.stdout)
    assert p["outside"] == ["pkg/calc.py", "pyproject.toml", "run.py"]
    md = check(run_ratchet, mono, "--diff-file", "-", "--format", "markdown", stdin=relative)
    assert r"without \-\-relative" in md.stdout
    # Made from the top, the same change is measured and fails the gate.
    whole = mono.git("diff", "main...HEAD")
    r = check(run_ratchet, mono, "--diff-file", "-", "--format", "json", stdin=whole)
    assert r.code == 1, r
    assert patch_json(r.stdout)["outside"] == ["README.md", "sub/other/x.py"]


# -- untracked files the tests measure ---------------------------------------------------


def test_diff__untracked_measured_file_gets_a_git_add_n_note(
    feature: Repo, run_ratchet: RunRatchet
):
    feature.write("pkg/fresh.py", "def fresh(x):\n    if x:\n        return 1\n    return 2\n")
    feature.write("pkg/newpkg/__init__.py", "VALUE = 1\n")  # a whole untracked directory
    feature.write(
        "run.py", RUN_FEATURE + "from pkg.fresh import fresh\nfresh(1)\nimport pkg.newpkg\n"
    )
    feature.run_tests()
    r = check(run_ratchet, feature, "--diff", "main", "--format", "json")
    assert r.code == 0, r
    p = patch_json(r.stdout)
    assert p["untracked"] == ["pkg/fresh.py", "pkg/newpkg/__init__.py"]
    (note,) = [n for n in p["notes"] if "not tracked by git" in n]
    assert "pkg/fresh.py, pkg/newpkg/__init__.py" in note and "git add -N" in note
    assert [f["path"] for f in p["files"]] == ["pkg/calc.py"]
    # CI judges the commits: nothing local to point at, and no git call to make.
    ci = patch_json(
        check(run_ratchet, feature, "--diff", "main", "--format", "json", env={"CI": "true"}).stdout
    )
    assert ci["untracked"] == [] and not any("tracked" in n for n in ci["notes"])
    # Doing what the note says makes the new files count.
    feature.git("add", "-N", "pkg/fresh.py", "pkg/newpkg/__init__.py")
    p = patch_json(check(run_ratchet, feature, "--diff", "main", "--format", "json").stdout)
    assert p["untracked"] == []
    assert [f["path"] for f in p["files"]] == [
        "pkg/calc.py",
        "pkg/fresh.py",
        "pkg/newpkg/__init__.py",
    ]
    fresh = next(f for f in p["files"] if f["path"] == "pkg/fresh.py")
    assert (fresh["status"], fresh["covered"], fresh["uncovered_ranges"]) == (
        "added",
        [1, 2, 3],
        [[4, 4]],
    )
