"""``ratchet report``'s text and Markdown tables from constructed reports: the Missing
notation case by case, reports that name no branch destinations, and the layout's edges.
(Line-for-line parity with ``coverage report -m`` on real runs: tests/commands/test_report.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from ratchet.core.models import Counts, FileCoverage, LineDetail, Report
from ratchet.core.notation import missing_text
from ratchet.readers.load import load
from ratchet.render import markdown, text
from ratchet.render.common import human_key

pytestmark = pytest.mark.unit

ISTANBUL = Path(__file__).resolve().parent.parent / "fixtures" / "istanbul"


def file(
    path: str = "a.py",
    hits: dict[int, int] | None = None,
    branches: dict[int, tuple[int, frozenset[str]]] | None = None,
) -> FileCoverage:
    detail = LineDetail(hits if hits is not None else {1: 1}, branches or {})
    return FileCoverage.from_detail(path, detail, keep_detail=False)


def missed(*names: str) -> frozenset[str]:
    return frozenset(names)


# -- the Missing column ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hits", "branches", "shown"),
    [
        # Statements 1, 2, 5, 9 (3, 4 and 6-8 are blank, comments, excluded): 2, 5 and 9
        # are missing, and only 1 ran, so 2-9 is one span.
        ({1: 1, 2: 0, 5: 0, 9: 0}, {}, "2-9"),
        ({1: 0, 2: 1, 5: 0, 9: 0, 12: 1, 13: 0}, {}, "1, 5-9, 13"),
        ({1: 1, 2: 1}, {}, ""),
        # A missed branch into a line that ran: shown; into a missing line: the line is.
        ({1: 1, 2: 1, 3: 0, 4: 1}, {1: (2, missed("4")), 2: (2, missed("3"))}, "1->4, 3"),
        # Out of the function; a second exit of the same line is listed again.
        ({5: 1, 6: 1}, {5: (3, missed("exit", "exit#2"))}, "5->exit, 5->exit"),
        # Sorted like coverage.py: by line, then as text ("82->100" before "82->85").
        (
            {80: 1, 82: 1, 83: 0, 85: 1, 100: 1},
            {82: (4, missed("85", "100", "exit"))},
            "82->100, 82->85, 82->exit, 83",
        ),
        # A branch line that did not run is not partial: its line is listed, not its arcs.
        ({1: 0, 2: 1}, {1: (2, missed("2", "exit"))}, "1"),
        # Branches named by count only (istanbul, gcovr; LCOV's block,branch): once a line.
        ({4: 1, 5: 1}, {4: (4, missed("#0", "#1"))}, "4->?"),
        ({4: 1, 5: 1}, {4: (3, missed("0,1", "5", "exit"))}, "4->5, 4->?, 4->exit"),
    ],
)
def test_missing_text__coverage_py_notation(
    hits: dict[int, int], branches: dict[int, tuple[int, frozenset[str]]], shown: str
):
    assert missing_text(file(hits=hits, branches=branches)) == shown


def test_missing_spans__placeholder_lines_never_listed():
    # LCOV summary-only records become lines below 1: counted, never listed.
    f = file(hits={-2: 0, -1: 1, 3: 0, 4: 0})
    assert f.counts == Counts(4, 1)
    assert f.missing_spans == ((3, 4),)
    assert missing_text(f) == "3-4"


@pytest.mark.parametrize(
    ("hits", "spans"),
    [({}, ()), ({1: 1, 2: 1}, ()), ({-1: 0, 1: 1}, ()), ({3: 0, 1: 0, 2: 1}, ((1, 1), (3, 3)))],
    ids=["no-lines", "all-ran", "only-a-placeholder-missing", "unordered"],
)
def test_missing_spans__edges(hits: dict[int, int], spans: tuple[tuple[int, int], ...]):
    assert LineDetail(hits).missing_spans() == spans


def test_partial_branches__brpart_counts_missed_branches_of_lines_that_ran():
    f = file(
        hits={1: 1, 2: 0, 3: 1, 4: 1},
        branches={
            1: (2, missed("2")),  # ran, one missed: partial
            2: (2, missed("3", "4")),  # did not run: not partial
            3: (3, missed("exit", "1")),  # ran, two missed: two partial branches
            4: (2, missed()),  # all taken
            7: (2, missed("8")),  # a line the report does not list: not known to have run
        },
    )
    assert f.partial_branches == ((1, ("2",)), (3, ("1", "exit")))
    assert f.partial_count == 3
    assert f.counts.branches_valid - f.counts.branches_covered == 6


def test_from_detail__without_missing_lines_nothing_is_listed():
    detail = LineDetail({1: 1, 2: 0}, {1: (2, missed("2"))})
    f = FileCoverage.from_detail("a.py", detail, keep_detail=False, keep_missing_lines=False)
    assert (f.missing_lines, f.missing_spans, f.partial_branches) == ((), (), ())
    assert f.counts == Counts(2, 1, 2, 1)


@pytest.mark.parametrize("name", ["cobertura-coverage.xml", "lcov.info"])
def test_istanbul__partial_lines_without_destinations(name: str):
    # Real nyc output: branches are counts, so a partial line reads "4->?". Line 4's missed
    # branch goes into line 5, which did not run: coverage.py would list only 5, but
    # nothing in this report says where the branch goes.
    rep = load([ISTANBUL / name], root=ISTANBUL)
    calc = next(f for f in rep.files if f.path.endswith("calc.js"))
    assert missing_text(calc) == "4->?, 5, 8->?, 11"
    assert calc.partial_count == 2  # line 11's two missed branches: it never ran
    row = next(line for line in text.report(rep).splitlines() if "calc.js" in line)
    assert row.split()[1:] == ["8", "2", "10", "2", "66.67%", "4->?,", "5,", "8->?,", "11"]


# -- layout ----------------------------------------------------------------------------------
# The expected tables below are what coverage.py's own ``SummaryReporter.report_text``
# (7.18.0) writes for the same cells.


def report(*files: FileCoverage) -> Report:
    return Report(files)


def test_report__files_in_coverage_pys_order():
    names = ["b/f10.py", "b/f2.py", "a.py", "B.py", "b/f2a.py"]
    rep = report(*(file(n) for n in sorted(names)))
    rows = [line.split()[0] for line in text.report(rep).splitlines()[2:-2]]
    assert rows == ["B.py", "a.py", "b/f2.py", "b/f2a.py", "b/f10.py"]
    assert human_key("x1") != human_key("x01")  # ties broken by the name itself


def test_report__columns_and_widths():
    rep = report(
        file("a_rather_long_module_name.py", {1: 1, 2: 0}, {1: (2, missed("exit"))}),
        file("b.py", {1: 1}),
    )
    assert text.report(rep, precision=2) == (
        "Name                           Stmts   Miss Branch BrPart   Cover   Missing\n"
        "---------------------------------------------------------------------------\n"
        "a_rather_long_module_name.py       2      1      2      1  50.00%   1->exit, 2\n"
        "b.py                               1      0      0      0 100.00%\n"
        "---------------------------------------------------------------------------\n"
        "TOTAL                              3      1      2      1  60.00%\n"
    )


def test_report__no_branches_no_branch_columns_and_no_missing_column():
    rep = report(file("a.py", {1: 1, 2: 0}))
    assert text.report(rep, precision=0, show_missing=False) == (
        "Name    Stmts   Miss  Cover\n"
        "---------------------------\n"
        "a.py        2      1    50%\n"
        "---------------------------\n"
        "TOTAL       2      1    50%\n"
    )


def test_report__every_file_skipped_no_rule_above_total():
    rep = report(file("a.py", {1: 1}), file("b.py", {}))
    assert text.report(rep, precision=0, skip_covered=True, show_missing=False) == (
        "Name    Stmts   Miss  Cover\n"
        "---------------------------\n"
        "TOTAL       1      0   100%\n"
        "\n"
        "2 files skipped due to complete coverage.\n"
    )


def test_report__skip_empty_counts_only_what_skip_covered_left():
    rep = report(file("a.py", {1: 0}), file("b.py", {}), file("c.py", {1: 1}))
    out = text.report(rep, skip_covered=True, skip_empty=True)
    assert out.endswith("\n\n2 files skipped due to complete coverage.\n")  # b.py among them
    out = text.report(rep, skip_empty=True)
    assert out.endswith("\n\n1 empty file skipped.\n")
    assert "b.py" not in out and "c.py" in out


def test_report__control_characters_in_names_escaped():
    rep = report(file("x\x1b[31m\n.py", {1: 0}))
    first = text.report(rep).splitlines()[2]
    assert first.startswith("x\\x1b[31m\\n.py   ")


# -- Markdown ----------------------------------------------------------------------------------


def test_markdown__rounds_as_coverage_py():
    # 255/259 = 98.4555...%: coverage.py shows 98.46 (truncating would say 98.45).
    rep = report(file("a.py", {i: int(i <= 255) for i in range(1, 260)}))
    out = markdown.report(rep, precision=2)
    assert out.startswith("**Coverage: 98.46%** (255/259 lines+branches)")
    assert "| a\\.py | 259 | 4 | 98.46% |" in out


def test_markdown__coverage_py_columns_least_covered_first():
    rep = report(
        file("a.py", {1: 1, 2: 1}),
        file("b.py", {1: 1, 2: 0, 3: 1}, {1: (2, missed("3"))}),
    )
    assert markdown.report(rep, precision=1) == (
        "**Coverage: 71.4%** (5/7 lines+branches)\n"
        "\n"
        "| File | Stmts | Miss | Branch | BrPart | Cover |\n"
        "|---|---:|---:|---:|---:|---:|\n"
        "| b\\.py | 3 | 1 | 2 | 1 | 60.0% |\n"
        "| a\\.py | 2 | 0 | 0 | 0 | 100.0% |\n"
    )


def test_markdown__rows_capped_least_covered_kept():
    rep = report(*(file(f"f{i}.py", {1: 1, 2: int(i > 0), 3: int(i > 1)}) for i in range(4)))
    out = markdown.report(rep, max_rows=2)
    assert "f0\\.py" in out and "f1\\.py" in out and "f2\\.py" not in out
    assert out.endswith("\n\n…and 2 more files (least covered shown first).\n")


def test_markdown__skip_options():
    rep = report(file("a.py", {1: 0}), file("b.py", {}), file("c.py", {1: 1}))
    out = markdown.report(rep, skip_covered=True)
    assert "a\\.py" in out and "c\\.py" not in out and "b\\.py" not in out
    assert out.endswith("\n\n2 files skipped due to complete coverage.\n")
    out = markdown.report(rep, skip_empty=True)
    assert "b\\.py" not in out and "c\\.py" in out
    assert out.endswith("\n\n1 empty file skipped.\n")
