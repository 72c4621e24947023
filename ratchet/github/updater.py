"""Record a raised bar on the default branch: ``ratchet update``, commit, push, and when
another push won the race, fetch the new tip and do it again (a bounded number of times).

Re-running ``ratchet update`` on the new tip, rather than rebasing our commit, is what keeps
both updates: ``update`` never lowers a value, so whichever run pushes last records the
higher of the two bars, and the pyproject edit never meets a merge conflict.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ratchet import git
from ratchet.errors import RatchetError

BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
PUSHED = "pushed"
UNCHANGED = "unchanged"
SUPERSEDED = "superseded"
REGRESSION = "regression"
MAX_BACKOFF = 30.0

# ``ratchet update``, run in the user's directory: (exit code, what it printed).
RunUpdate = Callable[[], tuple[int, str]]


@dataclass(frozen=True)
class Recorded:
    outcome: str  # PUSHED, UNCHANGED, SUPERSEDED or REGRESSION
    attempts: int
    commit: str | None = None
    message: str = ""


def current_branch(cwd: Path) -> str:
    proc = git.run(["symbolic-ref", "--quiet", "--short", "HEAD"], cwd, check=False)
    name = proc.stdout.strip()
    if proc.returncode != 0 or not name:
        raise RatchetError("HEAD is detached: name the branch to push to with --branch")
    return name


def _untracked(top: Path) -> set[str]:
    out = git.run(["ls-files", "-z", "--others", "--exclude-standard"], top).stdout
    return {p for p in out.split("\0") if p}


def _changed(top: Path, untracked_before: set[str]) -> list[str]:
    modified = git.run(["diff", "--name-only", "-z", "HEAD"], top).stdout
    paths = {p for p in modified.split("\0") if p}
    paths |= _untracked(top) - untracked_before
    return sorted(paths)


def _message(update_output: str) -> str:
    for line in update_output.splitlines():
        if line.startswith("ratchet: threshold"):
            return "Raise the coverage bar: " + line.removeprefix("ratchet: ")[:200]
    return "Raise the coverage bar (ratchet update)"


def _identity(top: Path) -> list[str]:
    """``-c`` options naming the bot, unless the repository names someone already."""
    email = git.run(["config", "user.email"], top, check=False).stdout.strip()
    return [] if email else ["-c", f"user.name={BOT_NAME}", "-c", f"user.email={BOT_EMAIL}"]


def record(
    cwd: Path,
    run_update: RunUpdate,
    *,
    branch: str,
    remote: str = "origin",
    attempts: int = 5,
    sleep: Callable[[float], None] = time.sleep,
    echo: Callable[[str], None] = print,
) -> Recorded:
    """Update, commit and push to ``remote``/``branch``; retry on a lost race."""
    for ref in (branch, remote):
        if ref.startswith("-") or not ref.strip():
            raise RatchetError(f"invalid git name {ref!r}")
    top = git.toplevel(cwd)
    last_error = ""
    for attempt in range(1, attempts + 1):
        if attempt > 1:
            echo(f"coverage-ratchet: {remote}/{branch} moved on; updating on its new tip")
            git.run(["fetch", "--quiet", "--no-tags", remote, branch], top)
            git.run(["reset", "--quiet", "--hard", "FETCH_HEAD"], top)
        before = _untracked(top)
        code, output = run_update()
        if code == 1:
            if attempt == 1:
                return Recorded(REGRESSION, attempt, message=output)
            # The new tip records a higher bar than this run reached: nothing to add.
            return Recorded(SUPERSEDED, attempt, message=output)
        if code != 0:
            raise RatchetError(f"`ratchet update` failed with exit code {code}")
        paths = _changed(top, before)
        if not paths:
            return Recorded(UNCHANGED, attempt)
        git.run(["add", "--", *paths], top)
        message = _message(output)
        git.run([*_identity(top), "commit", "--quiet", "--no-verify", "-m", message], top)
        commit = git.run(["rev-parse", "HEAD"], top).stdout.strip()
        push = git.run(["push", "--quiet", remote, f"HEAD:refs/heads/{branch}"], top, check=False)
        if push.returncode == 0:
            return Recorded(PUSHED, attempt, commit, message)
        err = push.stderr.strip().splitlines()
        last_error = err[-1] if err else f"exit {push.returncode}"
        if attempt < attempts:
            sleep(min(0.5 * 2.0 ** (attempt - 1), MAX_BACKOFF))
    raise RatchetError(
        f"could not push the update to {remote}/{branch} after {attempts} attempts: {last_error}"
    )
