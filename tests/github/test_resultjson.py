"""The untrusted result (``ratchet.github.resultjson``): strict parsing, its status checked
against its own numbers, and the same comment on both sides of the fence. The files it comes
in: tests/github/test_artifact.py."""

from __future__ import annotations

import copy
import dataclasses
import json
from decimal import Decimal

import pytest

from ratchet.core import plan, rules
from ratchet.core.config import Component, Config
from ratchet.core.models import Baseline, Counts, FileCoverage, Report
from ratchet.core.patch import PATCH_BELOW_THRESHOLD
from ratchet.core.results import (
    BarSource,
    Cause,
    Failure,
    FileChange,
    Lowering,
    Outcome,
    PatchFile,
    PatchResult,
)
from ratchet.core.rules import FILE_REGRESSION
from ratchet.github import resultjson
from ratchet.render import jsonout
from ratchet.render.comment import render, result_of
from ratchet.render.jsonfields import InvalidArtifact
from ratchet.render.outcome import outcome_dict
from ratchet.store import history
from tests.github.test_render_comment import HOSTILE

BASELINE = Baseline(60, 100, 0, 30)


def outcome_for(now, before, *, threshold=50, baseline=BASELINE):
    report = Report(tuple(FileCoverage(p, Counts(c + m, c)) for p, (c, m) in sorted(now.items())))
    cfg = Config(
        threshold=Decimal(threshold),
        baseline=baseline,
        baseline_file="coverage-baseline.tsv",
        present=True,
    )
    files = {p: Counts(c + m, c) for p, (c, m) in before.items()}
    verdict = rules.evaluate(report, cfg, files)
    return Outcome(report, verdict, cfg, plan=plan.make(report, verdict, cfg, files))


NOW = {"a.py": (8, 4), "b.py": (5, 0), "c.py": (3, 1), HOSTILE[0]: (1, 3), HOSTILE[3]: (2, 2)}
BEFORE = {"a.py": (8, 2), "b.py": (10, 0), "d.py": (4, 0), HOSTILE[0]: (3, 1), HOSTILE[3]: (2, 2)}


@pytest.fixture(scope="module")
def _judged():
    """One verdict (an outcome is a frozen value) and its JSON text, for the module."""
    judged = outcome_for(NOW, BEFORE)
    return judged, jsonout.dumps(outcome_dict(judged))


@pytest.fixture
def outcome(_judged):
    return _judged[0]


@pytest.fixture
def doc(_judged):
    """The outcome's JSON document, a fresh copy to change."""
    return json.loads(_judged[1])


def parse(doc):
    return resultjson.parse_result(json.dumps(doc), source="result.json")[0]


def with_patch(outcome):
    """The outcome with a patch result holding one of everything the comment shows."""
    p = PatchResult(
        description="changes since the merge-base of origin/main (5e55603) up to HEAD",
        files=(
            PatchFile("a.py", "modified", None, Counts(4, 1, 2, 1), ((7, 8), (10, 10)), (2,), (2,)),
            PatchFile(HOSTILE[0], "renamed", HOSTILE[3], Counts(1, 0), ((9, 9),)),
            PatchFile("gone.py", "deleted", None, Counts(), ()),
        ),
        counts=Counts(5, 1, 2, 1),
        threshold=Decimal("80.5"),
        failures=(Failure(PATCH_BELOW_THRESHOLD, None, "patch coverage 28% is below 80.5%"),),
        notes=("1 changed file not in the coverage report (never imported?): new.py",),
        indirect=(FileChange("b.py", Counts(10, 10), Counts(5, 5)),),
        waived=(Failure(FILE_REGRESSION, "b.py", "b.py: dropped"),),
        unreported=("new.py",),
        prefix="pkg",
    )
    return dataclasses.replace(outcome, patch=p)


@pytest.mark.unit
def test_round_trip__the_privileged_side_renders_the_same_comment(outcome, doc):
    again = parse(doc)
    assert again.verdict == outcome.verdict  # `before` rebuilt from totals and changes too
    first = render(result_of(outcome), ident="x", run_url="https://github.example/r")
    assert render(again, ident="x", run_url="https://github.example/r") == first


@pytest.mark.unit
def test_round_trip__a_failures_cause_comes_back_apart(outcome):
    """The comment says one cause once for all the failures it explains: the privileged side
    gets it apart from the message again, not as one more clause of it."""
    rose = Cause("main's bar rose since this branch was cut", "merge or rebase main", "x → y")
    failures = tuple(
        dataclasses.replace(f, cause=rose) if f.kind == FILE_REGRESSION else f
        for f in outcome.verdict.failures
    )
    assert any(f.cause for f in failures)
    outcome = dataclasses.replace(
        outcome, verdict=dataclasses.replace(outcome.verdict, failures=failures)
    )
    doc = json.loads(jsonout.dumps(outcome_dict(outcome)))
    said = [f["message"] for f in doc["failures"] if f["cause"]]
    assert said and all(m.endswith("; main's bar rose since this branch was cut (x → y): merge "
                                   "or rebase main") for m in said)  # fmt: skip
    again = parse(doc)
    assert again.verdict == outcome.verdict
    assert render(again) == render(result_of(outcome))


@pytest.mark.unit
def test_round_trip__the_patch_result_comes_back_whole(outcome):
    outcome = with_patch(outcome)
    again = parse(json.loads(jsonout.dumps(outcome_dict(outcome))))
    assert again.patch == outcome.patch
    text = render(again)
    assert text == render(result_of(outcome))
    # What the comment says about the change: the notes, and which files it did not touch.
    assert "not in the coverage report" in text
    assert "| b\\.py | 100.00% | 100.00% | +0.00 |  | no (not failing) |" in text


def _set(path, value):
    def mutate(d):
        *parents, last = path
        for k in parents:
            d = d[k]
        d[last] = value

    return mutate


def _drop(key):
    return lambda d: d.pop(key)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_set(["extra"], 1), "unexpected key 'extra'"),
        (_drop("totals"), "missing key 'totals'"),
        (_set(["schema_version"], 2), "schema_version"),
        (_set(["status"], "pass"), "says pass but lists failures"),
        (_set(["status"], "PASS<script>"), "status"),
        (_set(["threshold"], 101), "threshold: must be a percentage"),
        (_set(["threshold"], "80"), "threshold: must be a number"),
        (_set(["baseline"], True), "baseline: must be a number"),
        (_set(["totals", "lines_covered"], 10**6), "more covered than measured"),
        (_set(["totals", "lines_valid"], -1), "totals.lines_valid"),
        (_set(["totals", "uncovered"], 0), "does not match"),
        (_set(["failures", 0, "kind"], "Bad Kind"), "lower-case identifier"),
        (_set(["failures", 0, "message"], "x" * 16_385), "at most 16384 characters"),
        (
            _set(["failures", 0, "cause"], {"said": "s", "fix": "f", "detail": ""}),
            r"failures\[0\].message: does not end with its cause",
        ),
        (_set(["failures", 0, "cause"], {"said": "s", "fix": "f"}), "missing key 'detail'"),
        (
            _set(["failures", 0, "cause"], {"said": "s", "fix": None, "detail": ""}),
            r"failures\[0\].cause.fix: must be a string",
        ),
        (_set(["notes"], "not a list"), "notes: must be a list"),
        (
            _set(
                ["files_changed", 0, "after"],
                {
                    "percent": 0.0,
                    "lines_valid": 10**6,
                    "lines_covered": 0,
                    "branches_valid": 0,
                    "branches_covered": 0,
                },
            ),
            "inconsistent with totals",
        ),
        (_set(["files_changed", 0], {"path": "x", "before": None, "after": None}), "neither"),
        (_set(["files_changed", 0, "path"], 5), "files_changed\\[0\\].path"),
        (_set(["files_changed", 0, "after", "lines_covered"], 10**9), "more covered"),
        (_set(["patch"], {"counts": 1}), "patch"),
        (_set(["id"], "x" * 65), "id: must be a string of at most 64"),
    ],
)
def test_parse__refuses_what_a_check_run_cannot_have_written(doc, mutate, message):
    bad = copy.deepcopy(doc)
    mutate(bad)
    with pytest.raises(InvalidArtifact, match=message):
        parse(bad)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": NaN}', "NaN is not valid JSON"),
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ("[" * 100_000 + "]" * 100_000, "not JSON"),
        ("{", "not JSON"),
        ("[]", "must be an object"),
    ],
)
def test_parse__strict_json(text, message):
    with pytest.raises(InvalidArtifact, match=message):
        resultjson.parse_result(text, source="result.json")


@pytest.mark.integration
def test_real_cli_json__is_accepted(run_ratchet, workspace):
    workspace.configure(
        threshold=50, baseline="60", baseline_uncovered=40, file_baseline={"a.py": (5, 5)}
    )
    workspace.write_report({"a.py": (6, 4), "new.py": (1, 1)})
    res = run_ratchet(
        "check", "--format", "json", "--no-github", "coverage.json", cwd=workspace.root
    )
    assert res.code == 0, res
    result, ident = resultjson.parse_result(res.stdout, source="stdout")
    assert ident is None
    assert result.status == "pass"
    assert [c.path for c in result.verdict.changes] == ["a.py", "new.py"]
    assert result.verdict.before == Counts(10, 5)


def _forged_pass(doc, **extra):
    return {**doc, "status": "pass", "failures": [], **extra}


@pytest.mark.unit
def test_parse__a_pass_its_own_numbers_contradict_is_refused(outcome):
    # NOW/BEFORE: 19/29 = 65.5% (threshold 50, baseline 60), a.py and the hostile file lost
    # coverage; all of it forged into a pass.
    doc = json.loads(jsonout.dumps(outcome_dict(outcome)))
    with pytest.raises(InvalidArtifact, match="2 file\\(s\\) lost coverage beyond 0"):
        parse(_forged_pass(doc, tolerance=0, file_tolerance=0))
    # The file drops are 13.3 and 50 points: a file_tolerance of 60 covers them.
    assert parse(_forged_pass(doc, tolerance=0, file_tolerance=60)).status == "pass"
    update = {**doc["update"], "threshold": 70}
    below = _forged_pass(doc, threshold=70, new_threshold=70, update=update)
    with pytest.raises(InvalidArtifact, match="below the threshold 70%"):
        parse(below)
    counts = {"covered": 66, "measured": 100, "branches": 0}
    fell = _forged_pass(doc, baseline=66, baseline_counts=counts, baseline_uncovered=1)
    with pytest.raises(InvalidArtifact, match=r"fell below the baseline 66\.0000%"):
        parse({**fell, "tolerance": 0.4})
    assert parse({**fell, "tolerance": 0.5}).status == "pass"  # 0.48 points: within it
    # Covered code deleted, nothing newly uncovered: a lower percent is no regression.
    exempt = {**fell, "baseline_uncovered": doc["totals"]["uncovered"], "tolerance": 0}
    assert parse(exempt).status == "pass"


@pytest.mark.unit
def test_parse__a_patch_below_its_threshold_cannot_pass(outcome):
    doc = json.loads(jsonout.dumps(outcome_dict(with_patch(outcome))))
    doc = _forged_pass(doc, patch={**doc["patch"], "status": "pass", "failures": []})
    doc["patch"]["waived"] = []
    for entry in doc["patch"]["indirect"]:
        entry["waived"] = False
    with pytest.raises(InvalidArtifact, match=r"below patch_threshold 80\.5%"):
        parse(doc)


# -- components, the plan, the history and where the bar came from -------------------------

ACCEPTED = history.from_line(
    '{"v": 1, "event": "accept", "date": "2026-12-06T01:02:03Z", "author": "Ann <a@x.org>", '
    '"commit": null, "reason": "vendored code", "total": {"lines_valid": 200, '
    '"lines_covered": 150, "branches_valid": 0, "branches_covered": 0}, "threshold": [80, 75], '
    '"baseline": [{"percent": 85, "uncovered": 10}, {"covered": 150, "measured": 200, '
    '"branches": 0, "uncovered": 50}]}'
)


def mono_outcome(api=(45, 5), web=(25, 25), *, web_threshold=60):
    """api 90% against its 85 and baseline 88/100; web 50% against ``web_threshold``."""
    components = (
        Component("api", ("api/**",), threshold=Decimal(85), baseline=Baseline(88, 100, 0, 12)),
        Component("web", ("web/**",), threshold=Decimal(web_threshold)),
    )
    cfg = Config(threshold=Decimal(50), components=components, present=True)
    report = Report(
        (
            FileCoverage("api/a.py", Counts(sum(api), api[0])),
            FileCoverage("web/w.py", Counts(sum(web), web[0])),
        )
    )
    verdict = rules.evaluate(report, cfg)
    return Outcome(
        report,
        verdict,
        cfg,
        plan=plan.make(report, verdict, cfg, None),
        accepted=(ACCEPTED,),
        trend=(ACCEPTED,),
        source=BarSource("pyproject.toml", "main", "a" * 40),
        lowered=(LOWERED,),
    )


LOWERED = Lowering("components.web.threshold", "60%", "50%")


@pytest.fixture(scope="module")
def _mono_text():
    """The monorepo outcome's JSON text, made once for the module."""
    return jsonout.dumps(outcome_dict(mono_outcome()))


@pytest.fixture
def mono_doc(_mono_text):
    """Its JSON document, a fresh copy to change."""
    return json.loads(_mono_text)


@pytest.mark.unit
def test_round_trip__components_plan_history_and_source_come_back_whole(mono_doc):
    outcome = mono_outcome()
    assert [c["status"] for c in mono_doc["components"]] == ["pass", "fail"]
    again = parse(mono_doc)
    assert again.verdict == outcome.verdict
    assert again.verdict.components == outcome.verdict.components
    assert again.plan == outcome.plan and again.plan.components == outcome.plan.components
    assert (again.accepted, again.trend) == ((ACCEPTED,), (ACCEPTED,))
    assert again.lowered == (LOWERED,)
    assert parse({k: v for k, v in mono_doc.items() if k != "lowered"}).lowered == ()
    assert again.source == BarSource("pyproject.toml", "main", "a" * 40)
    assert render(again) == render(result_of(outcome))
    assert parse({**mono_doc, "bar_source": None}).source is None
    working_copy = {"config": "pyproject.toml", "ref": None, "commit": None}
    assert parse({**mono_doc, "bar_source": working_copy}).source == BarSource("pyproject.toml")


WEB = ["components", 1]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_set(["components"], {}), "components: must be a list of at most 1000 items"),
        (_set(["components"], [None] * 1001), "components: must be a list of at most 1000"),
        (_set(["components", 0], []), r"components\[0\]: must be an object"),
        (_set([*WEB, "owner"], "me"), r"components\[1\]: unexpected key 'owner'"),
        (lambda d: d["components"][1].pop("totals"), r"components\[1\]: missing key 'totals'"),
        (_set([*WEB, "name"], 5), r"components\[1\].name: must be a component name"),
        (_set([*WEB, "name"], "w" * 65), r"components\[1\].name: must be a component name"),
        # A name is what [tool.ratchet.components.NAME] allows, nothing that Markdown reads.
        (_set([*WEB, "name"], "[x](https://e.x)"), r"components\[1\].name: must be a compo"),
        (_set([*WEB, "name"], "@octocat"), r"components\[1\].name: must be a component name"),
        (_set([*WEB, "threshold"], 100.5), r"components\[1\].threshold: must be a percentage"),
        (_set([*WEB, "percent"], "50%"), r"components\[1\].percent: must be a number"),
        (_set([*WEB, "percent"], -1), r"components\[1\].percent: must be a percentage"),
        (_set([*WEB, "totals", "lines_covered"], 51), r"components\[1\].totals: more covered"),
        (_set([*WEB, "status"], "pass"), r"components\[1\].status: does not match its failures"),
        (_set([*WEB, "status"], "PASS"), r"components\[1\].status: does not match its failures"),
        (
            _set([*WEB, "failures", 0, "component"], 7),
            r"components\[1\].failures\[0\].component: must be a component name",
        ),
        (
            _set([*WEB, "baseline_counts"], {"covered": 1, "measured": 2, "branches": 0}),
            r"components\[1\].baseline: counts without a baseline",
        ),
        (
            _set([*WEB, "baseline_uncovered"], 3),
            r"components\[1\].baseline: counts without a baseline",
        ),
        (
            _set(["components", 0, "baseline_counts", "covered"], 101),
            r"components\[0\].baseline_counts: covers 101 of 100: more than it measured",
        ),
        (
            _set(["components", 0, "baseline_counts", "branches"], 101),
            r"components\[0\].baseline_counts.branches: 101 is more than it measured",
        ),
        (
            _set(["components", 0, "baseline"], 88.01),
            r"components\[0\].baseline: does not match its counts",
        ),
        (
            _set(["components", 0, "baseline_counts"], {"covered": 88, "measured": 100}),
            r"components\[0\].baseline_counts: missing key 'branches'",
        ),
        (
            _set(["components", 0, "baseline_uncovered"], 13),
            r"components\[0\].baseline_uncovered: 13 is more than the 12 the accepted run left",
        ),
        (
            _set(["components", 0, "baseline_uncovered"], -1),
            r"components\[0\].baseline_uncovered: must be an integer between 0 and",
        ),
        # What update would record
        (_set(["update"], None), "update: must be an object"),
        (lambda d: d["update"].pop("components"), "update: missing key 'components'"),
        (_set(["update", "components"], {}), "update.components: must be a list of at most 1000"),
        (_set(["update", "components", 0, "name"], None), r"update.components\[0\].name: must"),
        (
            _set(["update", "components", 0, "threshold"], "85"),
            r"update.components\[0\].threshold: must be a number",
        ),
        (
            _set(["update", "components", 0, "baseline"], 90.5),
            r"update.components\[0\].baseline: does not match its counts",
        ),
        (
            lambda d: d["update"]["components"][0].pop("baseline_uncovered"),
            r"update.components\[0\]: missing key 'baseline_uncovered'",
        ),
        (_set(["update", "status"], "unchanged"), "update.status: does not match the plan"),
        (_set(["update", "exit_code"], 1), "update.status: does not match the plan"),
        (
            _set(["update", "blockers"], [{"kind": "nope", "message": "m"}]),
            r"update.blockers\[0\].kind: unknown",
        ),
        (
            _set(["update", "blockers"], [{"kind": "regression", "message": None}]),
            r"update.blockers\[0\].message: must be a string of at most 8192",
        ),
        # Update's settings: a threshold or a baseline, as a percent; a reason of bounded size.
        (
            _set(["update", "settings"], [{"key": "@x", "old": None, "new": "1%", "reason": ""}]),
            r"update.settings\[0\].key: must be a threshold or a baseline",
        ),
        (
            _set(
                ["update", "settings"],
                [{"key": "baseline", "old": "<b>", "new": None, "reason": ""}],
            ),
            r"update.settings\[0\].old: must be a percent",
        ),
        (
            _set(
                ["update", "settings"],
                [{"key": "threshold", "old": None, "new": "80%", "reason": "x" * 1001}],
            ),
            r"update.settings\[0\].reason: must be a string of at most 1000",
        ),
        (_set(["update", "settings"], [{}] * 17), "update.settings: must be a list of at most 16"),
        (_set(["update", "settings"], [{"key": "k"}]), r"update.settings\[0\]: missing key 'old'"),
        (_set(["new_threshold"], 55), "new_threshold: does not match the update"),
        # Where the bar came from
        (_set(["bar_source"], "main"), "bar_source: must be an object"),
        (lambda d: d["bar_source"].pop("commit"), "bar_source: missing key 'commit'"),
        (_set(["bar_source", "config"], None), "bar_source.config: must be a string"),
        (_set(["bar_source", "ref"], 5), "bar_source.ref: must be a string of at most 256"),
        (_set(["bar_source", "ref"], "r" * 257), "bar_source.ref: must be a string of at most"),
        (_set(["bar_source", "commit"], "c" * 65), "bar_source.commit: must be a string of at"),
        (lambda d: d.pop("bar_source"), "result: missing key 'bar_source'"),
        # The history shown beside the verdict
        (_set(["accepted"], {}), "accepted: must be a list of at most 50 items"),
        (_set(["accepted", 0], "an event"), r"accepted\[0\]: event must be an object"),
        (
            _set(["accepted", 0, "reason"], None),
            r"accepted\[0\]: an accept event needs a reason",
        ),
        (
            _set(["accepted", 0, "total", "lines_covered"], 201),
            r"accepted\[0\]: total: more covered than measured",
        ),
        (_set(["lowered", 0, "old"], None), r"lowered\[0\].old: must be a string"),
        (_set(["lowered", 0], {"key": "k"}), r"lowered\[0\]: missing key 'old'"),
        (_set(["lowered"], {}), "lowered: must be a list of at most"),
        (
            _set(["accepted"], []),
            "lowered: lists what falls, but no accept event lowers it",
        ),
        (_set(["trend", 0, "v"], 2), r"trend\[0\]: unknown version 2"),
        (_set(["trend"], [None] * 11), "trend: must be a list of at most 10 items"),
        (_set(["precision"], 7), "precision: must be an integer between 0 and 6"),
        (_set(["warnings"], [1]), r"warnings\[0\]: must be a string"),
    ],
)
def test_parse__refuses_a_forged_or_truncated_component_plan_source_or_event(
    mono_doc, mutate, message
):
    bad = copy.deepcopy(mono_doc)
    mutate(bad)
    with pytest.raises(InvalidArtifact, match=message):
        parse(bad)


@pytest.mark.unit
def test_parse__a_component_forged_into_a_pass_is_refused(mono_doc):
    # web at 50% against its threshold 60: its failures stripped, its status and the
    # total's turned to pass.
    forged = _forged_pass(copy.deepcopy(mono_doc))
    forged["components"][1].update(status="pass", failures=[])
    with pytest.raises(
        InvalidArtifact,
        match=r"status: says pass, but its own numbers fail: 1 component\(s\) below their "
        r"threshold$",
    ):
        parse(forged)
    # Its failures kept, only the total's status turned to pass.
    listed = _forged_pass(copy.deepcopy(mono_doc))
    with pytest.raises(InvalidArtifact, match="says pass but lists failures"):
        parse(listed)
    # Above its threshold, but fallen from its baseline by more than the tolerance.
    fell = _forged_pass(copy.deepcopy(mono_doc), tolerance=1)
    fell["components"][1].update(
        status="pass",
        failures=[],
        threshold=50,
        baseline=52,
        baseline_counts={"covered": 52, "measured": 100, "branches": 0},
        baseline_uncovered=20,
    )
    with pytest.raises(
        InvalidArtifact,
        match=r"own numbers fail: 1 component\(s\) fell below their baseline by more than 1$",
    ):
        parse(fell)
    fell["tolerance"] = 2  # 50% against 52%: within a tolerance of 2
    assert parse(fell).status == "pass"
    # ...while a component that does pass on its own numbers stays a pass.
    honest = json.loads(jsonout.dumps(outcome_dict(mono_outcome(web_threshold=50))))
    assert honest["status"] == "pass"
    assert parse(honest).status == "pass"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            _set(["patch", "files", 0, "uncovered_ranges"], [[7]]),
            r"patch.files\[0\].uncovered_ranges\[0\]: must be \[first, last\]",
        ),
        (
            _set(["patch", "files", 0, "uncovered_ranges"], [[7, 8, 9]]),
            r"patch.files\[0\].uncovered_ranges\[0\]: must be a list of at most 2 items",
        ),
        (
            _set(["patch", "files", 0, "uncovered_ranges"], [[8, 7]]),
            r"patch.files\[0\].uncovered_ranges\[0\]: must be 1 <= first <= last",
        ),
        (
            _set(["patch", "files", 0, "uncovered_ranges"], [[0, 1]]),
            r"patch.files\[0\].uncovered_ranges\[0\]: must be 1 <= first <= last",
        ),
        (
            _set(["patch", "files", 0, "uncovered_ranges"], [[1, 10**9 + 1]]),
            r"patch.files\[0\].uncovered_ranges\[0\]: must be an integer between 0 and 1000000000",
        ),
        (
            _set(["patch", "files", 0, "status"], "gone"),
            r"patch.files\[0\].status: must be one of added, modified, renamed, copied, deleted",
        ),
        (
            _set(["patch", "files", 0, "covered"], [-1]),
            r"patch.files\[0\].covered\[0\]: must be an integer between 0 and",
        ),
        (_set(["patch", "status"], "ok"), "patch.status: must be 'pass' or 'fail'"),
        (_set(["patch", "status"], "pass"), "patch.status: does not match its failures"),
        (
            _set(["patch", "indirect", 0, "waived"], False),
            r"patch.indirect\[0\].waived: does not match the waived list",
        ),
        (
            _set(["patch", "indirect", 0, "waived"], 1),
            r"patch.indirect\[0\].waived: does not match the waived list",
        ),
        (_set(["patch", "path_prefix"], 5), "patch.path_prefix: must be a string"),
        (_set(["patch", "outside"], [5]), r"patch.outside\[0\]: must be a string"),
    ],
)
def test_parse__refuses_a_forged_patch_result(outcome, mutate, message):
    doc = json.loads(jsonout.dumps(outcome_dict(with_patch(outcome))))
    mutate(doc)
    with pytest.raises(InvalidArtifact, match=message):
        parse(doc)


@pytest.mark.unit
def test_round_trip__precision_base_changes_and_patch_components_come_back(outcome):
    from ratchet.core.results import PatchComponent, Result

    o = with_patch(outcome)
    o = dataclasses.replace(
        o,
        config=dataclasses.replace(o.config, precision=3),
        base_changes=(FileChange("a.py", Counts(12, 11), Counts(12, 8)),),
        patch=dataclasses.replace(
            o.patch, components=(PatchComponent("web", Counts(4, 1), Decimal(80)),)
        ),
    )
    again = parse(json.loads(jsonout.dumps(outcome_dict(o))))
    assert again == Result.of(o)
    assert (again.precision, again.base_changes) == (3, o.base_changes)
    text = render(again)
    assert "| ❌ a\\.py | 91.667% | 66.667% | -25.000 |" in text  # against the base, 3 places
    # Older results (no precision, no base changes) read as before.
    doc = json.loads(jsonout.dumps(outcome_dict(outcome)))
    del doc["precision"], doc["files_changed_from_base"]
    assert (parse(doc).precision, parse(doc).base_changes) == (2, ())
