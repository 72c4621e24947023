"""The untrusted result: strict parsing, and the same comment on both sides of the fence."""

from __future__ import annotations

import copy
import dataclasses
import json
from decimal import Decimal

import pytest

from ratchet import plan, rules
from ratchet.config import Config
from ratchet.github import artifact
from ratchet.models import Baseline, Counts, FileCoverage, Report
from ratchet.patch import PATCH_BELOW_THRESHOLD
from ratchet.render import jsonout
from ratchet.render.comment import render, result_of
from ratchet.render.outcome import outcome_dict
from ratchet.results import Failure, FileChange, Outcome, PatchFile, PatchResult
from ratchet.rules import FILE_REGRESSION
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


@pytest.fixture
def outcome():
    return outcome_for(NOW, BEFORE)


@pytest.fixture
def doc(outcome):
    return json.loads(jsonout.dumps(outcome_dict(outcome)))


def parse(doc):
    return artifact.parse_result(json.dumps(doc), source="result.json")[0]


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
def test_round_trip__the_patch_result_comes_back_whole(outcome):
    outcome = with_patch(outcome)
    again = parse(json.loads(jsonout.dumps(outcome_dict(outcome))))
    assert again.patch == outcome.patch
    text = render(again)
    assert text == render(result_of(outcome))
    # What the comment says about the change: the notes and the indirect list, too.
    assert "not in the coverage report" in text
    assert "Indirect changes: 1 files this change did not touch" in text
    assert "regression, not failing" in text


@pytest.mark.unit
def test_id__written_beside_the_result_and_checked(tmp_path, outcome, doc):
    artifact.write(tmp_path, doc, "comment", 3, "api")
    saved = artifact.load(tmp_path)
    assert (saved.ident, saved.pr_number, saved.result.status) == ("api", 3, "fail")
    assert artifact.parse_result(json.dumps(doc), source="r")[1] is None  # check's own JSON
    for bad, message in ((5, "id: must be a string"), ("a -->", "id: id must be")):
        with pytest.raises(artifact.InvalidArtifact, match=message):
            artifact.parse_result(json.dumps({**doc, "id": bad}), source="r")


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
        (_set(["failures", 0, "message"], "x" * 20_001), "at most 20000 characters"),
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
    with pytest.raises(artifact.InvalidArtifact, match=message):
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
    with pytest.raises(artifact.InvalidArtifact, match=message):
        artifact.parse_result(text, source="result.json")


@pytest.mark.unit
def test_load__pr_number_and_file_checks(tmp_path, outcome):
    d = tmp_path / "result"
    artifact.write(d, outcome_dict(outcome), "comment", 12, "")
    saved = artifact.load(d)
    assert saved.pr_number == 12 and saved.result.status == "fail" and saved.ident == ""
    (d / "pr-number").write_text("12\n13")
    with pytest.raises(artifact.InvalidArtifact, match="pr-number"):
        artifact.load(d)
    (d / "pr-number").write_text("1" * 40)
    with pytest.raises(artifact.InvalidArtifact, match="larger than 32 bytes"):
        artifact.load(d)
    (d / "pr-number").unlink()
    (d / "pr-number").symlink_to("/etc/hostname")
    with pytest.raises(artifact.InvalidArtifact, match="not a regular file"):
        artifact.load(d)
    (d / "pr-number").unlink()
    assert artifact.load(d).pr_number is None
    (d / "result.json").write_bytes(b"\xff\xfe")
    with pytest.raises(artifact.InvalidArtifact, match="not UTF-8"):
        artifact.load(d)
    with pytest.raises(artifact.InvalidArtifact, match="missing"):
        artifact.load(tmp_path / "nowhere")


@pytest.mark.unit
def test_load__size_is_capped_before_parsing(tmp_path):
    big = tmp_path / "result.json"
    big.write_text(" " * 2048)
    with pytest.raises(artifact.InvalidArtifact, match="larger than 1024 bytes"):
        artifact._read(big, 1024)


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
    result, ident = artifact.parse_result(res.stdout, source="stdout")
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
    with pytest.raises(artifact.InvalidArtifact, match="2 file\\(s\\) lost coverage beyond 0"):
        parse(_forged_pass(doc, tolerance=0, file_tolerance=0))
    # The file drops are 13.3 and 50 points: a file_tolerance of 60 covers them.
    assert parse(_forged_pass(doc, tolerance=0, file_tolerance=60)).status == "pass"
    update = {**doc["update"], "threshold": 70}
    below = _forged_pass(doc, threshold=70, new_threshold=70, update=update)
    with pytest.raises(artifact.InvalidArtifact, match="below the threshold 70%"):
        parse(below)
    counts = {"covered": 66, "measured": 100, "branches": 0}
    fell = _forged_pass(doc, baseline=66, baseline_counts=counts, baseline_uncovered=1)
    with pytest.raises(artifact.InvalidArtifact, match=r"fell below the baseline 66\.0000%"):
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
    with pytest.raises(artifact.InvalidArtifact, match=r"below patch_threshold 80\.5%"):
        parse(doc)
