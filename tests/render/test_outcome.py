"""One Outcome, each output format: the plan's part appears exactly when there is a plan."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from ratchet.core import plan, rules
from ratchet.core.config import Config
from ratchet.core.models import Baseline, Counts, FileCoverage, Report
from ratchet.core.results import BarSource, ComponentMove, Event, Lowering, Outcome
from ratchet.render import text as text_render
from ratchet.render.outcome import outcome_dict, render
from ratchet.render.terminal import VERBOSE, Layout
from tests.wrapped import flat

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
    assert "ratchet update would record: threshold -> 90%, baseline -> 90.00%\n" in render(
        outcome, "text"
    )
    bare = dataclasses.replace(outcome, plan=None)
    text = render(bare, "text")
    assert text.startswith("coverage-ratchet: PASS 90.00% — ") and "update" not in text
    assert "update" not in json.loads(render(bare, "json"))


def accept_event(n: int, components: tuple[ComponentMove, ...] = ()) -> Event:
    return Event(
        "accept", f"2026-12-06T01:02:{n:02}Z", "Ann <a@x.org>", "c" * 40, Counts(10, 9),
        (Decimal(1), Decimal(85)), (None, None), f"reason {n}", components,
    )  # fmt: skip


def with_accepts(outcome: Outcome, events: int, lowered: int) -> Outcome:
    return dataclasses.replace(
        outcome,
        accepted=tuple(accept_event(n) for n in range(events)),
        lowered=tuple(Lowering(f"file f{n:02}.py", "90%", "80%") for n in range(lowered)),
        source=BarSource("pyproject.toml", "main", "a" * 40),
    )


def test_render__every_accept_event_and_what_falls_in_text_json_and_markdown(outcome: Outcome):
    move = ComponentMove("api", (Decimal(1), Decimal(70)), (None, None))
    shown = with_accepts(outcome, 12, 35)
    shown = dataclasses.replace(shown, accepted=(*shown.accepted, accept_event(12, (move,))))
    text = render(shown, "text")
    # The verdict, then each event reason first: its date (not the time), the author's name
    # (not the e-mail address).
    assert text.startswith(
        "coverage-ratchet: PASS 90.00% — the bar is lowered on purpose\n"
        "WARNING: this change lowers the bar on purpose with ratchet accept (13 events since "
        "main):\n  - reason: reason 0\n"
        "    2026-12-06, Ann, at cccccccccccc: records threshold 85%, baseline none\n"
    )
    assert "@" not in text and "01:02" not in text and "`" not in text
    assert text.count("  - reason: ") == 10 and "  ...and 3 more events\n" in text
    assert text.count("\n  file f") == 30 and "  ...and 5 more requirements (-v lists" in text
    verbose = render(shown, "text", layout=Layout(verbosity=VERBOSE))
    assert (
        "records threshold 85%, baseline none; component api: threshold 70%, baseline none "
    ) in flat(verbose)
    assert verbose.count("\n  file f") == 35  # -v: every one
    assert "1% ->" not in verbose  # an event's "old" values are never shown
    data = json.loads(render(shown, "json"))
    assert len(data["accepted"]) == 13 and len(data["lowered"]) == 35
    assert data["lowered"][0] == {"key": "file f00.py", "old": "90%", "new": "80%"}
    md = render(shown, "markdown")
    assert md.count("\n- file f") == 30
    assert "- …and 5 more requirements (all in the JSON result)" in md
    assert md.count("**Reason:** reason") == 13  # every event (the comment lists up to 50)
    assert md.index("**Reason:** reason") < md.index("**What falls**")


def test_render__accept_events_that_lower_nothing_say_so(outcome: Outcome):
    harmless = with_accepts(outcome, 1, 0)
    assert "\n  nothing falls below the values at main.\n" in render(harmless, "text")
    assert "\nNothing falls below the values at main.\n" in render(harmless, "markdown")
    working_copy = dataclasses.replace(harmless, source=None)
    assert "with ratchet accept (1 event):\n" in render(working_copy, "text")
    assert "nothing falls below the values before." in render(working_copy, "text")


@pytest.mark.parametrize(
    ("threshold", "baseline", "said"),
    [
        ((Decimal(95), Decimal(90)), (None, None), "threshold 95% -> 90%"),
        ((None, Decimal(90)), (None, None), "threshold -% -> 90%"),
        (
            (Decimal(90), Decimal(90)),
            (Baseline(9, 10, 0, 1), None),
            "baseline 90.0000% (9/10) -> none",
        ),
        (
            (Decimal(90), Decimal(90)),
            (None, None),
            "the bar stays (the per-file lines were recorded anew)",
        ),
    ],
)
def test_lowered__what_accept_says_it_records_old_to_new(threshold, baseline, said):
    e = dataclasses.replace(accept_event(0), threshold=threshold, baseline=baseline)
    assert text_render.lowered(e) == said
