"""``ratchet badge``: an offline SVG of the bar, coloured by the bands, kept in step by
``update``; refused without what it needs. Real coverage.py runs, the CLI in-process."""

from __future__ import annotations

import pytest

from tests.conftest import RunRatchet, statements
from tests.conftest import run_modules as run

pytestmark = pytest.mark.integration


def test_badge__offline_svg_coloured_by_the_bands(make_project, run_ratchet: RunRatchet):
    proj = make_project()
    proj.write("pkg/sample.py", statements(100, uncovered=13))
    run(proj, "sample")
    assert run_ratchet("init", "coverage.xml", cwd=proj.root).code == 0  # 87%: threshold 85
    r = run_ratchet("badge", cwd=proj.root)
    assert r.code == 0
    svg = (proj.root / "coverage.svg").read_text()
    assert "coverage: 87%" in svg and "#dfb317" in svg  # yellow: within a step of the bar
    r = run_ratchet("badge", "-o", "-", "coverage.json", cwd=proj.root)
    assert r.stdout == svg
    (proj.root / "pyproject.toml").write_text(
        (proj.root / "pyproject.toml").read_text().replace("threshold = 85", "threshold = 90")
    )
    assert "#e05d44" in run_ratchet("badge", "-o", "-", cwd=proj.root).stdout  # red: below


def test_badge__update_keeps_the_badge_file_in_step_with_the_bar(
    make_project, run_ratchet: RunRatchet
):
    proj = make_project()
    proj.write("pkg/sample.py", statements(100, uncovered=20))
    run(proj, "sample")
    assert run_ratchet("init", "coverage.xml", cwd=proj.root).code == 0
    pyproject = proj.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'badge_file = "docs/coverage.svg"\n')
    (proj.root / "docs").mkdir()
    proj.write("pkg/sample.py", statements(100, uncovered=2))
    run(proj, "sample")
    r = run_ratchet("update", "coverage.xml", cwd=proj.root)
    assert "ratchet: wrote docs/coverage.svg" in r.stdout
    svg = (proj.root / "docs" / "coverage.svg").read_text()
    assert "coverage: 98%" in svg and "#dfb317" in svg  # yellow: within a step of the bar 95


def test_badge__without_a_baseline_or_a_report_and_into_a_directory_is_refused(
    make_project, run_ratchet: RunRatchet
):
    proj = make_project()
    proj.run_tests()
    pyproject = proj.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.ratchet]\nthreshold = 50\n")
    r = run_ratchet("badge", cwd=proj.root)
    assert r.code == 2
    assert r.stderr == (
        f"ratchet: error: {pyproject}: no baseline recorded and no report given: name a "
        "report, e.g. `ratchet badge coverage.xml`\n"
    )
    pyproject.unlink()  # no configuration at all: the message names no file
    r = run_ratchet("badge", cwd=proj.root)
    assert (r.code, r.stderr) == (
        2,
        "ratchet: error: no baseline recorded and no report given: name a report, e.g. "
        "`ratchet badge coverage.xml`\n",
    )
    (proj.root / "docs").mkdir()
    r = run_ratchet("badge", "-o", "docs", "coverage.xml", cwd=proj.root)
    assert (r.code, r.stderr) == (2, "ratchet: error: docs: is a directory\n")
    assert list((proj.root / "docs").iterdir()) == []
    assert not (proj.root / "coverage.svg").exists()
