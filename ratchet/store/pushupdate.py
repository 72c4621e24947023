"""Record a raised bar on a branch: ``ratchet update``, commit exactly the files it wrote,
push, and when another push won the race, move to the new tip and do it again (a bounded
number of times).

Re-running ``ratchet update`` on the new tip, rather than rebasing our commit, is what keeps
both updates: ``update`` never lowers a value, so whichever run pushes last records the
higher of the two bars, and the pyproject edit never meets a merge conflict. Nothing else in
the work tree or the index is committed, and nothing of it is thrown away.

A run's report measures the commit it ran on, so it may only be recorded on a newer tip
whose coverage it still measures: the commits in between may change the ratchet's own
bookkeeping (its ``[tool.ratchet]`` values, the per-file baseline, the ``fail_under`` gates it
keeps in step) and files that cannot move coverage (``harmless``: a README, docs). When they
change anything else, the run is ``deferred``: it records nothing and says that the newer
commit's own run must record the bar (``push-update`` exits ``EXIT_DEFERRED``, so a workflow
sees it: that run may never come, under ``paths-ignore`` or ``[skip ci]``).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from ratchet.errors import RatchetError
from ratchet.store import git
from ratchet.store.pyproject import INI_FILES

BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
PUSHED = "pushed"
UNCHANGED = "unchanged"
SUPERSEDED = "superseded"  # the new tip records a higher bar already: nothing to add
DEFERRED = "deferred"  # the branch moved on to other code: its own run must record the bar
REGRESSION = "regression"
MAX_BACKOFF = 30.0

_INI_NAMES = frozenset(INI_FILES)


@dataclass(frozen=True)
class Updated:
    """What one in-process ``ratchet update`` did."""

    code: int  # its exit code: 0 recorded (or nothing to record), 1 regression, 2 bad input
    written: list[Path]  # the files it wrote
    summary: str  # what changed, for the commit message ("threshold 90% -> 95%, ...")
    measured: frozenset[str] = frozenset()  # the report's files, from the top of the work tree


RunUpdate = Callable[[], Updated]


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


def _repo_paths(paths: list[Path], top: Path, *, strict: bool = True) -> list[str]:
    out = []
    for p in paths:
        try:
            out.append(p.resolve().relative_to(top.resolve()).as_posix())
        except ValueError:
            if not strict:
                continue
            raise RatchetError(
                f"`ratchet update` wrote {p}, outside the repository {top}: not committing it"
            ) from None
    return sorted(set(out))


def _stage(paths: list[str], top: Path) -> bool:
    """Stage ``paths``; whether that changes anything against HEAD."""
    if not paths:
        return False
    git.run(["add", "--", *paths], top)
    diff = git.run(["diff", "--cached", "--quiet", "HEAD", "--", *paths], top, check=False)
    return diff.returncode != 0


# A gate number ratchet keeps in step with the threshold: ``fail_under = 80`` (ini),
# ``"fail_under": 80`` (a TOML table once dumped as JSON), ``--cov-fail-under=80``.
_GATE = re.compile(r"(fail[_-]under\"?\s*[=: ]\s*)\d+(?:\.\d+)?")


def _bookkeeping_free(path: str, text: str | None) -> str | None:
    """``text`` without what ``ratchet update`` may change in it; None when it cannot say."""
    if text is None:
        return ""
    if path.endswith(".toml"):
        try:
            doc = tomlkit.parse(text).unwrap()
        except TOMLKitError:
            return None
        tool = doc.get("tool")
        if isinstance(tool, dict):
            tool.pop("ratchet", None)
        text = json.dumps(doc, sort_keys=True, default=str)
    return _GATE.sub(r"\1N", text)


# Files that decide how the tests run and what coverage measures, whatever their suffix.
_TEST_SETUP = frozenset({".coveragerc", "setup.cfg", "tox.ini", "pytest.ini", "pyproject.toml"})
_CI_DIRS = (".github/", ".gitlab/", ".circleci/", ".ci/")


def harmless(path: str, measured: Collection[str]) -> bool:
    """Whether a change to ``path`` (from the top of the work tree) leaves a report of
    ``measured`` (the same) as true as it was: not a file it measured, nor of a kind it
    measures (a test of it has their suffix), nor the tests' or coverage's configuration, nor
    CI's. A README, the docs, an image."""
    if not measured or path in measured:
        return False
    name = path.rsplit("/", 1)[-1]
    suffix = name.rsplit(".", 1)[-1] if "." in name.lstrip(".") else None
    kinds = {m.rsplit("/", 1)[-1].rsplit(".", 1)[-1] for m in measured if "." in m}
    if suffix is None or suffix in kinds or name in _TEST_SETUP or name.startswith("requirements"):
        return False
    return not path.startswith(_CI_DIRS) and not name.endswith((".yml", ".yaml", ".lock"))


def foreign_changes(top: Path, base: str, tip: str, owned: Collection[Path]) -> list[str]:
    """What changed from ``base`` (the commit measured) to ``tip`` other than the ratchet's
    bookkeeping in ``owned``: the per-file baseline wholly, pyproject.toml and the ini files
    but for ``[tool.ratchet]`` and the synced ``fail_under`` values. Empty: the report
    measures ``tip``'s code as well as ``base``'s."""
    if base == tip:
        return []
    ancestor = git.run(["merge-base", "--is-ancestor", base, tip], top, check=False)
    if ancestor.returncode != 0:
        return [f"history that does not contain {base[:12]}"]
    names = git.run(["diff", "--name-only", "-z", "--no-renames", base, tip], top).stdout
    mine = set(_repo_paths(list(owned), top, strict=False))
    foreign = []
    for path in filter(None, names.split("\0")):
        if path not in mine:
            foreign.append(path)
            continue
        if path.endswith(".toml") or Path(path).name in _INI_NAMES:
            before, after = (_at(rev, path, top) for rev in (base, tip))
            clean = _bookkeeping_free(path, before)
            if clean is None or clean != _bookkeeping_free(path, after):
                foreign.append(path)
    return foreign


def _at(rev: str, path: str, top: Path) -> str | None:
    proc = git.run(["show", f"{rev}:{path}"], top, check=False)
    return proc.stdout if proc.returncode == 0 else None


def _message(summary: str) -> str:
    return "Raise the coverage bar" + (f": {summary[:200]}" if summary else " (ratchet update)")


def _identity(top: Path) -> list[str]:
    """``-c`` options naming the bot, unless the repository names someone already."""
    email = git.run(["config", "user.email"], top, check=False).stdout.strip()
    return [] if email else ["-c", f"user.name={BOT_NAME}", "-c", f"user.email={BOT_EMAIL}"]


def record(
    cwd: Path,
    run_update: RunUpdate,
    *,
    owned: Collection[Path],
    branch: str,
    remote: str = "origin",
    attempts: int = 5,
    sleep: Callable[[float], None] = time.sleep,
    echo: Callable[[str], None] = print,
) -> Recorded:
    """Update, commit and push to ``remote``/``branch``; retry on a lost race. ``owned``:
    the files ``ratchet update`` may edit (see ``foreign_changes``)."""
    for ref in (branch, remote):
        if ref.startswith("-") or not ref.strip():
            raise RatchetError(f"invalid git name {ref!r}")
    top = git.toplevel(cwd)
    measured = git.run(["rev-parse", "HEAD"], top).stdout.strip()
    report: frozenset[str] = frozenset()
    last_error = ""
    for attempt in range(1, attempts + 1):
        if attempt > 1:
            git.run(["fetch", "--quiet", "--no-tags", remote, branch], top)
            tip = git.run(["rev-parse", "FETCH_HEAD"], top).stdout.strip()
            foreign = foreign_changes(top, measured, tip, owned)
            moving = [p for p in foreign if not harmless(p, report)]
            if moving:
                # Drop the unpushed commit; the update's edits stay in the work tree.
                git.run(["reset", "--quiet", "--soft", "HEAD~1"], top)
                shown = ", ".join(moving[:5]) + (", ..." if len(moving) > 5 else "")
                message = (
                    f"coverage-ratchet: {remote}/{branch} moved on to {tip[:12]}, which "
                    f"changes {shown}; this run measured {measured[:12]}, so it records "
                    f"nothing. The bar it reached is for the job of {tip[:12]} (or of a later "
                    "commit) to record; if none runs ([skip ci], paths-ignore), run "
                    f"`ratchet push-update` on {remote}/{branch}'s tip"
                )
                echo(message)
                return Recorded(DEFERRED, attempt, message=message)
            if foreign:
                shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
                echo(
                    f"coverage-ratchet: {remote}/{branch} moved on by commits that change "
                    f"none of what this run measured ({shown}); recording on its new tip"
                )
            else:
                echo(f"coverage-ratchet: {remote}/{branch} moved on; updating on its new tip")
            # --keep, not --hard: what else the job changed in the work tree stays (git
            # refuses, rather than overwrite it, when the new tip changed the same file).
            git.run(["reset", "--quiet", "--keep", tip], top)
        updated = run_update()
        report = report or updated.measured
        if updated.code == 1:
            if attempt == 1:
                return Recorded(REGRESSION, attempt, message=updated.summary)
            # The new tip records a higher bar than this run reached: nothing to add.
            return Recorded(SUPERSEDED, attempt, message=updated.summary)
        if updated.code != 0:
            raise RatchetError(f"`ratchet update` refused the report (exit {updated.code})")
        paths = _repo_paths(updated.written, top)
        if not _stage(paths, top):
            return Recorded(UNCHANGED, attempt)
        message = _message(updated.summary)
        # --only with the paths: whatever else is staged stays staged, out of this commit.
        only = ["--only", "-m", message, "--", *paths]
        git.run([*_identity(top), "commit", "--quiet", "--no-verify", *only], top)
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
