"""`make demo`'s story (demo_app/story.py) end-to-end: real pytest runs, the real CLI.

The story checks each of ratchet's verdicts itself and exits 1 on a surprise; these tests
hold the story to that, and to leaving nothing behind: not in the repository, not in the
temporary directory, whether it ends well, badly or interrupted.
"""

from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from demo_app import story
from tests.conftest import REPO, clean_env, git

pytestmark = [pytest.mark.integration, pytest.mark.slow]

STORY = REPO / "demo_app" / "story.py"


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


def test_story__every_verdict_as_expected_and_nothing_left_behind(tmp_path: Path):
    before = repository_state()

    # As `make test` runs it in CI: the story's runs must not use that database (they
    # overlap, and each drops the tables) nor act as a GitHub step. A database that cannot
    # be reached proves the first.
    proc = run_story(
        tmp_path,
        TEST_DATABASE_URL="postgresql+psycopg://nobody:none@127.0.0.1:9/none",
        GITHUB_ACTIONS="true",
        CI="true",
    )

    assert proc.returncode == 0
    assert repository_state() == before
    assert leftovers(tmp_path) == []
    assert "✘" not in proc.stdout
    told = {number: verdicts(text) for number, text in stages(proc.stdout).items()}
    assert list(told) == [1, 2, 3, 4, 5]

    # init puts the threshold on a 5-point step; each update climbs from where it stood.
    (init,) = told[1]
    start = re.fullmatch(r"threshold (\d+)%: the 5-point step at or below [\d.]+%", init)
    assert start, init
    thresholds = [int(start[1])]
    for number in (2, 3):
        (update,) = told[number]
        climb = re.match(r"threshold (\d+)% -> (\d+)%, baseline", update)
        assert climb, update
        assert int(climb[1]) == thresholds[-1]
        thresholds.append(int(climb[2]))
    assert thresholds == sorted(set(thresholds))
    assert [t % 5 for t in thresholds] == [0, 0, 0]
    assert thresholds[-1] == 100

    # The left-out module's app file is named, with the points it lost and the lines it
    # no longer runs, in coverage.py's Missing notation (31, 33 / 14-18 / 82->exit).
    (caught,) = told[4]
    assert re.fullmatch(
        r"check fails \(exit 1\) on app/services/post_service\.py: -[\d.]+ points, "
        r"lines {0}(, {0})* not run".format(r"\d+(-\d+|->(\d+|exit))?"),
        caught,
    ), caught
    assert told[5] == ["check passes (exit 0)"]


def test_story__fails_when_the_left_out_module_loses_nothing(tmp_path: Path):
    # test_fakes.py tests the fakes, not the app: without it, coverage stays at 100%.
    proc = run_story(tmp_path, "--leave-out", "tests/test_fakes.py")

    assert proc.returncode == 1
    told = stages(proc.stdout)
    assert list(told) == [1, 2, 3, 4]
    assert "✘ unexpected: ratchet check passed without tests/test_fakes.py" in told[4]
    assert leftovers(tmp_path) == []


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


@pytest.mark.skipif(sys.platform == "win32", reason="signals to one process are POSIX")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_story__interrupted_stops_its_runs_and_removes_its_copy(tmp_path: Path, signum: int):
    # A session of its own: afterwards, any process of it still alive is one the story left.
    proc = subprocess.Popen(
        [sys.executable, str(STORY)],
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
