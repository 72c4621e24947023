"""`make demo`'s story (demo_app/story.py) end-to-end: real pytest runs, the real CLI.

The story checks each of ratchet's verdicts itself and exits 1 on a surprise; these tests
hold the story to that, and to leaving nothing behind: not in the repository, not in the
temporary directory, whether it ends well, badly or interrupted.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

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


@pytest.mark.skipif(sys.platform == "win32", reason="signals to one process are POSIX")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_story__interrupted_stops_its_runs_and_removes_its_copy(tmp_path: Path, signum: int):
    proc = subprocess.Popen(
        [sys.executable, str(STORY)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(TMPDIR=str(tmp_path)),
    )
    try:
        # Interrupt once the first pytest run has started in the copy.
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob("ratchet-story-*/pytest-unit.log")):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the story never started a pytest run"
            time.sleep(0.05)
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    assert leftovers(tmp_path) == []
