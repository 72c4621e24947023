"""`make demo`'s story (demo_app/story.py): real pytest runs, the real CLI.

The story checks each of ratchet's verdicts itself and exits 1 on a surprise; these tests
hold the story to that, and to leaving nothing behind: not in the repository, not in the
temporary directory, not a process, whether it ends well, badly or interrupted. The suite
runs the story's quick form (two test modules, four stages); `make demo` tells the whole of
it, and checks its verdicts as it goes.
"""

from __future__ import annotations

import io
import os
import re
import selectors
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from demo_app import story
from tests.conftest import REPO, clean_env, git

STORY = REPO / "demo_app" / "story.py"
# A database that cannot be reached, as CI's would be to the story's runs.
UNREACHABLE_DB = "postgresql+psycopg://nobody:none@127.0.0.1:9/none"


def run_story(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, str(STORY), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        # The story's temporary copy goes under tmp_path, where the tests can look for it.
        env=clean_env(TMPDIR=str(tmp_path), **env),
        timeout=600,
        check=False,
    )
    print(f"--- stdout ---\n{proc.stdout}--- stderr ---\n{proc.stderr}")
    return proc


def repository_state() -> tuple[str, str]:
    """What `git status` sees, plus anything ignored under demo_app (a stray report, say)."""
    return (
        git(REPO, "status", "--porcelain"),
        git(REPO, "status", "--porcelain", "--ignored", "--", "demo_app"),
    )


def leftovers(tmp_path: Path) -> list[Path]:
    return sorted(tmp_path.glob("ratchet-story-*"))


def stages(stdout: str) -> dict[int, str]:
    parts = re.split(r"^── (\d)\. ", stdout, flags=re.MULTILINE)
    return {int(number): text for number, text in zip(parts[1::2], parts[2::2], strict=True)}


def verdicts(text: str) -> list[str]:
    return [line.strip()[2:] for line in text.splitlines() if line.strip().startswith("✔ ")]


@pytest.mark.integration
@pytest.mark.slow
def test_story__quick__every_verdict_as_expected_and_nothing_left_behind(tmp_path: Path):
    before = repository_state()

    # As `make test` runs it in CI: the story's runs must not use that database (they
    # overlap, and each drops the tables) nor act as a GitHub step. A database that cannot
    # be reached proves the first.
    proc = run_story(
        tmp_path, "--quick", TEST_DATABASE_URL=UNREACHABLE_DB, GITHUB_ACTIONS="true", CI="true"
    )

    assert proc.returncode == 0
    assert repository_state() == before
    assert leftovers(tmp_path) == []
    assert "✘" not in proc.stdout
    opening, _, _ = proc.stdout.partition("── 1.")
    assert "A coverage ratchet lets a project's test coverage only go up" in opening
    told = {number: verdicts(text) for number, text in stages(proc.stdout).items()}
    assert list(told) == [1, 2, 3, 4]

    # init puts the threshold on the 5-point step below the total; update climbs one step.
    assert told[1] == ["threshold 65%: the 5-point step at or below 65.59%"]
    assert told[2] == ["threshold 65% -> 70%, baseline 65.59% -> 72.61%"]

    # The deleted module's app file is named, with the points it lost and the lines it
    # no longer runs, in coverage.py's Missing notation (31, 33 / 14-18 / 82->exit).
    (caught,) = told[3]
    assert re.fullmatch(
        r"check fails \(exit 1\) on app/services/post_service\.py: -[\d.]+ points, "
        r"lines {0}(, {0})* not run".format(r"\d+(-\d+|->(\d+|exit))?"),
        caught,
    ), caught
    # The last stage runs the tests again: a fresh report, not the one the bar came from.
    assert (
        "$ pytest tests/services/test_user_service.py tests/services/test_post_service.py"
        in (stages(proc.stdout)[4])
    )
    assert told[4] == ["check passes (exit 0)"]
    assert "What next" in stages(proc.stdout)[4]
    assert "ratchet accept" in stages(proc.stdout)[4]


def write_tiny_project(root: Path) -> None:
    """A module all of whose lines test_a.py runs; test_b.py runs some of them again."""
    files = {
        "pyproject.toml": """\
            [tool.pytest.ini_options]
            pythonpath = ["."]

            [tool.coverage.run]
            branch = true
            source = ["pkg"]
            relative_files = true
            """,
        "pkg/__init__.py": "",
        "pkg/sign.py": """\
            def sign(n):
                if n < 0:
                    return -1
                return 1
            """,
        "tests/test_a.py": """\
            from pkg.sign import sign


            def test_both_signs():
                assert (sign(-2), sign(2)) == (-1, 1)
            """,
        "tests/test_b.py": """\
            from pkg.sign import sign


            def test_positive():
                assert sign(3) == 1
            """,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))


@pytest.mark.integration
def test_story__a_deleted_module_that_loses_nothing_is_a_surprise(tmp_path: Path):
    write_tiny_project(tmp_path)
    both = story.Suite("both", ("tests/test_a.py", "tests/test_b.py"))
    without_b = story.Suite("left-out", ("tests/test_a.py",))
    told = io.StringIO()
    env = story.story_env(clean_env())

    with story.PytestRuns(tmp_path, [both, without_b], 2, env) as runs:
        runs.start()
        teller = story.Story(tmp_path, runs, env, story.Teller(told, colour=False))
        teller.init(both)
        try:
            with pytest.raises(story.StoryError, match=r"check passed without tests/test_b\.py"):
                teller.check_fails(without_b, "tests/test_b.py")
        finally:
            print(told.getvalue())

    assert "✔ threshold 100%: the 5-point step at or below 100.00%" in told.getvalue()


@pytest.mark.integration
@pytest.mark.parametrize(
    "args",
    [("--leave-out", "tests/no_such_test.py"), ("--jobs", "0")],
    ids=["missing-module", "no-jobs"],
)
def test_story__bad_option_is_exit_2_before_any_copy(tmp_path: Path, args: tuple[str, ...]):
    proc = run_story(tmp_path, *args)

    assert proc.returncode == 2
    assert args[0] in proc.stderr
    assert proc.stdout == ""
    assert leftovers(tmp_path) == []


def read_through(proc: subprocess.Popen[bytes], line: re.Pattern[bytes]) -> bytes:
    """The story's stdout up to the end of the first line matching `line`. A story that ends
    first fails the test, and so does one that prints nothing for ten minutes (a hang,
    not a slow machine)."""
    assert proc.stdout is not None
    fd, seen = proc.stdout.fileno(), b""
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while not line.search(seen):
            assert selector.select(timeout=600), f"the story printed nothing for 600 s:\n{seen!r}"
            chunk = os.read(fd, 65536)
            assert chunk, f"the story ended before it printed {line.pattern!r}:\n{seen!r}"
            seen += chunk
    return seen


@pytest.mark.integration
@pytest.mark.skipif(sys.platform == "win32", reason="signals to one process are POSIX")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_story__interrupted_stops_its_runs_and_removes_its_copy(tmp_path: Path, signum: int):
    # A session of its own: afterwards, any process of it still alive is one the story left.
    proc = subprocess.Popen(
        [sys.executable, str(STORY), "--quick"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=clean_env(TMPDIR=str(tmp_path)),
        start_new_session=True,
    )
    try:
        # The story shows a pytest command once its runs are started and recorded, then waits
        # for that run: from this line on, wherever the signal lands (the wait, another run
        # starting, a ratchet run), the story knows every process it has to stop.
        seen = read_through(proc, re.compile(rb"^  \$ pytest .*\n", re.MULTILINE))
        proc.send_signal(signum)
        rest, stderr = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    print(f"--- stdout ---\n{(seen + rest).decode()}--- stderr ---\n{stderr.decode()}")

    assert proc.returncode == 130
    assert b"interrupted" in stderr
    assert leftovers(tmp_path) == []
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)  # no run, no ratchet outlives the story


@pytest.mark.unit
@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT and SIGTERM to oneself are POSIX")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signals_held__a_signal_waits_for_the_end_of_the_block(signum: int):
    before = signal.getsignal(signum)
    done: list[str] = []

    def start_a_run() -> None:
        with story.signals_held():
            os.kill(os.getpid(), signum)
            done.append("recorded")  # a run started here is recorded before the signal unwinds

    with pytest.raises(KeyboardInterrupt):
        start_a_run()

    assert done == ["recorded"]
    assert signal.getsignal(signum) == before


@pytest.mark.integration
@pytest.mark.skipif(sys.platform == "win32", reason="signal.pause and SIGTERM are POSIX")
def test_pytest_runs__leaving_on_a_signal_stops_every_run_it_started(tmp_path: Path):
    # Runs that never end by themselves: only stop() can end them.
    (tmp_path / "test_forever.py").write_text(
        "import signal\n\n\ndef test_forever():\n    signal.pause()\n"
    )
    suites = [story.Suite(name, ("test_forever.py",)) for name in ("first", "second")]
    runs = story.PytestRuns(tmp_path, suites, 2, story.story_env(clean_env()))

    def interrupted_once_started() -> None:
        with runs:
            runs.start()
            raise KeyboardInterrupt  # what signals_held raises once the runs are recorded

    with pytest.raises(KeyboardInterrupt):
        interrupted_once_started()

    assert [runs.wait(suite).code for suite in suites] == [-signal.SIGTERM] * 2
