"""Which reports a verdict reads: one file named twice is refused, and a copy of one shard's
report does not count as another shard's (``--expect``, ``expect_reports``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import Project, copy_sample
from tests.inprocess import ratchet

pytestmark = pytest.mark.integration


@pytest.fixture
def proj(sample_reports: Project, tmp_path: Path) -> Path:
    """A checkout with a recorded bar and the sample's XML report."""
    root = copy_sample(sample_reports, tmp_path / "proj")
    (root / "pyproject.toml").write_text('[project]\nname = "sample"\n')
    assert ratchet("init", "coverage.xml", cwd=root).code == 0
    return root


def test_expect__one_file_named_twice_is_refused(proj: Path):
    r = ratchet("check", "--expect", "2", "coverage.xml", "./coverage.xml", cwd=proj)
    assert r.code == 2
    assert r.stderr == (
        "ratchet: error: the same report is given twice (coverage.xml): name each shard's "
        "report once\n"
    )


def test_expect__a_link_to_the_report_is_the_same_file(proj: Path):
    (proj / "shard-2.xml").symlink_to(proj / "coverage.xml")
    r = ratchet("update", "--expect", "2", "coverage.xml", "shard-2.xml", cwd=proj)
    assert r.code == 2
    assert "(coverage.xml and shard-2.xml are one file)" in r.stderr


def test_same_file_twice__refused_without_expect_too(proj: Path):
    r = ratchet("check", "coverage.xml", str(proj / "coverage.xml"), cwd=proj)
    assert r.code == 2
    assert "the same report is given twice" in r.stderr


def test_expect__a_copy_of_one_report_counts_once(proj: Path):
    shutil.copy(proj / "coverage.xml", proj / "shard-2.xml")
    r = ratchet("check", "--expect", "2", "coverage.xml", "shard-2.xml", cwd=proj)
    assert r.code == 2
    assert (
        "expected 2 coverage report(s), found 2 (coverage.xml, shard-2.xml; 1 distinct: "
        "shard-2.xml has the same contents as coverage.xml): a verdict on part of the shards"
    ) in r.stderr
    # The same from the config's expect_reports.
    pyproject = proj / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("[tool.ratchet]\n", "[tool.ratchet]\nexpect_reports = 2\n")
    )
    r = ratchet("check", "coverage.xml", "shard-2.xml", cwd=proj)
    assert r.code == 2
    assert "1 distinct: shard-2.xml has the same contents as coverage.xml" in r.stderr


def test_expect__same_size_other_bytes_are_two_reports(proj: Path):
    xml = (proj / "coverage.xml").read_text()
    stamp = xml.index('timestamp="') + len('timestamp="')
    other = xml[:stamp] + ("1" if xml[stamp] != "1" else "2") + xml[stamp + 1 :]
    assert len(other) == len(xml) and other != xml
    (proj / "shard-2.xml").write_text(other)
    r = ratchet("check", "--expect", "2", "coverage.xml", "shard-2.xml", cwd=proj)
    assert r.code == 0


def test_copies_without_expect__merge_as_one_run(proj: Path):
    shutil.copy(proj / "coverage.xml", proj / "shard-2.xml")
    r = ratchet("check", "coverage.xml", "shard-2.xml", cwd=proj)
    assert r.code == 0
    assert "expected" not in r.stderr


def test_expect__copies_beyond_the_distinct_count_are_not_counted(proj: Path):
    shutil.copy(proj / "coverage.xml", proj / "shard-2.xml")
    r = ratchet("check", "--expect", "1", "coverage.xml", "shard-2.xml", cwd=proj)
    assert r.code == 0


@pytest.mark.parametrize(
    ("other", "message"),
    [
        ("missing.xml", "missing.xml: no such file"),
        ("reports", "reports: is a directory, not a coverage report"),
    ],
)
def test_expect__a_name_that_is_no_report_is_counted_and_then_refused(
    proj: Path, other: str, message: str
):
    (proj / "reports").mkdir()
    r = ratchet("check", "--expect", "2", "coverage.xml", other, cwd=proj)
    assert r.code == 2
    assert r.stderr == f"ratchet: error: {message}\n"
