"""The differential guard of the counts-only scanners: hundreds of generated reports, each
broken in named ways, read at several chunk sizes by the scanner and by the exact reader,
which must agree to the last count and line (or the scanner must hand the report over).

A few seconds: out of the unit tier (`pytest -m unit`), in `make test`. Each report and what
the exact reader makes of it are the same at every chunk size: made once a module (one
xdist worker runs the module: its group).
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from ratchet.core.models import FileCoverage
from ratchet.readers import cobertura_scan, lcov_scan
from tests.readers import test_cobertura_scan as cob
from tests.readers import test_lcov_scan as lc

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.xdist_group("scan_differential"),
]

Case = tuple[int, bytes, Any, "str | None"]  # seed, report, the exact reader's files, error


@pytest.fixture(scope="module")
def cobertura_cases(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    path = tmp_path_factory.mktemp("exact") / "coverage.xml"
    cases = []
    for seed in range(400):
        path.write_bytes(report := cob._report(seed))
        cases.append((seed, report, *cob._exact(path)))
    return cases


@pytest.fixture(scope="module")
def lcov_cases(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    path = tmp_path_factory.mktemp("exact") / "coverage.lcov"
    cases = []
    for seed in range(600):
        path.write_bytes(report := lc._Gen(seed).tracefile())
        cases.append((seed, report, *lc._exact(path)))
    return cases


@pytest.mark.parametrize("chunk_size", [1, 7, 64, 1 << 20])
def test_cobertura_scan__agrees_with_the_exact_reader(
    tmp_path: Path, chunk_size: int, cobertura_cases: list[Case]
):
    path = tmp_path / "coverage.xml"
    outcomes = {"scanned": 0, "read exactly": 0, "refused": 0}
    for seed, report, exact, error in cobertura_cases:
        path.write_bytes(report)
        scanned = cobertura_scan.scan(path, chunk_size=chunk_size)
        if scanned is None:
            outcomes["refused" if error else "read exactly"] += 1
            continue
        outcomes["scanned"] += 1
        assert error is None, f"seed {seed}: scanned a report the exact reader refuses: {error}"
        got = [(f.path, f.roots, f.counts, f.read_detail()) for f in scanned]
        assert got == exact, f"seed {seed}, chunk size {chunk_size}"
    # The generator reaches every outcome, and the scanner reads a good share itself.
    assert min(outcomes.values()) >= 40, outcomes


@pytest.mark.parametrize("chunk_size", [1, 5, 64, 1 << 20])
def test_lcov_scan__agrees_with_the_exact_reader(
    tmp_path: Path, chunk_size: int, lcov_cases: list[Case]
):
    path = tmp_path / "coverage.lcov"
    outcomes = {"scanned": 0, "read exactly": 0, "refused": 0}
    for seed, report, exact, error in lcov_cases:
        path.write_bytes(report)
        scanned = lcov_scan.scan(path, chunk_size=chunk_size)
        if scanned is None:
            outcomes["refused" if error else "read exactly"] += 1
            continue
        outcomes["scanned"] += 1
        assert error is None, f"seed {seed}: scanned a tracefile the exact reader refuses: {error}"
        got = [(f.path, f.counts, f.read_detail()) for f in scanned]
        assert got == exact, f"seed {seed}, chunk size {chunk_size}"
    assert min(outcomes.values()) >= 40, outcomes


def _reordered(data: bytes, rng: random.Random) -> bytes:
    """The report with the <line>s of some <lines> blocks in another order."""

    def shuffle(m: re.Match[bytes]) -> bytes:
        lines = re.findall(rb"<line [^<>]*/>", m.group(1))
        if rng.random() < 0.5 or re.sub(rb"<line [^<>]*/>|\s", b"", m.group(1)):
            return m.group()
        rng.shuffle(lines)
        return b"<lines>" + b"\n".join(lines) + b"</lines>"

    return re.sub(rb"<lines>(.*?)</lines>", shuffle, data, flags=re.S)


@pytest.mark.parametrize("chunk_size", [1, 64, 1 << 20])
def test_cobertura_scan__listing__what_report_lists_is_the_exact_readers(
    tmp_path: Path, chunk_size: int
):
    """``report``'s listing (missing lines, their spans, the partial branches' names) as the
    exact reader's line table gives it, on the generated reports; with lines out of order
    in some (then the file is read the exact way) and missing-branches naming more branches
    than are missing in others (then the branches are counted, not named)."""
    path = tmp_path / "coverage.xml"
    outcomes = {"listed": 0, "out of order": 0, "not scanned": 0}
    for seed in range(300):
        rng = random.Random(seed)
        data = cob._report(seed)
        if seed % 3 == 1:
            data = _reordered(data, rng)
        elif seed % 3 == 2:
            data = re.sub(rb'missing-branches="([^"]*)"', rb'missing-branches="\1,exit"', data)
        path.write_bytes(data)
        listed = cobertura_scan.scan(path, chunk_size=chunk_size, listing=True)
        counted = cobertura_scan.scan(path, chunk_size=chunk_size)
        assert (listed is None) == (counted is None), f"seed {seed}"
        if listed is None or counted is None:
            outcomes["not scanned"] += 1
            continue
        assert [f.counts for f in listed] == [f.counts for f in counted], f"seed {seed}"
        for f in listed:
            want = FileCoverage.from_detail(f.path, f.read_detail(), keep_detail=False)
            got = f.coverage(f.path, keep_detail=False, keep_missing_lines=True)
            assert got == want, f"seed {seed}, {f.path}, chunk size {chunk_size}"
            outcomes["listed" if f.listing is not None else "out of order"] += 1
    assert min(outcomes.values()) >= 30, outcomes
