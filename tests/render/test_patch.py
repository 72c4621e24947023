"""The patch-coverage sentence of the text and Markdown outputs (``ratchet.render.patch``):
gated or not, over or under, empty; a component's cell. How ``patch`` judges the changed
lines: tests/core/test_patch.py."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from ratchet.core.models import Counts
from ratchet.core.patch import PATCH_EMPTY
from ratchet.core.results import Failure, PatchComponent
from ratchet.render import patch as render
from tests.core.test_patch import sample

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("threshold", "project", "line"),
    [
        (Decimal(80), Decimal(50), "28.57% (2/7 lines+branches) covered, 51.43 points under the "
         "80% patch threshold ❌."),
        (Decimal("28.57"), Decimal(50), "28.57% (2/7 lines+branches) covered, over the 28.57% "
         "patch threshold ✅."),
        (None, Decimal(50), "28.57% (2/7 lines+branches) covered; not gated (no "
         "patch_threshold) ⚠️."),  # under the project's threshold, and nothing gates it
        (None, Decimal("28.57"), "28.57% (2/7 lines+branches) covered; not gated (no "
         "patch_threshold)."),
    ],
)  # fmt: skip
def test_markdown_line__patch_coverage_once_gated_or_not(threshold, project, line):
    p = dataclasses.replace(sample(), threshold=threshold)
    assert render.markdown_line(p, 2, project) == f"**Changed lines:** {line}"


@pytest.mark.parametrize(
    ("passed", "said", "mood"),
    [
        (True, "none measurable, nothing to judge", render.NEUTRAL),
        (False, 'none measurable, fails: patch_empty = "fail"', render.FAILING),
    ],
)
def test_summary__an_empty_change_judged_by_patch_empty(passed, said, mood):
    failures = () if passed else (Failure(PATCH_EMPTY, None, "no measurable changed line"),)
    p = dataclasses.replace(sample(), files=(), counts=Counts(), failures=failures)
    assert p.empty and p.passed is passed
    assert render.summary(p, 2, Decimal(50)) == (said, mood)


@pytest.mark.parametrize(
    ("counts", "gate", "cell"),
    [
        (Counts(), Decimal(80), "none"),  # no measurable changed line of the component
        (Counts(5, 4), Decimal(80), "80.00% ✅ (gate 80%)"),  # exactly at its gate
        (Counts(1000, 799), Decimal(80), "79.90% ❌ (gate 80%)"),  # one line under
        (Counts(5, 2), None, "40.00% ⚠️ not gated"),  # under the project's 50%
        (Counts(2, 1), None, "50.00%, not gated"),  # exactly the project's: no warning
    ],
)
def test_component_cell__its_own_gate_or_the_projects_threshold(counts, gate, cell):
    c = PatchComponent("web", counts, gate)
    assert render.component_cell(c, 2, Decimal(50)) == cell
