"""Several reports (CI shards) merge as a union, and agree with ``coverage combine``."""

from __future__ import annotations

import itertools
import json
import shutil

import pytest

from ratchet.readers.load import load
from tests.conftest import Project

pytestmark = pytest.mark.integration

EXTS = ["xml", "json", "lcov"]
ALL_FORMATS = [*EXTS, "coverage"]  # shard-a.coverage: coverage.py's own data file

# Functions whose exit is a branch: each format names that branch its own way (XML "exit",
# JSON -1, LCOV "return from function 'k'"). Both shards miss k's exit.
EXIT_MODULE = """\
def k(x):
    if x:
        x += 1


def w(n):
    while n:
        n -= 1
"""


@pytest.fixture(scope="module")
def shards(tmp_path_factory) -> Project:
    """Two shards of one checkout, as CI runs them: shard-a.* and shard-b.* reports, and
    coverage.py's own ``combine`` of their data files as the reference (combined.json)."""
    proj = Project(tmp_path_factory.mktemp("shards") / "proj")
    from tests.conftest import SAMPLE_MODULE

    proj.write("pkg/__init__.py", "")
    proj.write("pkg/sample.py", SAMPLE_MODULE)
    proj.write("pkg/exits.py", EXIT_MODULE)
    for shard, calls in (
        ("a", "classify(-1); k(1); w(0)"),
        ("b", "classify(3); Box(1).double(); k(2); w(3)"),
    ):
        proj.write(
            f"run_{shard}.py", f"from pkg.sample import *\nfrom pkg.exits import *\n{calls}\n"
        )
        proj.run_tests(f"run_{shard}.py")
        for ext in EXTS:
            shutil.move(proj.root / f"coverage.{ext}", proj.root / f"shard-{shard}.{ext}")
        shutil.move(proj.root / ".coverage", proj.root / f"shard-{shard}.coverage")
    for shard in ("a", "b"):  # `coverage erase` in each run would have removed .coverage.*
        shutil.copy(proj.root / f"shard-{shard}.coverage", proj.root / f".coverage.{shard}")
    proj.coverage("combine", ".coverage.a", ".coverage.b")
    proj.coverage("json", "-o", "combined.json")
    return proj


@pytest.mark.parametrize("ext", EXTS)
def test_shards__union_equals_coverage_combine(shards: Project, ext: str):
    expected = json.loads((shards.root / "combined.json").read_text())["totals"]
    rep = load([shards.root / f"shard-a.{ext}", shards.root / f"shard-b.{ext}"], root=shards.root)
    t = rep.totals
    assert (t.lines_valid, t.lines_covered, t.branches_valid, t.branches_covered) == (
        expected["num_statements"],
        expected["covered_lines"],
        expected["num_branches"],
        expected["covered_branches"],
    )
    # Union, never an average: the merged total beats each shard alone.
    for shard in ("a", "b"):
        alone = load([shards.root / f"shard-{shard}.{ext}"], root=shards.root).totals
        assert t.covered > alone.covered


@pytest.mark.parametrize(("a", "b"), [("xml", "json"), ("json", "lcov"), ("lcov", "xml")])
def test_shards__mixed_formats_merge_like_one_format(shards: Project, a: str, b: str):
    expected = json.loads((shards.root / "combined.json").read_text())["totals"]
    rep = load([shards.root / f"shard-a.{a}", shards.root / f"shard-b.{b}"], root=shards.root)
    assert rep.totals.lines_valid == expected["num_statements"]
    assert rep.totals.lines_covered == expected["covered_lines"]
    assert rep.totals.branches_valid == expected["num_branches"]


def _totals(rep):
    t = rep.totals
    return (t.lines_valid, t.lines_covered, t.branches_valid, t.branches_covered)


@pytest.mark.parametrize(("a", "b"), list(itertools.product(ALL_FORMATS, repeat=2)))
def test_shards__any_two_formats_merge_exactly_like_coverage_combine(
    shards: Project, a: str, b: str
):
    expected = json.loads((shards.root / "combined.json").read_text())
    rep = load([shards.root / f"shard-a.{a}", shards.root / f"shard-b.{b}"], root=shards.root)
    assert _totals(rep) == (
        expected["totals"]["num_statements"],
        expected["totals"]["covered_lines"],
        expected["totals"]["num_branches"],
        expected["totals"]["covered_branches"],
    )
    exits = rep.by_path()["pkg/exits.py"].counts
    summary = expected["files"]["pkg/exits.py"]["summary"]
    # k's exit, missed by both shards, stays missing whichever formats name it.
    assert (
        (exits.branches_valid, exits.branches_covered)
        == (
            summary["num_branches"],
            summary["covered_branches"],
        )
        == (4, 3)
    )


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(ALL_FORMATS, 2)))
def test_one_run_in_two_formats__counts_as_that_run(shards: Project, a: str, b: str):
    alone = load([shards.root / f"shard-a.{a}"], root=shards.root)
    both = load([shards.root / f"shard-a.{a}", shards.root / f"shard-a.{b}"], root=shards.root)
    assert [(f.path, f.counts) for f in both.files] == [(f.path, f.counts) for f in alone.files]


def test_same_report_twice__counts_unchanged(sample_reports: Project):
    one = load([sample_reports.root / "coverage.xml"], root=sample_reports.root)
    two = load([sample_reports.root / "coverage.xml"] * 2, root=sample_reports.root)
    assert one.totals == two.totals
    assert [f.missing_lines for f in one.files] == [f.missing_lines for f in two.files]
