"""What a GitHub run tells the ratchet, read once from an environment mapping.

The action maps its inputs into ``RATCHET_*`` variables (composite actions get no
``INPUT_*`` variables); the runner sets the ``GITHUB_*`` and ``RUNNER_*`` ones. Nothing below
this module reads ``os.environ``.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ratchet.errors import RatchetError

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_SERVER_URL = "https://github.com"
DEFAULT_BOT_LOGIN = "github-actions[bot]"
COMMENT_MODES = ("auto", "always", "never")
STATUS_CONTEXT = "coverage-ratchet"
RESULT_DIR = "coverage-ratchet"  # under $RUNNER_TEMP (else the working directory), + "-<id>"
MAX_EVENT_BYTES = 32 * 1024 * 1024

_REPO = re.compile(r"^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$")
_ID = re.compile(r"^[A-Za-z0-9_.-]{0,64}$")
_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_LOGIN = re.compile(r"^[A-Za-z0-9-]{1,39}(?:\[bot\])?$")
# Visible ASCII: what GitHub's tokens are made of, and all an HTTP header can carry safely.
_TOKEN = re.compile(r"^[\x21-\x7e]+$")
DEPENDABOT = "dependabot[bot]"
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


class Secret:
    """A token that never shows itself in a repr, a str or a log line."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


def parse_bool(value: str, name: str) -> bool:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise RatchetError(f"{name} must be true or false, not {value!r}")


def parse_pr_number(value: str, name: str) -> int:
    v = value.strip()
    if not v.isdigit() or not v.isascii() or len(v) > 10 or int(v) < 1 or int(v) >= 2**31:
        raise RatchetError(f"{name} must be a positive pull request number, not {value[:40]!r}")
    return int(v)


def check_sha(value: str, name: str) -> str:
    if not _SHA.match(value):
        raise RatchetError(f"{name} must be a full hexadecimal commit SHA, not {value[:80]!r}")
    return value


def check_id(value: str) -> str:
    if not _ID.match(value):
        raise RatchetError(
            f"id must be at most 64 letters, digits, '.', '_' or '-', not {value[:80]!r}"
        )
    return value


def check_token(value: str) -> Secret | None:
    """The token as a ``Secret`` (None when empty). One with a space, a control character or
    anything beyond ASCII is refused before any request, by a message that does not quote it:
    ``requests`` would refuse it in a message that does (escaped), or crash encoding it."""
    token = value.strip()
    if not token:
        return None
    if not _TOKEN.match(token):
        raise RatchetError(
            "github-token holds a character no token has (whitespace, a control character or "
            "non-ASCII); check the secret it comes from"
        )
    return Secret(token)


def _load_event(path: str) -> Mapping[str, Any]:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_EVENT_BYTES:
            raise RatchetError("event payload is implausibly large", source=path)
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RatchetError("no such file", source=path) from None
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise RatchetError(f"cannot read the event payload: {e}", source=path) from None
    if not isinstance(data, dict):
        raise RatchetError("the event payload is not a JSON object", source=path)
    return data


def load_event(env: Mapping[str, str]) -> Mapping[str, Any]:
    """The event payload at ``GITHUB_EVENT_PATH``; empty when there is none."""
    return _load_event(env["GITHUB_EVENT_PATH"]) if env.get("GITHUB_EVENT_PATH") else {}


def _get(data: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(k)
    return data


@dataclass(frozen=True)
class Settings:
    """Everything the GitHub side needs, typed; the token is a ``Secret``."""

    api_url: str = DEFAULT_API_URL
    server_url: str = DEFAULT_SERVER_URL
    repository: str | None = None
    token: Secret | None = field(default=None, repr=False)
    pr_number: int | None = None
    head_sha: str | None = None
    fork: bool = False  # the PR's head is another repository (or a deleted one)
    dependabot: bool = False  # the run is Dependabot's: its token is read-only too
    run_url: str | None = None
    comment: str = "auto"
    commit_status: bool = True
    id: str = ""
    bot_login: str = DEFAULT_BOT_LOGIN
    output_file: Path | None = None
    summary_file: Path | None = None
    result_dir: Path = Path(RESULT_DIR)
    workspace: Path | None = None
    event_name: str = ""  # GITHUB_EVENT_NAME
    base_ref: str | None = None  # GITHUB_BASE_REF: a pull request's base branch
    # The event payload (GITHUB_EVENT_PATH), read once: what else a step needs of it.
    event: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def status_context(self) -> str:
        return f"{STATUS_CONTEXT}/{self.id}" if self.id else STATUS_CONTEXT

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Everything the run says, read from ``env`` (and the event file it names) once."""
        event = load_event(env)
        repository = env.get("GITHUB_REPOSITORY") or None
        if repository is not None and not _REPO.match(repository):
            raise RatchetError(f"GITHUB_REPOSITORY must be owner/name, not {repository[:120]!r}")
        run = _Run.of(event, env)
        pr_number = run.pr_number
        if env.get("RATCHET_PR_NUMBER", "").strip() and not isinstance(
            event.get("merge_group"), Mapping
        ):
            pr_number = parse_pr_number(env["RATCHET_PR_NUMBER"], "pr-number")
        comment = env.get("RATCHET_COMMENT", "auto").strip().lower() or "auto"
        if comment not in COMMENT_MODES:
            raise RatchetError(
                f"comment must be one of {', '.join(COMMENT_MODES)}, not {comment[:40]!r}"
            )
        bot_login = env.get("RATCHET_BOT_LOGIN", "").strip() or DEFAULT_BOT_LOGIN
        if not _LOGIN.match(bot_login):
            raise RatchetError(f"bot-login is not a GitHub login: {bot_login[:60]!r}")
        ident = check_id(env.get("RATCHET_ID", "").strip())
        server_url = (env.get("GITHUB_SERVER_URL") or DEFAULT_SERVER_URL).rstrip("/")
        return cls(
            api_url=(env.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/"),
            server_url=server_url,
            repository=repository,
            token=check_token(env.get("GITHUB_TOKEN", "")),
            pr_number=pr_number,
            head_sha=run.head_sha,
            fork=run.fork,
            dependabot=run.dependabot or env.get("GITHUB_ACTOR") == DEPENDABOT,
            run_url=_run_url(env, server_url, repository, run.html_url),
            comment=comment,
            commit_status=parse_bool(env.get("RATCHET_COMMIT_STATUS", "true"), "commit-status"),
            id=ident,
            bot_login=bot_login,
            output_file=_path(env, "GITHUB_OUTPUT"),
            summary_file=_path(env, "GITHUB_STEP_SUMMARY"),
            result_dir=_result_dir(env, ident),
            workspace=_path(env, "GITHUB_WORKSPACE"),
            event_name=env.get("GITHUB_EVENT_NAME", ""),
            base_ref=env.get("GITHUB_BASE_REF") or None,
            event=event,
        )


def _path(env: Mapping[str, str], name: str) -> Path | None:
    return Path(env[name]) if env.get(name) else None


def _run_url(
    env: Mapping[str, str], server_url: str, repository: str | None, html_url: Any
) -> str | None:
    """This run's page; in the privileged half, the untrusted run's (when it is on this
    server)."""
    if isinstance(html_url, str) and re.fullmatch(
        re.escape(server_url) + r"/[\w.-]+/[\w.-]+/actions/runs/\d+", html_url
    ):
        return html_url
    if repository and env.get("GITHUB_RUN_ID", "").isdigit():
        return f"{server_url}/{repository}/actions/runs/{env['GITHUB_RUN_ID']}"
    return None


def _result_dir(env: Mapping[str, str], ident: str) -> Path:
    if env.get("RATCHET_RESULT_DIR"):
        # Absolute, so the result-dir and comment-file outputs mean the same directory to
        # later steps, which run in the workspace, not in this step's working-directory.
        return Path(env["RATCHET_RESULT_DIR"]).resolve()
    base = Path(env["RUNNER_TEMP"]) if env.get("RUNNER_TEMP") else Path.cwd()
    return base / (RESULT_DIR + (f"-{ident}" if ident else ""))


def _number(x: Any) -> int | None:
    return x if isinstance(x, int) and not isinstance(x, bool) and x > 0 else None


@dataclass(frozen=True)
class _Run:
    """What the event says of the commit and pull request the run is about."""

    pr_number: int | None = None
    head_sha: str | None = None
    html_url: Any = None  # the untrusted run's page (``workflow_run``), not checked yet
    fork: bool = False
    dependabot: bool = False

    @classmethod
    def of(cls, event: Mapping[str, Any], env: Mapping[str, str]) -> _Run:
        pr, run, group = (event.get(k) for k in ("pull_request", "workflow_run", "merge_group"))
        if isinstance(pr, Mapping):
            head_repo = _get(pr, "head", "repo", "full_name")
            found = cls(
                pr_number=_number(pr.get("number")),
                head_sha=_get(pr, "head", "sha"),
                fork=head_repo is None or head_repo != _get(pr, "base", "repo", "full_name"),
                dependabot=_get(pr, "user", "login") == DEPENDABOT,
            )
        elif isinstance(run, Mapping):
            # The privileged half: the commit the untrusted run tested, and its run to link
            # to. GitHub lists the PR only for same-repository PRs; for forks the number
            # comes from the artifact and is checked against the API.
            prs = run.get("pull_requests")
            one = _get(prs[0], "number") if isinstance(prs, list) and len(prs) == 1 else None
            found = cls(_number(one), run.get("head_sha"), run.get("html_url"))
        elif isinstance(group, Mapping):
            # A merge queue's group: its status goes on the commit the queue tests; there is
            # no pull request to comment on (the group may hold several).
            found = cls(head_sha=group.get("head_sha"))
        else:
            found = cls(head_sha=env.get("GITHUB_SHA") or None)
        if not isinstance(found.head_sha, str) or not _SHA.match(found.head_sha):
            found = dataclasses.replace(found, head_sha=None)
        return found
