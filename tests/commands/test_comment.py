"""``ratchet comment`` as a user (or the privileged workflow) runs it."""

from __future__ import annotations

import json

import pytest

from ratchet.github import artifact
from ratchet.render.comment import marker
from ratchet.render.outcome import outcome_dict
from tests.github.conftest import HEAD_SHA, REPOSITORY, TOKEN, workflow_run_event
from tests.github.test_resultjson import BEFORE, NOW, outcome_for

pytestmark = pytest.mark.integration


@pytest.fixture
def saved(tmp_path):
    d = tmp_path / "result"
    outcome = outcome_for(NOW, BEFORE)
    artifact.write(d, outcome_dict(outcome), "ignored", 7, "api")
    return d


def env_for(tmp_path, fake_github, **extra):
    event = tmp_path / "event.json"
    event.write_text(json.dumps(workflow_run_event(HEAD_SHA)))
    return {
        "GITHUB_API_URL": fake_github.url,
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_EVENT_NAME": "workflow_run",
        "RATCHET_ID": "api",  # the check step's id: the comment step names it too
        **extra,
    }


def test_dry_run_prints_the_comment_and_calls_nothing(run_ratchet, saved, tmp_path, fake_github):
    env = {"RATCHET_ID": "api"}
    res = run_ratchet("comment", "--result", str(saved), "--dry-run", cwd=tmp_path, env=env)
    assert res.code == 0, res
    assert res.stdout.startswith(marker("api"))  # the id the check step ran with
    assert "| ❌ \\<img src\\=x onerror\\=alert\\(1\\)\\>\\.py |" in res.stdout  # escaped
    assert fake_github.calls == []


def test_posts_with_options_for_pr_and_sha(run_ratchet, saved, tmp_path, fake_github):
    fake_github.pulls[9] = {"number": 9, "head": {"sha": "f" * 40}}
    out = tmp_path / "out"
    env = env_for(tmp_path, fake_github, GITHUB_OUTPUT=str(out))
    res = run_ratchet(
        "comment",
        "--result",
        str(saved),
        "--pr-number",
        "9",
        "--head-sha",
        "f" * 40,
        cwd=tmp_path,
        env=env,
    )
    assert res.code == 0, res
    assert "comment created on #9" in res.stdout
    assert "status coverage-ratchet/api set on ffffffffffff" in res.stdout
    (posted,) = fake_github.comments.values()
    assert posted["body"].startswith(marker("api"))
    assert "comment-id<<ghadelimiter_" in out.read_text()


@pytest.mark.parametrize(
    ("args", "extra", "message"),
    [
        ((), {"GITHUB_TOKEN": ""}, "needs GITHUB_TOKEN"),
        (("--head-sha", "nope"), {}, "--head-sha must be a full hexadecimal commit SHA"),
        ((), {"GITHUB_EVENT_PATH": ""}, "needs the tested commit"),
        ((), {}, "Not Found"),  # PR 7 does not exist
        ((), {"RATCHET_ID": "web"}, "made with id 'api', but this step's id is 'web'"),
        # The untrusted result may not choose the status context or the comment it replaces.
        ((), {"RATCHET_ID": ""}, "made with id 'api', but this step's id is '(none)'"),
    ],
)
def test_refuses_without_what_it_needs(
    run_ratchet, saved, tmp_path, fake_github, args, extra, message
):
    env = env_for(tmp_path, fake_github, **extra)
    res = run_ratchet("comment", "--result", str(saved), *args, cwd=tmp_path, env=env)
    assert res.code == 2, res
    assert message in res.stderr
    assert fake_github.writes() == []
    assert TOKEN not in res.stdout + res.stderr


def test_no_pr_number_anywhere(run_ratchet, saved, tmp_path, fake_github):
    (saved / "pr-number").unlink()
    res = run_ratchet(
        "comment", "--result", str(saved), cwd=tmp_path, env=env_for(tmp_path, fake_github)
    )
    assert res.code == 2
    assert "no pull request number" in res.stderr
