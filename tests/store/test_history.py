"""The history of the bar: one JSON line per event, written exactly, read strictly (each bad
field is named, on its line), merged by git as a union."""

from __future__ import annotations

import dataclasses
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from ratchet.core.models import Baseline, Counts
from ratchet.core.results import ComponentMove, Event
from ratchet.errors import RatchetError
from ratchet.store import history

pytestmark = pytest.mark.unit

ACCEPT = Event(
    event="accept",
    date="2026-12-06T01:02:03Z",
    author="Ann <a@x.org>",
    commit="0123abcd" * 5,
    total=Counts(876, 811, 48, 45),
    threshold=(Decimal(95), Decimal("92.5")),
    baseline=(Baseline(uncovered=5, legacy=Decimal("99.35")), Baseline(856, 924, 48, 68)),
    reason="vendored the legacy importer",
)
INIT = Event(
    event="init",
    date="2026-12-01T00:00:00Z",
    author=None,
    commit=None,
    total=Counts(10, 7),
    threshold=(None, Decimal(70)),
    baseline=(None, Baseline(7, 10, None, 3)),
)
UPDATE_WITH_COMPONENTS = dataclasses.replace(
    INIT,
    event="update",
    threshold=(Decimal(70), Decimal(70)),  # the total stayed; two components moved
    baseline=(Baseline(7, 10, None, 3), Baseline(7, 10, None, 3)),
    components=(
        ComponentMove("api", (Decimal(80), Decimal(85)), (Baseline(80, 100, 0, 20), None)),
        ComponentMove("web", (Decimal(0), Decimal(60)), (None, Baseline(65, 100, 10, 35))),
    ),
)

NONNEG = "must be a non-negative integer"
AUTHOR = "author must be a string of at most 400 characters or null"


def good() -> dict:
    return json.loads(history.to_line(ACCEPT))


def line_with(**changes) -> str:
    data = good()
    for key, value in changes.items():
        *parents, last = key.split("__")
        node = data
        for k in parents:
            node = node[int(k)] if isinstance(node, list) else node[k]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return json.dumps(data)


def without(key: str) -> str:
    data = good()
    del data[key]
    return json.dumps(data)


@pytest.mark.parametrize(
    "event", [ACCEPT, INIT, UPDATE_WITH_COMPONENTS], ids=["accept", "init", "components"]
)
def test_round_trip__every_field_comes_back(event: Event):
    line = history.to_line(event)
    assert line.endswith("\n") and "\n" not in line[:-1]
    assert history.from_line(line) == event


def test_to_line__components_only_when_one_moved():
    assert "components" not in json.loads(history.to_line(ACCEPT))
    assert json.loads(history.to_line(UPDATE_WITH_COMPONENTS))["components"] == [
        {
            "name": "api",
            "threshold": [80, 85],
            "baseline": [{"covered": 80, "measured": 100, "branches": 0, "uncovered": 20}, None],
        },
        {
            "name": "web",
            "threshold": [0, 60],
            "baseline": [None, {"covered": 65, "measured": 100, "branches": 10, "uncovered": 35}],
        },
    ]


def _component_line(**changes) -> str:
    data = json.loads(history.to_line(UPDATE_WITH_COMPONENTS))
    data["components"][0].update(changes)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (_component_line(name=""), "components[0].name must be a string of 1 to 64 characters"),
        (_component_line(name="x" * 65), "components[0].name must be a string of 1 to 64"),
        (_component_line(owner="me"), "components[0]: unexpected key 'owner'"),
        (_component_line(threshold=[80]), "components[0].threshold must be [old, new]"),
        (_component_line(threshold=[80, 101]), "components[0].threshold[1] must be a percentage"),
        (_component_line(baseline=5), "components[0].baseline must be [old, new]"),
        (
            _component_line(baseline=[None, {"covered": 9, "measured": 5}]),
            "components[0].baseline[1] covers 9 of 5: more than it measured",
        ),
        (line_with(components={"api": 1}), "components must be a list of at most 1000"),
    ],
)
def test_from_line__each_bad_component_field_is_named(line: str, message: str):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        history.from_line(line)


def test_to_line__the_documented_shape():
    assert json.loads(history.to_line(ACCEPT)) == {
        "v": 1,
        "event": "accept",
        "date": "2026-12-06T01:02:03Z",
        "author": "Ann <a@x.org>",
        "commit": "0123abcd" * 5,
        "reason": "vendored the legacy importer",
        "total": {
            "lines_valid": 876,
            "lines_covered": 811,
            "branches_valid": 48,
            "branches_covered": 45,
        },
        "threshold": [95, 92.5],
        "baseline": [
            {"percent": 99.35, "uncovered": 5},
            {"covered": 856, "measured": 924, "branches": 48, "uncovered": 68},
        ],
    }


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{", "not JSON (Expecting property name enclosed in double quotes)"),
        ("[1, 2]", "event must be an object"),
        (line_with(extra=1), "event: unexpected key 'extra'"),
        (line_with(v=2), "unknown version 2 (this ratchet reads version 1)"),
        (without("v"), "unknown version None (this ratchet reads version 1)"),
        (line_with(v=True), "unknown version True (this ratchet reads version 1)"),
        (line_with(event="lower"), "event must be one of init, update, accept"),
        (line_with(date=20261206), "date must be an ISO 8601 UTC time ending in Z"),
        (line_with(date="2026-12-06T01:02:03"), "date must be an ISO 8601 UTC time ending in Z"),
        (line_with(date="yesterdayZ"), "date 'yesterdayZ' is not an ISO 8601 time"),
        (line_with(total=[1, 2, 3, 4]), "total must be an object"),
        (line_with(total__lines=1), "total: unexpected key 'lines'"),
        (line_with(total__lines_valid=-1), "total.lines_valid must be a non-negative integer"),
        (line_with(total__lines_covered=1.0), "total.lines_covered must be a non-negative integer"),
        (line_with(total__branches_valid=True), "total.branches_valid " + NONNEG),
        (line_with(total__lines_covered=877), "total: more covered than measured"),
        (line_with(total__branches_covered=49), "total: more covered than measured"),
        (line_with(threshold=[90]), "threshold must be [old, new]"),
        (line_with(threshold=90), "threshold must be [old, new]"),
        (line_with(threshold__0="95"), "threshold[0] must be a number"),
        (line_with(threshold__1=None), "threshold[1] must be a number"),
        (line_with(threshold__1=False), "threshold[1] must be a number"),
        (line_with(threshold__1=100.5), "threshold[1] must be a percentage"),
        (line_with(threshold__0=-1), "threshold[0] must be a percentage"),
        (line_with(baseline=None), "baseline must be [old, new]"),
        (line_with(baseline=[None, None, None]), "baseline must be [old, new]"),
        (line_with(baseline__0=95), "baseline[0] must be an object"),
        (line_with(baseline__1__ratio=1), "baseline[1]: unexpected key 'ratio'"),
        (
            line_with(baseline__1__covered=925),
            "baseline[1] covers 925 of 924: more than it measured",
        ),
        (
            line_with(baseline__1__branches=925),
            "baseline[1].branches 925 is more than it measured",
        ),
        (line_with(baseline__1__covered=-1), "baseline[1].covered must be a non-negative integer"),
        (line_with(baseline__1__measured="924"), "baseline[1].measured " + NONNEG),
        (line_with(baseline__1__branches=-1), "baseline[1].branches " + NONNEG),
        (line_with(baseline__1__uncovered=-1), "baseline[1].uncovered " + NONNEG),
        (
            line_with(baseline__1__uncovered=69),
            "baseline[1].uncovered 69 is more than the 68 the accepted run left uncovered: it can "
            "only be fewer",
        ),
        (line_with(baseline__0__percent=100.01), "baseline[0].percent must be a percentage"),
        (line_with(baseline__0__percent="99"), "baseline[0].percent must be a number"),
        (line_with(reason=None), "an accept event needs a reason"),
        (line_with(reason=" \t "), "an accept event needs a reason"),
        (line_with(reason=5), "reason must be a string of at most 2000 characters or null"),
        (
            line_with(reason="x" * 2001),
            "reason must be a string of at most 2000 characters or null",
        ),
        (line_with(author="x" * 401), AUTHOR),
        (line_with(author=["Ann"]), AUTHOR),
        (line_with(commit="f" * 65), "commit must be a string of at most 64 characters or null"),
    ],
)
def test_from_line__each_bad_field_is_named(line: str, message: str):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        history.from_line(line)


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"reason": "x" * 2000}, lambda e: len(e.reason) == 2000),  # the longest reason
        ({"author": "x" * 400, "commit": "f" * 64}, lambda e: len(e.author + e.commit) == 464),
        ({"author": None, "commit": None}, lambda e: (e.author, e.commit) == (None, None)),
        ({"threshold": [None, 0]}, lambda e: e.threshold == (None, 0)),
        ({"threshold": [100, 100.0]}, lambda e: str(e.threshold[1]) == "100"),  # normalized
        ({"baseline": [None, None]}, lambda e: e.baseline == (None, None)),
        ({"baseline__1__branches": None}, lambda e: e.baseline[1].branches is None),
        ({"baseline__1__uncovered": None}, lambda e: e.baseline[1].uncovered is None),
        ({"baseline__1": {"covered": 0, "measured": 0}}, lambda e: e.baseline[1].percent == 100),
        ({"date": "2026-12-06T01:02:03.500Z"}, lambda e: e.date.endswith(".500Z")),
    ],
)
def test_from_line__boundaries_that_are_accepted(changes, check):
    assert check(history.from_line(line_with(**changes)))


def test_parse__orders_by_date_keeps_file_order_on_ties_and_skips_blank_lines():
    later = json.loads(history.to_line(ACCEPT))
    tie = {**later, "reason": "second on the same second"}
    text = "\n".join(
        [json.dumps(later), "", history.to_line(INIT).strip(), "   ", json.dumps(tie), ""]
    )
    events = history.parse(text, source="coverage-history.jsonl")
    assert [(e.event, e.reason) for e in events] == [
        ("init", None),
        ("accept", "vendored the legacy importer"),
        ("accept", "second on the same second"),
    ]
    assert history.parse("", source="h") == []


def test_parse__the_line_and_the_file_are_named():
    text = history.to_line(INIT) + "\n" + line_with(total__lines_covered=900) + "\n"
    with pytest.raises(RatchetError) as e:
        history.parse(text, source="ci/coverage-history.jsonl")
    assert str(e.value) == ("ci/coverage-history.jsonl: line 3: total: more covered than measured")


@pytest.mark.parametrize("marker", ["<<<<<<< HEAD", "=======", ">>>>>>> feature", "||||||| base"])
def test_parse__a_merge_conflict_says_how_to_resolve_it(marker: str):
    text = history.to_line(INIT) + marker + "\n" + history.to_line(ACCEPT)
    with pytest.raises(RatchetError) as e:
        history.parse(text, source="ci/bar.jsonl")
    assert str(e.value) == (
        "ci/bar.jsonl: line 2: a merge conflict marker. Every line is one event and their "
        "order does not matter: keep both sides' lines and delete the markers (or add "
        "`bar.jsonl merge=union` to .gitattributes so git does it)"
    )


def test_new_since__only_what_the_branch_added():
    update = dataclasses.replace(INIT, event="update", date="2026-12-03T00:00:00Z")
    assert history.new_since([INIT, update, ACCEPT], [INIT]) == [update, ACCEPT]
    assert history.new_since([INIT], [INIT, ACCEPT]) == []
    assert history.new_since([], []) == []


def test_read__no_file_is_no_history(tmp_path: Path):
    assert history.read(tmp_path / "coverage-history.jsonl") == []
    (tmp_path / "h.jsonl").write_text(history.to_line(ACCEPT) + history.to_line(INIT))
    assert history.read(tmp_path / "h.jsonl") == [INIT, ACCEPT]


def test_now__utc_to_the_second_and_read_back():
    stamp = history.now()
    assert len(stamp) == 20 and stamp.endswith("Z")
    assert history.from_line(line_with(date=stamp)).date == stamp


@pytest.mark.integration
def test_who_and_what__nothing_known_where_git_cannot_run(tmp_path: Path):
    # The directory is gone (or git is not installed): no author, no commit, no crash.
    assert history.who_and_what(tmp_path / "gone") == (None, None)
