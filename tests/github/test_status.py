"""What ``publish`` derives from an Outcome: annotations, outputs, when to comment, status."""

from __future__ import annotations

import dataclasses

import pytest

from ratchet.core.models import Baseline
from ratchet.core.results import PatchResult
from ratchet.github import status
from tests.github.test_render_comment import result_for

pytestmark = pytest.mark.unit


def test_status__description_within_140_characters():
    result = result_for({"a.py": (1, 99999)}, threshold="99.999999", baseline="99.999999")
    patch = PatchResult(
        "the diff", (), result.verdict.totals, None, result.failures * 50, (), (), ()
    )
    many = dataclasses.replace(result, patch=patch)
    for r in (result, many):
        text = status.description(r)
        assert len(text) <= status.MAX_DESCRIPTION
        assert text.startswith("fail: 0.01%")  # never 0 unless none is covered


@pytest.mark.parametrize(
    ("baseline", "expected"),
    [
        (
            Baseline(covered=265, measured=1000, branches=0, uncovered=735),
            "pass: 26.80%, +0.30 vs baseline 26.50%, threshold 20%",
        ),
        ("26.5", "pass: 26.80%, +0.30 vs baseline 26.5%, threshold 20%"),  # an older file's
        (None, "pass: 26.80%, threshold 20%"),
    ],
    ids=["exact", "legacy", "none"],
)
def test_status__description_says_the_baseline_as_a_percent(baseline, expected):
    # It printed the Baseline's repr: "+0.30 vs baseline Baseline(covered=265, ...)%".
    result = result_for({"a.py": (268, 732)}, threshold=20, baseline=baseline)
    assert status.description(result) == expected
