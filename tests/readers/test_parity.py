"""One coverage.py run, four report formats: identical counts, paths and percent."""

from __future__ import annotations

import json
import os
import time

import pytest

from ratchet.readers import cobertura, cobertura_scan
from ratchet.readers.load import load
from ratchet.render.common import display
from tests.conftest import Project, RunRatchet, copy_sample

pytestmark = pytest.mark.integration

FORMATS = ["coverage.xml", "coverage.json", "coverage.lcov", ".coverage"]


@pytest.mark.parametrize("name", FORMATS)
def test_every_format__same_counts_as_coverage_json_totals(sample_reports: Project, name: str):
    totals = json.loads((sample_reports.root / "coverage.json").read_text())["totals"]
    rep = load([sample_reports.root / name], root=sample_reports.root)
    t = rep.totals
    assert (t.lines_valid, t.lines_covered, t.branches_valid, t.branches_covered) == (
        totals["num_statements"],
        totals["covered_lines"],
        totals["num_branches"],
        totals["covered_branches"],
    )
    assert t.percent == totals["percent_covered"]


def test_coverage_py_xml__counted_by_the_scanner_as_read_exactly(sample_reports: Project):
    path = sample_reports.root / "coverage.xml"
    scanned = cobertura_scan.scan(path)
    assert scanned is not None  # coverage.py's own layout: check never falls back on it
    assert [(f.path, f.roots, f.counts) for f in scanned] == [
        (f.path, f.roots, f.detail.counts()) for f in cobertura.parse(path)
    ]


def test_every_format__same_paths_and_missing_lines(sample_reports: Project):
    seen = []
    for name in FORMATS:
        rep = load([sample_reports.root / name], root=sample_reports.root)
        seen.append([(f.path, f.counts, f.missing_lines) for f in rep.files])
    assert all(s == seen[0] for s in seen)
    assert [p for p, _, _ in seen[0]] == ["pkg/__init__.py", "pkg/sample.py"]


@pytest.mark.parametrize("precision", range(7))
def test_percent__equals_coverage_report_total_at_every_precision(
    sample_reports: Project, precision: int
):
    expected = sample_reports.total(precision)
    for name in FORMATS:
        rep = load([sample_reports.root / name], root=sample_reports.root)
        assert display(rep.totals, precision) == expected, name


def test_report_cli__total_row_matches_coverage(sample_reports: Project, run_ratchet: RunRatchet):
    for name in FORMATS:
        r = run_ratchet("report", "--precision", "3", name, cwd=sample_reports.root)
        assert r.code == 0
        total = r.stdout.splitlines()[-1].split()
        assert total[0] == "TOTAL"
        assert total[-1] == sample_reports.total(3) + "%"


def test_report_json__documented_schema(sample_reports: Project, run_ratchet: RunRatchet):
    r = run_ratchet("report", "--format", "json", "coverage.xml", cwd=sample_reports.root)
    assert r.code == 0
    data = json.loads(r.stdout)
    assert set(data["totals"]) >= {
        "percent",
        "lines_valid",
        "lines_covered",
        "branches_valid",
        "branches_covered",
    }
    f = next(f for f in data["files"] if f["path"] == "pkg/sample.py")
    assert set(f) >= {
        "path",
        "percent",
        "lines_valid",
        "lines_covered",
        "branches_valid",
        "branches_covered",
        "missing_lines",
    }
    cov = json.loads((sample_reports.root / "coverage.json").read_text())["files"]["pkg/sample.py"]
    assert f["missing_lines"] == cov["missing_lines"]


def test_no_report_named__takes_the_newest_usual_file_and_says_so(
    sample_reports: Project, run_ratchet: RunRatchet, tmp_path
):
    # A run that wrote only coverage.json today is not judged by last week's coverage.xml.
    here = copy_sample(sample_reports, tmp_path)
    week_ago = time.time() - 7 * 86400
    for name in ("coverage.xml", "coverage.lcov", ".coverage"):
        os.utime(here / name, (week_ago, week_ago))
    r = run_ratchet("report", cwd=here)
    assert r.code == 0
    assert (
        r.stderr
        == f"ratchet: using {here / 'coverage.json'} (the newest of the usual report files)\n"
    )


def test_coverage_run_in_a_subdirectory__every_format_gives_repository_paths(
    make_project, tmp_path
):
    # A monorepo: the config root is the repository, coverage.py ran in svc/ and wrote its
    # reports there; JSON and LCOV paths are relative to svc/, the XML's to its <source>.
    repo = tmp_path / "repo"
    svc = make_project(root=repo / "svc")
    svc.run_tests()
    (repo / "pyproject.toml").write_text("[tool.ratchet]\n")
    seen = {}
    for name in FORMATS:
        rep = load([svc.root / name], root=repo)
        seen[name] = [(f.path, f.counts, f.missing_lines) for f in rep.files]
    assert [p for p, _, _ in seen["coverage.json"]] == ["svc/pkg/__init__.py", "svc/pkg/sample.py"]
    assert all(s == seen["coverage.json"] for s in seen.values()), seen
    both = load([svc.root / "coverage.xml", svc.root / "coverage.json"], root=repo)
    assert [f.path for f in both.files] == ["svc/pkg/__init__.py", "svc/pkg/sample.py"]


def test_report_in_a_subdirectory_of_root_relative_paths__still_from_the_root(make_project):
    # `coverage json -o reports/coverage.json` run in the root: nothing of the report's
    # paths exists under reports/, so they stay relative to the root.
    proj = make_project()
    proj.run_tests(reports=False)
    proj.coverage("json", "-o", "reports/coverage.json")
    proj.coverage("lcov", "-o", "reports/coverage.lcov")
    for name in ("reports/coverage.json", "reports/coverage.lcov"):
        rep = load([proj.root / name], root=proj.root)
        assert [f.path for f in rep.files] == ["pkg/__init__.py", "pkg/sample.py"], name
