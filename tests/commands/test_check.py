"""check's and update's text through the command line, on a real coverage.py run: colour
only where asked (``FORCE_COLOR``, ``NO_COLOR``, never in a pipe), ``-q`` and ``-v``, and
what update says before it refuses or fails."""

from __future__ import annotations

import click
import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def judged(sample_reports, tmp_path):
    """The sample project's code and reports, with a bar its report fails (a baseline one
    line higher than it reached) and one it passes."""
    from tests.conftest import copy_sample

    root = copy_sample(sample_reports, tmp_path / "proj")
    (root / "pyproject.toml").write_text("[tool.ratchet]\nthreshold = 50\n")
    return root


def _fail(root) -> None:
    """A baseline one uncovered line better than the report."""
    (root / "pyproject.toml").write_text(
        "[tool.ratchet]\nthreshold = 50\n"
        "baseline = {percent = 76, covered = 19, measured = 25, branches = 8, uncovered = 6}\n"
    )


def test_color__on_with_force_color_off_with_no_color_and_in_a_pipe(judged, ratchet_cli):
    _fail(judged)
    plain = ratchet_cli("check", "coverage.xml", cwd=judged)
    assert plain.code == 1 and "\x1b[" not in plain.stdout  # not a terminal: no colour
    forced = {"FORCE_COLOR": "1"}
    r = ratchet_cli("check", "coverage.xml", cwd=judged, env=forced)
    assert r.code == 1
    assert click.style("FAIL", fg="red", bold=True) in r.stdout
    assert click.unstyle(r.stdout) == plain.stdout
    both = {"FORCE_COLOR": "1", "NO_COLOR": "1"}
    assert ratchet_cli("check", "coverage.xml", cwd=judged, env=both).stdout == plain.stdout
    # JSON and Markdown never carry colour.
    for fmt in ("json", "markdown"):
        r = ratchet_cli("check", "--format", fmt, "coverage.xml", cwd=judged, env=forced)
        assert "\x1b[" not in r.stdout


def test_quiet_and_verbose__say_less_and_more(judged, ratchet_cli):
    r = ratchet_cli("check", "-q", "coverage.xml", cwd=judged)
    assert (r.code, r.stdout) == (0, "")  # a pass: nothing
    normal = ratchet_cli("check", "coverage.xml", cwd=judged)
    assert normal.stdout.startswith("coverage-ratchet: PASS ")
    _fail(judged)
    r = ratchet_cli("check", "-q", "coverage.xml", cwd=judged)
    assert r.code == 1
    assert r.stdout.splitlines() == [
        "coverage-ratchet: FAIL 72.00% — 4.00 points under the 76.00% baseline"
    ]
    r = ratchet_cli("check", "--verbose", "coverage.xml", cwd=judged)
    assert r.code == 1
    assert "FAIL total 72.0000% (18/25) is 4.0000 points below the baseline" in r.stdout
    r = ratchet_cli("check", "-q", "-v", "coverage.xml", cwd=judged)
    assert r.code == 2 and "-q and -v ask for opposite things" in r.stderr


def test_update__quiet_says_nothing_when_it_records(judged, ratchet_cli):
    r = ratchet_cli("update", "-q", "coverage.xml", cwd=judged)
    assert (r.code, r.stdout) == (0, "")
    assert "threshold = 70" in (judged / "pyproject.toml").read_text()
    r = ratchet_cli("update", "-v", "coverage.xml", cwd=judged)  # nothing new: the verdict
    assert r.code == 0 and r.stdout.startswith("coverage-ratchet: PASS ")
    assert r.stdout.endswith("ratchet: nothing to change.\n")


def test_update__what_it_said_before_an_error_is_still_said(judged, ratchet_cli):
    """update holds back its warnings until it knows whether it refuses (a refusal says the
    same thing once, as an error); an error on the way says them first, then itself."""
    import shutil

    shutil.rmtree(judged / "pkg")  # the report now describes nothing here
    r = ratchet_cli("update", cwd=judged)
    assert r.code == 2
    said = r.stderr.splitlines()
    assert said[0].startswith("ratchet: using ") and "(the newest of the usual" in said[0]
    assert said[1].startswith("ratchet: error: ") and "does not describe this repository" in said[1]
