"""One writer of the bar at a time, and no write of it left half done.

``init``, ``update``, ``accept`` and ``push-update`` each read the bar, decide, and write up
to five files. Two of them at once (two CI jobs in one checkout, a job and a developer) would
each decide from the bar as it was before the other wrote, and the last to write would win:
the lower bar recorded, one history line lost. So a writer holds ``hold``'s lock from before
it reads the bar until its files are written, and reads the bar again under it.

Where they live: in the git directory of the work tree holding the config (per worktree),
``.git/coverage-ratchet.lock`` and ``.git/coverage-ratchet.journal``, which git never shows
or commits. Outside a git work tree, the lock goes in the temporary directory (one per user
and config directory; a lock only matters on one machine), and the journal beside
pyproject.toml (``.coverage-ratchet.journal``), where it is seen if a write is interrupted.
The lock is an OS lock on its file (``filelock``: flock, LockFileEx), released when its
process dies, so a killed writer never leaves a stale lock; the empty file stays.

The journal (``fsio.write_atomic``) is there only while a write is under way. A run that
finds one finishes the interrupted write under the lock before anything else (or, if a
file changed since, refuses and says what to check).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ratchet.errors import RatchetError
from ratchet.store import fsio

LOCK_NAME = "coverage-ratchet.lock"
JOURNAL_NAME = "coverage-ratchet.journal"
# How long a writer waits for another: an update takes about a second; a minute means the
# other one is stuck (or waiting on a prompt), and waiting on would only hide it.
TIMEOUT = 60.0

Notify = Callable[[str], None]


def git_dir(root: Path) -> Path | None:
    """The git directory of the work tree ``root`` is in (a linked worktree's own), found
    without running git: the first ``.git`` upward, a directory or a ``gitdir:`` file."""
    for d in (root, *root.parents):
        dot = d / ".git"
        if dot.is_dir():
            return dot
        if dot.is_file():  # a linked worktree or a submodule: "gitdir: <path>"
            try:
                first = dot.read_text(encoding="utf-8").splitlines()[0]
            except (OSError, UnicodeDecodeError, IndexError):
                return None
            gitdir = d / first.removeprefix("gitdir:").strip()
            return gitdir if first.startswith("gitdir:") and gitdir.is_dir() else None
    return None


def journal_path(root: Path) -> Path:
    gitdir = git_dir(root)
    return gitdir / JOURNAL_NAME if gitdir else root / f".{JOURNAL_NAME}"


def lock_path(root: Path) -> Path:
    gitdir = git_dir(root)
    if gitdir is not None:
        return gitdir / LOCK_NAME
    import hashlib
    import tempfile

    where = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    user = getattr(os, "getuid", lambda: "")()
    return Path(tempfile.gettempdir()) / f"coverage-ratchet-{user}-{where[:20]}.lock"


@contextmanager
def hold(root: Path, notify: Notify, *, timeout: float = TIMEOUT) -> Iterator[None]:
    """Be the only writer of the bar of the config at ``root``; finish an interrupted write
    first. Read the bar inside: it may have moved while waiting."""
    from filelock import FileLock, Timeout  # only writers pay for importing it

    path = lock_path(root)
    lock = FileLock(path, timeout=timeout)
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            notify(
                f"ratchet: waiting for another ratchet command to finish writing the bar ({path})"
            )
            lock.acquire()
    except Timeout:
        raise RatchetError(
            f"another ratchet command has been writing the bar for {timeout:g} s (it holds "
            f"{path}); run this again once it has finished",
        ) from None
    except OSError as e:
        raise RatchetError(f"cannot take the lock: {e.strerror}", source=str(path)) from None
    try:
        _recover(root, notify)
        yield
    finally:
        lock.release()


def recover(root: Path, notify: Notify) -> bool:
    """Finish a write of the bar that was interrupted (under the lock), if there is one:
    every command reads the bar only whole. Whether there was one (the bar may have
    changed); a few stats when there was not."""
    if not journal_path(root).exists():
        return False
    with hold(root, notify):
        return True


def _recover(root: Path, notify: Notify) -> None:
    journal = journal_path(root)
    done = fsio.recover(journal)
    if done is None:
        return
    if done.discarded:
        notify(
            "ratchet: a write of the bar was interrupted before it changed any file; "
            "removed what it had staged"
        )
    elif done.finished:
        names = ", ".join(_shown(p, root) for p in done.finished)
        notify(f"ratchet: finished a write of the bar that was interrupted: wrote {names}")


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
