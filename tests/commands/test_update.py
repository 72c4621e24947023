"""``ratchet update`` edits only the values it owns: golden files prove the rest survives."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, RunRatchet

pytestmark = pytest.mark.integration

GOLDEN = FIXTURES / "golden" / "update"
EDITED = ["pyproject.toml", ".coveragerc", "setup.cfg", "tox.ini"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The golden project, with the source files its report measured, and the report
    written after them (ratchet refuses a report of absent files, or an older one)."""
    root = tmp_path / "proj"
    shutil.copytree(GOLDEN, root, ignore=shutil.ignore_patterns("expected"))
    report = root / "lcov.info"
    for line in report.read_text().splitlines():
        if line.startswith("SF:"):
            source = root / line[3:]
            source.parent.mkdir(parents=True, exist_ok=True)
            source.write_text("pass\n" * 200)
    os.utime(report)
    return root


def test_update__matches_golden_files(project: Path, run_ratchet: RunRatchet):
    r = run_ratchet("update", "lcov.info", cwd=project)
    assert r.code == 0
    if os.environ.get("RATCHET_REGEN_GOLDEN"):
        for name in EDITED:
            shutil.copy(project / name, GOLDEN / "expected" / name)
    for name in EDITED:
        assert (project / name).read_text() == (GOLDEN / "expected" / name).read_text(), name
    assert "threshold 70% -> 75%" in r.stdout


def test_update__second_run_changes_nothing(project: Path, run_ratchet: RunRatchet):
    assert run_ratchet("update", "lcov.info", cwd=project).code == 0
    before = {n: (project / n).read_bytes() for n in EDITED}
    r = run_ratchet("update", "lcov.info", cwd=project)
    assert r.code == 0
    assert "nothing to change" in r.stdout
    assert {n: (project / n).read_bytes() for n in EDITED} == before


def test_update__dry_run_shows_diff_and_writes_nothing(project: Path, run_ratchet: RunRatchet):
    before = {n: (project / n).read_bytes() for n in EDITED}
    r = run_ratchet("update", "--dry-run", "lcov.info", cwd=project)
    assert r.code == 0
    assert "-threshold = 70" in r.stdout
    assert "+threshold = 75" in r.stdout
    assert "+fail_under = 75" in r.stdout
    assert {n: (project / n).read_bytes() for n in EDITED} == before


def test_update__sync_fail_under_off_leaves_other_files(project: Path, run_ratchet: RunRatchet):
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("step = 5\n", "step = 5\nsync_fail_under = false\n")
    )
    cfgs = {n: (project / n).read_bytes() for n in EDITED[1:]}
    assert run_ratchet("update", "lcov.info", cwd=project).code == 0
    assert {n: (project / n).read_bytes() for n in EDITED[1:]} == cfgs
    assert "fail_under = 70     # kept in sync" in pyproject.read_text()
    assert "threshold = 75" in pyproject.read_text()


def test_update__crlf_line_endings_survive(project: Path, run_ratchet: RunRatchet):
    rc = project / ".coveragerc"
    rc.write_bytes(rc.read_bytes().replace(b"\n", b"\r\n"))
    assert run_ratchet("update", "lcov.info", cwd=project).code == 0
    assert rc.read_bytes() == (GOLDEN / "expected" / ".coveragerc").read_bytes().replace(
        b"\n", b"\r\n"
    )


def test_update__crlf_pyproject_stays_crlf_with_the_keys_it_adds(
    project: Path, run_ratchet: RunRatchet
):
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    for line in ("baseline = 71.5     # last accepted total\n", "baseline_uncovered = 57\n"):
        assert line in text
        text = text.replace(line, "")  # update adds the baseline back
    pyproject.write_bytes(text.replace("\n", "\r\n").encode())
    assert run_ratchet("update", "lcov.info", cwd=project).code == 0
    data = pyproject.read_bytes()
    added = b"baseline = {percent = 78.4, covered = 196, measured = 250, branches = 50, "
    assert added + b"uncovered = 54}\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")  # no bare LF anywhere
