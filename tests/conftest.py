"""Shared fixtures: real coverage.py runs, real git repositories, the CLI as a subprocess.

Nothing here mocks ratchet's own modules. The environment of every subprocess is pinned
(no user git config, no GitHub variables) so a developer's machine and CI behave alike.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "RUNNER_", "COV_CORE_", "COVERAGE_"))
        and k not in ("CI", "NO_COLOR", "FORCE_COLOR")  # the text's colour: a test's choice
    }
    env.update(
        {
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@example.invalid",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.invalid",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    # Subprocesses of the test run are measured too when coverage.py patches subprocess.
    for k in ("COVERAGE_PROCESS_START", "COVERAGE_PROCESS_CONFIG"):
        if k in os.environ:
            env[k] = os.environ[k]
    env.update(extra)
    return env


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str
    args: tuple[str, ...]

    def __repr__(self) -> str:
        return (
            f"<ratchet {' '.join(self.args)} -> exit {self.code}>\n"
            f"--- stdout ---\n{self.stdout}--- stderr ---\n{self.stderr}"
        )


RunRatchet = Callable[..., Result]


@pytest.fixture
def run_ratchet() -> RunRatchet:
    """``run_ratchet("check", "coverage.xml", cwd=path)``: the CLI end-to-end, as a user runs it."""

    def run(
        *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        proc = subprocess.run(
            [sys.executable, "-m", "ratchet", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            text=True,
            env=clean_env(**(env or {})),
            timeout=120,
            check=False,
        )
        result = Result(proc.returncode, proc.stdout, proc.stderr, args)
        print(repr(result))  # shown by pytest only when the test fails
        return result

    return run


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env=clean_env(), check=True
    )
    return proc.stdout


@pytest.fixture
def git_repo(tmp_path: Path) -> Callable[[Path], Path]:
    def make(path: Path = tmp_path) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        git(path, "init", "-q", "-b", "main")
        return path

    return make


# A small real project: a module with branches, and tests that cover some of it.
SAMPLE_MODULE = """\
def classify(n):
    if n < 0:
        return "negative"
    elif n == 0:
        return "zero"
    for _ in range(n):
        pass
    return "positive"


def unused(x):  # never called by the sample tests
    if x:
        return 1
    return 2


class Box:
    def __init__(self, value):
        self.value = value

    def double(self):
        return self.value * 2
"""


@dataclass
class Project:
    root: Path

    def coverage(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "coverage", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            env=clean_env(),
            check=True,
        )

    def write(self, rel: str, text: str) -> Path:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
        return p

    def run_tests(self, script: str = "run_sample.py", *, reports: bool = True) -> None:
        """A real ``coverage run --branch`` and, by default, every report coverage.py writes."""
        self.coverage("erase")
        self.coverage("run", "--branch", "--source=pkg", script)
        if reports:
            self.coverage("xml", "-o", "coverage.xml")
            self.coverage("json", "-o", "coverage.json")
            self.coverage("lcov", "-o", "coverage.lcov")

    def total(self, precision: int) -> str:
        return self.coverage("report", "--format=total", f"--precision={precision}").stdout.strip()


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Project]:
    """A project with ``pkg/sample.py`` and a script exercising part of it, not yet run."""

    def make(
        calls: str = "classify(-1); classify(3); Box(2).double()", root: Path | None = None
    ) -> Project:
        proj = Project(root or tmp_path / "proj")
        proj.write("pkg/__init__.py", "")
        proj.write("pkg/sample.py", SAMPLE_MODULE)
        proj.write("run_sample.py", f"from pkg.sample import *\n{calls}\n")
        proj.write("pyproject.toml", '[project]\nname = "sample"\n')
        return proj

    return make


def copy_sample(sample: Project, dest: Path) -> Path:
    """The sample project's code and reports in ``dest``: a checkout the reports describe
    (ratchet refuses to judge a report of files that are not there)."""
    shutil.copytree(sample.root / "pkg", dest / "pkg", dirs_exist_ok=True)
    for name in ("coverage.xml", "coverage.json", "coverage.lcov", ".coverage"):
        if (sample.root / name).exists():
            shutil.copy2(sample.root / name, dest / name)
    return dest


@pytest.fixture(scope="session")
def sample_reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """One real coverage.py run with all four report kinds, shared by read-only tests."""
    root = tmp_path_factory.mktemp("sample") / "proj"
    proj = Project(root)
    proj.write("pkg/__init__.py", "")
    proj.write("pkg/sample.py", SAMPLE_MODULE)
    proj.write(
        "run_sample.py", "from pkg.sample import *\nclassify(-1); classify(3); Box(2).double()\n"
    )
    proj.run_tests()
    yield proj
    shutil.rmtree(root, ignore_errors=True)


def ratchet_in_process(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> Result:
    """``ratchet_in_process("check", "coverage.xml", cwd=path)``: the CLI in-process (click's
    test runner) with the environment ``run_ratchet`` pins for its subprocess, which the git
    it runs sees too. Prints what it ran and said (pytest shows it when a test fails)."""
    from click.testing import CliRunner

    from ratchet.cli import cli

    pinned = clean_env()
    overrides: dict[str, str | None] = {k: v for k, v in pinned.items() if k.startswith("GIT_")}
    overrides.update({k: None for k in os.environ if k.startswith(("GITHUB_", "RUNNER_"))})
    overrides.update({"CI": None, "NO_COLOR": None, "FORCE_COLOR": None})
    overrides.update(env or {})
    with pytest.MonkeyPatch.context() as m:
        m.chdir(cwd)
        r = CliRunner().invoke(cli, list(args), input=stdin, env=overrides)
    result = Result(r.exit_code, r.stdout, r.stderr, args)
    print(repr(result))
    if r.exc_info is not None and not isinstance(r.exc_info[1], SystemExit):
        raise r.exc_info[1]  # a bug, not an exit code
    return result


@pytest.fixture
def ratchet_cli() -> RunRatchet:
    """``ratchet_cli("check", "coverage.xml", cwd=path)``: ``ratchet_in_process``."""
    return ratchet_in_process
