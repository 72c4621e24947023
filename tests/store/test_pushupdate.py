"""``ratchet.store.pushupdate`` on its own: which changes on a branch that moved on leave a
report true, and a push that keeps failing. The command that drives it end to end, with its
races: tests/commands/test_push_update.py."""

from __future__ import annotations

import pytest

from ratchet.errors import RatchetError
from ratchet.store import pushupdate
from tests.conftest import clean_env, git

PYPROJECT = '[project]\nname = "demo"\n\n[tool.ratchet]\nthreshold = 50\n'


@pytest.mark.unit
def test_harmless__only_what_cannot_move_a_reports_coverage():
    measured = {"pkg/a.py", "pkg/b.py"}
    assert pushupdate.harmless("README.md", measured)
    assert pushupdate.harmless("docs/img/logo.png", measured)
    for path in (
        "pkg/a.py",  # measured
        "tests/test_a.py",  # of a kind it measures
        "conftest.py",
        "setup.cfg",
        "tox.ini",
        ".coveragerc",
        "pyproject.toml",
        "requirements-dev.txt",
        ".github/workflows/ci.yml",
        "ci.yaml",
        "uv.lock",
        "Makefile",  # no suffix: cannot tell
    ):
        assert not pushupdate.harmless(path, measured), path
    assert not pushupdate.harmless("README.md", set())  # nothing known of the report


@pytest.mark.integration
def test_foreign_changes__a_synced_file_deleted_or_a_pyproject_without_tool(git_repo, tmp_path):
    work = git_repo(tmp_path / "work")
    (work / "setup.cfg").write_text("[coverage:report]\nfail_under = 50\n")
    (work / "pkg").mkdir()
    (work / "pkg" / "pyproject.toml").write_text('[project]\nname = "pkg"\n')
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "base")
    base = git(work, "rev-parse", "HEAD").strip()
    owned = [work / "setup.cfg", work / "pkg" / "pyproject.toml"]
    (work / "pkg" / "pyproject.toml").write_text('[project]\nname = "pkg"  # renamed? no\n')
    git(work, "commit", "-q", "-am", "a comment, no [tool] table anywhere")
    same = git(work, "rev-parse", "HEAD").strip()
    assert pushupdate.foreign_changes(work, base, same, owned) == []
    git(work, "rm", "-q", "setup.cfg")
    git(work, "commit", "-q", "-m", "drop setup.cfg")
    tip = git(work, "rev-parse", "HEAD").strip()
    assert pushupdate.foreign_changes(work, base, tip, owned) == ["setup.cfg"]


@pytest.mark.integration
def test_record__gives_up_after_the_attempts_with_backoff(tmp_path, git_repo, monkeypatch):
    remote = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    a = git_repo(tmp_path / "a")
    (a / "pyproject.toml").write_text(PYPROJECT)
    git(a, "add", "-A")
    git(a, "commit", "-q", "-m", "seed")
    git(a, "remote", "add", "origin", str(remote))
    git(a, "push", "-q", "origin", "HEAD:main")
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    hook.chmod(0o755)
    monkeypatch.chdir(a)
    for k, v in clean_env().items():
        monkeypatch.setenv(k, v)
    waits: list[float] = []

    def run_update() -> pushupdate.Updated:
        (a / "pyproject.toml").write_text(PYPROJECT.replace("50", "70"))
        return pushupdate.Updated(0, [a / "pyproject.toml"], "threshold 50% -> 70%")

    with pytest.raises(RatchetError, match="after 3 attempts"):
        pushupdate.record(
            a,
            run_update,
            owned=[a / "pyproject.toml"],
            branch="main",
            attempts=3,
            sleep=waits.append,
            echo=lambda _: None,
        )
    assert waits == [0.5, 1.0]
    with pytest.raises(RatchetError, match="invalid git name"):
        pushupdate.record(a, run_update, owned=[], branch="--force", sleep=waits.append)


@pytest.mark.unit
def test_record__an_option_for_a_name_is_refused_before_any_git_call(tmp_path):
    # tmp_path is no git repository: the refusal comes first.
    never = pytest.fail
    for branch, remote in (("main", "--upload-pack=x"), (" ", "origin"), ("main", "")):
        with pytest.raises(RatchetError, match="invalid git name"):
            pushupdate.record(tmp_path, never, owned=[], branch=branch, remote=remote)
