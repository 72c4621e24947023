"""The benchmark scripts still run against the current code (tiny sizes; numbers ignored).

They are measurements, not tests, but bench_patch.py calls ratchet in process: an API it
uses that moves must fail here, not months later when someone wants the numbers.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, clean_env

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def bench(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``benchmarks/script`` with ``args``, run as the README runs it."""
    return subprocess.run(
        [sys.executable, script, *args],
        cwd=REPO / "benchmarks",
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=300,
        check=False,
    )


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    """A generated project of 20 files and its reports in every format."""
    proc = bench("generate.py", "--files", "20", "--out", str(tmp_path), "--no-verify")
    assert proc.returncode == 0, proc.stderr
    return tmp_path


def test_bench_patch__runs_and_agrees(tmp_path: Path):
    args = ("--files", "30", "--changed", "3", "--repeat", "1", "--data", str(tmp_path))
    proc = bench("bench_patch.py", *args)
    assert proc.returncode == 0, proc.stderr
    assert "patch check - (plain check + git calls)" in proc.stdout


def test_bench_paired__runs_on_generated_reports(reports: Path):
    proc = bench("bench_paired.py", "--data", str(reports), "--rounds", "1")
    assert proc.returncode == 0, proc.stderr
    assert "check LCOV / line scan" in proc.stdout


def test_bench_lcov_bound__agrees_with_lcov_scan(reports: Path):
    proc = bench("bench_lcov_bound.py", str(reports / "coverage.lcov"), "--repeat", "1")
    # It asserts its counts equal lcov_scan's before it times anything.
    assert proc.returncode == 0, proc.stderr
    assert "20 records" in proc.stdout
    assert "x the line scan" in proc.stdout


def test_bench_polyglot__runs_on_each_format(tmp_path: Path):
    proc = bench("bench_polyglot.py", "--files", "20", "--rounds", "1", "--data", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    for name in ("JaCoCo", "Clover", "Go", "SimpleCov"):
        assert f"load {name}" in proc.stdout
