from __future__ import annotations

import json

import pytest

from ratchet.errors import RatchetError
from ratchet.github.settings import Secret, Settings
from tests.github.conftest import (
    HEAD_SHA,
    TOKEN,
    merge_group_event,
    pull_request_event,
    workflow_run_event,
)

pytestmark = pytest.mark.unit


def env_for(tmp_path, event, **extra):
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    return {
        "GITHUB_EVENT_PATH": str(path),
        "GITHUB_REPOSITORY": "octo/demo",
        "GITHUB_SHA": "b" * 40,
        "GITHUB_RUN_ID": "12",
        "GITHUB_TOKEN": TOKEN,
        **extra,
    }


def test_pull_request__status_goes_on_the_head_not_the_merge_commit(tmp_path):
    s = Settings.from_env(
        env_for(tmp_path, pull_request_event(12), GITHUB_EVENT_NAME="pull_request")
    )
    assert s.pr_number == 12
    assert s.head_sha == HEAD_SHA
    assert not s.fork
    assert s.run_url == "https://github.com/octo/demo/actions/runs/12"
    assert s.api_url == "https://api.github.com"


def test_pull_request__fork_detected_by_repository_names(tmp_path):
    assert Settings.from_env(env_for(tmp_path, pull_request_event(fork=True))).fork
    event = pull_request_event()
    event["pull_request"]["head"]["repo"] = None  # the fork was deleted
    assert Settings.from_env(env_for(tmp_path, event)).fork


def test_merge_group__status_on_the_group_commit_and_no_pull_request(tmp_path):
    event = merge_group_event("d" * 40)
    s = Settings.from_env(env_for(tmp_path, event, GITHUB_EVENT_NAME="merge_group"))
    assert (s.head_sha, s.pr_number, s.fork) == ("d" * 40, None, False)
    # A pr-number given anyway (a step copied from the pull_request job) comments on nothing.
    s = Settings.from_env(env_for(tmp_path, event, RATCHET_PR_NUMBER="7"))
    assert s.pr_number is None
    event["merge_group"]["head_sha"] = "not a sha"
    assert Settings.from_env(env_for(tmp_path, event)).head_sha is None


def test_workflow_run__tested_commit_and_run_from_the_payload(tmp_path):
    event = workflow_run_event("d" * 40)
    s = Settings.from_env(env_for(tmp_path, event))
    assert (s.head_sha, s.pr_number) == ("d" * 40, None)  # a fork's PR is not listed
    assert s.run_url == "https://github.com/octo/demo/actions/runs/12"  # this run, lacking one
    event["workflow_run"]["html_url"] = "https://github.com/octo/demo/actions/runs/999"
    event["workflow_run"]["pull_requests"] = [{"number": 5}]
    s = Settings.from_env(env_for(tmp_path, event))
    assert s.run_url == "https://github.com/octo/demo/actions/runs/999"  # the tested run
    assert s.pr_number == 5
    event["workflow_run"]["html_url"] = "javascript:alert(1)//https://github.com/o/r/actions/runs/1"
    url = Settings.from_env(env_for(tmp_path, event)).run_url
    assert url is not None
    assert url.endswith("/runs/12")


def test_push__head_is_github_sha(tmp_path):
    s = Settings.from_env(env_for(tmp_path, {"ref": "refs/heads/main"}))
    assert (s.head_sha, s.pr_number) == ("b" * 40, None)


def test_inputs__pr_number_id_and_enterprise_api_url(tmp_path):
    s = Settings.from_env(
        env_for(
            tmp_path,
            {},
            RATCHET_PR_NUMBER="33",
            RATCHET_ID="api",
            RATCHET_COMMENT="never",
            RATCHET_COMMIT_STATUS="false",
            GITHUB_API_URL="https://ghe.example/api/v3/",
            RUNNER_TEMP=str(tmp_path),
        )
    )
    assert s.pr_number == 33
    assert s.status_context == "coverage-ratchet/api"
    assert (s.comment, s.commit_status) == ("never", False)
    assert s.api_url == "https://ghe.example/api/v3"
    assert s.result_dir == tmp_path / "coverage-ratchet-api"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("RATCHET_PR_NUMBER", "7; rm -rf /", "pr-number"),
        ("RATCHET_PR_NUMBER", "0", "pr-number"),
        ("RATCHET_COMMENT", "sometimes", "comment must be one of"),
        ("RATCHET_COMMIT_STATUS", "maybe", "commit-status"),
        ("RATCHET_ID", "a -->", "id must be"),
        ("RATCHET_BOT_LOGIN", "x y", "bot-login"),
        ("GITHUB_REPOSITORY", "../../x", "owner/name"),
    ],
)
def test_inputs__bad_values_are_config_errors(tmp_path, key, value, message):
    with pytest.raises(RatchetError, match=message):
        Settings.from_env(env_for(tmp_path, {}, **{key: value}))


def test_event__unreadable_payload_is_named(tmp_path):
    with pytest.raises(RatchetError, match="no such file"):
        Settings.from_env({"GITHUB_EVENT_PATH": str(tmp_path / "missing.json")})
    (tmp_path / "e.json").write_text("[1]")
    with pytest.raises(RatchetError, match="not a JSON object"):
        Settings.from_env({"GITHUB_EVENT_PATH": str(tmp_path / "e.json")})


def test_token__never_in_repr_or_str(tmp_path):
    s = Settings.from_env(env_for(tmp_path, pull_request_event()))
    assert s.token is not None and s.token.reveal() == TOKEN
    assert TOKEN not in repr(s)
    assert TOKEN not in str(s)
    assert TOKEN not in f"{s.token}" + repr(Secret(TOKEN))


@pytest.mark.parametrize("token", [TOKEN + "\nX: 1", "tök" + TOKEN, TOKEN + " x", TOKEN + "\x00"])
def test_token__characters_no_token_has_are_refused_unquoted(tmp_path, token):
    with pytest.raises(RatchetError) as e:
        Settings.from_env(env_for(tmp_path, pull_request_event(), GITHUB_TOKEN=token))
    assert "github-token" in str(e.value)
    assert TOKEN[4:12] not in str(e.value) and "tök" not in str(e.value)


def test_result_dir__a_relative_one_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = Settings.from_env(env_for(tmp_path, pull_request_event(), RATCHET_RESULT_DIR="out/../r"))
    assert s.result_dir == tmp_path / "r"


def test_dependabot__by_actor_or_by_the_pull_requests_author(tmp_path):
    event = pull_request_event()
    assert not Settings.from_env(env_for(tmp_path, event)).dependabot
    assert Settings.from_env(env_for(tmp_path, event, GITHUB_ACTOR="dependabot[bot]")).dependabot
    event["pull_request"]["user"] = {"login": "dependabot[bot]"}
    assert Settings.from_env(env_for(tmp_path, event)).dependabot


def test_event__read_once_and_kept_for_the_action(tmp_path):
    """The event file is read here only: ``ratchet action`` asks these for the base ref."""
    env = env_for(
        tmp_path, pull_request_event(3), GITHUB_EVENT_NAME="pull_request", GITHUB_BASE_REF="dev"
    )
    assert Settings.from_env({**env, "GITHUB_BASE_REF": ""}).base_ref is None
    s = Settings.from_env(env)
    (tmp_path / "event.json").unlink()  # nothing reads it again
    assert (s.event_name, s.base_ref) == ("pull_request", "dev")
    assert s.event["pull_request"]["number"] == 3
    assert "pull_request" not in repr(s).replace("event_name='pull_request'", "")
