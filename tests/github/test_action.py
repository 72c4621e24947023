"""action.yml run step by step as the runner runs it, against the fake API on loopback."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ratchet.render.comment import marker
from tests.conftest import REPO, clean_env, git
from tests.github.conftest import (
    BOT,
    HEAD_SHA,
    MERGE_SHA,
    TOKEN,
    Harness,
    condition,
    copy_result,
    fork_run,
    merge_group_event,
    parse_output_file,
    pull_request_event,
    workflow_run_event,
)

pytestmark = pytest.mark.integration

BASE = {"src/a.py": (50, 50), "src/b.py": (10, 0)}
NO_REF = {"coverage-files": "coverage.json", "baseline-ref": "none"}


def passing(workspace, covered=60):
    workspace.configure(threshold=50, baseline="55", baseline_uncovered=50, file_baseline=BASE)
    workspace.write_report({"src/a.py": (covered, 100 - covered), "src/b.py": (10, 0)})


def failing(workspace, subdir=""):
    workspace.configure(
        threshold=50, baseline="55", baseline_uncovered=50, file_baseline=BASE, subdir=subdir
    )
    workspace.write_report(
        {"src/a.py": (40, 60), "src/b.py": (10, 0)},
        name=f"{subdir}/coverage.json".lstrip("/"),
        sources=subdir,
    )


@pytest.mark.slow
def test_first_run_creates_the_comment_second_run_updates_it(action, workspace, fake_github):
    passing(workspace, covered=60)
    first = action.run(NO_REF)
    assert first.code == 0, first
    assert first.outputs["status"] == "pass"
    assert first.outputs["comment-action"] == "created"
    (cid,) = fake_github.comments
    assert first.outputs["comment-id"] == str(cid)
    posted = fake_github.comments[cid]["body"]
    assert posted.startswith(marker("") + "\n")
    assert Path(first.outputs["comment-file"]).read_text() == posted
    assert first.summary.startswith("### ✅ Coverage ")
    assert {
        k: first.outputs[k] for k in ("coverage", "baseline", "threshold", "new-threshold")
    } == {
        "coverage": "63.6364",
        "baseline": "55",
        "threshold": "50",
        "new-threshold": "60",
    }
    assert first.outputs["delta"] == "+8.6364"

    # The status goes on the PR's head commit, not on the merge commit the job checked out.
    sha, status = fake_github.statuses[0]
    assert (sha, status["state"], status["context"]) == (HEAD_SHA, "success", "coverage-ratchet")
    assert MERGE_SHA not in [s for s, _ in fake_github.statuses]
    assert len(status["description"]) <= 140
    assert status["target_url"] == "https://github.example/octo/demo/actions/runs/4242"

    passing(workspace, covered=70)
    second = action.run(NO_REF)
    assert second.outputs["comment-action"] == "updated"
    assert second.outputs["comment-id"] == str(cid)
    assert list(fake_github.comments) == [cid]
    assert "72.73%" in fake_github.comments[cid]["body"]
    assert [(c.method, c.path.split("/")[-2]) for c in fake_github.writes()] == [
        ("POST", "7"),  # the comment
        ("POST", "statuses"),
        ("PATCH", "comments"),
        ("POST", "statuses"),
    ]


@pytest.mark.slow
def test_comments_are_found_across_pages(action, workspace, fake_github):
    for i in range(4):
        fake_github.add_comment(f"review {i}", login="alice")
    passing(workspace, covered=60)
    assert action.run(NO_REF).outputs["comment-action"] == "created"
    fake_github.calls.clear()
    passing(workspace, covered=61)
    run = action.run(NO_REF)
    assert run.outputs["comment-action"] == "updated"
    pages = [c for c in fake_github.calls if c.method == "GET" and c.path.endswith("/comments")]
    assert len(pages) == 3  # 5 comments, 2 a page: followed through Link
    assert [c.method for c in fake_github.writes()] == ["PATCH", "POST"]


def test_a_marked_comment_by_someone_else_is_left_alone(action, workspace, fake_github):
    forged = f"{marker('')}\nnothing to see"
    theirs = fake_github.add_comment(forged, login="mallory")
    passing(workspace)
    run = action.run(NO_REF)
    assert run.outputs["comment-action"] == "created"
    assert fake_github.comments[theirs]["body"] == forged
    assert fake_github.comments[int(run.outputs["comment-id"])]["user"]["login"] == BOT
    assert not [c for c in fake_github.writes() if c.path.endswith(f"/{theirs}")]


def test_regression_fails_with_annotations_in_a_monorepo_package(action, workspace, fake_github):
    failing(workspace, subdir="packages/api")
    run = action.run({"working-directory": "packages/api", "id": "api", "baseline-ref": "none"})
    assert run.code == 1, run
    assert run.outputs["status"] == "fail"
    assert (
        "::error file=packages/api/src/a.py,title=Coverage ratchet::src/a.py: 50.0000%25 -> 40"
        in (run.stdout)
    )
    annotation = "::error title=Coverage ratchet::total 45.4545%25 (50/110) is 9.5455 points"
    assert annotation in run.stdout
    (comment,) = fake_github.comments.values()
    assert comment["body"].startswith(marker("api"))
    assert "❌" in comment["body"]
    sha, status = fake_github.statuses[0]
    assert (sha, status["state"], status["context"]) == (
        HEAD_SHA,
        "failure",
        "coverage-ratchet/api",
    )


@pytest.mark.slow
def test_fork_pr_keeps_the_verdict_and_saves_the_comment(action, workspace, fake_github):
    fake_github.read_only = True
    failing(workspace)
    run = action.run(NO_REF, event=pull_request_event(fork=True))
    assert run.code == 1  # the verdict, not the 403
    assert (
        "::warning title=Coverage ratchet::The token cannot write to this repository" in run.stdout
    )
    assert "::error file=src/a.py" in run.stdout
    assert run.summary.startswith("### ❌ Coverage ")
    assert fake_github.comments == {}
    saved = Path(run.outputs["comment-file"])
    assert saved.read_text().startswith(marker(""))
    result_dir = Path(run.outputs["result-dir"])
    assert (result_dir / "pr-number").read_text() == "7\n"
    assert (result_dir / "result.json").is_file()
    assert [(c.method, c.path.rsplit("/", 1)[-1]) for c in fake_github.writes()] == [
        ("POST", "comments"),
        ("POST", HEAD_SHA),
    ]
    assert run.stdout.count("::warning") == 1

    passing(workspace)
    assert action.run(NO_REF, event=pull_request_event(fork=True)).code == 0


def test_a_rate_limit_then_success(action, workspace, fake_github):
    fake_github.throttle = [
        (429, {"retry-after": "0"}, "You have exceeded a secondary rate limit"),
        (403, {"retry-after": "0", "x-ratelimit-remaining": "0"}, "API rate limit exceeded"),
    ]
    passing(workspace)
    run = action.run(NO_REF)
    assert run.code == 0
    assert run.outputs["comment-action"] == "created"
    assert [c.path for c in fake_github.calls[:3]] == ["/user"] * 3
    assert "::warning" not in run.stdout


def test_the_token_never_shows(action, workspace, fake_github):
    fake_github.echo_bad_token = True
    failing(workspace)
    run = action.run(NO_REF)
    assert run.code == 1
    said = "(GitHub API: GET /user: HTTP 401: Bad credentials: Bearer ***)"
    assert f"Could not post the PR comment {said}" in run.stdout
    seen = [run.stdout, run.stderr, run.summary, *run.outputs.values()]
    seen += [p.read_text() for p in Path(run.outputs["result-dir"]).iterdir()]
    assert all(TOKEN not in text for text in seen)
    assert run.step("ratchet").env["GITHUB_TOKEN"] == TOKEN  # it did get there


def test_inputs_reach_the_cli_as_data_never_as_code(action, workspace, fake_github, tmp_path):
    passing(workspace)
    evil = '$(touch pwned1) `touch pwned2` ";touch pwned3" coverage.json'
    run = action.run({"coverage-files": evil, "baseline-ref": "none", "id": "x"})
    assert run.code == 2
    assert "coverage-files: no file matches '$(touch', nor 'pwned1)', nor '`touch'" in run.stderr
    assert not list(workspace.root.glob("pwned*")) and not list(tmp_path.glob("pwned*"))
    assert not [k for s in run.steps for k in s.env if k.startswith("INPUT_")]
    assert run.step("ratchet").env["RATCHET_COVERAGE_FILES"] == evil


def test_shards_are_globbed_and_merged(action, workspace, fake_github):
    passing(workspace)
    (workspace.root / "coverage.json").unlink()
    workspace.write_report({"src/a.py": (55, 45)}, name="shards/1/coverage.json")
    workspace.write_report({"src/a.py": (60, 40)}, name="shards/2/coverage.json")
    workspace.write_report({"src/b.py": (10, 0)}, name="other.json")
    run = action.run(
        {"coverage-files": "shards/**/coverage.json\n  other.json", "baseline-ref": "none"}
    )
    assert run.code == 0, run
    assert run.outputs["coverage"] == "63.6364"  # the union of the shards, not a sum or mean


def test_expect_reports__a_missing_shard_fails_the_step_not_the_bar(action, workspace, fake_github):
    passing(workspace)
    (workspace.root / "coverage.json").unlink()
    files = {"src/a.py": (60, 40), "src/b.py": (10, 0)}
    # Two shards' reports (not one report's copies, which count once): other bytes.
    for n, shard in ((1, files), (2, dict(reversed(files.items())))):
        workspace.write_report(shard, name=f"shards/{n}/coverage.json")
    inputs = {"coverage-files": "shards/*/coverage.json", "baseline-ref": "none"}
    run = action.run({**inputs, "expect-reports": "3"})  # the matrix had three
    assert run.code == 2, run
    assert (
        "::error title=coverage-ratchet::expected 3 coverage report(s), found 2 "
        "(shards/1/coverage.json, shards/2/coverage.json)" in run.stdout
    )
    assert fake_github.calls == []  # no status, no comment: there is no verdict
    assert action.run({**inputs, "expect-reports": "2"}).code == 0
    bad = action.run({**inputs, "expect-reports": "two"})
    assert bad.code == 2 and "expect-reports must be a positive whole number" in bad.stdout


@pytest.mark.slow
def test_two_ids_two_comments_two_statuses(action, workspace, fake_github):
    passing(workspace)
    action.run({**NO_REF, "id": "web"})
    action.run({**NO_REF, "id": "api"})
    action.run({**NO_REF, "id": "web"})
    markers = sorted(c["body"].splitlines()[0] for c in fake_github.comments.values())
    assert markers == [marker("api"), marker("web")]
    assert sorted({s["context"] for _, s in fake_github.statuses}) == [
        "coverage-ratchet/api",
        "coverage-ratchet/web",
    ]


def test_comment_never_and_no_status_call_nothing(action, workspace, fake_github):
    passing(workspace)
    run = action.run({**NO_REF, "comment": "never", "commit-status": "false"})
    assert run.code == 0
    assert fake_github.calls == []
    assert run.outputs["comment-action"] == "skipped"
    assert Path(run.outputs["comment-file"]).is_file()


def test_bad_mode_is_a_usage_error(action, workspace):
    passing(workspace)
    run = action.run({**NO_REF, "mode": "deploy"})
    assert run.code == 2
    assert "::error title=coverage-ratchet::mode must be check, update or comment" in run.stdout
    run = action.run({**NO_REF, "mode": "comment"})
    assert run.code == 2
    assert "::error title=coverage-ratchet::mode comment needs result-dir\n" in run.stdout


def test_update_mode_on_push__pushes_the_raised_bar_and_names_the_commit(
    action, workspace, tmp_path
):
    """``mode: update`` runs ``push-update`` (its races: tests/commands/test_push_update.py)."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    workspace.configure(threshold=50, baseline="55")
    workspace.write_report({"a.py": (72, 28)})  # a.py is committed, the report is not
    workspace.commit("seed")
    git(workspace.root, "remote", "add", "origin", str(origin))
    git(workspace.root, "push", "-q", "origin", "main")
    run = action.run(
        {"mode": "update", "coverage-files": "coverage.json"},
        event_name="push",
        event={"ref": "refs/heads/main"},
    )
    assert run.code == 0, run
    assert run.outputs["update-result"] == "pushed"
    assert run.outputs["update-commit"] == git(origin, "rev-parse", "main").strip()
    assert "holding the change to the bar" not in run.stdout  # no baseline ref outside check


# -- the privileged half ---------------------------------------------------------------


@pytest.fixture(scope="module")
def fork_failing(tmp_path_factory, make_httpserver, action_runtime):
    """A fork PR's run: read-only token, the result left for the second workflow (once a
    module, for the tests that tamper with their copy of it)."""
    return fork_run(tmp_path_factory, make_httpserver, action_runtime, failing, NO_REF)


def untrusted_result(fork_failing, tmp_path):
    """This test's copy of the fork run's result directory, and the comment it rendered."""
    return (
        copy_result(fork_failing.outputs["result-dir"], tmp_path),
        Path(fork_failing.outputs["comment-file"]).read_text(),
    )


@pytest.mark.slow
def test_workflow_run_posts_a_comment_rendered_anew(action, fake_github, fork_failing, tmp_path):
    result_dir, original = untrusted_result(fork_failing, tmp_path)
    (result_dir / "comment.md").write_text(
        "@everyone <img src=x onerror=alert(1)> [win](http://evil)"
    )
    fake_github.pulls[7] = {"number": 7, "head": {"sha": HEAD_SHA}}
    run = action.run(
        {"mode": "comment", "result-dir": str(result_dir)},
        event_name="workflow_run",
        event=workflow_run_event(HEAD_SHA),
    )
    assert run.code == 0, run
    (posted,) = fake_github.comments.values()
    assert posted["body"] == original  # rendered from result.json, not the tampered Markdown
    assert run.outputs["comment-action"] == "created"
    assert fake_github.statuses == [(HEAD_SHA, fake_github.statuses[0][1])]
    assert fake_github.statuses[0][1]["state"] == "failure"
    assert fake_github.calls[0].path == "/repos/octo/demo/pulls/7"


@pytest.mark.slow
def test_same_repo_pr__both_halves_keep_one_comment_and_one_status(action, workspace, fake_github):
    failing(workspace)
    first = action.run({**NO_REF, "id": "api"})  # the check job, allowed to write
    assert first.code == 1, first
    fake_github.pulls[7] = {"number": 7, "head": {"sha": HEAD_SHA}}
    # The comment step names the check step's id: the marker and context come from it.
    unnamed = action.run(
        {"mode": "comment", "result-dir": first.outputs["result-dir"]},
        event_name="workflow_run",
        event=workflow_run_event(HEAD_SHA),
    )
    assert unnamed.code == 2
    assert "give the comment step the check step's id" in unnamed.stderr
    second = action.run(
        {"mode": "comment", "result-dir": first.outputs["result-dir"], "id": "api"},
        event_name="workflow_run",
        event=workflow_run_event(HEAD_SHA),
    )
    assert second.code == 0, second
    assert second.outputs["comment-action"] == "unchanged"
    (only,) = fake_github.comments.values()
    assert only["body"].startswith(marker("api"))
    assert {s["context"] for _, s in fake_github.statuses} == {"coverage-ratchet/api"}


@pytest.mark.slow
def test_workflow_run_refuses_a_pr_whose_head_is_not_the_tested_commit(
    action, fake_github, fork_failing, tmp_path
):
    result_dir, _ = untrusted_result(fork_failing, tmp_path)
    (result_dir / "pr-number").write_text("8\n")  # the artifact points at someone else's PR
    fake_github.pulls[8] = {"number": 8, "head": {"sha": "e" * 40}}
    run = action.run(
        {"mode": "comment", "result-dir": str(result_dir)},
        event_name="workflow_run",
        event=workflow_run_event(HEAD_SHA),
    )
    assert run.code == 2
    assert "pull request #8 has head eeee" in run.stderr
    assert fake_github.writes() == []


@pytest.mark.slow
def test_workflow_run_refuses_a_tampered_result(action, fake_github, fork_failing, tmp_path):
    result_dir, _ = untrusted_result(fork_failing, tmp_path)
    path = result_dir / "result.json"
    path.write_text(path.read_text().replace('"status": "fail"', '"status": "pass"'))
    fake_github.pulls[7] = {"number": 7, "head": {"sha": HEAD_SHA}}
    run = action.run(
        {"mode": "comment", "result-dir": str(result_dir)},
        event_name="workflow_run",
        event=workflow_run_event(HEAD_SHA),
    )
    assert run.code == 2
    assert "untrusted result rejected: status: says pass but lists failures" in run.stderr
    assert fake_github.calls == []


# -- the baseline ref, fetched for real ----------------------------------------------------


@pytest.mark.slow
def test_baseline_ref_auto_fetches_the_base_branch_and_holds_its_bar(
    tmp_path, workspace, fake_github, action_runtime
):
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    workspace.configure(threshold=60)
    report = workspace.write_report({"a.py": (50, 50)})  # a.py is committed
    workspace.commit("bar at 60")
    git(workspace.root, "remote", "add", "origin", f"file://{origin}")
    git(workspace.root, "push", "-q", "origin", "main")
    git(workspace.root, "checkout", "-q", "-b", "feature")
    workspace.configure(threshold=40)  # the PR lowers the bar
    workspace.commit("lower the bar")
    git(workspace.root, "push", "-q", "origin", "feature")

    clone = tmp_path / "clone"  # what actions/checkout leaves: depth 1, no base branch
    git(
        tmp_path,
        "clone",
        "-q",
        "--depth=1",
        "--branch",
        "feature",
        "--single-branch",
        f"file://{origin}",
        str(clone),
    )
    assert (
        subprocess.run(["git", "rev-parse", "--verify", "-q", "origin/main"], cwd=clone).returncode
        != 0
    )
    shutil.copy(report, clone / "coverage.json")

    harness = Harness(clone, tmp_path / "temp", fake_github.url, action_runtime)
    run = harness.run({"coverage-files": "coverage.json", "comment": "never"})
    assert "coverage-ratchet: holding the change to the bar at origin/main\n" in run.stdout
    assert run.code == 1, run
    assert "loosens the bar set at the baseline ref (threshold 40 < 60)" in run.stdout
    assert "below the threshold 60%" in run.stdout


# -- patch coverage ------------------------------------------------------------------------


@pytest.mark.slow
def test_patch_coverage_annotates_each_uncovered_changed_range(action, workspace, fake_github):
    workspace.configure(threshold=0, extra='diff_against = "main"\npatch_threshold = 80')
    src = workspace.root / "src" / "a.py"
    src.parent.mkdir()
    src.write_text("".join(f"x{i} = {i}\n" for i in range(1, 11)))
    workspace.commit("main")
    git(workspace.root, "checkout", "-q", "-b", "feature")
    src.write_text("".join(f"x{i} = {i}\n" for i in range(1, 21)))
    workspace.commit("feature: ten more lines")
    executed = [*range(1, 14), 17, 18]
    report = {
        "files": {"src/a.py": {"executed_lines": executed, "missing_lines": [14, 15, 16, 19, 20]}}
    }
    (workspace.root / "coverage.json").write_text(json.dumps(report))

    fake_github.read_only = True  # a fork: the second half posts
    run = action.run(NO_REF, event=pull_request_event(fork=True))
    assert run.code == 1, run
    title = "title=Coverage ratchet%3A uncovered change"
    assert (
        f"::error file=src/a.py,line=14,endLine=16,{title}::Lines 14-16 are changed but"
        in run.stdout
    )
    assert (
        f"::error file=src/a.py,line=19,endLine=20,{title}::Lines 19-20 are changed but"
        in run.stdout
    )
    saved = Path(run.outputs["comment-file"]).read_text()
    assert (
        "**Changed lines:** 50.00% (5/10 lines+branches) covered, 30.00 points under the 80% "
        "patch threshold ❌." in saved
    )
    # Each uncovered range links to the PR's head commit, on the server the run names.
    blob = f"https://github.example/octo/demo/blob/{HEAD_SHA}/src/a.py"
    assert (
        f"| src/a\\.py | — | — | — | [14-16]({blob}#L14-L16), [19-20]({blob}#L19-L20) | yes |"
        in saved
    )
    assert saved.count("Changed lines") == 1
    # The job summary is the comment without its hidden lines (nor a link to its own run).
    link = " · [workflow run](https://github.example/octo/demo/actions/runs/4242)"
    assert run.summary == "".join(saved.splitlines(keepends=True)[2:]).replace(link, "")

    fake_github.read_only = False
    fake_github.pulls[7] = {"number": 7, "head": {"sha": HEAD_SHA}}
    second = action.run(
        {"mode": "comment", "result-dir": run.outputs["result-dir"]},
        event_name="workflow_run",
        event=workflow_run_event(HEAD_SHA),
    )
    assert second.code == 0, second
    (posted,) = fake_github.comments.values()
    assert posted["body"] == saved  # the patch section survives validation and re-rendering


def test_a_token_that_can_say_who_it_is_finds_its_own_comments(action, workspace, fake_github):
    fake_github.user_login = "ratchet-app"
    bots = fake_github.add_comment(f"{marker('')}\nposted by GITHUB_TOKEN earlier")
    passing(workspace)
    run = action.run({**NO_REF, "commit-status": "false"})
    assert run.outputs["comment-action"] == "created"
    assert fake_github.comments[int(run.outputs["comment-id"])]["user"]["login"] == "ratchet-app"
    assert bots in fake_github.comments  # not ours under this token: left alone


def test_bot_login_is_configurable_for_tokens_that_cannot_say(action, workspace, fake_github):
    passing(workspace)
    run = action.run({**NO_REF, "bot-login": "other-app[bot]", "commit-status": "false"})
    assert run.outputs["comment-action"] == "created"
    first = run.outputs["comment-id"]
    again = action.run({**NO_REF, "bot-login": "other-app[bot]", "commit-status": "false"})
    # The fake authors comments as github-actions[bot], so other-app[bot] never finds one.
    assert again.outputs["comment-action"] == "created"
    assert again.outputs["comment-id"] != first


def test_baseline_ref_that_cannot_be_fetched_says_what_to_do(action, workspace, fake_github):
    passing(workspace)
    workspace.commit()  # a clone without any remote: nothing to fetch origin/main from
    run = action.run({"coverage-files": "coverage.json"})
    assert run.code == 2
    assert (
        "::error title=coverage-ratchet::baseline-ref 'origin/main': could not fetch it from "
        "origin; check out with fetch-depth: 0, or set baseline-ref: none\n" in run.stdout
    )
    assert "`git fetch origin +refs/heads/main:refs/remotes/origin/main` failed:\n  fatal:" in (
        run.stderr
    )
    assert "Coverage ratchet" not in run.summary  # no verdict against the working copy alone
    assert fake_github.calls == []


# -- coverage-files: one pattern a line, spaces included -------------------------------------

SPACED = {"src/a.py": (5, 5)}, {"src/a.py": (6, 4)}
CHECK_ONLY = {"baseline-ref": "none", "comment": "never", "commit-status": "false"}


def spaced_shards(workspace):
    workspace.configure(threshold=10)
    for n, files in enumerate(SPACED, 1):
        workspace.write_report(files, name=f"my reports/shard {n}/coverage.json")


@pytest.mark.parametrize(
    "value",
    [
        "my reports/shard 1/coverage.json\nmy reports/shard 2/coverage.json",
        "  my reports/shard 1/coverage.json  \r\n\n my reports/shard 2/coverage.json\r\n",
        "my reports/*/coverage.json\n",  # a YAML `|` block of one line ends in a newline
        "my*reports/**/coverage.json",  # one line, no blank: as before
    ],
    ids=["lines", "crlf-and-blanks", "one-line-block", "glob"],
)
def test_coverage_files__a_line_is_one_path_spaces_and_all(action, workspace, fake_github, value):
    spaced_shards(workspace)
    run = action.run({**CHECK_ONLY, "coverage-files": value})
    assert run.code == 0, run
    assert run.outputs["coverage"] == "60.0000"  # both shards, merged


def test_coverage_files__a_single_line_is_split_on_blanks(action, workspace, fake_github):
    spaced_shards(workspace)
    workspace.write_report(SPACED[0], name="one.json")
    workspace.write_report(SPACED[1], name="two.json")
    run = action.run({**CHECK_ONLY, "coverage-files": " one.json\ttwo.json "})
    assert run.code == 0, run
    assert run.outputs["coverage"] == "60.0000"

    run = action.run({**CHECK_ONLY, "coverage-files": "my reports/shard 1/coverage.json"})
    assert run.code == 2
    hint = "(one line is split on blanks; for a path with spaces, give one path a line)"
    said = (
        f"coverage-files: no file matches 'my', nor 'reports/shard', nor '1/coverage.json' {hint}"
    )
    assert f"::error title=coverage-ratchet::{said}\n" in run.stdout
    assert f"ratchet: error: {said}\n" in run.stderr


def test_coverage_files__a_pattern_matching_nothing_is_named(action, workspace, fake_github):
    spaced_shards(workspace)
    run = action.run(
        {**CHECK_ONLY, "coverage-files": "my reports/*/coverage.json\nnomatch/*.json\n100%.xml"}
    )
    assert run.code == 2
    errors = [line for line in run.stdout.splitlines() if line.startswith("::error")]
    assert errors == [
        "::error title=coverage-ratchet::coverage-files: no file matches 'nomatch/*.json', "
        "nor '100%25.xml'"
    ]
    assert "Coverage ratchet" not in run.summary  # no verdict on the shards that matched


# -- baseline-ref: every way of naming it, fetched from a real remote ------------------------


@pytest.fixture
def pr_origin(tmp_path, workspace):
    """A remote whose main (tagged v1) holds the bar at 60, and a PR branch lowering it."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    workspace.configure(threshold=60)
    report = workspace.write_report({"a.py": (50, 50)})  # a.py is committed
    main = workspace.commit("bar at 60")
    git(workspace.root, "tag", "-a", "v1", "-m", "v1")
    git(workspace.root, "remote", "add", "origin", f"file://{origin}")
    git(workspace.root, "push", "-q", "origin", "main", "v1")
    git(workspace.root, "checkout", "-q", "-b", "feature")
    workspace.configure(threshold=40)
    workspace.commit("lower the bar")
    git(workspace.root, "push", "-q", "origin", "feature")
    return origin, main, report


def pr_checkout(tmp_path, pr_origin, *, shallow: bool) -> Path:
    """What actions/checkout leaves: the PR branch only (depth 1), or fetch-depth: 0."""
    origin, _, report = pr_origin
    clone = tmp_path / "clone"
    args = ["--depth=1", "--single-branch"] if shallow else []
    git(tmp_path, "clone", "-q", *args, "--branch", "feature", f"file://{origin}", str(clone))
    assert subprocess.run(["git", "rev-parse", "--verify", "-q", "main"], cwd=clone).returncode != 0
    shutil.copy(report, clone / "coverage.json")
    return clone


@pytest.mark.slow
@pytest.mark.parametrize("shallow", [True, False], ids=["depth-1", "fetch-depth-0"])
@pytest.mark.parametrize(
    ("given", "resolved"),
    [
        ("main", "origin/main"),
        ("refs/heads/main", "origin/main"),
        ("origin/main", "origin/main"),
        ("refs/remotes/origin/main", "origin/main"),
        ("v1", "refs/tags/v1"),
        ("refs/tags/v1", "refs/tags/v1"),
        ("SHA", "SHA"),
    ],
)
def test_baseline_ref__any_name_for_the_bar_is_fetched_and_holds(
    tmp_path, pr_origin, fake_github, action_runtime, shallow, given, resolved
):
    sha = pr_origin[1]
    given, resolved = given.replace("SHA", sha), resolved.replace("SHA", sha)
    clone = pr_checkout(tmp_path, pr_origin, shallow=shallow)
    harness = Harness(clone, tmp_path / "temp", fake_github.url, action_runtime)
    run = harness.run(
        {"coverage-files": "coverage.json", "comment": "never", "baseline-ref": given}
    )
    held = "" if given == resolved else f" ({given})"
    assert f"coverage-ratchet: holding the change to the bar at {resolved}{held}\n" in run.stdout
    assert run.code == 1, run
    assert "loosens the bar set at the baseline ref (threshold 40 < 60)" in run.stdout
    # The fetch left the clone as deep as it was.
    is_shallow = git(clone, "rev-parse", "--is-shallow-repository").strip()
    assert is_shallow == ("true" if shallow else "false")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("nosuch", "no branch or tag of that name on origin, nor a commit in this clone"),
        ("origin/no..such", "not a branch name"),
        ("refs/heads/nosuch", "could not fetch it from origin; check out with fetch-depth: 0"),
        ("e" * 40, "could not fetch it from origin"),
    ],
)
def test_baseline_ref__one_that_is_not_there_says_so(
    tmp_path, pr_origin, fake_github, action_runtime, given, said
):
    clone = pr_checkout(tmp_path, pr_origin, shallow=True)
    run = Harness(clone, tmp_path / "temp", fake_github.url, action_runtime).run(
        {"coverage-files": "coverage.json", "baseline-ref": given}
    )
    assert run.code == 2
    assert f"ratchet: error: baseline-ref '{given}': {said}" in run.stderr
    assert f"::error title=coverage-ratchet::baseline-ref '{given}': {said}" in run.stdout
    assert fake_github.calls == []


def test_baseline_ref__a_pull_request_whose_base_is_unknown_fails_closed(
    action, workspace, fake_github
):
    passing(workspace)
    run = action.run({"coverage-files": "coverage.json"}, event=pull_request_event(base_ref=""))
    assert run.code == 2
    assert (
        "::error title=coverage-ratchet::baseline-ref auto: the event names no base branch for "
        "this pull request; set baseline-ref to it (e.g. main), or to none\n" in run.stdout
    )
    assert run.summary == ""
    assert fake_github.calls == []


# -- merge queues: the group is held to the bar of the commit it lands on --------------------


@pytest.fixture
def queue(tmp_path, workspace):
    """A remote whose main holds the bar at 60, and a merge group on top of it (the queue's
    branch gh-readonly-queue/main/pr-7-<base>); ``lower`` makes the group lower the bar."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    workspace.configure(threshold=60)
    base = workspace.commit("bar at 60")
    git(workspace.root, "remote", "add", "origin", f"file://{origin}")
    git(workspace.root, "push", "-q", "origin", "main")
    report = workspace.write_report({"a.py": (70, 30)})

    def group(*, lower: bool) -> tuple[Path, str, str]:
        branch = f"gh-readonly-queue/main/pr-7-{base}"
        git(workspace.root, "checkout", "-q", "-B", branch, base)
        workspace.configure(threshold=40 if lower else 60, extra="# pull request 7")
        head = workspace.commit("Merge pull request #7")
        git(workspace.root, "push", "-q", "-f", "origin", branch)
        clone = tmp_path / f"group-{head[:7]}"  # actions/checkout of the group: depth 1
        git(
            tmp_path, "clone", "-q", "--depth=1", "--branch", branch, f"file://{origin}", str(clone)
        )
        shutil.copy(report, clone / "coverage.json")
        return clone, head, base

    return group


@pytest.mark.slow
def test_merge_group__held_to_the_bar_it_lands_on_status_on_the_group_commit(
    tmp_path, queue, fake_github, action_runtime
):
    clone, head, base = queue(lower=True)
    harness = Harness(clone, tmp_path / "temp", fake_github.url, action_runtime)
    run = harness.run(
        {"coverage-files": "coverage.json"},
        event_name="merge_group",
        event=merge_group_event(head, base),
    )
    assert run.code == 1, run
    assert f"coverage-ratchet: holding the change to the bar at {base}\n" in run.stdout
    assert "loosens the bar set at the baseline ref (threshold 40 < 60)" in run.stdout
    assert run.summary.startswith("### ❌ Coverage ")
    assert run.outputs["status"] == "fail"
    assert run.outputs["comment-action"] == "skipped"
    # One call: the status, on the commit the queue tests. No PR comment: there is no PR.
    assert [(c.method, c.path) for c in fake_github.calls] == [
        ("POST", f"/repos/octo/demo/statuses/{head}")
    ]
    assert fake_github.statuses[0][1]["state"] == "failure"
    assert Path(run.outputs["comment-file"]).is_file()  # saved all the same


@pytest.mark.slow
def test_merge_group__a_group_that_keeps_the_bar_passes(
    tmp_path, queue, fake_github, action_runtime
):
    clone, head, base = queue(lower=False)
    run = Harness(clone, tmp_path / "temp", fake_github.url, action_runtime).run(
        {"coverage-files": "coverage.json", "pr-number": "7"},
        event_name="merge_group",
        event=merge_group_event(head, base),
    )
    assert run.code == 0, run
    assert run.outputs["status"] == "pass"
    assert [s for s, _ in fake_github.statuses] == [head]
    assert fake_github.comments == {}
    assert not [c for c in fake_github.calls if "/issues/" in c.path]


def test_merge_group__a_base_that_cannot_be_fetched_fails_closed(
    tmp_path, queue, fake_github, action_runtime
):
    clone, head, _ = queue(lower=False)
    missing = "e" * 40  # not on origin (say, a base the queue has since rebuilt away)
    run = Harness(clone, tmp_path / "temp", fake_github.url, action_runtime).run(
        {"coverage-files": "coverage.json"},
        event_name="merge_group",
        event=merge_group_event(head, missing),
    )
    assert run.code == 2
    assert (
        f"::error title=coverage-ratchet::baseline-ref '{missing}': could not fetch it from "
        "origin; check out with fetch-depth: 0, or set baseline-ref: none\n" in run.stdout
    )
    assert run.summary == ""
    assert fake_github.calls == []


# -- the coverage-comment workflow: a CI run that left no result is skipped -----------------

COMMENT_WORKFLOW = REPO / ".github" / "workflows" / "coverage-comment.yml"


def comment_job_steps(text: str) -> list[dict]:
    (job,) = yaml.safe_load(text)["jobs"].values()
    return job["steps"]


def readme_comment_workflow() -> str:
    readme = (REPO / "docs" / "action.md").read_text()
    start = readme.index("```yaml\n# .github/workflows/coverage-comment.yml\n") + len("```yaml\n")
    return readme[start : readme.index("```\n", start)]


def look_for_result(tmp_path, httpserver, step) -> tuple[subprocess.CompletedProcess, dict]:
    """Run the step's script as the runner runs `shell: bash`, against the API on loopback."""
    assert step["id"] == "result" and step["shell"] == "bash"
    assert step["env"] == {
        "GH_TOKEN": "${{ github.token }}",
        "RUN_ID": "${{ github.event.workflow_run.id }}",
    }
    script = tmp_path / "look.sh"
    script.write_text(step["run"])
    out = tmp_path / "set_output"
    out.write_text("")
    env = clean_env(
        GITHUB_API_URL=httpserver.url_for("/").rstrip("/"),
        GITHUB_REPOSITORY="octo/demo",
        GITHUB_OUTPUT=str(out),
        GH_TOKEN=TOKEN,
        RUN_ID="99",
        NO_PROXY="*",
    )
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    print(proc.stdout, proc.stderr)
    return proc, parse_output_file(out)


@pytest.mark.parametrize(
    ("artifacts", "found"),
    [
        ([], False),  # CI died before the ratchet step
        ([{"name": "coverage-ratchet", "expired": True}], False),
        ([{"name": "coverage-ratchet", "expired": False}], True),
    ],
    ids=["none", "expired", "present"],
)
@pytest.mark.parametrize("where", ["workflow", "readme"])
def test_comment_workflow__runs_only_when_ci_left_a_result(
    tmp_path, httpserver, artifacts, found, where
):
    text = COMMENT_WORKFLOW.read_text() if where == "workflow" else readme_comment_workflow()
    steps = comment_job_steps(text)
    httpserver.expect_request(
        "/repos/octo/demo/actions/runs/99/artifacts",
        query_string={"name": "coverage-ratchet"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    ).respond_with_json({"total_count": len(artifacts), "artifacts": artifacts})
    proc, outputs = look_for_result(tmp_path, httpserver, steps[0])
    assert proc.returncode == 0
    assert outputs == {"found": "true" if found else "false"}
    httpserver.check_assertions()
    notice = "::notice title=coverage-ratchet::CI run 99 left no coverage-ratchet result"
    assert (notice in proc.stdout) is not found
    # Every later step (checkout, download, comment) runs only when there is a result.
    ctx = {"steps": {"result": {"outputs": outputs}}, "github": {}}
    assert [condition(s.get("if", "success()"), ctx) for s in steps[1:]] == [found] * (
        len(steps) - 1
    )
    assert TOKEN not in proc.stdout + proc.stderr


def test_comment_workflow__an_api_error_is_a_failure_not_a_skip(tmp_path, httpserver):
    (step, *_) = comment_job_steps(COMMENT_WORKFLOW.read_text())
    httpserver.expect_request("/repos/octo/demo/actions/runs/99/artifacts").respond_with_json(
        {"message": "Not Found"}, status=404
    )
    proc, outputs = look_for_result(tmp_path, httpserver, step)
    assert proc.returncode != 0
    assert outputs == {}
