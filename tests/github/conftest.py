"""The GitHub side, tested the way the runner and GitHub see it.

- ``action``: runs the composite ``action.yml`` step by step as the runner does: each
  ``run:`` script through ``bash --noprofile --norc -eo pipefail {0}``, the step's ``env:``
  evaluated by a small expression engine (``${{ inputs.x }}``, ``github.*``,
  ``steps.x.outputs.y``), fresh ``GITHUB_OUTPUT``/``GITHUB_STEP_SUMMARY`` files per step,
  the event payload at ``GITHUB_EVENT_PATH``, and no ``INPUT_*`` variables (composites get
  none). ``uses:`` steps (setup-python) are stubbed with their outputs. The action's own
  bootstrap runs for real: it builds its private venv from the hashed lock with the pinned
  uv of this venv, offline (``UV_OFFLINE``: the wheels are in uv's cache since ``make``
  installed the same pins), once per test session in a shared tool cache.
- ``fake_github``: a stateful stand-in for the REST API on a real loopback HTTP server
  (pytest-httpserver), reached through ``GITHUB_API_URL``. Tests assert on what it received.
- ``workspace``: a git repository with a pyproject.toml and a coverage.py JSON report made
  to measure (file names included).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_httpserver import HTTPServer
    from werkzeug import Request, Response

from ratchet.core.models import Counts
from ratchet.github import launch
from ratchet.store import filebaseline
from tests.conftest import REPO, clean_env, git, unmeasured_env

ACTION = REPO / "action.yml"
VENV_BIN = Path(sys.executable).parent
WHEELS = Path(sys.prefix) / "action-wheels"  # requirements/action.txt's, for this Python: make
TOKEN = "ghs_T0pS3cretTokenValue1234567890abcd"
REPOSITORY = "octo/demo"
BOT = "github-actions[bot]"
HEAD_SHA = "a" * 40
MERGE_SHA = "b" * 40


# -- a small evaluator for GitHub expressions ---------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+(?:\.\d+)?)|(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\].,])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)


def _truthy(v: Any) -> bool:
    return v not in (None, False, 0, "", 0.0)


def _eq(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return bool(a == b)


def _str(v: Any) -> str:
    if v is None:
        return ""
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return str(v)


class Expr:
    """Parses and evaluates one ``${{ }}`` expression against a context mapping."""

    def __init__(self, text: str, ctx: Mapping[str, Any]) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise ValueError(f"cannot parse expression {text!r} at {pos}")
            kind = m.lastgroup
            assert kind is not None
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
        self.i = 0
        self.ctx = ctx

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise ValueError(f"expected {value!r}, got {tok!r}")
        self.i += 1
        return tok

    def evaluate(self) -> Any:
        v = self.or_()
        if self.peek() is not None:
            raise ValueError(f"trailing tokens {self.tokens[self.i :]}")
        return v

    def or_(self) -> Any:
        v = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            rhs = self.and_()
            v = v if _truthy(v) else rhs
        return v

    def and_(self) -> Any:
        v = self.not_()
        while self.peek() == ("op", "&&"):
            self.take()
            rhs = self.not_()
            v = rhs if _truthy(v) else v
        return v

    def not_(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            return not _truthy(self.not_())
        return self.cmp()

    def cmp(self) -> Any:
        v = self.primary()
        tok = self.peek()
        if tok and tok[1] in ("==", "!=", "<", ">", "<=", ">="):
            self.take()
            rhs = self.primary()
            op = tok[1]
            if op == "==":
                return _eq(v, rhs)
            if op == "!=":
                return not _eq(v, rhs)
            return {"<": v < rhs, ">": v > rhs, "<=": v <= rhs, ">=": v >= rhs}[op]
        return v

    def primary(self) -> Any:
        kind, value = self.take()
        if kind == "num":
            return float(value) if "." in value else int(value)
        if kind == "str":
            return value[1:-1].replace("''", "'")
        if value == "(":
            v = self.or_()
            self.take(")")
            return v
        if kind != "name":
            raise ValueError(f"unexpected {value!r}")
        if value in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[value]
        if self.peek() == ("op", "("):
            self.take("(")
            args = []
            while self.peek() != ("op", ")"):
                args.append(self.or_())
                if self.peek() == ("op", ","):
                    self.take()
            self.take(")")
            return self.call(value, args)
        v = self.ctx.get(value)
        while self.peek() in (("op", "."), ("op", "[")):
            if self.take()[1] == ".":
                key: Any = self.take()[1]
            else:
                key = self.or_()
                self.take("]")
            if isinstance(v, dict):
                v = v.get(key)
            elif isinstance(v, list) and isinstance(key, int) and 0 <= key < len(v):
                v = v[key]
            else:
                v = None
        return v

    def call(self, name: str, args: list[Any]) -> Any:
        status = self.ctx.get("__status__", "success")
        fns: dict[str, Callable[..., Any]] = {
            "format": lambda f, *a: (
                re.sub(r"\{(\d+)\}", lambda m: _str(a[int(m.group(1))]), f.replace("{{", "\0"))
                .replace("\0", "{")
                .replace("}}", "}")
            ),
            "contains": lambda h, n: (
                any(_eq(x, n) for x in h)
                if isinstance(h, list)
                else _str(n).lower() in _str(h).lower()
            ),
            "startsWith": lambda s, p: _str(s).lower().startswith(_str(p).lower()),
            "endsWith": lambda s, p: _str(s).lower().endswith(_str(p).lower()),
            "toJSON": lambda v: json.dumps(v, indent=2),
            "fromJSON": lambda s: json.loads(s),
            "success": lambda: status == "success",
            "failure": lambda: status == "failure",
            "always": lambda: True,
            "cancelled": lambda: False,
        }
        return fns[name](*args)


_EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def interpolate(value: Any, ctx: Mapping[str, Any]) -> str:
    """A YAML value with ``${{ }}`` in it, as the runner turns it into a string."""
    text = _str(value)
    whole = _EXPR.fullmatch(text.strip())
    if whole:
        return _str(Expr(whole.group(1), ctx).evaluate())
    return _EXPR.sub(lambda m: _str(Expr(m.group(1), ctx).evaluate()), text)


def condition(text: Any, ctx: Mapping[str, Any]) -> bool:
    """An ``if:`` (with or without ``${{ }}``); status functions default to ``success()``."""
    src = _str(text).strip()
    m = _EXPR.fullmatch(src)
    src = m.group(1) if m else src
    if not re.search(r"\b(success|failure|always|cancelled)\(", src):
        src = f"success() && ({src})"
    return _truthy(Expr(src, ctx).evaluate())


# -- running the composite action ----------------------------------------------------------


def parse_output_file(path: Path) -> dict[str, str]:
    """``name=value`` lines and ``name<<DELIM`` blocks, as the runner reads them."""
    out: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").split("\n") if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            value: list[str] = []
            while lines[i] != delim:
                value.append(lines[i])
                i += 1
            i += 1
            out[name] = "\n".join(value)
        else:
            name, _, v = line.partition("=")
            out[name] = v
    return out


@dataclass
class StepRun:
    id: str
    code: int | None  # None: skipped (stubbed or its ``if:`` was false)
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class ActionRun:
    steps: list[StepRun]
    outputs: dict[str, str]

    @property
    def failed(self) -> StepRun | None:
        return next((s for s in self.steps if s.code not in (None, 0)), None)

    @property
    def code(self) -> int:
        f = self.failed
        return 0 if f is None else int(f.code or 0)

    def step(self, ident: str) -> StepRun:
        return next(s for s in self.steps if s.id == ident)

    @property
    def stdout(self) -> str:
        return "".join(s.stdout for s in self.steps)

    @property
    def stderr(self) -> str:
        return "".join(s.stderr for s in self.steps)

    @property
    def summary(self) -> str:
        return "".join(s.summary for s in self.steps)

    def __repr__(self) -> str:
        parts = [f"<action run: exit {self.code}, outputs {self.outputs}>"]
        for s in self.steps:
            parts.append(f"--- step {s.id}: exit {s.code}\n{s.stdout}{s.stderr}")
        return "\n".join(parts)


@dataclass
class Harness:
    """Runs action.yml's steps in ``workspace`` like the runner would."""

    workspace: Path
    temp: Path
    api_url: str
    runtime: Path | None  # a runtime an earlier call of the job built; None: build one
    action_path: Path = REPO
    stubs: dict[str, dict[str, str]] = field(
        default_factory=lambda: {
            "python": {"python-path": sys.executable},
            "uv": {"uv-path": str(VENV_BIN / "uv")},
        }
    )

    @property
    def tool_cache(self) -> Path:
        return self.temp.parent / "tool_cache"

    def run(
        self,
        inputs: Mapping[str, str] | None = None,
        *,
        event_name: str = "pull_request",
        event: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ActionRun:
        import yaml

        spec = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
        self.temp.mkdir(parents=True, exist_ok=True)
        event = dict(event if event is not None else pull_request_event())
        event_path = self.temp / "event.json"
        event_path.write_text(json.dumps(event), encoding="utf-8")
        pr = event.get("pull_request") or {}
        group = event.get("merge_group") or {}
        github: dict[str, Any] = {
            "token": TOKEN,
            "action_path": str(self.action_path),
            "workspace": str(self.workspace),
            "event_name": event_name,
            "event": event,
            "repository": REPOSITORY,
            "api_url": self.api_url,
            "server_url": "https://github.example",
            "sha": MERGE_SHA if pr else group.get("head_sha", HEAD_SHA),
            "ref": (
                f"refs/pull/{pr['number']}/merge"
                if pr
                else group.get("head_ref", "refs/heads/main")
            ),
            "base_ref": pr.get("base", {}).get("ref", "") if pr else "",
            "head_ref": pr.get("head", {}).get("ref", "") if pr else "",
            "run_id": "4242",
            "run_attempt": "1",
        }
        base_env = clean_env(
            GITHUB_ACTIONS="true",
            CI="true",
            GITHUB_WORKSPACE=str(self.workspace),
            GITHUB_ACTION_PATH=str(self.action_path),
            GITHUB_EVENT_NAME=event_name,
            GITHUB_EVENT_PATH=str(event_path),
            GITHUB_REPOSITORY=REPOSITORY,
            GITHUB_API_URL=self.api_url,
            GITHUB_SERVER_URL=github["server_url"],
            GITHUB_SHA=github["sha"],
            GITHUB_REF=github["ref"],
            GITHUB_RUN_ID="4242",
            GITHUB_RUN_ATTEMPT="1",
            RUNNER_TEMP=str(self.temp),
            RUNNER_TOOL_CACHE=str(self.tool_cache),
            RUNNER_OS="Linux",
            PATH=os.environ.get("PATH", ""),
            **offline_wheels(),
        )
        if self.runtime is not None:
            base_env[launch.REUSE] = str(self.runtime)
        if pr:
            base_env["GITHUB_BASE_REF"] = github["base_ref"]
            base_env["GITHUB_HEAD_REF"] = github["head_ref"]
        base_env.update(env or {})
        assert not [k for k in base_env if k.startswith("INPUT_")]

        ctx: dict[str, Any] = {
            "github": github,
            "runner": {"temp": str(self.temp), "os": "Linux"},
            "env": {},
            "steps": {},
        }
        declared = spec.get("inputs", {})
        unknown = set(inputs or {}) - set(declared)
        assert not unknown, f"inputs not declared in action.yml: {unknown}"
        ctx["inputs"] = {
            name: (inputs or {}).get(name, interpolate(d.get("default", ""), ctx))
            for name, d in declared.items()
        }
        runs: list[StepRun] = []
        stubs = self.stubs
        for n, step in enumerate(spec["runs"]["steps"]):
            ident = step.get("id", f"__run_{n}")
            ctx["__status__"] = (
                "failure" if any(r.code not in (None, 0) for r in runs) else "success"
            )
            if not condition(step.get("if", "success()"), ctx):
                runs.append(StepRun(ident, None))
                continue
            if ident in stubs:
                assert "uses" in step, f"step {ident} runs a script: run it, do not stub it"
                outs = dict(stubs[ident])
                runs.append(StepRun(ident, None, outputs=outs))
                ctx["steps"][ident] = {"outputs": outs, "outcome": "success"}
                continue
            assert "uses" not in step, f"step {ident} uses {step['uses']}: stub it"
            runs.append(self._run_step(n, ident, step, ctx, base_env))
            ctx["steps"][ident] = {
                "outputs": runs[-1].outputs,
                "outcome": "success" if runs[-1].code == 0 else "failure",
            }
        ctx["__status__"] = "success"
        outputs = {
            name: interpolate(o["value"], ctx) for name, o in spec.get("outputs", {}).items()
        }
        result = ActionRun(runs, outputs)
        print(repr(result))  # shown when a test fails
        return result

    def _run_step(
        self,
        n: int,
        ident: str,
        step: Mapping[str, Any],
        ctx: Mapping[str, Any],
        base_env: dict[str, str],
    ) -> StepRun:
        script = step["run"]
        # The runner would substitute these before bash sees the script: that is injection.
        assert "${{" not in script, f"step {ident}: expression inside run:"
        assert step.get("shell") == "bash"
        files = self.temp / "_runner_file_commands" / f"{n}_{ident}"
        files.mkdir(parents=True, exist_ok=True)
        out_file, summary_file = files / "set_output", files / "step_summary"
        out_file.touch()
        summary_file.touch()
        script_path = files / "script.sh"
        script_path.write_text(script, encoding="utf-8")
        env = dict(base_env)
        env.update({k: interpolate(v, ctx) for k, v in (step.get("env") or {}).items()})
        env.update(
            {
                "GITHUB_OUTPUT": str(out_file),
                "GITHUB_STEP_SUMMARY": str(summary_file),
                "GITHUB_ENV": str(files / "set_env"),
                "GITHUB_PATH": str(files / "add_path"),
                "GITHUB_STATE": str(files / "save_state"),
                "GITHUB_ACTION": ident,
            }
        )
        cwd = self.workspace / interpolate(step.get("working-directory", "."), ctx)
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_path)],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        return StepRun(
            ident,
            proc.returncode,
            proc.stdout,
            proc.stderr,
            parse_output_file(out_file),
            summary_file.read_text(encoding="utf-8"),
            {k: v for k, v in env.items() if k.startswith(("RATCHET_", "GITHUB_TOKEN"))},
        )


def pull_request_event(
    number: int = 7,
    *,
    head_sha: str = HEAD_SHA,
    fork: bool = False,
    base_ref: str = "main",
) -> dict[str, Any]:
    head_repo = "mallory/demo" if fork else REPOSITORY
    return {
        "action": "synchronize",
        "number": number,
        "pull_request": {
            "number": number,
            "head": {
                "sha": head_sha,
                "ref": "feature",
                "repo": {"full_name": head_repo, "fork": fork},
            },
            "base": {"sha": "c" * 40, "ref": base_ref, "repo": {"full_name": REPOSITORY}},
        },
        "repository": {"full_name": REPOSITORY},
    }


def merge_group_event(
    head_sha: str = HEAD_SHA, base_sha: str = "c" * 40, base_ref: str = "refs/heads/main"
) -> dict[str, Any]:
    """A merge queue's ``merge_group`` event (``checks_requested``), in the shape GitHub's
    webhook docs give: the group's commit, its branch, and the base it lands on."""
    branch = base_ref.removeprefix("refs/heads/")
    return {
        "action": "checks_requested",
        "merge_group": {
            "head_sha": head_sha,
            "head_ref": f"refs/heads/gh-readonly-queue/{branch}/pr-7-{base_sha}",
            "base_sha": base_sha,
            "base_ref": base_ref,
            "head_commit": {
                "id": head_sha,
                "tree_id": "d" * 40,
                "message": "Merge pull request #7 from octo/feature",
                "timestamp": "2026-11-27T10:00:00Z",
                "author": {"name": "Octo Cat", "email": "octo@example.invalid"},
                "committer": {"name": "GitHub", "email": "noreply@github.com"},
            },
        },
        "repository": {"full_name": REPOSITORY},
        "sender": {"login": "octo"},
    }


def pr_step_env(tmp_path: Path, workspace: Workspace, fake_github: FakeGitHub) -> dict[str, str]:
    """The variables the runner sets for a ``pull_request`` step of a run of ``ratchet``
    itself (not through the action): event payload, step files, the fake API."""
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


def workflow_run_event(head_sha: str = HEAD_SHA, run_id: int = 4242) -> dict[str, Any]:
    """The privileged run's event: CI's run ``run_id`` finished (the harness's own run is
    4242 too, so both halves link the same run)."""
    return {
        "action": "completed",
        "workflow_run": {
            "id": run_id,
            "html_url": f"https://github.example/{REPOSITORY}/actions/runs/{run_id}",
            "event": "pull_request",
            "conclusion": "failure",
            "head_sha": head_sha,
            "head_branch": "feature",
            "pull_requests": [],
        },
        "repository": {"full_name": REPOSITORY},
    }


# -- a fake GitHub REST API on loopback ----------------------------------------------------


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    authorization: str


class FakeGitHub:
    """Enough of the REST API for the ratchet, with GitHub's rules where they bite: issue
    comments paginate (``page_size`` small on purpose) and only their author may edit them,
    bodies above 65,536 characters and descriptions above 140 get 422, a read-only token
    gets 403 "Resource not accessible by integration" on every write, ``GET /user`` is 403
    for an installation token."""

    def __init__(self, server: HTTPServer, *, repo: str = REPOSITORY) -> None:
        self.server = server
        self.repo = repo
        self.page_size = 2
        self.comments: dict[int, dict[str, Any]] = {}
        self.statuses: list[tuple[str, dict[str, Any]]] = []
        self.pulls: dict[int, dict[str, Any]] = {}
        self.calls: list[Call] = []
        self.read_only = False
        self.user_login: str | None = None  # None: GET /user answers 403
        self.throttle: list[tuple[int, dict[str, str], str]] = []  # responses served first
        self.server_errors = 0  # 502s served first
        self.echo_bad_token = False  # 401 quoting the Authorization header back, as a proxy might
        self._next_id = 100
        server.expect_request(re.compile(r"^/.*")).respond_with_handler(self.handle)

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def add_comment(self, body: str, login: str = BOT) -> int:
        self._next_id += 1
        cid = self._next_id
        self.comments[cid] = {
            "id": cid,
            "body": body,
            "user": {"login": login},
            "html_url": f"https://github.example/{self.repo}/pull/7#issuecomment-{cid}",
        }
        return cid

    def writes(self) -> list[Call]:
        return [c for c in self.calls if c.method in ("POST", "PATCH", "DELETE", "PUT")]

    def _json(
        self, data: Any, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> Response:
        from werkzeug import Response

        return Response(
            json.dumps(data),
            status=status,
            headers=dict(headers or {}),
            content_type="application/json",
        )

    def _forbidden(self) -> Response:
        return self._json(
            {
                "message": "Resource not accessible by integration",
                "documentation_url": "https://docs.github.com/rest",
            },
            403,
        )

    def handle(self, request: Request) -> Response:
        body: dict[str, Any] = (request.get_json(silent=True) if request.data else None) or {}
        call = Call(
            request.method,
            request.path,
            dict(request.args),
            body,
            request.headers.get("Authorization", ""),
        )
        self.calls.append(call)
        if self.echo_bad_token:
            return self._json({"message": f"Bad credentials: {call.authorization}"}, 401)
        if call.authorization != f"Bearer {TOKEN}":
            return self._json({"message": "Bad credentials"}, 401)
        if self.throttle:
            status, headers, message = self.throttle.pop(0)
            return self._json({"message": message}, status, headers)
        if self.server_errors:
            self.server_errors -= 1
            return self._json({"message": "Server Error"}, 502)
        repo = f"/repos/{self.repo}"
        path = request.path
        if path == "/user":
            if self.user_login is None:
                return self._forbidden()
            return self._json({"login": self.user_login})
        m = re.fullmatch(re.escape(repo) + r"/issues/(\d+)/comments", path)
        if m and request.method == "GET":
            per_page = min(int(request.args.get("per_page", 30)), self.page_size)
            page = int(request.args.get("page", 1))
            items = sorted(self.comments.values(), key=lambda c: c["id"])
            chunk = items[(page - 1) * per_page : page * per_page]
            headers = {}
            if page * per_page < len(items):
                nxt = f"{request.host_url.rstrip('/')}{path}?per_page={per_page}&page={page + 1}"
                headers["Link"] = f'<{nxt}>; rel="next"'
            return self._json(chunk, 200, headers)
        if m and request.method == "POST":
            if self.read_only:
                return self._forbidden()
            if len(body["body"]) > 65536:
                return self._json(
                    {"message": "body is too long (maximum is 65536 characters)"}, 422
                )
            cid = self.add_comment(
                body["body"], BOT if self.user_login is None else self.user_login
            )
            return self._json(self.comments[cid], 201)
        m = re.fullmatch(re.escape(repo) + r"/issues/comments/(\d+)", path)
        if m:
            cid = int(m.group(1))
            if self.read_only:
                return self._forbidden()
            if cid not in self.comments:
                return self._json({"message": "Not Found"}, 404)
            if self.comments[cid]["user"]["login"] != (self.user_login or BOT):
                return self._forbidden()  # only a comment's author may edit it
            if request.method == "PATCH":
                if len(body["body"]) > 65536:
                    return self._json({"message": "body is too long"}, 422)
                self.comments[cid]["body"] = body["body"]
                return self._json(self.comments[cid])
            if request.method == "DELETE":
                del self.comments[cid]
                from werkzeug import Response

                return Response(status=204)
        m = re.fullmatch(re.escape(repo) + r"/statuses/([0-9a-f]{40})", path)
        if m and request.method == "POST":
            if self.read_only:
                return self._forbidden()
            if len(body.get("description", "")) > 140:
                return self._json(
                    {"message": "description is too long (maximum is 140 characters)"}, 422
                )
            self.statuses.append((m.group(1), body))
            return self._json({"id": len(self.statuses), **body}, 201)
        m = re.fullmatch(re.escape(repo) + r"/pulls/(\d+)", path)
        if m and request.method == "GET":
            pr = self.pulls.get(int(m.group(1)))
            return self._json(pr, 200) if pr else self._json({"message": "Not Found"}, 404)
        return self._json({"message": f"fake GitHub: no route for {request.method} {path}"}, 404)


@pytest.fixture(scope="session")
def make_httpserver() -> Iterator[HTTPServer]:
    """pytest-httpserver's server, one a session, as its plugin makes it. The plugin is off
    (pyproject.toml): importing it, and werkzeug, cost every pytest run a tenth of a second
    of start-up, and only these tests serve HTTP."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(
        host=os.environ.get("PYTEST_HTTPSERVER_HOST") or HTTPServer.DEFAULT_LISTEN_HOST,
        port=int(os.environ.get("PYTEST_HTTPSERVER_PORT") or HTTPServer.DEFAULT_LISTEN_PORT),
    )
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def httpserver(make_httpserver: HTTPServer) -> HTTPServer:
    """The session's server, cleared of what an earlier test set up (the plugin's own)."""
    make_httpserver.clear()
    return make_httpserver


@pytest.fixture
def fake_github(httpserver: HTTPServer) -> FakeGitHub:
    return FakeGitHub(httpserver)


# -- a workspace with a report made to measure ---------------------------------------------


def coverage_json(files: Mapping[str, tuple[int, int]]) -> str:
    """A coverage.py JSON report: ``path -> (covered lines, uncovered lines)``."""
    out: dict[str, Any] = {}
    for path, (covered, missing) in files.items():
        lines = list(range(1, covered + missing + 1))
        out[path] = {
            "executed_lines": lines[:covered],
            "missing_lines": lines[covered:],
            "excluded_lines": [],
            "summary": {"covered_lines": covered, "num_statements": covered + missing},
        }
    return json.dumps({"meta": {"format": 3, "version": "7.6.0"}, "files": out})


@dataclass
class Workspace:
    root: Path

    def write_report(
        self, files: Mapping[str, tuple[int, int]], name: str = "coverage.json", sources: str = ""
    ) -> Path:
        """The report, and the files it measures under ``sources`` (relative to the root)
        unless they exist: ratchet refuses a report of files that are not here. The files
        come first, as a test run reads them before writing its report."""
        p = self.root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        for path, (covered, missing) in files.items():
            source = self.root / sources / path
            if not source.exists():
                source.parent.mkdir(parents=True, exist_ok=True)
                source.write_text("x = 1\n" * (covered + missing), encoding="utf-8")
        p.write_text(coverage_json(files), encoding="utf-8")
        return p

    def configure(
        self,
        *,
        threshold: int | str = 50,
        baseline: str | None = None,
        baseline_uncovered: int | None = None,
        file_baseline: Mapping[str, tuple[int, int]] | None = None,
        subdir: str = "",
        extra: str = "",
    ) -> None:
        lines = ["[project]", 'name = "demo"', "", "[tool.ratchet]", f"threshold = {threshold}"]
        if baseline is not None:
            lines.append(f"baseline = {baseline}")
        if baseline_uncovered is not None:
            lines.append(f"baseline_uncovered = {baseline_uncovered}")
        if extra:
            lines.append(extra)
        base = self.root / subdir
        base.mkdir(parents=True, exist_ok=True)
        if file_baseline is not None:
            lines.append('baseline_file = "coverage-baseline.tsv"')
            counts = {p: Counts(c + m, c) for p, (c, m) in file_baseline.items()}
            (base / "coverage-baseline.tsv").write_text(
                filebaseline.render(counts), encoding="utf-8"
            )
        (base / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def commit(self, message: str = "state") -> str:
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "--allow-empty", "-m", message)
        return git(self.root, "rev-parse", "HEAD").strip()


def new_workspace(root: Path) -> Workspace:
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / ".gitignore").write_text("coverage*.json\n", encoding="utf-8")
    return Workspace(root)


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return new_workspace(tmp_path / "work")


def offline_wheels() -> dict[str, str]:
    """uv's variables for installing the action's lock here without a network."""
    assert WHEELS.is_dir(), f"no {WHEELS}: `make .venv/.installed-stamp` downloads them"
    return {"UV_OFFLINE": "1", "UV_FIND_LINKS": str(WHEELS)}


@pytest.fixture(scope="session")
def action_runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The runtime directory the action's first call in a job builds (the launcher's own
    build, with this venv's uv), once per session: every harness run reuses it, as the
    second call in a job does."""
    home = tmp_path_factory.mktemp("runtime")
    launch.build(home, str(VENV_BIN / "uv"), {**clean_env(), **offline_wheels()}, launch.LOCK)
    # On a runner the first `ratchet action` leaves the venv's bytecode behind for the next
    # call; here every call runs with PYTHONDONTWRITEBYTECODE (clean_env), so without this
    # each of them compiled click, requests and coverage.py again (most of its CPU time).
    subprocess.run(
        [str(launch.venv_python(home / "venv")), "-m", "compileall", "-q", str(home / "venv")],
        env=unmeasured_env(),
        capture_output=True,
        check=True,
    )
    return home


@pytest.fixture
def action(
    tmp_path: Path, workspace: Workspace, fake_github: FakeGitHub, action_runtime: Path
) -> Harness:
    return Harness(workspace.root, tmp_path / "runner_temp", fake_github.url, action_runtime)


def fork_run(
    factory: pytest.TempPathFactory,
    server: HTTPServer,
    runtime: Path,
    prepare: Callable[[Workspace], None],
    inputs: Mapping[str, str],
) -> ActionRun:
    """A fork PR's run of the action (read-only token), made once for the tests of a module
    that each tamper with a copy of what it leaves (``copy_result``) before the privileged
    half reads it: its own workspace and fake GitHub, on the session's server (cleared
    after; a module fixture is set up before the test's own ``fake_github``)."""
    home = factory.mktemp("fork-run")
    workspace = new_workspace(home / "work")
    prepare(workspace)
    server.clear()
    github = FakeGitHub(server)
    github.read_only = True
    try:
        run = Harness(workspace.root, home / "runner_temp", github.url, runtime).run(
            inputs, event=pull_request_event(fork=True)
        )
    finally:
        server.clear()
    assert run.code == 1, run
    return run


def copy_result(result_dir: str, tmp_path: Path) -> Path:
    """A test's own copy of a shared fork run's result directory (``fork_run``)."""
    return Path(shutil.copytree(result_dir, tmp_path / "fork-result"))


@pytest.fixture
def no_sleep() -> Callable[[float], None]:
    """A sleep that records instead of waiting; ``no_sleep.calls`` lists the waits."""
    calls: list[float] = []

    def sleep(seconds: float) -> None:
        calls.append(seconds)

    sleep.calls = calls  # type: ignore[attr-defined]
    return sleep


@pytest.fixture
def clock() -> Callable[[], float]:
    start = time.time()
    return lambda: start
