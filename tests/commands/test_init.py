"""``ratchet init``: the bar recorded from a first report, refused on a stale one, a dry run
that changes nothing. Real coverage.py runs, the CLI in-process."""

from __future__ import annotations

import pytest

from tests.commands.conftest import later, tracked
from tests.conftest import RunRatchet

pytestmark = pytest.mark.integration


# -- 7. messages a newcomer tripped on -----------------------------------------------------------


def test_messages__init_says_it_creates_pyproject(tmp_path, make_project, run_ratchet):
    proj = make_project()
    (proj.root / "pyproject.toml").unlink()
    proj.run_tests()
    r = run_ratchet("init", "coverage.xml", cwd=proj.root)
    assert r.code == 0
    assert r.stderr.startswith("ratchet: no pyproject.toml yet: creating it\n")


def test_messages__init_without_a_report_creates_nothing_and_says_so(
    make_project, run_ratchet: RunRatchet
):
    proj = make_project()
    (proj.root / "pyproject.toml").unlink()
    r = run_ratchet("init", "coverage.xml", cwd=proj.root)
    assert r.code == 2
    assert r.stderr == "ratchet: error: coverage.xml: no such file\n"
    assert not (proj.root / "pyproject.toml").exists()


def test_init__refuses_a_stale_report(make_project, run_ratchet: RunRatchet):
    proj = make_project()
    proj.run_tests()
    later(proj.root / "pkg" / "sample.py")
    before = (proj.root / "pyproject.toml").read_text()
    r = run_ratchet("init", "coverage.xml", cwd=proj.root)
    assert r.code == 2
    assert r.stderr.endswith("re-run the tests, or pass --allow-stale\n")
    assert (proj.root / "pyproject.toml").read_text() == before
    assert not (proj.root / "coverage-baseline.tsv").exists()
    assert run_ratchet("init", "--allow-stale", "coverage.xml", cwd=proj.root).code == 0


def test_init__force_dry_run_on_the_same_report_has_nothing_to_change(
    make_project, run_ratchet: RunRatchet
):
    proj = make_project()
    proj.run_tests()
    assert run_ratchet("init", "coverage.xml", cwd=proj.root).code == 0
    before = tracked(proj)
    r = run_ratchet("init", "--force", "--dry-run", "coverage.xml", cwd=proj.root)
    assert r.code == 0, r
    assert r.stdout.endswith("ratchet: nothing to change.\n")
    assert tracked(proj) == before
