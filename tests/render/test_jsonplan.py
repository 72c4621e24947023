"""The plan's part of a result's JSON (``ratchet.render.jsonplan``): what ``update`` would
record, dumped and loaded back, and refused naming the field when it is not what a run
writes (its status held to its own blockers and changes)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from ratchet.core.models import Baseline, Counts
from ratchet.core.results import (
    BAD_INPUT,
    LINE_NEW,
    LINE_RAISED,
    REGRESSION,
    Blocker,
    ComponentBar,
    FileLine,
    Plan,
    Setting,
)
from ratchet.render import jsonplan
from ratchet.render.jsonfields import Fields, InvalidArtifact

pytestmark = pytest.mark.unit

RAISING = Plan(
    threshold=Decimal(85),
    baseline=Baseline(86, 100, 0, 14),
    settings=(
        Setting("threshold", "80%", "85%", "the total reached 85%"),
        Setting("components.web.baseline", None, "50% (1/2)", "first record"),
    ),
    lines=(
        FileLine("a.py", Counts(4, 2), Counts(4, 3), LINE_RAISED),
        FileLine("new.py", None, Counts(1, 1), LINE_NEW),
    ),
    kept=(FileLine("b.py", Counts(2, 2), Counts(2, 2), "kept: coverage fell"),),
    components=(ComponentBar("web", Decimal("50.5"), Baseline(1, 2, 0, 1)),),
)


def load(data):
    return jsonplan.load(Fields("result.json"), json.loads(json.dumps(data)), "update")


@pytest.mark.parametrize(
    ("plan", "status", "exit_code"),
    [
        (RAISING, "changes", 0),
        (Plan(Decimal(80), None, (), ()), "unchanged", 0),
        (Plan(Decimal(80), None, (), (), blockers=(Blocker(REGRESSION, "fell"),)), "refused", 1),
        (
            Plan(Decimal(80), None, (), (), blockers=(Blocker(BAD_INPUT, "stale report"),)),
            "refused",
            2,
        ),
    ],
)
def test_load__is_the_inverse_of_dump(plan, status, exit_code):
    data = jsonplan.dump(plan)
    assert (data["status"], data["exit_code"]) == (status, exit_code)
    assert load(data) == plan


def _set(*path_and_value):
    *path, value = path_and_value

    def mutate(d):
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = value

    return mutate


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_set("status", "unchanged"), r"update\.status: does not match the plan"),
        (_set("exit_code", 1), r"update\.status: does not match the plan"),
        (_set("threshold", "85"), r"update\.threshold: must be a number"),
        (_set("settings", 0, "key", "tolerance"), r"settings\[0\]\.key: must be a threshold or"),
        (_set("settings", 0, "new", "85"), r"settings\[0\]\.new: must be a percent"),
        (_set("settings", 0, "new", 85), r"settings\[0\]\.new: must be a string"),
        (_set("settings", 0, "reason", "r" * 1001), r"settings\[0\]\.reason: must be a string"),
        (_set("settings", [{}] * 17), r"update\.settings: must be a list of at most 16 items"),
        (_set("lines", 0, "reason", None), r"lines\[0\]\.reason: must be a string"),
        (_set("kept", 0, "old", {"percent": 1}), r"kept\[0\]\.old: missing key 'lines_valid'"),
        (_set("components", 0, "name", "a b"), r"components\[0\]\.name: must be a component"),
        (_set("blockers", [{"kind": "x", "message": "m"}]), r"blockers\[0\]\.kind: unknown"),
        (_set("baseline", None), r"update\.baseline: counts without a baseline"),
    ],
)
def test_load__refuses_a_wrong_value_naming_the_field(mutate, message):
    data = copy.deepcopy(jsonplan.dump(RAISING))
    mutate(data)
    with pytest.raises(InvalidArtifact, match=message):
        load(data)


def test_load__sixteen_settings_at_most():
    sixteen = tuple(Setting("threshold", "80%", f"{81 + i}%", "r") for i in range(16))
    plan = Plan(Decimal(96), None, sixteen, ())
    assert load(jsonplan.dump(plan)).settings == sixteen
