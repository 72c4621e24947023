"""Every git call the ratchet makes. Nothing else runs git."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ratchet.errors import RatchetError


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # A user's pager, colour or external diff settings must not change what we parse.
    env.update({"GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    return env


def run(args: list[str], cwd: Path, *, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            env=_env(),
            check=False,
        )
    except FileNotFoundError:
        raise RatchetError("git is not installed or not on PATH") from None
    if check and proc.returncode != 0:
        err = proc.stderr.strip().splitlines()
        raise RatchetError(f"`git {' '.join(args)}` failed: {err[-1] if err else proc.returncode}")
    return proc


def toplevel(cwd: Path) -> Path:
    return Path(run(["rev-parse", "--show-toplevel"], cwd).stdout.strip())


def show(ref: str, path: Path, cwd: Path) -> str | None:
    """The file's content at ``ref``; None if the file does not exist there.

    Raises when the ref itself is unknown, naming the fetch that would bring it.
    """
    if ref.startswith("-"):
        raise RatchetError(f"invalid git ref {ref!r}")
    verify = run(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd, check=False)
    if verify.returncode != 0:
        raise RatchetError(
            f"git ref {ref!r} not found in this clone; fetch it first, e.g. "
            f"`git fetch --no-tags --depth=1 origin {ref.removeprefix('origin/')}`"
        )
    top = toplevel(cwd)
    rel = path.resolve().relative_to(top.resolve()).as_posix()
    proc = run(["show", f"{ref}:{rel}"], cwd, check=False)
    if proc.returncode != 0:
        return None
    return proc.stdout
