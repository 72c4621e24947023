"""The PR comment at scale: ten thousand changed files, a patch of 5,000 files with 20 KB
paths and messages (some 200 MB of strings), still within GitHub's limit. Kept out of the unit
tier (``slow``: it builds megabytes); the rules, case by case, are in test_render_comment."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from ratchet.core import rules
from ratchet.core.models import Counts
from ratchet.core.results import (
    Failure,
    FileChange,
    PatchFile,
    PatchResult,
    Result,
)
from ratchet.render import comment
from tests.github.test_render_comment import LINKS, heading, table_rows, verdict_for

pytestmark = pytest.mark.slow


def test_render__ten_thousand_changed_files_stay_under_githubs_limit():
    long = "pkg/" + "deeply/nested/" * 30
    changes = tuple(
        FileChange(f"{long}m{i:05}.py", Counts(i % 7 + 3, i % 7 + 1), Counts(i % 7 + 3, i % 7))
        for i in range(10_000)
    )
    failures = tuple(Failure(rules.FILE_REGRESSION, c.path, f"{c.path}: dropped") for c in changes)
    v = verdict_for({"a.py": (1, 1)})
    result = Result(dataclasses.replace(v, changes=changes, failures=failures), "fail")
    text = comment.render(result)
    assert len(text) <= comment.BUDGET
    rows = table_rows(text)
    assert len(rows) == comment.MAX_ROWS
    assert f"…and {10_000 - len(rows)} more files not shown." in text
    assert heading(text) == "### ❌ Coverage 50.00% — 10000 files fell"
    # The worst first: among equal uncovered growth, the biggest drop (1/3 -> 0/3).
    assert "| 33.33% | 0.00% | -33.33 | +1 |" in rows[0]


def huge_patch(n: int) -> PatchResult:
    long = "pkg/" + "deeply/nested/" * 300
    spans = tuple((i, i) for i in range(1, 20_000, 2))
    return PatchResult(
        description="the diff in " + "&" * 20_000,
        files=tuple(
            PatchFile(f"{long}m{i}.py", "renamed", f"{long}o{i}.py", Counts(10**4, 1), spans)
            for i in range(n)
        ),
        counts=Counts(10**4 * n, n),
        threshold=Decimal(90),
        failures=tuple(Failure("patch_below_threshold", None, "<" * 20_000) for _ in range(n)),
        notes=tuple("@" * 20_000 for _ in range(n)),
        indirect=tuple(FileChange(f"{long}i{i}.py", Counts(4, 4), Counts(4, 1)) for i in range(n)),
    )


def test_render__a_huge_patch_stays_under_githubs_limit():
    v = dataclasses.replace(
        verdict_for({"a.py": (1, 1)}),
        changes=tuple(FileChange(f"f{i}.py", Counts(4, 2), Counts(4, 1)) for i in range(5000)),
        notes=tuple("&" * 20_000 for _ in range(50)),
    )
    text = comment.render(Result(v, "fail", huge_patch(5000)), links=LINKS)
    assert len(text) <= comment.BUDGET
    assert "**Changed lines:** 0.01% (5000/50000000 lines+branches) covered" in text
    assert "not shown." in text
    assert "…and 5045 more (see the job's log)" in text  # 50 notes and 5000 of the patch
