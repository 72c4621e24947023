"""The bar at a git ref: read from what the ref commits, named when it is not there."""

from __future__ import annotations

import re

import pytest

from ratchet.core.config import Config
from ratchet.errors import RatchetError
from ratchet.store import atref
from tests.conftest import Project, RunRatchet, git

unit = pytest.mark.unit
integration = pytest.mark.integration


@unit
def test_at_ref__needs_a_pyproject_to_read_at_the_ref():
    # Before any git call: there is no file to look up at the ref.
    with pytest.raises(RatchetError) as e:
        atref.at_ref(Config(present=True), "main")
    assert str(e.value) == "--baseline-ref needs a pyproject.toml"


# -- the bar at a git ref, end to end ----------------------------------------------------------


@pytest.fixture
def repo(make_project, run_ratchet: RunRatchet) -> Project:
    """The sample project measured, its bar recorded and committed on main."""
    proj = make_project()
    proj.run_tests()
    git(proj.root, "init", "-q", "-b", "main")
    assert run_ratchet("init", "coverage.xml", cwd=proj.root).code == 0
    git(proj.root, "add", "pyproject.toml", "coverage-baseline.tsv", "pkg")
    git(proj.root, "commit", "-qm", "the bar")
    return proj


@integration
def test_at_ref__a_baseline_file_the_ref_does_not_commit_is_named(repo, run_ratchet):
    git(repo.root, "rm", "-q", "--cached", "coverage-baseline.tsv")
    git(repo.root, "commit", "-qm", "tsv forgotten")
    git(repo.root, "checkout", "-qb", "feature")
    r = run_ratchet("check", "--baseline-ref", "main", "coverage.xml", cwd=repo.root)
    assert r.code == 2, r
    assert r.stderr == (
        "ratchet: error: main:pyproject.toml: [tool.ratchet] at main names baseline_file "
        "'coverage-baseline.tsv', which is not committed there\n"
    )


@integration
def test_at_ref__no_pyproject_at_the_ref_holds_the_working_copys_bar(
    make_project, run_ratchet: RunRatchet
):
    proj = make_project()
    proj.run_tests()
    git(proj.root, "init", "-q", "-b", "main")
    git(proj.root, "commit", "-q", "--allow-empty", "-m", "before the ratchet")
    assert run_ratchet("init", "coverage.xml", cwd=proj.root).code == 0
    r = run_ratchet("check", "--baseline-ref", "main", "coverage.xml", cwd=proj.root)
    assert r.code == 0, r
    sha = git(proj.root, "rev-parse", "main").strip()
    assert f", from main at {sha[:12]} (pyproject.toml)\n" in r.stdout
    # The working copy's bar is in force: lowering the report below it fails.
    pyproject = proj.root / "pyproject.toml"
    pyproject.write_text(re.sub(r"(?m)^threshold = .*$", "threshold = 99", pyproject.read_text()))
    r = run_ratchet("check", "--baseline-ref", "main", "coverage.xml", cwd=proj.root)
    assert r.code == 1, r
    assert "27.00 points under the 99% threshold" in r.stdout
