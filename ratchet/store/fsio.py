"""Atomic writes: a file of the user's is either the old one or the new one, never half.

Several files written together (the bar: pyproject.toml, the per-file baseline, the history)
go through a journal, so that a process killed between two renames leaves something the
next run can finish, instead of a bar half raised: see ``write_atomic`` and ``recover``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ratchet.errors import RatchetError

JOURNAL_VERSION = 1


def write_atomic(files: Mapping[Path, str], *, journal: Path | None = None) -> None:
    """Write every file to a temporary sibling first, then rename them all into place.

    Nothing is replaced until every new content is safely on disk, so a failure while
    writing (disk full, permissions) leaves all of the user's files as they were. Each
    rename is atomic; the renames of several files are not one transaction.

    ``journal``: a file that records, before anything is staged, each file's temporary
    name (``.NAME.ratchet.tmp``) and the hashes of its old and new contents; it is removed
    once every rename is done. A process killed on the way leaves it behind, and
    ``recover`` then finishes the renames, or removes the temporary files when no rename
    had happened. The caller holds the lock that makes it the only writer (``writelock``).
    A failure (not a kill) before the first rename leaves nothing behind; after it, the
    journal stays for the next run to finish.
    """
    if journal is None:
        _write_simple(files)
        return
    try:
        staged = [_Entry.plan(target, text) for target, text in files.items()]
    except OSError as e:
        raise RatchetError(f"cannot read: {e.strerror}", source=str(e.filename)) from None
    _write_journal(journal, staged)
    target: Path | None = None
    renamed = 0
    try:
        for n, (entry, text) in enumerate(zip(staged, files.values(), strict=True), 1):
            target = entry.path
            _stage(entry.tmp, entry.path, text.encode("utf-8"))
            _test_kill("staged", n)
        for entry in staged:
            target = entry.path
            os.replace(entry.tmp, entry.path)
            renamed += 1
            _test_kill("renamed", renamed)
        _sync_dirs(e.path for e in staged)
        journal.unlink()
        _remove_strays(staged)
    except BaseException as e:
        if renamed == 0:  # nothing of the user's changed: as if never started
            for entry in staged:
                with contextlib.suppress(OSError):
                    os.unlink(entry.tmp)
            with contextlib.suppress(OSError):
                journal.unlink()
        if not isinstance(e, OSError):
            raise
        where = str(target) if target is not None else str(e.filename or "")
        rest = (
            f"; {renamed} of the {len(staged)} files were written and the rest are staged: "
            f"the next ratchet command finishes the write (journal {journal})"
        )
        raise RatchetError(
            f"cannot write: {e.strerror}{rest if renamed else ''}", source=where
        ) from None


# A test hook, and nothing else: RATCHET_TEST_KILL_AT=renamed:N (or staged:N) kills the
# process with SIGKILL right after the Nth rename (or staged file) of a journaled write, as
# an OOM kill or a cancelled CI job would. tests/store/test_writelock.py needs it because nothing
# else can stop a real writer at a known point between two renames: a failure that could be
# arranged on disk (a directory in place of a file) already fails the reads before them.
KILL_AT = "RATCHET_TEST_KILL_AT"


def _test_kill(stage: str, n: int) -> None:
    if os.environ.get(KILL_AT) == f"{stage}:{n}":  # pragma: no cover - the process dies here
        import signal  # (so coverage.py can never record these lines)

        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


# What tempfile.mkstemp names a staged file (``_write_simple``, and ratchet before the
# journal): ".NAME." + 8 of these + ".tmp".
_MKSTEMP = re.compile(r"\.[a-z0-9_]{8}\.tmp")


def _remove_strays(entries: list[_Entry]) -> None:
    """Staged files a killed writer of an older version left beside the files just written:
    under the lock no other write is under way, so none of them is anyone's."""
    by_dir: dict[Path, set[str]] = {}
    for entry in entries:
        by_dir.setdefault(entry.path.parent, set()).add(f".{entry.path.name}.")
    for directory, prefixes in by_dir.items():
        with contextlib.suppress(OSError):  # tidying up: never a reason to fail the write
            for name in os.listdir(directory):
                if name.endswith(".tmp") and any(
                    name.startswith(p) and _MKSTEMP.fullmatch(name[len(p) - 1 :]) for p in prefixes
                ):
                    os.unlink(directory / name)


def _write_simple(files: Mapping[Path, str]) -> None:
    import tempfile  # only a command that writes pays for it: `check` starts faster

    staged: list[tuple[str, Path]] = []
    umask = _umask()
    target: Path | None = None  # the file being written, named in an error
    try:
        for target, text in files.items():
            path = target.resolve()  # a symlinked pyproject.toml stays a symlink
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            staged.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            try:
                mode = path.stat().st_mode & 0o7777
            except FileNotFoundError:  # a new file: what open() would have given it
                mode = 0o666 & ~umask
            os.chmod(tmp, mode)
        for tmp, path in staged:
            target = path
            os.replace(tmp, path)
    except BaseException as e:
        # Whatever went wrong (a full disk, a bug, Ctrl-C), no temporary file stays behind.
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(e, OSError):
            # e.filename is the temporary file; the user knows the file it stood in for.
            where = str(target) if target is not None else str(e.filename or "")
            raise RatchetError(f"cannot write: {e.strerror}", source=where) from None
        raise


def _stage(tmp: Path, path: Path, data: bytes) -> None:
    """``data`` into a new ``tmp`` (never through a link someone left at that name), on
    disk, with the mode ``path`` has (or a new file gets)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:  # a new file: what open() would have given it
        mode = 0o666 & ~_umask()
    os.chmod(tmp, mode)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _sync_dirs(paths: Iterable[Path]) -> None:
    """Make the renames durable before the journal goes (no directory fsync on Windows)."""
    if os.name == "nt":  # pragma: no cover - the tests run on POSIX
        return
    for d in {p.parent for p in paths}:
        fd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- the journal ---------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    import hashlib  # only writers and a recovery pay for it: `check` starts faster

    return hashlib.sha256(data).hexdigest()


def _digest(data: bytes | None) -> str | None:
    return None if data is None else _sha256(data)


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class _Entry:
    path: Path  # the user's file, symlinks resolved (a symlinked pyproject.toml stays one)
    tmp: Path  # its new contents until renamed
    old: str | None  # sha256 of the contents replaced (None: no such file)
    new: str  # sha256 of the contents written

    @classmethod
    def plan(cls, target: Path, text: str) -> _Entry:
        path = target.resolve()
        return cls(
            path,
            path.with_name(f".{path.name}.ratchet.tmp"),
            _digest(_read_bytes(path)),
            _sha256(text.encode("utf-8")),
        )

    def to_json(self) -> dict[str, str | None]:
        return {"path": str(self.path), "tmp": str(self.tmp), "old": self.old, "new": self.new}

    @classmethod
    def from_json(cls, data: dict[str, str | None]) -> _Entry:
        path, tmp, old, new = data["path"], data["tmp"], data["old"], data["new"]
        if not all(isinstance(v, str) for v in (path, tmp, new, old if old else "")):
            raise ValueError(f"not a journal entry: {data!r:.200}")
        return cls(Path(str(path)), Path(str(tmp)), old, str(new))


def _write_journal(journal: Path, entries: list[_Entry]) -> None:
    text = json.dumps({"version": JOURNAL_VERSION, "files": [e.to_json() for e in entries]})
    tmp = journal.with_name(journal.name + ".tmp")
    try:
        _stage(tmp, journal, text.encode("utf-8"))
        os.replace(tmp, journal)
        _sync_dirs([journal])
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise RatchetError(f"cannot write the journal: {e.strerror}", source=str(journal)) from None


@dataclass(frozen=True)
class Recovered:
    """What ``recover`` did with a journal left behind."""

    finished: tuple[Path, ...]  # files renamed into place now
    discarded: bool  # killed while staging: nothing had changed, the staged files removed


def recover(journal: Path) -> Recovered | None:
    """Finish (or undo) a ``write_atomic`` that was killed; None when there was none.

    Every file must be either its old contents (then its staged new contents must be
    complete) or already its new ones: anything else means someone changed it since, and
    nothing is touched (exit 2, saying what to check)."""
    try:
        raw = journal.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise RatchetError(f"cannot read the journal: {e.strerror}", source=str(journal)) from None
    try:
        data = json.loads(raw)
        if data.get("version") != JOURNAL_VERSION:
            raise ValueError(f"version {data.get('version')!r}")
        entries = [_Entry.from_json(e) for e in data["files"]]
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise _stuck(journal, f"it cannot be read ({e})") from None
    try:
        return _finish(journal, entries)
    except OSError as e:
        raise _stuck(journal, f"{e.filename}: {e.strerror}") from None


def _finish(journal: Path, entries: list[_Entry]) -> Recovered:
    done: list[_Entry] = []
    pending: list[_Entry] = []
    unstaged: list[_Entry] = []
    for entry in entries:
        now = _digest(_read_bytes(entry.path))
        if now == entry.new:
            done.append(entry)
        elif now != entry.old:
            raise _stuck(journal, f"{entry.path} changed since")
        elif _digest(_read_bytes(entry.tmp)) == entry.new:
            pending.append(entry)
        else:
            unstaged.append(entry)
    if unstaged and done:  # renames start only once every file is staged
        raise _stuck(journal, f"{unstaged[0].path} was written but {unstaged[0].tmp} is not")
    if unstaged:  # killed while staging: nothing of the user's had changed
        for entry in entries:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.tmp)
        journal.unlink()
        return Recovered((), discarded=True)
    for entry in pending:
        os.replace(entry.tmp, entry.path)
    _sync_dirs(e.path for e in pending)
    journal.unlink()
    return Recovered(tuple(e.path for e in pending), discarded=False)


def _stuck(journal: Path, why: str) -> RatchetError:
    return RatchetError(
        f"a write of the bar was interrupted and cannot be finished: {why}. Nothing was "
        "changed now. Check pyproject.toml, the per-file baseline and the history against "
        f"git (`git status`, `git diff`), restore or fix them, then delete {journal} and "
        "the staged files it names (.NAME.ratchet.tmp beside each)"
    )


def read_text(path: Path) -> str | None:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            return f.read()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise RatchetError(f"cannot read: {e}", source=str(path)) from None
