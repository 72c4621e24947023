"""Atomic writes: a file of the user's is either the old one or the new one, never half."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ratchet.errors import RatchetError


def write_atomic(files: Mapping[Path, str]) -> None:
    """Write every file to a temporary sibling first, then rename them all into place.

    Nothing is replaced until every new content is safely on disk, so a failure (disk
    full, permissions) leaves all of the user's files as they were.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            staged.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            with contextlib.suppress(FileNotFoundError):
                os.chmod(tmp, path.stat().st_mode & 0o7777)
        for tmp, path in staged:
            os.replace(tmp, path)
    except OSError as e:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise RatchetError(f"cannot write: {e.strerror}", source=str(e.filename or "")) from None


def read_text(path: Path) -> str | None:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            return f.read()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise RatchetError(f"cannot read: {e}", source=str(path)) from None
