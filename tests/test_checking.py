"""``ratchet.checking.evaluate``: a check put together from the report, the bar and (with a
ref) the bar at the ref, called directly. The command around it: tests/commands/test_check*.py;
the bar at a ref and a recorded accept: tests/test_integrity.py."""

from __future__ import annotations

import os

import pytest

from ratchet import checking
from ratchet.commands.common import load_config
from ratchet.core.results import BAD_INPUT
from tests.github.conftest import coverage_json

pytestmark = pytest.mark.integration  # staleness asks git whether a file really changed


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.ratchet]\nthreshold = 60\n")
    (tmp_path / "a.py").write_text("x = 1\n" * 10)
    (tmp_path / "coverage.json").write_text(coverage_json({"a.py": (7, 3)}))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def evaluate(project, **kw):
    return checking.evaluate(load_config(None, None), (project / "coverage.json",), **kw)


def test_evaluate__a_fresh_report_judged_with_its_plan(project):
    heard: list[str] = []
    outcome = evaluate(project, notify=heard.append)
    assert outcome.passed and outcome.warnings == () and heard == []
    assert outcome.verdict.percent == 70
    assert outcome.plan is not None and outcome.plan.blockers == ()
    assert outcome.patch is None  # no diff asked for


def test_evaluate__a_stale_report_is_said_and_blocks_recording_unless_allowed(project):
    report = project / "coverage.json"
    os.utime(report, (1_000_000, 1_000_000))  # written long before a.py last changed
    heard: list[str] = []
    outcome = evaluate(project, notify=heard.append)
    stale = "coverage.json is older than a.py, which changed after it was written"
    assert outcome.passed  # the verdict stands; recording it does not
    assert len(outcome.warnings) == 1 and stale in outcome.warnings[0]
    assert heard == [f"ratchet: warning: {outcome.warnings[0]}"]
    assert outcome.plan is not None
    assert [b.kind for b in outcome.plan.blockers] == [BAD_INPUT]
    assert "re-run the tests, or pass --allow-stale" in outcome.plan.blockers[0].message
    allowed = evaluate(project, allow_stale=True)
    assert allowed.warnings == outcome.warnings
    assert allowed.plan is not None and allowed.plan.blockers == ()
