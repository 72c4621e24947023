"""Which bar judges a branch: the base's, lowered only as a recorded ``accept`` says, and
the files' floors following renames."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from ratchet.core import hold
from ratchet.core.config import Component, Config
from ratchet.core.models import Baseline, Counts
from ratchet.core.results import ComponentMove, Event

unit = pytest.mark.unit


def accepted(threshold: int, baseline: Baseline | None) -> Event:
    return Event("accept", "2026-12-06T01:02:03Z", None, None, Counts(100, 80),
                 (Decimal(90), Decimal(threshold)), (None, baseline), "on purpose")  # fmt: skip


@unit
@pytest.mark.parametrize(
    ("events", "threshold", "baseline"),
    [
        ((), 90, Baseline(95, 100, 0, 5)),  # nothing accepted: the ref's bar
        ((accepted(80, Baseline(80, 100, 0, 20)),), 80, Baseline(80, 100, 0, 20)),
        # The latest accepted event decides, never above the ref's own values.
        (
            (accepted(70, Baseline(70, 100, 0, 30)), accepted(95, Baseline(97, 100, 0, 3))),
            90,
            Baseline(95, 100, 0, 5),
        ),
        ((accepted(85, None),), 85, Baseline(95, 100, 0, 5)),
    ],
)
def test_with_accepted__the_ref_bar_lowered_only_as_recorded(events, threshold, baseline):
    ref = Config(threshold=Decimal(90), baseline=Baseline(95, 100, 0, 5), present=True)
    bar = hold.with_accepted(ref, list(events))
    assert (bar.threshold, bar.baseline) == (threshold, baseline)


@unit
def test_with_accepted__only_the_components_the_event_lists_are_lowered():
    api = Component("api", ("api/",), Decimal(90), baseline=Baseline(95, 100, 0, 5))
    web = Component("web", ("web/",), Decimal(80), baseline=Baseline(85, 100, 0, 15))
    ref = Config(threshold=Decimal(90), present=True, components=(api, web))
    move = ComponentMove(
        "api", (Decimal(90), Decimal(70)), (api.baseline, Baseline(72, 100, 0, 28))
    )
    event = dataclasses.replace(accepted(90, None), components=(move,))
    bar = hold.with_accepted(ref, [event])
    lowered = {c.name: (c.threshold, c.baseline) for c in bar.components}
    assert lowered == {
        "api": (Decimal(70), Baseline(72, 100, 0, 28)),  # as accepted
        "web": (Decimal(80), Baseline(85, 100, 0, 15)),  # not accepted: held at the ref's bar
    }


@unit
def test_with_accepted__a_ref_without_a_baseline_takes_the_accepted_one():
    ref = Config(threshold=Decimal(90), present=True)
    bar = hold.with_accepted(ref, [accepted(80, Baseline(80, 100, 0, 20))])
    assert bar.baseline == Baseline(80, 100, 0, 20)


@unit
def test_moved__lines_follow_renames_and_one_under_the_new_name_wins():
    files = {"a.py": Counts(10, 9), "b.py": Counts(10, 8), "b2.py": Counts(10, 10)}
    moved = hold.moved(files, {"a.py": "a2.py", "b.py": "b2.py"})
    assert moved == {"a2.py": Counts(10, 9), "b2.py": Counts(10, 10)}
    assert hold.moved(files, {}) == files
