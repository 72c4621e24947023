"""``ratchet check`` in a workflow step, run as the runner runs it: what reaches stdout, what
reaches GitHub, and which exit code comes out when the runner's files or inputs are bad."""

from __future__ import annotations

import json

import pytest

from ratchet.render.comment import marker
from tests.github.conftest import (
    TOKEN,
    parse_output_file,
    pr_step_env,
    pull_request_event,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def runner(tmp_path, workspace, fake_github):
    """The variables the runner sets for a ``pull_request`` step, and a failing report."""
    workspace.configure(threshold=50, baseline="55", baseline_uncovered=50)
    workspace.write_report({"src/a.py": (40, 60)})
    return pr_step_env(tmp_path, workspace, fake_github)


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
        assert res.stdout.startswith("### ❌ Coverage 40.00% — 15.00 points under the 55% ")
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
        assert res.stdout.startswith("### ❌ Coverage 40.00% — 15.00 points under the 55% ")
        assert res.stdout == (tmp_path / "runner" / "summary").read_text()
    assert "::" not in res.stdout
    assert "::error title=Coverage ratchet::total 40.0000%25 (40/100) is" in res.stderr
    (posted,) = fake_github.comments.values()
    assert posted["body"].startswith(marker(""))


def test_text_in_actions__published_with_annotations_on_stdout(
    run_ratchet, workspace, runner, fake_github
):
    res = check(run_ratchet, workspace, runner)
    assert res.code == 1, res
    assert res.stdout.startswith("::stop-commands::coverage-ratchet-")
    assert res.stdout.splitlines()[1].startswith("coverage-ratchet: FAIL 40.00% — ")
    assert "::error title=Coverage ratchet::total 40.0000%25 (40/100) is" in res.stdout
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


@pytest.mark.parametrize(
    "token",
    [TOKEN + "\r\nX-Injected: 1", TOKEN[:8] + "tökén" + TOKEN[8:], TOKEN + "\u20ac", "ghs_a b"],
)
def test_a_token_no_header_can_carry__exit_2_without_quoting_it(
    run_ratchet, workspace, runner, fake_github, token
):
    res = check(run_ratchet, workspace, {**runner, "GITHUB_TOKEN": token})
    assert res.code == 2, res  # not 3 (a crash), and not a verdict lost behind a warning
    assert res.stdout == ""
    (line,) = res.stderr.splitlines()
    assert line.startswith("ratchet: error: github-token holds a character no token has")
    for piece in (TOKEN[4:12], TOKEN[-8:], "ghs_a", "tökén"):
        assert piece not in res.stderr
    assert fake_github.calls == []


def test_relative_result_dir__outputs_are_absolute(run_ratchet, workspace, runner, tmp_path):
    # The action runs the step in working-directory; the outputs are used from the workspace.
    workspace.configure(threshold=10, subdir="pkg")
    workspace.write_report({"src/a.py": (5, 5)}, name="pkg/coverage.json", sources="pkg")
    env = {**runner, "RATCHET_RESULT_DIR": "out", "RATCHET_COMMENT": "never"}
    res = run_ratchet("check", "coverage.json", cwd=workspace.root / "pkg", env=env)
    assert res.code == 0, res
    values = parse_output_file(tmp_path / "runner" / "output")
    assert values["result-dir"] == str(workspace.root / "pkg" / "out")
    assert values["comment-file"] == str(workspace.root / "pkg" / "out" / "comment.md")
    assert (workspace.root / "pkg" / "out" / "comment.md").is_file()


@pytest.mark.parametrize(
    ("fork", "actor", "expected"),
    [
        (False, "dependabot[bot]", ["Dependabot's pull requests get a read-only token"]),
        (
            False,
            "octocat",
            [
                "may not comment on pull requests (the workflow needs `pull-requests: write`",
                "may not set commit statuses (the workflow needs `statuses: write`",
            ],
        ),
    ],
)
def test_a_403__advice_fits_the_pull_request(
    run_ratchet, workspace, runner, fake_github, tmp_path, fork, actor, expected
):
    fake_github.read_only = True
    (tmp_path / "event.json").write_text(json.dumps(pull_request_event(fork=fork)))
    res = check(run_ratchet, workspace, {**runner, "GITHUB_ACTOR": actor})
    assert res.code == 1, res  # the verdict, whatever the token may do
    warnings = [line for line in res.stdout.splitlines() if line.startswith("::warning")]
    assert len(warnings) == len(expected), warnings
    for line, text in zip(warnings, expected, strict=True):
        assert text in line
    if actor.startswith("dependabot"):
        assert "workflow_run" in warnings[0]
    else:
        assert "workflow_run" not in "".join(warnings)
        assert "Dependabot" not in "".join(warnings)


def test_annotations__relative_to_the_repository_not_the_workspace(
    run_ratchet, workspace, runner, git_repo, tmp_path
):
    # actions/checkout with `path: r6`: the repository is a directory of the workspace, and
    # the config in it is a monorepo package's.
    repo = git_repo(workspace.root / "r6")
    pkg = repo / "pkg"
    pkg.mkdir()
    (workspace.root / "pyproject.toml").rename(pkg / "pyproject.toml")
    (workspace.root / "src").rename(pkg / "src")  # what the report measures
    (workspace.root / "coverage.json").rename(pkg / "coverage.json")
    (pkg / "pyproject.toml").write_text(
        '[tool.ratchet]\nthreshold = 50\nbaseline_file = "b.tsv"\n', encoding="utf-8"
    )
    (pkg / "b.tsv").write_text("src/a.py\t100\t60\t0\t0\n", encoding="utf-8")
    res = run_ratchet("check", "coverage.json", cwd=pkg, env=runner)
    assert res.code == 1, res
    lines = [line for line in res.stdout.splitlines() if line.startswith("::error file=")]
    assert lines and lines[0].startswith("::error file=pkg/src/a.py,"), lines
