from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from fractions import Fraction

import pytest

from ratchet import plan, rules
from ratchet.config import Config
from ratchet.models import Baseline, Counts, FileCoverage, Report
from ratchet.render import comment
from ratchet.render import markdown as md
from ratchet.results import Failure, FileChange, PatchFile, PatchResult

pytestmark = pytest.mark.unit

HOSTILE = [
    "<img src=x onerror=alert(1)>.py",
    "@org/team.py",
    "a|b.py",
    "a\\|b.py",
    "[x](http://evil).py",
    "`rm -rf ~`.py",
    "</details><script>alert(1)</script>.py",
    "<!-- coverage-ratchet:comment -->.py",
    "line\nbreak.py",
    "**bold** _it_ ~~s~~ #1 !x.py",
]


def config_for(threshold=0, baseline=None, baseline_uncovered=None):
    """``baseline``: a percent as older versions recorded it, or exact ``Baseline``."""
    if isinstance(baseline, str):
        baseline = Baseline(uncovered=baseline_uncovered, legacy=Decimal(baseline))
    return Config(threshold=Decimal(threshold), baseline=baseline, present=True)


def parts_for(now, before=None, **kwargs):
    report = Report(tuple(FileCoverage(p, Counts(c + m, c)) for p, (c, m) in sorted(now.items())))
    cfg = config_for(**kwargs)
    files = None if before is None else {p: Counts(c + m, c) for p, (c, m) in before.items()}
    return report, cfg, files


def verdict_for(now, before=None, **kwargs):
    report, cfg, files = parts_for(now, before, **kwargs)
    return rules.evaluate(report, cfg, files)


def result_for(now, before=None, **kwargs):
    report, cfg, files = parts_for(now, before, **kwargs)
    v = rules.evaluate(report, cfg, files)
    return comment.Result(v, v.status, plan=plan.make(report, v, cfg, files))


def outside_code(text: str) -> str:
    return re.sub(r"`[^`\n]*`", "", text)


def table_rows(text: str) -> list[str]:
    start = text.index("| File |")
    return [line for line in text[start:].splitlines() if line.startswith("| ")][1:]


@pytest.mark.parametrize("name", HOSTILE)
def test_render__hostile_file_names_stay_inert(name):
    # The file regressed (a failure message names it) and appears in the table.
    result = result_for({name: (1, 9), "ok.py": (5, 5)}, {name: (9, 1), "ok.py": (4, 6)})
    assert result.verdict.failures  # the name is in a failure message, too
    text = comment.render(result, ident="")
    rest = outside_code(text)
    for fragment in (
        "<img",
        "<script",
        "](http",
        "@org",
        "**bold**",
        "<!-- coverage-ratchet:comment -->.",
    ):
        assert fragment not in rest
    assert rest.count("<!--") == 2  # our marker and state lines, nothing forged
    assert text.splitlines()[0] == comment.marker("")
    for row in table_rows(text):
        cells = re.split(r"(?<!\\)\|", row)
        assert len(cells) == 7, row  # 5 cells between the outer pipes: no column injected
        assert re.fullmatch(r" `[^`]*` ", cells[1]), cells[1]  # the name is one code span


def test_render__verdict_totals_bar_and_what_update_would_do():
    result = result_for({"a.py": (90, 10)}, threshold=70, baseline="85", baseline_uncovered=15)
    text = comment.render(result, ident="api", run_url="https://github.example/o/r/actions/runs/1")
    assert text.startswith("<!-- coverage-ratchet:comment:api -->\n")
    assert "### ✅ Coverage ratchet: pass" in text
    assert "**Total: 90.00%** (+5.00 points)" in text
    assert "| Baseline | 85% (15 uncovered) |" in text
    assert "| Threshold | 70% |" in text
    assert "`ratchet update` would record: threshold 70% → **90%**" in text
    assert "baseline 85% → **90\\.0000% \\(90/100\\)** (the total rose)" in text
    assert "Uncovered lines+branches: 15 at the baseline → 10 now" in text
    assert "[workflow run](https://github.example/o/r/actions/runs/1)" in text


def test_render__failure_lists_reasons_and_refuses_update():
    result = result_for({"a.py": (60, 40)}, threshold=70, baseline="80", baseline_uncovered=20)
    text = comment.render(result)
    assert "### ❌ Coverage ratchet: fail" in text
    assert "(-20.00 points)" in text
    assert "**Failures (2)**" in text
    assert "below the threshold" in text
    assert "would not record this" in text


def test_why__derives_added_uncovered_and_deleted_covered_from_counts():
    v = verdict_for(
        {"a.py": (8, 4), "b.py": (5, 0), "c.py": (3, 1)},
        {"a.py": (8, 2), "b.py": (10, 0), "d.py": (4, 0)},
    )
    m = comment.Movement.of(v.changes)
    assert m == comment.Movement(
        uncovered_added=3,
        uncovered_gone=0,
        covered_added=3,
        covered_deleted=9,
        new_files=1,
        removed_files=1,
    )
    text = "\n".join(comment.why(v))
    assert "Measured lines+branches 24 → 21, uncovered 2 → 5" in text
    assert "**3** lines+branches are uncovered that were not" in text
    assert "**9** covered lines+branches were deleted" in text
    assert "1 new file(s), 1 removed file(s)" in text


def test_why__lines_that_lost_coverage_are_not_also_deleted():
    # 8 covered, 2 not -> 6 covered, 4 not: two lines lost coverage; nothing was deleted.
    v = verdict_for({"a.py": (6, 4)}, {"a.py": (8, 2)})
    assert comment.Movement.of(v.changes) == comment.Movement(uncovered_added=2)
    text = "\n".join(comment.why(v))
    assert "**2** lines+branches are uncovered that were not" in text
    assert "deleted" not in text


def test_why__a_baselined_file_missing_from_the_report_is_not_counted_as_deleted():
    # gone.py still exists but the report did not measure it: not "deleted", not "removed".
    report, cfg, files = parts_for({"a.py": (8, 2)}, {"a.py": (8, 2), "gone.py": (4, 1)})
    v = rules.evaluate(report, cfg, files, exists=lambda path: True)
    assert v.unmeasured == frozenset({"gone.py"})
    assert comment.Movement.of(v.changes, v.unmeasured) == comment.Movement(unmeasured_files=1)
    text = "\n".join(comment.why(v))
    assert "- **1** file(s) with a per-file baseline still exist but are not in the report." in text
    assert "deleted" not in text and "removed file" not in text
    assert "| `gone.py` | 80.00% | not in report |" in comment.render(comment.Result(v, v.status))


def test_why__without_any_baseline_says_how_to_record_one():
    assert "No baseline is recorded yet" in comment.why(verdict_for({"a.py": (1, 1)}))[0]


def test_render__ten_thousand_changed_files_stay_under_githubs_limit():
    long = "pkg/" + "deeply/nested/" * 30
    changes = tuple(
        FileChange(f"{long}m{i:05}.py", Counts(i % 7 + 3, i % 7 + 1), Counts(i % 7 + 3, i % 7))
        for i in range(10_000)
    )
    failures = tuple(Failure(rules.FILE_REGRESSION, c.path, f"{c.path}: dropped") for c in changes)
    v = verdict_for({"a.py": (1, 1)})
    result = comment.Result(dataclasses.replace(v, changes=changes, failures=failures), "fail")
    text = comment.render(result)
    assert len(text) <= comment.MAX_COMMENT
    rows = table_rows(text)
    assert 0 < len(rows) <= comment.MAX_ROWS
    assert f"…and {10_000 - len(rows)} more file(s) not shown." in text
    assert f"- …and {10_000 - comment.MAX_FAILURES} more" in text
    # The worst first: among equal uncovered growth, the biggest drop (1/3 -> 0/3).
    assert "| 33.33% | 0.00% | -33.33 | 2 → 3 |" in rows[0]


@pytest.mark.parametrize("rows", [10, 1000])
def test_render__the_budget_holds_whatever_the_row_cap(rows):
    changes = tuple(
        FileChange("p/" * 50 + f"{i}.py", Counts(4, 2), Counts(4, 1)) for i in range(5000)
    )
    v = dataclasses.replace(verdict_for({"a.py": (1, 1)}), changes=changes)
    text = comment.render(comment.Result(v, "pass"), max_rows=rows, budget=20_000)
    assert len(text) <= 20_000 + 1_000
    assert len(table_rows(text)) <= rows


def test_render__a_huge_name_is_shortened_keeping_its_end():
    name = "x" * 5000 + "/tail.py"
    text = comment.render(result_for({name: (1, 1)}, {name: (2, 0)}))
    assert "tail.py`" in text
    table = text[text.index("| File |") :]
    assert "x" * md.MAX_PATH not in table
    assert "x" * (md.MAX_TEXT + 1) not in text  # the failure message is cut, too


def test_state__changes_with_the_verdict_or_the_bar_only():
    a = result_for({"a.py": (9, 1)}, threshold=50, baseline="80")
    b = result_for({"a.py": (8, 2)}, threshold=50, baseline="80")
    c = result_for({"a.py": (9, 1)}, threshold=55, baseline="80")
    d = result_for({"a.py": (1, 9)}, threshold=50, baseline="80")
    assert comment.state(a) == comment.state(b)
    assert comment.state(a) != comment.state(c)
    assert comment.state(a) != comment.state(d)
    assert comment.state_of(comment.render(a)) == comment.state(a)
    assert comment.state_of("no state here") is None


def test_marker__one_id_never_matches_another():
    text = comment.render(result_for({"a.py": (1, 1)}), ident="web")
    assert comment.marker("web") in text.splitlines()
    assert comment.marker("") not in text.splitlines()


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
    text = comment.render(comment.Result(v, "fail", huge_patch(5000)))
    assert len(text) <= comment.MAX_COMMENT
    assert "#### ❌ Changed lines" in text
    assert "Indirect changes: 5000 files" in text
    assert "Files whose coverage changed (5000)" in text
    assert text.count("not shown.") == 3  # each of the three tables says what it left out


def test_render__the_patch_section_carries_notes_and_indirect_changes():
    p = dataclasses.replace(
        huge_patch(1),
        description="the diff in d.patch",
        failures=(),
        notes=("1 changed file not in the coverage report: new.py",),
        waived=(Failure(rules.FILE_REGRESSION, huge_patch(1).indirect[0].path, "dropped"),),
    )
    text = comment.render(comment.Result(verdict_for({"a.py": (1, 1)}), "pass", p))
    assert "> 1 changed file not in the coverage report\\: new\\.py" in text
    assert "| regression, not failing \\(fail\\_on\\_indirect = false\\) |" in text
    assert "<details><summary>Indirect changes: 1 files this change did not touch" in text
    row = next(line for line in text.splitlines() if "| renamed from" in line)
    assert row.endswith(
        "| 1/10000 |  | 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, "
        "31, 33, 35, 37, 39, … |"
    )


def test_render__without_the_hidden_lines_for_the_summary():
    result = result_for({"a.py": (9, 1)})
    shown = comment.render(result, hidden=False)
    assert shown.startswith("### ✅ Coverage ratchet: pass\n")
    assert "<!--" not in shown
    assert comment.render(result).split("\n", 2)[2] == shown


def test_why__a_per_file_baseline_with_nothing_moved_does_not_ask_for_one():
    v = verdict_for({"a.py": (8, 2)}, {"a.py": (8, 2)}, baseline="80", baseline_uncovered=2)
    assert comment.why(v) == ["- No file's coverage moved against the per-file baseline (80.00%)."]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(1, 1000), "+<0.01"),  # a change, however small, is never "+0.00"
        (Fraction(0), "+0.00"),
        (Fraction(-99999, 1000), "-100.00"),  # a margin: not held below 100 like a percent
        (Fraction(-3, 200), "-0.02"),  # 0.015 rounds half to even
    ],
)
def test_signed__a_change_in_points_is_a_margin(value, shown):
    assert comment.signed(value) == shown
