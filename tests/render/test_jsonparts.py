"""The parts several sections of a result's JSON share (``ratchet.render.jsonparts``): counts,
a baseline's three keys, a failure, a file's change; each loaded back as it was dumped, and
refused naming the field when it is not what a run writes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ratchet.core.models import Baseline, Counts
from ratchet.core.results import Cause, Failure, FileChange
from ratchet.render import jsonparts
from ratchet.render.jsonfields import MAX_FAILURE, Fields, InvalidArtifact

pytestmark = pytest.mark.unit

F = Fields("result.json")


def through_json(x):
    return json.loads(json.dumps(x))


def refused(message: str):
    return pytest.raises(InvalidArtifact, match=message)


# -- counts -----------------------------------------------------------------------------------


def test_counts__load_is_the_inverse_of_dump():
    c = Counts(10, 7, 4, 1)
    assert jsonparts.load_counts(F, through_json(jsonparts.counts(c)), "totals") == c
    assert jsonparts.load_optional_counts(F, None, "before") is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lines_covered": 11}, r"^.*totals: more covered than measured$"),
        ({"branches_covered": 5}, r"^.*totals: more covered than measured$"),
        ({"lines_valid": "10"}, r"totals\.lines_valid: must be an integer"),
        ({"percent": 101}, r"totals\.percent: must be a percentage"),
        ({"uncovered": 3}, r"totals: unexpected key 'uncovered'"),
    ],
)
def test_counts__refused_naming_the_field(change, message):
    data = {**jsonparts.counts(Counts(10, 7, 4, 1)), **change}
    with refused(message):
        jsonparts.load_counts(F, data, "totals")


def test_counts__extra_keys_only_where_the_caller_allows_them():
    data = {**jsonparts.counts(Counts(10, 10)), "uncovered": 0}
    assert jsonparts.load_counts(F, data, "totals", extra=("uncovered",)) == Counts(10, 10)
    all_covered = {**jsonparts.counts(Counts(10, 10))}  # exactly as many covered: taken
    assert jsonparts.load_counts(F, all_covered, "totals") == Counts(10, 10)


# -- baselines --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "baseline",
    [
        None,
        Baseline(771, 776, 0, 5),
        Baseline(1, 3, None, None),  # an older bar's counts: branches and uncovered unknown
        Baseline(uncovered=4, legacy=Decimal("99.35")),
    ],
)
def test_baseline__load_is_the_inverse_of_dump(baseline):
    data = through_json(jsonparts.baseline_fields(baseline))
    assert set(data) == set(jsonparts.BASELINE_KEYS)
    assert jsonparts.load_baseline(F, data, "baseline") == baseline


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"baseline": None, "baseline_counts": None, "baseline_uncovered": 3},
            r"baseline: counts without a baseline",
        ),
        (
            {"baseline": 50, "baseline_counts": {"covered": 2, "measured": 3, "branches": 0},
             "baseline_uncovered": None},
            r"baseline: does not match its counts",
        ),
        (
            {"baseline": 100, "baseline_counts": {"covered": 4, "measured": 3, "branches": 0},
             "baseline_uncovered": None},
            r"baseline_counts: covers 4 of 3: more than it measured",
        ),
        (
            {"baseline": 50, "baseline_counts": {"covered": 2, "measured": 4, "branches": 5},
             "baseline_uncovered": None},
            r"baseline_counts\.branches: 5 is more than it measured",
        ),
        (
            {"baseline": 50, "baseline_counts": {"covered": 2, "measured": 4, "branches": 0},
             "baseline_uncovered": 3},
            r"baseline_uncovered: 3 is more than the 2 the accepted run left",
        ),
        (
            {"baseline": 50, "baseline_counts": {"covered": 2, "measured": 4},
             "baseline_uncovered": None},
            r"baseline_counts: missing key 'branches'",
        ),
    ],
)  # fmt: skip
def test_baseline__refused_naming_the_field(fields, message):
    with refused(message):
        jsonparts.load_baseline(F, fields, "baseline")


def test_baseline__the_percent_within_a_millionth_of_its_counts():
    counts = {"covered": 2, "measured": 3, "branches": 0}  # 66.666666...%
    near = {"baseline": 66.666667, "baseline_counts": counts, "baseline_uncovered": None}
    assert jsonparts.load_baseline(F, near, "baseline") == Baseline(2, 3, 0)
    off = {**near, "baseline": 66.666668}
    with refused("baseline: does not match its counts"):
        jsonparts.load_baseline(F, off, "baseline")


# -- failures, changes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        Failure("total_regression", None, "total 80% is below 85%"),
        Failure("file_regression", "pkg/a.py", "pkg/a.py: 90% -> 80%", "api"),
        Failure("file_regression", "a.py", "a.py fell", cause=Cause("the bar rose", "merge", "")),
    ],
)
def test_failure__load_is_the_inverse_of_dump(failure):
    data = through_json(jsonparts.failure_dict(failure))
    assert data["message"] == failure.text  # the whole sentence, cause included
    assert jsonparts.load_failure(F, data, "failures[0]") == failure


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "Total"}, r"failures\[0\]\.kind: must be a lower-case identifier"),
        ({"kind": "k" * 65}, r"failures\[0\]\.kind: must be a string of at most 64"),
        ({"message": "m" * (MAX_FAILURE + 1)}, r"failures\[0\]\.message: must be a string"),
        ({"path": 3}, r"failures\[0\]\.path: must be a string"),
        ({"component": "a b"}, r"failures\[0\]\.component: must be a component name"),
        ({"cause": {"said": "s", "fix": "f", "detail": ""}}, r"does not end with its cause"),
    ],
)
def test_failure__refused_naming_the_field(change, message):
    data = {**jsonparts.failure_dict(Failure("file_regression", "a.py", "fell")), **change}
    with refused(message):
        jsonparts.load_failure(F, data, "failures[0]")


def test_failure__a_message_at_its_limit_is_taken():
    data = jsonparts.failure_dict(Failure("k", None, "m" * MAX_FAILURE))
    assert jsonparts.load_failure(F, data, "failures[0]").message == "m" * MAX_FAILURE


def test_change__load_is_the_inverse_of_dump_and_needs_a_side():
    for change in (
        FileChange("a.py", Counts(4, 2), Counts(4, 1)),
        FileChange("new.py", None, Counts(1, 1)),
        FileChange("gone.py", Counts(1, 0), None),
    ):
        data = through_json(jsonparts.change_dict(change))
        assert jsonparts.load_changes(F, [data], "files_changed") == (change,)
    with refused(r"files_changed\[0\]: neither before nor after"):
        jsonparts.load_changes(F, [{"path": "x", "before": None, "after": None}], "files_changed")
