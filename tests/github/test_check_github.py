"""``ratchet check`` in a workflow step, run as the runner runs it: what reaches stdout, what
reaches GitHub, and which exit code comes out when the runner's files or inputs are bad."""

from __future__ import annotations

import json

import pytest

from ratchet.render.comment import marker
from tests.github.conftest import REPOSITORY, TOKEN, pull_request_event

pytestmark = pytest.mark.integration


@pytest.fixture
def runner(tmp_path, workspace, fake_github):
    """The variables the runner sets for a ``pull_request`` step, and a failing report."""
    workspace.configure(threshold=50, baseline="55", baseline_uncovered=50)
    workspace.write_report({"src/a.py": (40, 60)})
    event = tmp_path / "event.json"
    event.write_text(json.dumps(pull_request_event()))
    files = tmp_path / "runner"
    files.mkdir()
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_API_URL": fake_github.url,
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_STEP_SUMMARY": str(files / "summary"),
        "GITHUB_OUTPUT": str(files / "output"),
        "GITHUB_WORKSPACE": str(workspace.root),
        "RUNNER_TEMP": str(files),
    }


def check(run_ratchet, workspace, env, *args):
    return run_ratchet("check", *args, "coverage.json", cwd=workspace.root, env=env)


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_a_document_format_in_actions__stdout_holds_it_and_nothing_is_published(
    run_ratchet, workspace, runner, fake_github, tmp_path, fmt
):
    res = check(run_ratchet, workspace, runner, "--format", fmt)
    assert res.code == 1, res
    if fmt == "json":
        assert json.loads(res.stdout)["status"] == "fail"  # `> r.json` is valid JSON
    else:
        assert res.stdout.startswith("### ❌ Coverage ratchet: fail\n")
    assert "::" not in res.stdout + res.stderr
    assert fake_github.calls == []
    assert not (tmp_path / "runner" / "summary").exists()
    assert not (tmp_path / "runner" / "coverage-ratchet").exists()


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_github_with_a_document_format__workflow_commands_go_to_stderr(
    run_ratchet, workspace, runner, fake_github, tmp_path, fmt
):
    res = check(run_ratchet, workspace, runner, "--github", "--format", fmt)
    assert res.code == 1, res
    if fmt == "json":
        assert json.loads(res.stdout)["status"] == "fail"
    else:
        assert res.stdout.startswith("### ❌ Coverage ratchet: fail\n")
        assert res.stdout == (tmp_path / "runner" / "summary").read_text()
    assert "::" not in res.stdout
    assert "::error title=Coverage ratchet::total 40.0000%25 is" in res.stderr
    (posted,) = fake_github.comments.values()
    assert posted["body"].startswith(marker(""))


def test_text_in_actions__published_with_annotations_on_stdout(
    run_ratchet, workspace, runner, fake_github
):
    res = check(run_ratchet, workspace, runner)
    assert res.code == 1, res
    assert res.stdout.startswith("coverage-ratchet: FAIL\n")
    assert "::error title=Coverage ratchet::total 40.0000%25 is" in res.stdout
    assert "coverage-ratchet: comment created on #7" in res.stdout
    assert len(fake_github.comments) == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"RATCHET_COMMENT": "sometimes"}, "comment must be one of auto, always, never"),
        ({"RATCHET_COMMIT_STATUS": "maybe"}, "commit-status must be true or false"),
        ({"RATCHET_ID": "a -->"}, "id must be at most 64"),
        ({"GITHUB_EVENT_PATH": "/nonexistent/event.json"}, "no such file"),
    ],
)
def test_a_bad_setting__exit_2_before_the_verdict_is_printed(
    run_ratchet, workspace, runner, fake_github, extra, message
):
    res = check(run_ratchet, workspace, {**runner, **extra})
    assert res.code == 2, res
    assert res.stdout == ""  # never a FAIL printed, then exit 2
    assert res.stderr.startswith("ratchet: error: ") and message in res.stderr
    assert "Traceback" not in res.stderr
    assert fake_github.calls == []


@pytest.mark.parametrize("passing", [False, True])
def test_runner_files_that_cannot_be_written__warnings_and_the_verdicts_exit_code(
    run_ratchet, workspace, runner, fake_github, tmp_path, passing
):
    if passing:
        workspace.write_report({"src/a.py": (60, 40)})
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = {
        **runner,
        "GITHUB_STEP_SUMMARY": str(tmp_path),  # a directory
        "GITHUB_OUTPUT": str(tmp_path / "no" / "such" / "dir" / "output"),
        "RATCHET_RESULT_DIR": str(blocker / "result"),  # under a file
    }
    res = check(run_ratchet, workspace, env)
    assert res.code == (0 if passing else 1), res
    assert "Traceback" not in res.stderr
    warnings = [line for line in res.stdout.splitlines() if line.startswith("::warning")]
    what = ["the job summary", "the result directory", "the step outputs"]
    assert len(warnings) == len(what)
    for line, thing in zip(warnings, what, strict=True):
        assert line.startswith(f"::warning title=Coverage ratchet::Could not write {thing}")
    assert len(fake_github.comments) == 1  # the comment does not need those files
