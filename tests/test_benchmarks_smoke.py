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


def test_bench_patch__runs_and_agrees(tmp_path: Path):
    proc = subprocess.run(
        [
            sys.executable,
            "bench_patch.py",
            *("--files", "30", "--changed", "3", "--repeat", "1", "--data", str(tmp_path)),
        ],
        cwd=REPO / "benchmarks",
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "patch check - (plain check + git calls)" in proc.stdout


def test_bench_paired__runs_on_generated_reports(tmp_path: Path):
    env = clean_env()
    gen = [sys.executable, "generate.py", "--files", "20", "--out", str(tmp_path), "--no-verify"]
    subprocess.run(gen, cwd=REPO / "benchmarks", env=env, check=True, timeout=300)
    proc = subprocess.run(
        [sys.executable, "bench_paired.py", "--data", str(tmp_path), "--rounds", "1"],
        cwd=REPO / "benchmarks",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "check LCOV / line scan" in proc.stdout


def test_bench_lcov_bound__agrees_with_lcov_scan(tmp_path: Path):
    env = clean_env()
    gen = [sys.executable, "generate.py", "--files", "20", "--out", str(tmp_path), "--no-verify"]
    subprocess.run(gen, cwd=REPO / "benchmarks", env=env, check=True, timeout=300)
    proc = subprocess.run(
        [sys.executable, "bench_lcov_bound.py", str(tmp_path / "coverage.lcov"), "--repeat", "1"],
        cwd=REPO / "benchmarks",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    # It asserts its counts equal lcov_scan's before it times anything.
    assert proc.returncode == 0, proc.stderr
    assert "20 records" in proc.stdout
    assert "x the line scan" in proc.stdout
