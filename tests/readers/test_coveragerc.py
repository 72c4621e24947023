"""A ``.coverage`` file read under another coverage.py configuration than the run's.

Written with ``relative_files = true`` from an rc file that only ``--rcfile`` names, the
data holds relative paths that coverage.py, under the default configuration, looks up by
their absolute names: ``coverage report`` shows 0% without a word. ratchet refuses that 0%
and says how to name the configuration (``--rcfile``, or ``COVERAGE_RCFILE``); a true 0%
stays a 0%.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ratchet import cli
from ratchet.errors import RatchetError
from ratchet.readers.load import load
from ratchet.render import text
from tests.conftest import Project

pytestmark = pytest.mark.integration

RELATIVE = "[run]\nrelative_files = true\nbranch = true\nsource = pkg\n"
ABSOLUTE = "[run]\nbranch = true\nsource = pkg\n"
CODE = "def f(x):\n    if x:\n        return 1\n    return 2\n"


def _measured(root: Path, rc: str) -> Project:
    proj = Project(root)
    proj.write("pyproject.toml", '[project]\nname = "x"\n')
    proj.write("pkg/__init__.py", "")
    proj.write("pkg/mod.py", CODE)
    proj.write("run.py", "from pkg.mod import f\nf(1)\n")
    proj.write("ci.coveragerc", rc)
    proj.coverage("run", "--rcfile=ci.coveragerc", "run.py")
    return proj


def test_relative_files_data__under_the_default_config_is_refused_not_0_percent(tmp_path: Path):
    proj = _measured(tmp_path / "proj", RELATIVE)
    assert " 0%" in proj.coverage("report").stdout  # coverage.py's own silence
    with pytest.raises(RatchetError) as e:
        load([proj.root / ".coverage"], root=proj.root)
    assert str(e.value) == (
        f"{proj.root / '.coverage'}: coverage.py reads this data as 0% covered although it "
        "records lines run in 1 file(s): it was written with relative_files = true (e.g. "
        "pkg/mod.py) and the coverage.py configuration read here does not set it. Name "
        "the configuration the tests ran with: `ratchet ... --rcfile ci.coveragerc` (or "
        "coverage.py's own COVERAGE_RCFILE, where a relative path is taken from the "
        "directory of pyproject.toml)"
    )


def test_relative_files_data__init_refuses_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    proj = _measured(tmp_path / "proj", RELATIVE)
    before = sorted(p.name for p in proj.root.iterdir())
    monkeypatch.chdir(proj.root)
    result = CliRunner().invoke(cli.cli, ["init", ".coverage"])
    assert result.exit_code == 2
    assert "written with relative_files = true" in result.stderr
    assert sorted(p.name for p in proj.root.iterdir()) == before
    assert (proj.root / "pyproject.toml").read_text() == '[project]\nname = "x"\n'


def test_relative_files_data__coverage_rcfile_reads_it_as_coverage_report_rcfile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    proj = _measured(tmp_path / "proj", RELATIVE)
    monkeypatch.setenv("COVERAGE_RCFILE", "ci.coveragerc")
    monkeypatch.chdir(tmp_path)  # relative to the config root, not to where ratchet runs
    rep = load([proj.root / ".coverage"], root=proj.root)
    expected = proj.coverage("report", "-m", "--precision=2", "--rcfile=ci.coveragerc").stdout
    assert text.report(rep, precision=2) == expected
    assert "66.67%" in expected


def test_rcfile_option__check_and_report_read_it_as_coverage_report_rcfile(
    tmp_path: Path, ratchet_cli
):
    """``--rcfile`` names the configuration as ``coverage report --rcfile`` does: relative
    to where ratchet runs, and its [report] settings apply to ``report`` too."""
    proj = _measured(tmp_path / "proj", RELATIVE + "[report]\nprecision = 1\n")
    expected = proj.coverage("report", "-m", "--rcfile=ci.coveragerc").stdout
    r = ratchet_cli(
        "report", "proj/.coverage", "--config", "proj/pyproject.toml",
        "--rcfile", "proj/ci.coveragerc", cwd=tmp_path,
    )  # fmt: skip
    assert r.code == 0 and r.stdout == expected
    assert "66.7%" in expected  # precision 1: the file's [report] setting
    proj.write("pyproject.toml", '[project]\nname = "x"\n\n[tool.ratchet]\nthreshold = 60\n')
    r = ratchet_cli("check", ".coverage", "--rcfile", "ci.coveragerc", cwd=proj.root)
    assert r.code == 0 and r.stdout.startswith("coverage-ratchet: PASS 66.67% ")
    r = ratchet_cli("check", ".coverage", cwd=proj.root)  # coverage.py's 0%, refused
    assert r.code == 2 and "--rcfile ci.coveragerc" in r.stderr


def test_rcfile_option__init_records_what_the_named_configuration_reads(
    tmp_path: Path, ratchet_cli
):
    proj = _measured(tmp_path / "proj", RELATIVE)
    r = ratchet_cli("init", ".coverage", "--rcfile", "ci.coveragerc", cwd=proj.root)
    assert r.code == 0, r
    assert "covered = 4, measured = 6" in (proj.root / "pyproject.toml").read_text()


def test_absolute_data__under_a_relative_files_config_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    proj = _measured(tmp_path / "proj", ABSOLUTE)
    proj.write("other.coveragerc", RELATIVE)
    monkeypatch.setenv("COVERAGE_RCFILE", "other.coveragerc")
    with pytest.raises(RatchetError, match="it was written without relative_files = true"):
        load([proj.root / ".coverage"], root=proj.root)


def test_a_true_0_percent__every_line_that_ran_excluded__is_read_as_0(tmp_path: Path):
    proj = Project(tmp_path / "proj")
    proj.write("pyproject.toml", '[project]\nname = "x"\n')
    proj.write("pkg/__init__.py", "# pragma: exclude file\n")
    proj.write("pkg/ran.py", "x = 1  # pragma: no cover\n")
    proj.write("pkg/never.py", "y = 1\n")
    proj.write("run.py", "import pkg.ran\n")
    proj.coverage("run", "--source=pkg", "run.py")
    rep = load([proj.root / ".coverage"], root=proj.root)
    assert (rep.totals.lines_covered, rep.totals.lines_valid) == (0, 1)
