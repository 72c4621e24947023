"""The pre-commit hook `ratchet-check`, run by the real pre-commit: `try-repo` as a user tries
it, and `git push` through the pre-push hook `pre-commit install` writes.

The hook's repository is a git copy of this project's tree (release_env.source_tree), and
its environment installs from a wheelhouse of the locked wheels, with no index. The hook
environment is built once per test run and shared (pre-commit's store locks itself).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests import release_env
from tests.conftest import REPO, Project, clean_env, git
from tests.release_env import VENV_BIN, SourceTree, run

MANIFEST = REPO / ".pre-commit-hooks.yaml"
WELL_TESTED = "classify(-1); classify(0); classify(3); Box(2).double()"
POORLY_TESTED = "classify(-1)"


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> SourceTree:
    return release_env.source_tree(tmp_path_factory)


@pytest.fixture
def env(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return release_env.install_env(pytestconfig, tmp_path_factory)


@pytest.fixture
def user_project(make_project, run_ratchet) -> Project:
    """A user's repository: a baseline recorded from a well-tested run, reports ignored."""
    proj: Project = make_project(calls=WELL_TESTED)
    git(proj.root, "init", "-q", "-b", "main")
    proj.write(".gitignore", ".coverage\ncoverage.xml\n")
    measure(proj)
    assert run_ratchet("init", "coverage.xml", cwd=proj.root).code == 0
    return proj


def measure(proj: Project) -> None:
    """The user's tests under coverage, leaving .coverage and coverage.xml."""
    proj.coverage("run", "--branch", "--source=pkg", "run_sample.py")
    proj.coverage("xml", "-o", "coverage.xml")


def retest(proj: Project, calls: str) -> None:
    proj.write("run_sample.py", f"from pkg.sample import *\n{calls}\n")
    measure(proj)


def remove_reports(proj: Project) -> None:
    (proj.root / ".coverage").unlink()
    (proj.root / "coverage.xml").unlink()


def pre_commit(*args: str | Path, cwd: Path, env: dict[str, str]):
    return run(VENV_BIN / "pre-commit", *args, cwd=cwd, env=env)


# --- the manifest ---------------------------------------------------------------------------


@pytest.mark.unit
def test_manifest__one_pre_push_hook_on_the_whole_report():
    (hook,) = yaml.safe_load(MANIFEST.read_text())
    assert hook["id"] == "ratchet-check"
    assert hook["entry"] == "ratchet check"
    assert hook["language"] == "python"
    assert hook["stages"] == ["pre-push"]
    # The verdict is on the report, whatever files the push touches, even none.
    assert hook["pass_filenames"] is False
    assert hook["always_run"] is True


@pytest.mark.integration
def test_manifest__pre_commit_validates_it():
    proc = pre_commit("validate-manifest", MANIFEST, cwd=REPO, env=clean_env())
    assert (proc.returncode, proc.stdout) == (0, "")


# --- what the hook says with no report, from this checkout's CLI ------------------------------


@pytest.mark.integration
def test_cli__no_report_at_all_says_to_run_the_tests_first(user_project, run_ratchet):
    remove_reports(user_project)
    r = run_ratchet("check", cwd=user_project.root)
    assert r.code == 2
    [line] = r.stderr.splitlines()
    assert line.startswith("ratchet: error: no coverage report given and none of coverage.xml")
    assert (
        "run the tests under coverage first (e.g. `pytest --cov --cov-branch --cov-report=xml`)"
        in line
    )


@pytest.mark.integration
@pytest.mark.parametrize(
    "reports", [["c.xml", "coverage.xml"], ["coverage.xml", "c.xml"]], ids=["first", "second"]
)
def test_cli__a_configured_report_missing_is_named(user_project, run_ratchet, reports):
    pyproject = user_project.root / "pyproject.toml"
    listed = ", ".join(f'"{r}"' for r in reports)
    pyproject.write_text(
        pyproject.read_text().replace("[tool.ratchet]\n", f"[tool.ratchet]\nreports = [{listed}]\n")
    )
    r = run_ratchet("check", cwd=user_project.root)
    assert r.code == 2
    assert r.stderr == (
        f"ratchet: error: {user_project.root / 'c.xml'}: no such file (named by [tool.ratchet]"
        " reports); run the tests under coverage first\n"
    )
    # Named on the command line, a missing file gets the readers' plain one-line error.
    r = run_ratchet("check", "c.xml", cwd=user_project.root)
    assert (r.code, r.stderr) == (2, "ratchet: error: c.xml: no such file\n")


# --- try-repo: what a user runs to try the hook ----------------------------------------------


@pytest.mark.integration
@pytest.mark.slow
def test_try_repo__passes_on_a_report_that_holds_the_bar(hook_repo, user_project, env):
    # try-repo builds the hook's environment afresh in a store of its own, every time.
    proc = pre_commit(
        "try-repo", hook_repo.path, "ratchet-check", "--ref", hook_repo.rev,
        "--hook-stage", "pre-push", "--all-files", "--color", "never",
        cwd=user_project.root, env=env,
    )  # fmt: skip
    assert proc.returncode == 0
    assert proc.stdout.rstrip().endswith("Passed")
    assert "coverage ratchet" in proc.stdout


# --- pre-commit run: the verdicts, through the installed hook ---------------------------------


def configure(proj: Project, hook_repo: SourceTree) -> None:
    hook = {"repo": str(hook_repo.path), "rev": hook_repo.rev, "hooks": [{"id": "ratchet-check"}]}
    (proj.root / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [hook]}))
    git(proj.root, "add", ".pre-commit-config.yaml")


def run_hook(proj: Project, hook_repo: SourceTree, env: dict[str, str]):
    configure(proj, hook_repo)
    return pre_commit(
        "run", "ratchet-check", "--hook-stage", "pre-push", "--color", "never",
        cwd=proj.root, env=env,
    )  # fmt: skip


@pytest.mark.integration
@pytest.mark.slow
def test_run__fails_on_a_regressing_report(hook_repo, user_project, env):
    retest(user_project, POORLY_TESTED)
    proc = run_hook(user_project, hook_repo, env)
    assert proc.returncode == 1
    assert "- exit code: 1" in proc.stdout
    assert "coverage-ratchet: FAIL" in proc.stdout


@pytest.mark.integration
@pytest.mark.slow
def test_run__no_report_says_to_run_the_tests_first(hook_repo, user_project, env):
    remove_reports(user_project)
    proc = run_hook(user_project, hook_repo, env)
    assert proc.returncode == 1
    assert "- exit code: 2" in proc.stdout
    assert "ratchet: error: no coverage report given and none of coverage.xml" in proc.stdout
    assert "run the tests under coverage first" in proc.stdout
    assert "Traceback" not in proc.stdout


@pytest.mark.integration
@pytest.mark.slow
def test_run__a_configured_report_missing_says_to_run_the_tests_first(hook_repo, user_project, env):
    pyproject = user_project.root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("[tool.ratchet]\n", '[tool.ratchet]\nreports = ["c.xml"]\n')
    )
    proc = run_hook(user_project, hook_repo, env)
    assert proc.returncode == 1
    assert "- exit code: 2" in proc.stdout
    missing = user_project.root / "c.xml"
    assert (
        f"ratchet: error: {missing}: no such file (named by [tool.ratchet] reports);"
        " run the tests under coverage first"
    ) in proc.stdout


# --- git push -------------------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.slow
def test_git_push__the_installed_hook_stops_a_regression_and_lets_a_fix_through(
    tmp_path: Path, hook_repo, user_project, env
):
    proj = user_project.root
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(proj, "remote", "add", "origin", str(remote))
    configure(user_project, hook_repo)
    installed = pre_commit(
        "install", "--hook-type", "pre-commit", "--hook-type", "pre-push", cwd=proj, env=env
    )
    assert installed.returncode == 0
    assert (proj / ".git" / "hooks" / "pre-push").exists()

    def push():
        return run("git", "push", "-q", "origin", "main", cwd=proj, env=env)

    def remote_main() -> str:
        return git(remote, "for-each-ref", "--format=%(objectname)", "refs/heads/main").strip()

    # A regressing report: committing is not held up (the hook is pre-push only)...
    retest(user_project, POORLY_TESTED)
    git(proj, "add", "-A")
    committed = run("git", "commit", "-q", "-m", "start", cwd=proj, env=env)
    assert committed.returncode == 0
    # ...pushing is.
    stopped = push()
    assert stopped.returncode != 0
    assert "coverage-ratchet: FAIL" in stopped.stdout + stopped.stderr
    assert remote_main() == ""

    retest(user_project, WELL_TESTED)
    passed = push()
    assert passed.returncode == 0
    assert remote_main() == git(proj, "rev-parse", "HEAD").strip()
