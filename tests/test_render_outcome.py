"""One Outcome, each output format: the plan's part appears exactly when there is a plan."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from ratchet import plan, rules
from ratchet.config import Config
from ratchet.models import Counts, FileCoverage, Report
from ratchet.render.outcome import outcome_dict, render
from ratchet.results import Outcome

pytestmark = pytest.mark.unit


@pytest.fixture
def outcome() -> Outcome:
    report = Report((FileCoverage("a.py", Counts(10, 9)),), ("coverage.xml",))
    cfg = Config(threshold=Decimal(80), present=True)
    verdict = rules.evaluate(report, cfg)
    return Outcome(report, verdict, cfg, plan=plan.make(report, verdict, cfg, None))


def test_outcome_dict__the_update_keys_come_from_the_plan(outcome: Outcome):
    data = outcome_dict(outcome)
    assert (data["new_threshold"], data["new_baseline"]) == (90, 90.0)
    assert data["update"]["status"] == "changes"
    bare = outcome_dict(dataclasses.replace(outcome, plan=None))
    assert not {"new_threshold", "new_baseline", "update"} & set(bare)
    assert {k: v for k, v in data.items() if k in bare} == bare  # the rest is the same


def test_render__text_and_json_without_a_plan_say_nothing_of_an_update(outcome: Outcome):
    assert "`ratchet update` would record:" in render(outcome, "text")
    bare = dataclasses.replace(outcome, plan=None)
    text = render(bare, "text")
    assert text.startswith("coverage-ratchet: PASS\n") and "update" not in text
    assert "update" not in json.loads(render(bare, "json"))
