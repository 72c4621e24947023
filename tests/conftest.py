"""Shared fixtures: real coverage.py runs, real git repositories, the CLI end to end.

Nothing here mocks ratchet's own modules. The environment is pinned (no user git config, no
GitHub variables) for the CLI run in-process and for every subprocess, so a developer's
machine and CI behave alike.

The CLI runs in this process (``run_ratchet``): ``ratchet.cli.main`` with its own argv, cwd,
stdin and environment, its output captured. Only the tests whose subject is the process
itself start one (``python -m ratchet`` or the console script: the exit status through a
shell, a closed pipe, a full disk, ``--version``, pre-commit, pipx). coverage.py's commands go
through ``tests/coverage_cli``: ``run`` in a real subprocess, shared between tests that run
the same project.
"""

from __future__ import annotations

import ast
import functools
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

# pytest rewrites every test module's asserts on import and caches the result as bytecode,
# unless told not to write any: the shells and CI here set PYTHONDONTWRITEBYTECODE, which
# made every run rewrite all of them again (more than half of `pytest -m unit`'s
# collection). This process writes its caches (tests/**/__pycache__, ignored by git); the
# subprocesses the tests start still get PYTHONDONTWRITEBYTECODE (clean_env).
sys.dont_write_bytecode = False

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """``-m unit`` leaves out the test modules that mark no test ``unit``, unread: their
    imports (hypothesis alone is 0.6 s) were a third of the unit tier's time. Markers are
    written in the module (``pytestmark``, ``@pytest.mark.unit``, ``unit = pytest.mark.unit``)
    and nothing here adds one later, so a module without the words holds no unit test."""
    if config.option.markexpr != "unit":
        return None
    if collection_path.suffix != ".py" or not collection_path.name.startswith("test_"):
        return None
    return "mark.unit" not in collection_path.read_text(encoding="utf-8") or None


def pytest_configure(config: pytest.Config) -> None:
    """``-m unit`` runs without hypothesis's pytest plugin: no unit test is a hypothesis
    test, and the plugin cost the tier 0.2 s (a hook around each test, a scan of the
    modules for constants once a module imported hypothesis, and hypothesis's import in
    the terminal summary). ``@given`` works without it; the whole suite keeps it.

    And the session's temporary tree goes on a RAM disk where there is one with room (see
    ``ram_temp``). Called before pytest's own tmpdir plugin configures (a conftest's hooks
    run first), so its base directory is made there; xdist workers get theirs from it."""
    if config.option.markexpr == "unit":
        config.pluginmanager.set_blocked("hypothesispytest")
    global SESSION_RAM_TEMP
    ram = ram_temp()
    given = config.option.basetemp  # an xdist worker's: under the tree its controller chose
    if ram is not None and given is None:
        tempfile.tempdir = SESSION_RAM_TEMP = ram
    elif ram is not None and Path(given).resolve().is_relative_to(ram):
        SESSION_RAM_TEMP = ram


SESSION_RAM_TEMP: str | None = None  # where pytest_configure put the session's tree
# Room the suite's temporary tree may need at its peak (passing tests' directories go as
# they end), with a margin: a small /dev/shm (Docker's default is 64 MiB) is not used.
RAM_TEMP_ROOM = 2 * 1024**3


def ram_temp(environ: Mapping[str, str] = os.environ, shm: Path = Path("/dev/shm")) -> str | None:
    """Linux's RAM disk, for the suite's temporary files, when no TMPDIR is chosen and it
    is a writable directory with ``RAM_TEMP_ROOM`` free; else None (the usual temporary
    directory). Thousands of tmp_path projects, git repositories and coverage runs are
    made and removed each run: on a busy shared disk that waiting was 1.7-2.4 s of the
    unit tier's wall time (benchmarks/README.md, fourth pass)."""
    if environ.get("TMPDIR") or environ.get("RATCHET_TEST_NO_RAM_TEMP"):
        return None
    try:
        room = os.statvfs(shm)
    except (OSError, AttributeError):  # not there; no statvfs on Windows
        return None
    if room.f_bavail * room.f_frsize < RAM_TEMP_ROOM or not os.access(shm, os.W_OK | os.X_OK):
        return None
    return str(shm)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection made (modules, test items, their marks and parameters) lives until
    the end: frozen, the garbage collector's full passes stop walking it again and again
    (0.3 of the unit tier's 0.45 s of collecting garbage). Objects the tests make are
    collected as ever."""
    gc.freeze()


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
            # No housekeeping after each commit or push: a `git maintenance` (and a `git gc`)
            # process per commit, a third of the suite's git processes, in repositories that
            # live a second.
            "GIT_CONFIG_COUNT": "2",
            "GIT_CONFIG_KEY_0": "maintenance.auto",
            "GIT_CONFIG_VALUE_0": "false",
            "GIT_CONFIG_KEY_1": "receive.autoGc",
            "GIT_CONFIG_VALUE_1": "false",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    # Subprocesses of the test run are measured too when coverage.py patches subprocess.
    for k in ("COVERAGE_PROCESS_START", "COVERAGE_PROCESS_CONFIG"):
        if k in os.environ:
            env[k] = os.environ[k]
    env.update(extra)
    return env


MEASURING = ("COVERAGE_PROCESS_START", "COVERAGE_PROCESS_CONFIG")


def unmeasured_env(base: Mapping[str, str] | None = None, /, **extra: str) -> dict[str, str]:
    """``clean_env`` (or ``base``) for a Python process that never runs ratchet's code
    (coverage.py's own commands, diff-cover, build, twine, compileall): without the test
    run's measurement, which would start coverage.py in it (0.08 s of CPU a process) to
    record nothing."""
    env = {k: v for k, v in (clean_env() if base is None else base).items() if k not in MEASURING}
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


@contextmanager
def pinned(cwd: Path, env: Mapping[str, str]) -> Iterator[None]:
    """This process's working directory and whole environment as a subprocess's would be,
    restored after (a git that ratchet starts inherits them)."""
    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


def _exit_status(code: object) -> int:
    """What the interpreter makes of ``SystemExit(code)`` at exit."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def ratchet_in_process(
    args: tuple[str, ...], *, cwd: Path, stdin: str | None, env: Mapping[str, str]
) -> Result:
    """``ratchet.cli.main`` as the console script calls it, with stdin, stdout and stderr
    swapped for buffers by click's test runner (UTF-8, stderr with backslashreplace, as
    Python's own streams are on a UTF-8 locale)."""
    from click.testing import CliRunner

    from ratchet import cli

    saved_argv = sys.argv
    with pinned(cwd, env), CliRunner().isolation(input=stdin) as (out, err, _):
        sys.argv = ["ratchet", *args]
        try:
            cli.main()
            code = 0
        except SystemExit as e:
            code = _exit_status(e.code)
        except Exception:  # escaped main: the interpreter would print it and exit 1
            traceback.print_exc()
            code = 1
        finally:
            sys.argv = saved_argv
            sys.stdout.flush()
            sys.stderr.flush()
        return Result(code, out.getvalue().decode(), err.getvalue().decode(), args)


def run_in_process(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> Result:
    """``run_in_process("check", "coverage.xml", cwd=path)``: the CLI end to end, as a user
    runs it, in this process, in the pinned environment (``clean_env``) that the git it runs
    sees too. Prints what it ran and said (pytest shows it when a test fails)."""
    result = ratchet_in_process(args, cwd=cwd, stdin=stdin, env=clean_env(**(env or {})))
    print(repr(result))
    return result


@pytest.fixture
def run_ratchet() -> RunRatchet:
    """``run_ratchet("check", "coverage.xml", cwd=path)``: ``run_in_process``."""
    return run_in_process


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env=clean_env(), check=True
    )
    return proc.stdout


@functools.cache
def parsed(path: Path) -> ast.Module:
    """The syntax tree of a source file, parsed once a session (the layout and the docs'
    tests read all of ratchet's modules, several times each)."""
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@functools.cache
def nodes(path: Path) -> tuple[ast.AST, ...]:
    """Every node of ``parsed(path)``, in ``ast.walk``'s order, walked once a session: the
    layout's and the docs' tests each look for other kinds of node in the same trees (three
    walks of every module were a tenth of the unit tier)."""
    return tuple(ast.walk(parsed(path)))


def write_file(root: Path, name: str, text: str) -> Path:
    """``text`` written to ``root / name`` (its directories made): a report or source file a
    test reads back."""
    p = root / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


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


@pytest.fixture(scope="session", autouse=True)
def _temp_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The temporary directory of everything the session runs, in this process
    (``tempfile.tempdir``) and in the processes it starts (``TMPDIR``, which ``clean_env``
    passes on), inside pytest's own temporary tree, which pytest removes after a few runs.

    ratchet puts the writers' lock of a config outside a git work tree in the temporary
    directory (ratchet/store/writelock.py), one empty file per config directory: a whole
    run of the suite, with its thousands of tmp_path projects, left some 1,400 of them in
    /tmp."""
    tmp = tmp_path_factory.mktemp("tmp", numbered=False)
    saved = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir = str(tmp)
    os.environ["TMPDIR"] = str(tmp)
    yield tmp
    tempfile.tempdir = saved[0]
    if saved[1] is None:
        del os.environ["TMPDIR"]
    else:
        os.environ["TMPDIR"] = saved[1]


@pytest.fixture(scope="session", autouse=True)
def _coverage_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Where coverage.py runs are shared for the session, by all its xdist workers
    (tests/coverage_cli.py)."""
    from tests import coverage_cli

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the controller's, which holds each worker's
    store = base / "coverage-runs"
    store.mkdir(exist_ok=True)
    coverage_cli.STORE = store
    yield
    coverage_cli.STORE = None


@dataclass
class Project:
    root: Path

    def coverage(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``coverage <args>`` in the project (see tests/coverage_cli.py); raises if it fails."""
        from tests import coverage_cli

        proc = coverage_cli.coverage(self.root, *args)
        proc.check_returncode()
        return proc

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


def statements(n: int, *, uncovered: int = 0, name: str = "f") -> str:
    """A module of exactly ``n`` statements of which ``uncovered`` never run: top-level
    assignments (run on import), then a function whose body is never called."""
    if not uncovered:
        return "".join(f"x{i} = {i}\n" for i in range(n))
    top = n - 1 - uncovered  # the def line itself runs on import
    body = "".join(f"    y{i} = {i}\n" for i in range(uncovered))
    return "".join(f"x{i} = {i}\n" for i in range(top)) + f"def {name}():\n{body}"


def run_modules(proj: Project, *modules: str, branch: bool = True) -> None:
    """A real ``coverage run`` of a script importing ``pkg.<module>`` for each of ``modules``,
    and its XML and JSON reports."""
    imports = "".join(f"import pkg.{m}\n" for m in modules)
    proj.write("run_sample.py", imports)
    proj.coverage("erase")
    proj.coverage("run", *(["--branch"] if branch else []), "--source=pkg", "run_sample.py")
    proj.coverage("xml", "-o", "coverage.xml")
    proj.coverage("json", "-o", "coverage.json")


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


@pytest.fixture
def ratchet_cli(run_ratchet: RunRatchet) -> RunRatchet:
    """``run_ratchet``, under the name issue 16's tests gave the in-process CLI."""
    return run_ratchet
