"""The privileged half holds a fork's result to its own numbers and to its own id."""

from __future__ import annotations

import json

import pytest

from tests.github.conftest import HEAD_SHA, copy_result, fork_run, workflow_run_event

# One worker runs the module (its group), so each shared fork run is made once.
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("security_artifact")]

FORK_INPUTS = {"coverage-files": "coverage.json", "baseline-ref": "none", "id": "api"}


def _fork_failing(workspace):
    workspace.configure(threshold=50, baseline="55", baseline_uncovered=50)
    workspace.write_report({"src/a.py": (40, 60)})


@pytest.fixture(scope="module")
def forked_run(tmp_path_factory, make_httpserver, action_runtime) -> str:
    """A fork's failing run (40% against threshold 50, baseline 55), once for the module."""
    return fork_run(
        tmp_path_factory, make_httpserver, action_runtime, _fork_failing, FORK_INPUTS
    ).outputs["result-dir"]


@pytest.fixture
def forked(forked_run, tmp_path, fake_github):
    """The fork's result directory: this test's own copy, to tamper with."""
    fake_github.pulls[7] = {"number": 7, "head": {"sha": HEAD_SHA}}
    return copy_result(forked_run, tmp_path)


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


def _fork_mono(workspace):
    workspace.configure(
        threshold=50, extra="[tool.ratchet.components.web]\npaths = ['web/**']\nthreshold = 60"
    )
    workspace.write_report({"api/a.py": (50, 0), "web/w.py": (25, 25)})


@pytest.fixture(scope="module")
def forked_mono_run(tmp_path_factory, make_httpserver, action_runtime) -> str:
    """A fork's run whose total passes (75% against 50) and whose component web fails (50%
    against its own 60), once for the module."""
    return fork_run(
        tmp_path_factory, make_httpserver, action_runtime, _fork_mono, FORK_INPUTS
    ).outputs["result-dir"]


@pytest.fixture
def forked_mono(forked_mono_run, tmp_path, fake_github):
    """The fork's result directory: this test's own copy, to tamper with."""
    fake_github.pulls[7] = {"number": 7, "head": {"sha": HEAD_SHA}}
    return copy_result(forked_mono_run, tmp_path)


def test_a_component_edited_to_pass__refused_and_nothing_posted(action, forked_mono, fake_github):
    data = json.loads((forked_mono / "result.json").read_text())
    (web,) = data["components"]
    assert (web["name"], web["status"]) == ("web", "fail")
    web.update(status="pass", failures=[])
    edit(forked_mono, status="pass", failures=[], components=[web])
    run = post(action, forked_mono)
    assert run.code == 2, run
    (line,) = run.stderr.splitlines()
    assert line.endswith(
        "untrusted result rejected: status: says pass, but its own numbers fail: "
        "1 component(s) below their threshold"
    )
    assert fake_github.writes() == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("bar_source", {"config": "pyproject.toml", "ref": "r" * 257, "commit": None},
         "bar_source.ref: must be a string of at most 256 characters"),
        ("bar_source", {"config": "pyproject.toml", "ref": "main"},
         "bar_source: missing key 'commit'"),
        ("accepted", [{"v": 1, "event": "accept"}],
         "accepted[0]: date must be an ISO 8601 UTC time ending in Z"),
        ("update", {"status": "changes"}, "update: missing key 'exit_code'"),
        ("components", [{"name": "web"}], "components[0]: missing key 'status'"),
    ],
)  # fmt: skip
def test_a_truncated_or_forged_field__refused_naming_it(
    action, forked_mono, fake_github, field, value, message
):
    edit(forked_mono, **{field: value})
    run = post(action, forked_mono)
    assert run.code == 2, run
    (line,) = run.stderr.splitlines()
    assert line.endswith(f"untrusted result rejected: {message}")
    assert fake_github.writes() == []
