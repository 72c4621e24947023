"""The PR comment (and job summary) rendered from a ``Result``, read as GitHub renders it."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from fractions import Fraction

import pytest

from ratchet.core import plan, rules
from ratchet.core.config import Config
from ratchet.core.models import Baseline, Counts, FileCoverage, Report
from ratchet.core.results import (
    BarSource,
    BaseBar,
    ComponentMove,
    Event,
    Failure,
    FileChange,
    PatchComponent,
    PatchFile,
    PatchResult,
    Result,
)
from ratchet.render import comment
from ratchet.render import markdown as md
from ratchet.render.headline import signed
from tests.render.gfm import mentions, parse

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
SHA = "0123456789abcdef0123456789abcdef01234567"
LINKS = comment.Links("https://github.com", "octo/shop", SHA)


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
    return Result(v, v.status, plan=plan.make(report, v, cfg, files))


def heading(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("### "))


def table_rows(text: str) -> list[str]:
    start = text.index("| File |")
    rows = []
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("| "):
            break
        rows.append(line)
    return rows


def live(text: str, links: comment.Links | None = None) -> list[str]:
    """What in the rendered comment is live but ours: links elsewhere than the tested
    commit's files or the run, images, scripts, HTML comments but the marker and state,
    mentions."""
    page = parse(text)
    out = [t for t in page.tags if t in ("img", "script", "iframe", "style", "a")]
    ours = f"{LINKS.server}/{LINKS.repository}/blob/{LINKS.commit}/"
    stray = [u for u in page.links if not (u.startswith(ours) or u.startswith("https://run/"))]
    hidden = (" coverage-ratchet:comment", " coverage-ratchet:state ")
    comments = [c for c in page.comments if not c.startswith(hidden)]
    return [t for t in out if t != "a"] + stray + comments + mentions(page.text)


def hostile_result(name: str) -> Result:
    """Every untrusted string of a result holding ``name``: a file that fell, a changed file
    with uncovered lines, notes, a warning, an accept event, the bar's source."""
    r = result_for({name: (1, 9), "ok.py": (5, 5)}, {name: (9, 1), "ok.py": (4, 6)})
    p = PatchResult(
        description=f"the diff in {name}",
        files=(PatchFile(name, "renamed", name, Counts(3, 1), ((2, 3),)),),
        counts=Counts(3, 1),
        threshold=None,
        failures=(),
        notes=(f"1 changed file not in the coverage report: {name}",),
        indirect=(),
    )
    event = Event(
        "accept",
        "2026-12-06T01:02:03Z",
        f"{name} <{name}@evil.example>",
        "c" * 40,
        Counts(10, 5),
        (Decimal(50), Decimal(40)),
        (Baseline(9, 10, 0, 1), Baseline(5, 10, 0, 5)),
        reason=f"because {name}",
    )
    return dataclasses.replace(
        r,
        patch=p,
        accepted=(event,),
        warnings=(name,),
        source=BarSource(name, name, name),
        verdict=dataclasses.replace(
            r.verdict,
            failures=(*r.verdict.failures, Failure("a_new_kind", None, name)),
            notes=(name,),
        ),
    )


@pytest.mark.parametrize("name", HOSTILE)
def test_render__hostile_strings_stay_inert(name):
    text = comment.render(hostile_result(name), ident="", links=LINKS, run_url="https://run/1")
    assert live(text) == []
    assert text.splitlines()[0] == comment.marker("")
    assert comment.state_of(text) == text.splitlines()[1]
    page = parse(text)
    files = next(rows for rows in _tables(page) if rows[0][0] == "File")
    assert all(len(row) == 6 for row in files)  # no column injected
    assert any(name.replace("\n", "\\n") in cell.replace("\u200d", "") for cell in files[1])


def _tables(page):
    """The rendered tables, each a list of rows of cell texts (a header row starts each)."""
    out: list[list[list[str]]] = []
    for row in page.cells:
        if row and row[0] in ("File", "Component", "Date"):
            out.append([])
        out[-1].append(row)
    return out


@pytest.mark.parametrize(
    ("now", "before", "kwargs", "expected"),
    [
        # Raising: the total rose over the next step.
        ({"a.py": (91, 9)}, None, {"threshold": 80, "baseline": "85", "baseline_uncovered": 15},
         "✅ Coverage 91.00% (+6.00) — the threshold rises to 90%"),
        # Holding: nothing to record.
        ({"a.py": (85, 15)}, None, {"threshold": 85, "baseline": "85", "baseline_uncovered": 15},
         "✅ Coverage 85.00% (+0.00) — holds the 85% baseline"),
        # Deleted covered code: under the baseline without a regression.
        ({"a.py": (80, 15)}, None, {"threshold": 80, "baseline": "85", "baseline_uncovered": 15},
         "✅ Coverage 84.21% (-0.79) — 0.79 points under the baseline, but no line became "
         "uncovered"),
        ({"a.py": (1, 1)}, None, {"threshold": 0},
         "✅ Coverage 50.00% — no baseline recorded yet; the threshold rises to 50%"),
        ({"a.py": (1, 1)}, None, {"threshold": 50},
         "✅ Coverage 50.00% — no baseline recorded yet; over the 50% threshold"),
        # Failing: the reason, with each number once.
        ({"a.py": (70, 30)}, None, {"threshold": 75},
         "❌ Coverage 70.00% — 5.00 points under the 75% threshold"),
        ({"a.py": (72, 28)}, None, {"threshold": 75, "baseline": "85", "baseline_uncovered": 15},
         "❌ Coverage 72.00% — 13.00 points under the 85% baseline and 3.00 under the 75% "
         "threshold"),
        ({"a.py": (1, 3), "b.py": (1, 1)}, {"a.py": (3, 1), "b.py": (2, 0)}, {},
         "❌ Coverage 33.33% — 2 files fell"),
        ({"a.py": (1, 3), "b.py": (2, 0)}, {"a.py": (3, 1), "b.py": (2, 0)}, {},
         "❌ Coverage 50.00% — 1 file fell"),
    ],
)  # fmt: skip
def test_heading__the_verdict_and_its_reason_in_one_sentence(now, before, kwargs, expected):
    assert heading(comment.render(result_for(now, before, **kwargs))) == f"### {expected}"


def test_heading__the_configured_precision_everywhere():
    r = dataclasses.replace(
        result_for({"a.py": (2, 1)}, {"a.py": (1, 1)}, threshold=70, baseline="85"), precision=1
    )
    text = comment.render(r)
    assert heading(text) == (
        "### ❌ Coverage 66.7% — 18.3 points under the 85% baseline and 3.3 under the 70% threshold"
    )
    assert "| a\\.py | 50.0% | 66.7% | +16.7 |  |" in text
    # One number style: no percent or delta at another precision, no ASCII arrow.
    body = re.sub(r"\(\d+/\d+\)", "", text)
    assert not re.search(r"\d\.\d{2,}", body), body
    assert "->" not in text.replace("-->", "")


def test_accepted__the_heading_says_the_bar_is_lowered_and_the_reason_follows():
    v = verdict_for({"a.py": (60, 40)}, threshold=55, baseline=Baseline(60, 100, 0, 40))
    events = tuple(
        Event(
            "accept",
            f"2026-12-0{i}T01:02:03Z",
            "Ann Example <ann@example.invalid>",
            "ab" * 20,
            Counts(100, 60),
            (Decimal(75), Decimal(55)),
            (Baseline(76, 100, 0, 24), Baseline(60, 100, 0, 40)),
            reason=f"reason {i}: the flaky suite goes",
            components=(
                ComponentMove(
                    "web", (Decimal(70), Decimal(60)), (Baseline(7, 10), Baseline(6, 10))
                ),
            ),
        )
        for i in (1, 2)
    )
    # The base's own bar (what checking reads at the ref), never the events' claimed old values.
    base = BaseBar(Decimal(75), Baseline(76, 100, 0, 24))
    text = comment.render(Result(v, "pass", accepted=events, base=base), hidden=False)
    lines = text.splitlines()
    assert lines[0] == (
        "### ⚠️ Coverage 60.00% — the bar is lowered on purpose, 16.00 points under the base's "
        "76.00% baseline; threshold 75% → 55%"
    )
    assert lines[2] == (
        "- **Reason:** reason 1\\: the flaky suite goes (`ratchet accept`, 2026\\-12\\-01, Ann "
        "Example at abababa: records threshold 55%, baseline 60.00%; component web: "
        "threshold 60%, baseline 60.00%)"
    )
    assert lines[3].startswith("- **Reason:** reason 2")  # every event, none dropped
    assert "ann@example" not in text  # the name, not the e-mail address
    assert "Uncovered lines+branches 24 → 40, measured 100 → 100, against the base's" in text


def test_accepted__many_events_shorten_their_reasons_never_drop_one():
    v = verdict_for({"a.py": (60, 40)})
    event = Event(
        "accept", "2026-12-06T01:02:03Z", None, None, Counts(100, 60),
        (Decimal(75), Decimal(55)), (None, None), reason="r" * 2_000,
    )  # fmt: skip
    text = comment.render(Result(v, "pass", accepted=(event,) * comment.MAX_ACCEPTED))
    assert text.count("- **Reason:**") == comment.MAX_ACCEPTED
    assert len(text) < comment.BUDGET


def test_files__one_table_failing_first_with_newly_uncovered_lines_linked():
    r = result_for(
        {"src/a b.py": (5, 5), "src/c.py": (10, 0), "src/d.py": (3, 3), "src/e.py": (6, 4)},
        {"src/a b.py": (9, 1), "src/c.py": (9, 1), "src/d.py": (3, 2), "src/e.py": (6, 4)},
    )
    p = PatchResult(
        description="d",
        files=(
            PatchFile("src/a b.py", "modified", None, Counts(4, 1), ((3, 4), (9, 9))),
            PatchFile("src/new.py", "added", None, Counts(2, 0), ((1, 2),)),
        ),
        counts=Counts(6, 1),
        threshold=None,
        failures=(),
        notes=(),
        indirect=(FileChange("src/d.py", Counts(5, 3), Counts(6, 3)),),
        prefix="pkg",
    )
    text = comment.render(dataclasses.replace(r, patch=p), links=LINKS)
    blob = f"https://github.com/octo/shop/blob/{SHA}/pkg/src"
    assert table_rows(text) == [
        f"| ❌ src/a b\\.py | 90.00% | 50.00% | -40.00 | +4: [3-4]({blob}/a%20b.py#L3-L4), "
        f"[9]({blob}/a%20b.py#L9) | yes |",
        "| ❌ src/d\\.py | 60.00% | 50.00% | -10.00 | +1 | no |",
        f"| src/new\\.py | — | — | — | [1-2]({blob}/new.py#L1-L2) | yes |",
        "| src/c\\.py | 90.00% | 100.00% | +10.00 |  | no |",
    ]
    assert text.count("| File |") == 1  # one table of files, the indirect ones a column
    assert "| |" not in text  # no table with an empty header row


def test_files__without_patch_coverage_no_touched_column_and_no_links():
    text = comment.render(result_for({"a.py": (1, 3)}, {"a.py": (3, 1)}), links=LINKS)
    assert table_rows(text) == ["| ❌ a\\.py | 75.00% | 25.00% | -50.00 | +2 |"]
    assert "| File | Before | After | Δ | Newly uncovered |" in text


@pytest.mark.parametrize(
    ("server", "repo", "sha"),
    [
        ("https://github.com", None, SHA),
        ("https://github.com", "octo/shop", None),
        ("https://github.com", "octo/shop", "abc"),
        ("javascript:alert(1)//", "octo/shop", SHA),
        ("https://github.com", "octo/shop)(x", SHA),
    ],
)
def test_links__only_when_repository_and_commit_are_known_and_well_formed(server, repo, sha):
    assert comment.Links.of(server, repo, sha) is None


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("a/b.py", f"https://github.com/octo/shop/blob/{SHA}/a/b.py#L1-L2"),
        ("a/x).py", f"https://github.com/octo/shop/blob/{SHA}/a/x%29.py#L1-L2"),
        ("../../evil/repo", None),  # a link never leaves the repository's files
        ("/etc/passwd", None),
        ("a//b.py", None),
        ("x" * 500, None),  # a link is at most MAX_URL long: a path of ~400 characters
    ],
)
def test_links__a_path_percent_encoded_and_kept_inside_the_repository(path, url):
    assert LINKS.lines(path, 1, 2) == url


def test_trend__only_from_three_recorded_points_collapsed():
    def event(pct):
        return Event(
            "update", "2026-12-06T01:02:03Z", None, None, Counts(100, pct),
            (Decimal(50), Decimal(50)), (None, None),
        )  # fmt: skip

    r = result_for({"a.py": (9, 1)})
    two = comment.render(dataclasses.replace(r, trend=(event(70), event(76))))
    assert "Trend" not in two
    three = comment.render(dataclasses.replace(r, trend=(event(70), event(76), event(80))))
    assert "<details><summary>Trend ▁▅█ 70.00% → 80.00% over the last 3 recorded bars" in three


def test_update__the_new_bar_at_the_shown_precision_never_the_artifacts_strings():
    r = result_for({"a.py": (91, 9)}, {"a.py": (85, 15)}, threshold=80, baseline="85")
    assert r.plan is not None
    # The strings of an artifact are not what the comment shows: the plan's values are.
    settings = tuple(dataclasses.replace(s, reason="x" * 20_000) for s in r.plan.settings * 8)
    r = dataclasses.replace(r, plan=dataclasses.replace(r.plan, settings=settings))
    text = comment.render(r)
    assert "`ratchet update` would record: threshold → 90%, baseline → 91.00%." in text
    assert "x" * 100 not in text
    assert len(text) < 2_000


def test_components__a_row_each_with_its_changed_lines_gated_or_not():
    from tests.github.test_resultjson import mono_outcome

    r = dataclasses.replace(Result.of(mono_outcome()), accepted=())
    p = PatchResult(
        description="d", files=(), counts=Counts(4, 1), threshold=None, failures=(), notes=(),
        indirect=(),
        components=(
            PatchComponent("api", Counts(2, 1), None),
            PatchComponent("web", Counts(2, 0), Decimal(80)),
        ),
    )  # fmt: skip
    text = comment.render(dataclasses.replace(r, patch=p))
    assert "| Component | Total | Δ | Threshold | Baseline | Changed lines |" in text
    # Under its own threshold and gated by nothing: said with ⚠️, not neutral.
    assert "| ✅ api | 90.00% | +2.00 | 85% | 88.00% | 50.00% ⚠️ not gated |" in text
    assert "| ❌ web | 50.00% |  | 60% | none yet | 0.00% ❌ (gate 80%) |" in text


@pytest.mark.parametrize("rows", [10, 1000])
def test_render__the_budget_holds_whatever_the_row_cap(rows):
    changes = tuple(
        FileChange("p/" * 50 + f"{i}.py", Counts(4, 2), Counts(4, 1)) for i in range(5000)
    )
    v = dataclasses.replace(verdict_for({"a.py": (1, 1)}), changes=changes)
    text = comment.render(Result(v, "pass"), max_rows=rows, budget=20_000)
    assert len(text) <= 20_000
    assert len(table_rows(text)) <= rows


def test_render__a_huge_name_is_shortened_keeping_its_end():
    name = "x" * 5000 + "/tail.py"
    text = comment.render(result_for({name: (1, 1)}, {name: (2, 0)}))
    (row,) = table_rows(text)
    assert row.startswith("| ❌ …" + "x" * (md.MAX_PATH - 10))
    assert "tail\\.py |" in row
    assert "x" * (md.MAX_PATH + 1) not in text


def test_render__without_the_hidden_lines_for_the_summary():
    result = result_for({"a.py": (9, 1)})
    shown = comment.render(result, hidden=False)
    assert shown.startswith("### ✅ Coverage 90.00% — no baseline recorded yet; the threshold")
    assert "<!--" not in shown
    assert comment.render(result).split("\n", 2)[2] == shown


def test_footer__provenance_in_one_line_not_a_table():
    r = dataclasses.replace(
        result_for({"a.py": (9, 1)}, threshold=70, baseline=Baseline(85, 100, 0, 15)),
        source=BarSource("pyproject.toml", "main", "f" * 40),
    )
    text = comment.render(r, run_url="https://github.com/o/r/actions/runs/1")
    assert text.splitlines()[-1] == (
        "<sub>Bar: threshold 70%, baseline 85.00% (85/100) from main at fffffff "
        "(pyproject\\.toml) · coverage-ratchet · [workflow run]"
        "(https://github.com/o/r/actions/runs/1)</sub>"
    )


def test_why__one_line_of_counts_and_deleted_covered_code_is_not_a_regression():
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
    assert comment.why(Result(v, v.status)) == (
        "Uncovered lines+branches 2 → 5, measured 24 → 21 (9 covered deleted, which is not a "
        "regression; 1 new file, 1 removed)."
    )


def test_why__lines_that_lost_coverage_are_not_also_deleted():
    # 8 covered, 2 not -> 6 covered, 4 not: two lines lost coverage; nothing was deleted.
    v = verdict_for({"a.py": (6, 4)}, {"a.py": (8, 2)})
    assert comment.Movement.of(v.changes) == comment.Movement(uncovered_added=2)
    assert comment.why(Result(v, v.status)) == "Uncovered lines+branches 2 → 4, measured 10 → 10."


def test_why__a_baselined_file_missing_from_the_report_is_not_counted_as_deleted():
    report, cfg, files = parts_for({"a.py": (8, 2)}, {"a.py": (8, 2), "gone.py": (4, 1)})
    v = rules.evaluate(report, cfg, files, exists=lambda path: True)
    assert v.unmeasured == frozenset({"gone.py"})
    assert comment.Movement.of(v.changes, v.unmeasured) == comment.Movement(unmeasured_files=1)
    text = comment.render(Result(v, v.status))
    assert "| ❌ gone\\.py | 80.00% | not measured |  |  |" in text
    assert heading(text) == "### ❌ Coverage 80.00% — 1 file not measured"


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
    assert signed(value, 2) == shown


def test_render__every_field_at_the_artifacts_limits_stays_within_the_budget():
    """Bounded by construction: each string at the longest the artifact accepts, of the
    character that escapes longest; the accept events and the trend as many as it accepts,
    every other list longer than the comment shows: the comment stays under the budget,
    never reaching the hard cut."""
    from ratchet.core.results import BarSource, Cause, ComponentVerdict, Plan, Setting
    from ratchet.render import jsonfields as a

    worst = "\u202e"  # escapes to 7 characters
    text, path = worst * a.MAX_MESSAGE, worst * a.MAX_PATH
    name = "n" * 64
    event = Event(
        "accept", "2026-12-06T01:02:03Z", worst * 400, "c" * 64, Counts(10, 5),
        (Decimal(50), Decimal(40)), (Baseline(9, 10, 0, 1), Baseline(5, 10, 0, 5)),
        reason=worst * 2_000,
        components=tuple(
            ComponentMove(f"{name[:60]}{i:04}", (Decimal(50), Decimal(40)), (None, None))
            for i in range(10)
        ),
    )  # fmt: skip
    changes = tuple(FileChange(f"{path}{i}", Counts(4, 2), Counts(4, 1)) for i in range(100))
    failures = tuple(Failure("a_new_kind", path, text) for _ in range(20)) + tuple(
        Failure("file_regression", path, text, cause=Cause(text, f"{text}{i % 2}", path))
        for i in range(20)
    )  # causes two ways, each naming every failure it explains
    components = tuple(
        ComponentVerdict(f"{name[:60]}{i:04}", Counts(4, 1), Decimal(50), None, failures[:3])
        for i in range(comment.MAX_COMPONENTS + 10)
    )
    v = dataclasses.replace(
        verdict_for({"a.py": (1, 1)}),
        changes=changes,
        failures=failures,
        notes=(text,) * 20,
        components=components,
    )
    spans = tuple((i, i) for i in range(1, 60, 2))
    p = PatchResult(
        description=text,
        files=tuple(
            PatchFile(f"{path}{i}", "renamed", path, Counts(9, 1), spans) for i in range(100)
        ),
        counts=Counts(900, 100),
        threshold=Decimal(90),
        failures=failures,
        notes=(text,) * 20,
        indirect=changes,
        components=tuple(PatchComponent(c.name, Counts(2, 1), Decimal(80)) for c in components),
    )
    settings = tuple(Setting("threshold", "50%", "60%", worst * a.MAX_REASON) for _ in range(16))
    r = Result(
        v, "fail", p,
        Plan(Decimal(60), None, settings, ()),
        accepted=(event,) * a.MAX_ACCEPTED,
        trend=(event,) * a.MAX_TREND,
        warnings=(text,) * 20,
        source=BarSource(path, worst * 256, "c" * 64),
        base_changes=changes,
    )  # fmt: skip
    body = comment.render(r, links=LINKS, run_url="https://run/1")
    assert len(body) <= comment.BUDGET
    assert not body.endswith("…\n")  # not the hard cut: every part was bounded on its own
    assert table_rows(body)  # and the files still have room
    assert live(body) == []


def _tolerated(now, **kwargs):
    """A result judged with a tolerance of 2 points."""
    report, cfg, files = parts_for(now, **kwargs)
    cfg = dataclasses.replace(cfg, tolerance=Decimal(2))
    v = rules.evaluate(report, cfg, files)
    return Result(v, v.status)


def _event(threshold=(Decimal(75), Decimal(75)), baseline=(None, None), components=()):
    return Event(
        "accept", "2026-12-06T01:02:03Z", None, None, Counts(100, 60), threshold, baseline,
        reason="why", components=components,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        # Patch coverage that must measure something and measured nothing.
        (Result(verdict_for({"a.py": (1, 1)}), "fail", PatchResult(
            "d", (), Counts(), None,
            (Failure("patch_empty", None, 'no measurable changed lines and patch_empty = "fail"'),),
            (), ())),
         "❌ Coverage 50.00% — no measurable changed line"),
        # A loosened bar, and a kind this version does not know.
        (Result(dataclasses.replace(verdict_for({"a.py": (1, 1)}), failures=(
            Failure("bar_lowered", None, "loosens"), Failure("from_the_future", None, "x"))),
            "fail"),
         "❌ Coverage 50.00% — the change loosens the bar; 1 other failure"),
        # Under the baseline with more uncovered, but within the tolerance.
        (_tolerated({"a.py": (84, 16)}, threshold=80, baseline=Baseline(85, 100, 0, 15)),
         "✅ Coverage 84.00% (-1.00) — 1.00 points under the baseline, within the tolerance"),
        # An accept that lowered the baseline only.
        (Result(verdict_for({"a.py": (60, 40)}, threshold=50, baseline=Baseline(60, 100)), "pass",
                accepted=(_event((Decimal(50),) * 2, (Baseline(70, 100), Baseline(60, 100))),),
                base=BaseBar(Decimal(50), Baseline(70, 100))),
         "⚠️ Coverage 60.00% — the bar is lowered on purpose, 10.00 points under the base's "
         "70.00% baseline"),
    ],
)  # fmt: skip
def test_heading__the_rarer_reasons(result, expected):
    assert heading(comment.render(result)) == f"### {expected}"


def test_heading__the_baseline_rises_while_the_threshold_stays():
    r = result_for({"a.py": (86, 14)}, threshold=85, baseline=Baseline(85, 100, 0, 15))
    assert r.plan is not None and r.plan.threshold == 85
    assert (
        heading(comment.render(r))
        == "### ✅ Coverage 86.00% (+1.00) — the baseline rises to 86.00%"
    )


def test_update__a_refusal_for_bad_input_is_said_a_regression_is_not():
    from ratchet.core.results import Blocker

    r = result_for({"a.py": (9, 1)})
    assert r.plan is not None
    stale = dataclasses.replace(r.plan, blockers=(Blocker("input", "coverage.xml is stale"),))
    text = comment.render(dataclasses.replace(r, plan=stale))
    assert "`ratchet update` would not record this: coverage\\.xml is stale" in text
    failed = dataclasses.replace(r.plan, blockers=(Blocker("regression", "the total fell"),))
    assert "would not record" not in comment.render(dataclasses.replace(r, plan=failed))


def test_accepted__past_the_cap_the_rest_are_counted_and_components_against_the_base():
    from tests.github.test_resultjson import mono_outcome

    r = dataclasses.replace(Result.of(mono_outcome()), accepted=())
    web = ComponentMove("web", (Decimal(60), Decimal(60)), (Baseline(70, 100), Baseline(50, 100)))
    events = (_event(components=(web,)),) * (comment.MAX_ACCEPTED + 2)
    # The base's own bars, as checking reads them at the ref (web's at 70%).
    base = BaseBar(r.verdict.threshold, r.verdict.baseline, (("web", Baseline(70, 100)),))
    text = comment.render(dataclasses.replace(r, accepted=events, base=base))
    assert "- …and 2 more accept events (see the history file)" in text
    # What an event records, its new values only: what it claims they were is never shown.
    assert "component web: threshold 60%, baseline 50.00%" in text
    assert "70.00% →" not in text
    # web's Δ is against the baseline it had before the change lowered it.
    assert "| ❌ web | 50.00% | -20.00 | 60% | none yet |" in text
