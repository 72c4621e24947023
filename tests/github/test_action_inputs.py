"""What the Action's inputs mean (ratchet.github.action): report patterns, expanded against
real files, and baseline refs, resolved and fetched in real git clones of a bare origin."""

from __future__ import annotations

import subprocess

import pytest

from ratchet.errors import RatchetError
from ratchet.github import action
from ratchet.github.settings import Settings
from tests.conftest import git
from tests.github.conftest import merge_group_event, pull_request_event

# -- coverage-files ----------------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", []),
        ("coverage.xml", ["coverage.xml"]),
        (" a.xml\tb.xml  c.json ", ["a.xml", "b.xml", "c.json"]),  # one line: split on blanks
        ("my reports/a.xml\nb.xml", ["my reports/a.xml", "b.xml"]),  # lines: blanks kept
        ("  my reports/a.xml  \r\n\n  \n b.xml\r\n", ["my reports/a.xml", "b.xml"]),
        ("my reports/*.xml\n", ["my reports/*.xml"]),  # a `|` block of one line
        ("\n", []),
    ],
    ids=["empty", "one", "blanks", "lines", "crlf-and-empty-lines", "one-line-block", "newline"],
)
def test_patterns(value, expected):
    assert action.patterns(value) == expected


@pytest.fixture
def reports(tmp_path):
    for name in (
        "coverage.xml",
        "shards/1/coverage.xml",
        "shards/2/deeper/coverage.xml",
        "shards/.hidden/coverage.xml",
        "my reports/shard 1.json",
        "my reports/shard 2.json",
        "100%.xml",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    return tmp_path


@pytest.mark.unit
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("coverage.xml", ["coverage.xml"]),
        (
            "shards/**/coverage.xml",  # ** spans any depth, none included; dot dirs skipped
            ["shards/1/coverage.xml", "shards/2/deeper/coverage.xml"],
        ),
        ("shards/*/coverage.xml", ["shards/1/coverage.xml"]),
        ("my reports/*.json\n", ["my reports/shard 1.json", "my reports/shard 2.json"]),
        ("my*/shard ?.json\n", ["my reports/shard 1.json", "my reports/shard 2.json"]),
        (
            "coverage.xml shards/*/coverage.xml coverage.xml",
            ["coverage.xml", "shards/1/coverage.xml"],
        ),
        ("100%.xml", ["100%.xml"]),
        ("", []),  # nothing given: the configuration's reports
    ],
)
def test_expand(reports, value, expected):
    assert [p.replace("\\", "/") for p in action.expand(value, reports)] == expected


@pytest.mark.unit
def test_expand__an_absolute_pattern_stays_absolute(reports):
    (found,) = action.expand(str(reports / "shards" / "*" / "coverage.xml"), reports)
    assert found == str(reports / "shards" / "1" / "coverage.xml")


@pytest.mark.unit
@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("nomatch.xml", "no file matches 'nomatch.xml'"),
        (
            "coverage.xml\nnomatch/*.json\n 100%.json ",
            "no file matches 'nomatch/*.json', nor '100%.json'",
        ),
        # One line with a path that has a space: split, and the user is told why.
        (
            "my reports/shard 1.json",
            "no file matches 'my', nor 'reports/shard', nor '1.json' (one line is split on "
            "blanks; for a path with spaces, give one path a line)",
        ),
        ("$(touch pwned) coverage.xml", "no file matches '$(touch', nor 'pwned)'"),
    ],
)
def test_expand__every_pattern_matching_nothing_is_named_in_one_error(reports, value, said):
    with pytest.raises(RatchetError) as e:
        action.expand(value, reports)
    assert str(e.value) == f"coverage-files: {said}"
    assert not (reports / "pwned").exists()


# -- baseline-ref: what is asked for ------------------------------------------------------------


def settings_of(env, event):
    """What ``Settings.from_env`` reads of the event (tests/github/test_settings.py)."""
    return Settings(
        event_name=env.get("GITHUB_EVENT_NAME", ""),
        base_ref=env.get("GITHUB_BASE_REF") or None,
        event=event,
    )


PR = {"GITHUB_EVENT_NAME": "pull_request"}
QUEUE = {"GITHUB_EVENT_NAME": "merge_group"}
PUSH = {"GITHUB_EVENT_NAME": "push"}
TARGET = {"GITHUB_EVENT_NAME": "pull_request_target", "GITHUB_BASE_REF": "a"}


@pytest.mark.unit
@pytest.mark.parametrize(
    ("given", "mode", "env", "event", "expected"),
    [
        ("auto", "check", {**PR, "GITHUB_BASE_REF": "dev"}, {}, "origin/dev"),
        ("auto", "check", PR, pull_request_event(), "origin/main"),  # from the payload
        ("auto", "check", TARGET, {}, "origin/a"),
        ("auto", "check", QUEUE, merge_group_event(base_sha="c" * 40), "c" * 40),
        ("auto", "check", PUSH, {}, None),
        ("auto", "check", {}, {}, None),  # outside Actions
        ("none", "check", {**PR, "GITHUB_BASE_REF": "main"}, {}, None),
        ("v1", "check", PUSH, {}, "v1"),
        ("main", "update", PUSH, {}, None),  # only check holds the change to a ref
        ("auto", "comment", {"GITHUB_EVENT_NAME": "workflow_run"}, {}, None),
    ],
)
def test_requested(given, mode, env, event, expected):
    assert action.requested(given, mode, settings_of(env, event)) == expected


@pytest.mark.unit
@pytest.mark.parametrize(
    ("env", "event", "said"),
    [
        (PR, {}, "names no base branch for this pull request"),
        ({**PR, "GITHUB_BASE_REF": ""}, pull_request_event(base_ref=" "), "names no base branch"),
        (QUEUE, {}, "the merge_group event names no base commit"),
        (QUEUE, merge_group_event(base_sha="C" * 40), "no base commit"),
    ],
)
def test_requested__a_change_whose_base_is_unknown_is_never_checked_alone(env, event, said):
    with pytest.raises(RatchetError, match=said) as e:
        action.requested("auto", "check", settings_of(env, event))
    assert str(e.value).startswith("baseline-ref auto: ")
    assert str(e.value).endswith(", or to none")


@pytest.mark.unit
def test_inputs__defaults_and_a_bad_mode():
    assert action.Inputs.from_env({}) == action.Inputs("check", "", "", "auto")
    env = {"RATCHET_MODE": " update ", "RATCHET_BASELINE_REF": " ", "RATCHET_CONFIG": "a/p.toml"}
    assert action.Inputs.from_env(env) == action.Inputs("update", "", "a/p.toml", "auto")
    with pytest.raises(RatchetError, match="mode must be check, update or comment"):
        action.Inputs.from_env({"RATCHET_MODE": "deploy"})


# -- baseline-ref: resolved and fetched in real clones --------------------------------------------


@pytest.fixture(scope="session")
def origin(tmp_path_factory):
    """A bare origin: main (tagged v1 and v2.0), a branch `dev`, a branch and a tag both
    named `both`; returns (url, main's commit, dev's commit). Made once: the tests only
    clone it."""
    tmp_path = tmp_path_factory.mktemp("origin")
    repo = tmp_path / "seed"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "f").write_text("1")
    git(repo, "add", "f")
    git(repo, "commit", "-q", "-m", "main")
    main = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "tag", "-a", "v1", "-m", "v1")
    git(repo, "tag", "v2.0")
    git(repo, "checkout", "-q", "-b", "dev")
    (repo / "f").write_text("2")
    git(repo, "commit", "-q", "-am", "dev")
    dev = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "branch", "both", "main")
    git(repo, "tag", "both", "dev")
    bare = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    return f"file://{bare}", main, dev


def checkout(tmp_path, url, *, shallow=True, branch="dev"):
    clone = tmp_path / f"clone-{shallow}"
    depth = ["--depth=1", "--single-branch", "--no-tags"] if shallow else []
    git(tmp_path, "clone", "-q", *depth, "--branch", branch, url, str(clone))
    return clone


def commit(clone, ref):
    proc = subprocess.run(
        ["git", "rev-parse", "--verify", "-q", f"{ref}^{{commit}}"],
        cwd=clone,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() or None


@pytest.mark.integration
@pytest.mark.parametrize("shallow", [True, False], ids=["depth-1", "full"])
@pytest.mark.parametrize(
    ("given", "name", "at"),
    [
        ("main", "origin/main", "main"),
        ("origin/main", "origin/main", "main"),
        ("refs/heads/main", "origin/main", "main"),
        ("refs/remotes/origin/main", "origin/main", "main"),
        ("v1", "refs/tags/v1", "main"),
        ("refs/tags/v1", "refs/tags/v1", "main"),
        ("v2.0", "refs/tags/v2.0", "main"),  # a lightweight tag
        ("both", "origin/both", "main"),  # a branch and a tag: the branch wins
        ("MAIN_SHA", "MAIN_SHA", "main"),
        ("dev", "origin/dev", "dev"),  # already there
        ("mine", "mine", "dev"),  # no branch or tag on origin: the clone's own branch
    ],
)
def test_resolve__every_way_of_naming_the_bar(tmp_path, origin, shallow, given, name, at):
    url, main, dev = origin
    clone = checkout(tmp_path, url, shallow=shallow)
    git(clone, "branch", "mine")
    given, name = given.replace("MAIN_SHA", main), name.replace("MAIN_SHA", main)
    said: list[str] = []
    assert action.resolve(given, clone, said.append) == name
    assert commit(clone, name) == {"main": main, "dev": dev}[at]
    assert said == []
    # As deep as it was: a fetch into a shallow clone stays shallow, a full one full.
    is_shallow = git(clone, "rev-parse", "--is-shallow-repository").strip()
    assert is_shallow == ("true" if shallow else "false")


@pytest.mark.integration
def test_resolve__a_fetch_brings_no_tags_along(tmp_path, origin):
    url, _, _ = origin
    clone = checkout(tmp_path, url)
    assert action.resolve("main", clone, print) == "origin/main"
    assert git(clone, "tag", "--list") == ""
    assert action.resolve("v1", clone, print) == "refs/tags/v1"
    assert git(clone, "tag", "--list").split() == ["v1"]


@pytest.mark.integration
@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("nosuch", "no branch or tag of that name on origin, nor a commit in this clone"),
        ("origin/no..such", "not a branch name"),
        ("refs/tags/bad~tag", "not a tag name"),
        ("refs/heads/nosuch", action.CANNOT),
        ("refs/tags/nosuch", action.CANNOT),
        ("e" * 40, action.CANNOT),
        ("-x", "not a git ref name"),
        ("main two", "not a git ref name"),
        ("", "not a git ref name"),
    ],
)
def test_resolve__one_that_is_not_there_says_how_to_fix_it(tmp_path, origin, given, said):
    clone = checkout(tmp_path, url := origin[0])
    assert url
    echoed: list[str] = []
    with pytest.raises(RatchetError) as e:
        action.resolve(given, clone, echoed.append)
    assert str(e.value) == f"baseline-ref '{given}': {said}"
    if said == action.CANNOT:  # what git said is shown too
        assert echoed[0].startswith("`git fetch origin ")
        assert any("fatal:" in line for line in echoed[1:])


@pytest.mark.integration
def test_resolve__no_origin_and_no_checkout(tmp_path, git_repo):
    lone = git_repo(tmp_path / "lone")
    with pytest.raises(RatchetError, match=f"baseline-ref 'main': {action.CANNOT}"):
        action.resolve("main", lone, print)
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    with pytest.raises(RatchetError, match="is not in a git checkout; check out the repository"):
        action.resolve("main", outside, print)
