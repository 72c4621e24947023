"""A bar recorded without branch coverage, and a report measured with it (or the other way
round): when that is a new measure, which no verdict can hold to the old bar (``accept``
records it), and when it may be what a failure comes from."""

from __future__ import annotations

from collections.abc import Mapping

from ratchet.core.config import Config
from ratchet.core.models import Counts, Report
from ratchet.core.numbers import fmt_pct, percent

MEASURE_BRANCHES = "pytest --cov-branch, or branch = true in [tool.coverage.run]"


def lines_only_bar(config: Config, file_baseline: Mapping[str, Counts] | None) -> bool:
    """Whether the bar was recorded without branches: recorded counts say so as ``branches =
    0`` (an older file's percent says nothing; its per-file lines then decide), and a
    per-file line that holds branches says the bar had them."""
    if file_baseline and any(c.branches_valid for c in file_baseline.values()):
        return False
    b = config.baseline
    if b is None or b.branches is None:
        return bool(file_baseline)
    return b.branches == 0


def branches_appeared(
    report: Report, config: Config, file_baseline: Mapping[str, Counts] | None
) -> str | None:
    """Why a report that measures branches cannot be held to a bar recorded without them
    (lines+branches against a lines-only baseline read as a regression no code caused, and
    per-file lines fail by the dozen), or None: comparable.

    A bar of code without a single branch, measured with branch coverage, records ``0``
    too; its first ``if`` is code, not a new measure. So the refusal needs evidence that
    the code measured is the code the bar measured: a file with the statements its
    per-file line counted and branches now, or a total of exactly the baseline's
    statements. Without it the report is judged, and a failure says what may be the cause
    (``appeared_note``)."""
    t = report.totals
    if not t.branches_valid or not lines_only_bar(config, file_baseline):
        return None
    b = config.baseline
    evidence = None
    for f in report.files:
        before = (file_baseline or {}).get(f.path)
        c = f.counts
        if before is not None and c.branches_valid and c.lines_valid == before.lines_valid:
            evidence = (
                f"{f.path} has the {c.lines_valid} statements it had, and "
                f"{c.branches_valid} branches now"
            )
            break
    if evidence is None and b is not None and b.exact and b.measured == t.lines_valid:
        evidence = f"the baseline's {t.lines_valid} statements, and {t.branches_valid} branches now"
    if evidence is None:
        return None
    lines_only = Counts(t.lines_valid, t.lines_covered)
    said = f"counting lines only, as the bar does, it covers {t.lines_covered} of {t.lines_valid}"
    said += f" ({fmt_pct(percent(lines_only), 2)}%)"
    if b is not None and b.exact:
        assert b.covered is not None and b.measured is not None
        said += f"; the baseline covered {b.covered} of {b.measured} ({fmt_pct(b.percent, 2)}%)"
    return (
        "branch measurement is new since the bar was recorded: the bar measured no branches "
        f"and this report measures {t.branches_valid} ({evidence}), so its total cannot be "
        f"held to it ({said}). To measure branches from now on, record the new measure with "
        '`ratchet accept --reason "measure branches"` in this change: the bar restarts from '
        "this report, on the record, and reviewers see what falls. Otherwise run the tests "
        "without branch coverage, as the bar was measured"
    )


def appeared_note(
    report: Report, config: Config, file_baseline: Mapping[str, Counts] | None
) -> str | None:
    """For a failing report that measures branches against a bar recorded without any, when
    ``branches_appeared`` cannot tell a new measure from new code: what may be the cause."""
    t = report.totals
    if not t.branches_valid or not lines_only_bar(config, file_baseline):
        return None
    return (
        f"the bar measured no branches and this report measures {t.branches_valid}: if branch "
        "coverage was turned on since, that is the fall; record the new measure with "
        '`ratchet accept --reason "measure branches"`'
    )
