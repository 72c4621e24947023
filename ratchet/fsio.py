"""Atomic writes: a file of the user's is either the old one or the new one, never half."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path

from ratchet.errors import RatchetError


def write_atomic(files: Mapping[Path, str]) -> None:
    """Write every file to a temporary sibling first, then rename them all into place.

    Nothing is replaced until every new content is safely on disk, so a failure while
    writing (disk full, permissions) leaves all of the user's files as they were. Each
    rename is atomic; the renames of several files are not one transaction.
    """
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_text(path: Path) -> str | None:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            return f.read()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise RatchetError(f"cannot read: {e}", source=str(path)) from None
