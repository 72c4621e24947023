"""Fixtures for patch coverage: real git repositories in tmp_path, real coverage.py runs.

``make_repo()`` returns a ``Repo``: a git work tree with a project (pyproject.toml with
``[tool.ratchet]``, a package, a script that exercises it) at ``root`` (the config root),
which is the top of the work tree or, for a monorepo, a subdirectory of it. Nothing
here imports ratchet: the tests run the CLI end to end (``run_ratchet``).
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import Project, clean_env, git, statements

# The fake GitHub API (tests/github/conftest.py) for the commands that talk to it: comment.
from tests.github.conftest import fake_github, httpserver, make_httpserver  # noqa: F401

CONFIG = """\
[tool.ratchet]
threshold = 0
{extra}
"""


def sh_git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=clean_env(**(env or {})),
        check=False,
    )
    if proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{proc.stderr}")
    return proc.stdout


@dataclass
class Repo:
    top: Path  # the top of the git work tree
    root: Path  # the config root (directory of pyproject.toml)

    def git(self, *args: str, cwd: Path | None = None) -> str:
        return sh_git(cwd or self.top, *args)

    def write(self, rel: str, text: str, *, at_top: bool = False) -> Path:
        p = (self.top if at_top else self.root) / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
        return p

    def config(self, **values: object) -> None:
        extra = "\n".join(f"{k} = {json.dumps(v)}" for k, v in values.items())
        self.write("pyproject.toml", CONFIG.format(extra=extra))

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def branch(self, name: str) -> None:
        self.git("checkout", "-q", "-b", name)

    def coverage(self, *args: str) -> None:
        from tests import coverage_cli

        proc = coverage_cli.coverage(self.root, *args)
        if proc.returncode != 0:
            raise AssertionError(f"coverage {' '.join(args)} failed:\n{proc.stdout}{proc.stderr}")

    def run_tests(self, calls: str | None = None, *, source: str = "pkg") -> Path:
        """A real ``coverage run --branch`` of ``run.py`` and ``coverage xml``."""
        if calls is not None:
            self.write("run.py", calls)
        self.coverage("erase")
        self.coverage("run", "--branch", f"--source={source}", "run.py")
        self.coverage("xml", "-q", "-o", "coverage.xml")
        return self.root / "coverage.xml"


MakeRepo = Callable[..., Repo]


@pytest.fixture
def make_repo(tmp_path: Path) -> MakeRepo:
    """``make_repo(subdir="")``: a repository on ``main`` with one commit: the project (an
    empty package ``pkg``, config, .gitignore) at ``subdir`` of the work tree."""

    def make(subdir: str = "", *, name: str = "repo") -> Repo:
        top = tmp_path / name
        root = top / subdir if subdir else top
        root.mkdir(parents=True)
        sh_git(top, "init", "-q", "-b", "main")
        repo = Repo(top, root)
        repo.write(".gitignore", ".coverage\ncoverage.xml\n*.diff\n", at_top=True)
        repo.write("pkg/__init__.py", "")
        repo.config()
        repo.commit("initial")
        return repo

    return make


def patch_json(stdout: str) -> dict:
    data = json.loads(stdout)
    assert "patch" in data, data
    return data["patch"]


@pytest.fixture
def proj(make_project) -> Project:
    """A git work tree of 776 statements, 5 never run (99.3557%), not yet measured."""
    p = make_project()
    p.write("pkg/sample.py", statements(776, uncovered=5))  # 771/776 = 99.3557%
    git(p.root, "init", "-q", "-b", "main")
    return p


def tracked(p: Project) -> dict[str, bytes]:
    names = ("pyproject.toml", "coverage-baseline.tsv", "coverage-history.jsonl")
    return {n: (p.root / n).read_bytes() for n in names if (p.root / n).exists()}


def later(path) -> None:
    """``path`` changed after the report was written (a test run that crashed before
    writing a new one)."""
    path.write_text(path.read_text() + "\n")
    t = time.time() + 5
    os.utime(path, (t, t))
