"""Reports the CLI cannot read or output it cannot write: one line, exit 2, nothing left over."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Project, RunRatchet, clean_env, copy_sample

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("command", ["report", "check", "init", "update"])
def test_directory_given_as_report__one_line(tmp_path: Path, run_ratchet: RunRatchet, command: str):
    section = '[project]\nname = "x"\n' if command == "init" else "[tool.ratchet]\nthreshold = 0\n"
    (tmp_path / "pyproject.toml").write_text(section)
    (tmp_path / "reports").mkdir()
    r = run_ratchet(command, "reports", cwd=tmp_path)
    assert r.code == 2
    assert r.stderr == "ratchet: error: reports: is a directory, not a coverage report\n"


@pytest.mark.parametrize("command", ["init", "update"])
def test_lcov_path_not_utf8__one_line_and_no_file_written(
    tmp_path: Path, run_ratchet: RunRatchet, command: str
):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    if command == "update":
        (tmp_path / "pyproject.toml").write_text("[tool.ratchet]\nthreshold = 0\n")
    (tmp_path / "coverage.lcov").write_bytes(b"SF:a\xff.py\nDA:1,1\nend_of_record\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    r = run_ratchet(command, "coverage.lcov", cwd=tmp_path)
    assert r.code == 2
    assert r.stderr == (
        "ratchet: error: coverage.lcov: line 1: source path 'a\\xff.py' is not valid UTF-8\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(("command", "threshold"), [("report", 0), ("check", 0), ("check", 100)])
def test_stdout_full__exit_2_one_line_whatever_the_verdict(
    sample_reports: Project, tmp_path: Path, command: str, threshold: int
):
    copy_sample(sample_reports, tmp_path)
    (tmp_path / "pyproject.toml").write_text(f"[tool.ratchet]\nthreshold = {threshold}\n")
    with Path("/dev/full").open("w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "ratchet", command, "coverage.xml"],
            cwd=tmp_path,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(),
            timeout=120,
            check=False,
        )
    assert proc.stderr == "ratchet: error: cannot write output: No space left on device\n"
    assert proc.returncode == 2
