"""The privileged half holds a fork's result to its own numbers and to its own id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.github.conftest import HEAD_SHA, pull_request_event, workflow_run_event

pytestmark = pytest.mark.integration


@pytest.fixture
def forked(action, workspace, fake_github):
    """A fork's failing run (40% against threshold 50, baseline 55): its result directory."""
    fake_github.read_only = True
    workspace.configure(threshold=50, baseline="55", baseline_uncovered=50)
    workspace.write_report({"src/a.py": (40, 60)})
    run = action.run(
        {"coverage-files": "coverage.json", "baseline-ref": "none", "id": "api"},
        event=pull_request_event(fork=True),
    )
    assert run.code == 1
    fake_github.read_only = False
    fake_github.calls.clear()
    fake_github.pulls[7] = {"number": 7, "head": {"sha": HEAD_SHA}}
    return Path(run.outputs["result-dir"])


def post(action, result_dir, ident="api"):
    return action.run(
        {"mode": "comment", "result-dir": str(result_dir), "id": ident},
        event_name="workflow_run",
        event=workflow_run_event(HEAD_SHA),
    )


def edit(result_dir, **changes):
    path = result_dir / "result.json"
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def test_status_edited_to_pass__refused_and_nothing_posted(action, forked, fake_github):
    edit(forked, status="pass", failures=[])
    run = post(action, forked)
    assert run.code == 2, run
    (line,) = run.stderr.splitlines()
    assert "says pass, but its own numbers fail: the total is below the threshold 50%" in line
    assert fake_github.writes() == []


@pytest.mark.parametrize(("ident", "saved"), [("", "api"), ("api", "web"), ("api", None)])
def test_the_steps_id_wins__a_result_naming_another_is_refused(
    action, forked, fake_github, ident, saved
):
    if saved is None:
        data = json.loads((forked / "result.json").read_text())
        del data["id"]
        (forked / "result.json").write_text(json.dumps(data))
    else:
        edit(forked, id=saved)
    run = post(action, forked, ident)
    assert run.code == 2, run
    assert "this step's id is" in run.stderr
    assert fake_github.writes() == []
