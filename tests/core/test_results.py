"""The values a run's result is made of (``ratchet.core.results``): what each says of
itself (pass or fail, exact margins and deltas, exit codes), at the boundaries."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction

import pytest

from ratchet.core.config import Config
from ratchet.core.models import Baseline, Counts, Report
from ratchet.core.results import (
    BAD_INPUT,
    FILE_MISSING,
    REGRESSION,
    BaseBar,
    Blocker,
    Cause,
    ComponentVerdict,
    Failure,
    FileChange,
    Outcome,
    PatchComponent,
    PatchResult,
    Plan,
    Result,
    Setting,
    Verdict,
)
from ratchet.errors import EXIT_ERROR, EXIT_FAIL, EXIT_PASS

pytestmark = pytest.mark.unit

FELL = Failure("total_regression", None, "total fell")
TWO_OF_THREE = Counts(3, 2)
THREE_OF_FOUR = Counts(4, 3)


def verdict(totals=TWO_OF_THREE, threshold="50", baseline=None, failures=()) -> Verdict:
    return Verdict(totals, Decimal(threshold), baseline, failures, (), (), None)


def patch(counts=THREE_OF_FOUR, failures=()) -> PatchResult:
    return PatchResult("changes", (), counts, Decimal(80), failures, (), ())


def test_cause__one_sentence_with_the_details_that_are_there():
    c = Cause("the bar rose", "merge origin/main", "threshold 85% -> 90%")
    assert c.sentence() == "the bar rose (threshold 85% -> 90%): merge origin/main"
    assert c.sentence(("a.py", "", "b.py")) == "the bar rose (a.py; b.py): merge origin/main"
    assert c.sentence(()) == "the bar rose: merge origin/main"
    assert Cause("s", "f").sentence() == "s: f"


def test_failure__text_is_the_message_then_its_cause():
    assert FELL.text == "total fell"
    with_cause = dataclasses.replace(FELL, cause=Cause("s", "f", "d"))
    assert with_cause.text == "total fell; s (d): f"


def test_file_change__delta_exact_and_only_with_both_sides():
    assert FileChange("a.py", Counts(3, 1), Counts(3, 2)).delta == Fraction(100, 3)
    assert FileChange("a.py", Counts(3, 2), Counts(3, 2)).delta == 0
    assert FileChange("new.py", None, Counts(1, 1)).delta is None
    assert FileChange("gone.py", Counts(1, 1), None).delta is None


def test_verdict__margin_and_delta_exact_at_the_bar():
    v = verdict(Counts(3, 2), "66.67", Baseline(2, 3, 0, 1))
    assert v.margin == Fraction(2, 3) * 100 - Fraction("66.67")  # -1/300: just below
    assert v.margin < 0
    assert v.delta == 0  # exactly the baseline's fraction
    assert verdict(baseline=None).delta is None
    assert verdict(Counts(0, 0), "100").margin == 0  # nothing measured counts as 100%


def test_verdict__pass_only_without_failures_and_the_files_not_measured():
    assert verdict().passed and verdict().status == "pass"
    missing = Failure(FILE_MISSING, "pkg/a.py", "not in the report")
    total_missing = Failure(FILE_MISSING, None, "never named a path")
    v = verdict(failures=(missing, total_missing, FELL))
    assert not v.passed and v.status == "fail"
    assert v.unmeasured == {"pkg/a.py"}


def test_component_verdict__status_and_delta():
    c = ComponentVerdict("api", Counts(4, 3), Decimal(75), Baseline(3, 4, 0, 1), ())
    assert (c.status, c.percent, c.delta) == ("pass", Fraction(75), Fraction(0))
    fell = dataclasses.replace(c, failures=(FELL,), baseline=None)
    assert (fell.status, fell.delta) == ("fail", None)


def test_patch_result__empty_means_no_measurable_line():
    assert not patch(Counts(1, 0)).empty
    assert patch(Counts()).empty and patch(Counts()).passed
    assert patch(Counts(4, 3)).percent == Fraction(75)
    assert patch(failures=(FELL,)).status == "fail"
    assert PatchComponent("web", Counts(8, 2), None).percent == Fraction(25)


@pytest.mark.parametrize(
    ("blockers", "settings", "refused", "changes", "exit_code"),
    [
        ((), (), False, False, EXIT_PASS),
        ((), (Setting("threshold", "80%", "85%", "r"),), False, True, EXIT_PASS),
        ((Blocker(REGRESSION, "fell"),), (), True, False, EXIT_FAIL),
        # Refused: its settings are what it would have recorded, not changes.
        ((Blocker(REGRESSION, "fell"),), (Setting("threshold", None, "85%", "r"),), True, False, 1),
        # Bad input outweighs a regression: the report cannot be recorded at all.
        ((Blocker(REGRESSION, "f"), Blocker(BAD_INPUT, "stale")), (), True, False, EXIT_ERROR),
    ],
)
def test_plan__refused_changes_and_exit_code(blockers, settings, refused, changes, exit_code):
    p = Plan(Decimal(80), None, settings, (), blockers=blockers)
    assert (p.refused, p.changes, p.exit_code) == (refused, changes, exit_code)


def test_plan__setting_by_key():
    s = Setting("components.api.threshold", "60%", "65%", "r")
    p = Plan(Decimal(80), None, (s,), ())
    assert p.setting("components.api.threshold") == s
    assert p.setting("threshold") is None


def test_base_bar__a_component_by_name():
    b = BaseBar(Decimal(80), None, (("api", Baseline(1, 2, 0, 1)), ("web", None)))
    assert b.component("api") == Baseline(1, 2, 0, 1)
    assert b.component("web") is None
    assert b.component("cli") is None


@pytest.mark.parametrize(
    ("failures", "patch_failures", "status", "code"),
    [
        ((), None, "pass", EXIT_PASS),
        ((), (), "pass", EXIT_PASS),
        ((FELL,), None, "fail", EXIT_FAIL),
        ((), (FELL,), "fail", EXIT_FAIL),  # the verdict passes, the changed lines do not
    ],
)
def test_outcome__passes_only_when_the_verdict_and_the_patch_do(
    failures, patch_failures, status, code
):
    p = None if patch_failures is None else patch(failures=patch_failures)
    o = Outcome(Report(()), verdict(failures=failures), Config(precision=3), patch=p)
    assert (o.status, o.exit_code) == (status, code)
    r = Result.of(o)
    assert (r.status, r.precision, r.patch) == (status, 3, p)
    assert r.failures == failures + (patch_failures or ())
