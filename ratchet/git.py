"""Every git call the ratchet makes. Nothing else runs git."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from ratchet.errors import RatchetError

# Settings that change what ``git diff`` prints, pinned so a user's or a repository's git
# config cannot change what we parse. ``-c`` rather than newer flags (``--no-relative`` is
# git 2.28+): an older git ignores a config key it does not know.
_DIFF_CONFIG = (
    "core.quotepath=off",
    "diff.noprefix=false",
    "diff.mnemonicPrefix=false",
    "diff.relative=false",
    "diff.suppressBlankEmpty=false",
    "diff.renames=true",
)
_DIFF_FLAGS = (
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "-U0",
    "--inter-hunk-context=0",
    "-M",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--submodule=short",
    "--diff-algorithm=myers",
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # A user's pager, colour or external diff settings must not change what we parse.
    env.update({"GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    for name in ("GIT_EXTERNAL_DIFF", "GIT_DIFF_OPTS"):
        env.pop(name, None)
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


def find_toplevel(cwd: Path) -> Path | None:
    """The work tree's top, or None outside a git work tree or without git."""
    try:
        proc = run(["rev-parse", "--show-toplevel"], cwd, check=False)
    except RatchetError:
        return None
    return Path(proc.stdout.strip()) if proc.returncode == 0 and proc.stdout.strip() else None


def _check_ref(ref: str) -> None:
    if ref.startswith("-") or not ref.strip():
        raise RatchetError(f"invalid git ref {ref!r}")


def commit_of(ref: str, cwd: Path) -> str | None:
    """The full hash ``ref`` names, or None if this clone has no such commit."""
    _check_ref(ref)
    proc = run(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def is_shallow(cwd: Path) -> bool:
    return run(["rev-parse", "--is-shallow-repository"], cwd).stdout.strip() == "true"


def _remote_branch(ref: str, cwd: Path) -> tuple[str, str | None]:
    """(remote, branch) a ref would be fetched from: ``origin/main`` -> (origin, main)."""
    names = run(["remote"], cwd, check=False).stdout.split()
    for name in sorted(names, key=len, reverse=True):
        if ref.startswith(name + "/"):
            return name, ref[len(name) + 1 :]
    if ref.startswith("refs/remotes/"):
        remote, _, branch = ref.removeprefix("refs/remotes/").partition("/")
        return remote, branch or None
    return ("origin" if "origin" in names or not names else names[0]), None


def _refspec(remote: str, branch: str) -> str:
    # Explicit, so the remote-tracking ref is written even in a single-branch clone, whose
    # configured refspec would leave the fetched branch in FETCH_HEAD only.
    return f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}"


def fetch_hint(ref: str, cwd: Path) -> str:
    """The exact command(s) that bring ``ref`` into this clone."""
    remote, branch = _remote_branch(ref, cwd)
    if branch is not None:
        return f"`git fetch --no-tags {remote} {_refspec(remote, branch)}`"
    if re.fullmatch(r"[0-9a-fA-F]{7,40}", ref):
        return f"`git fetch --no-tags {remote} {ref}`"
    # A bare branch name: fetch it as the remote-tracking branch, and name that.
    return f"`git fetch --no-tags {remote} {_refspec(remote, ref)}`, then use {remote}/{ref}"


def show(ref: str, path: Path, cwd: Path) -> str | None:
    """The file's content at ``ref``; None if the file does not exist there.

    Raises when the ref itself is unknown, naming the fetch that would bring it.
    """
    if commit_of(ref, cwd) is None:
        raise RatchetError(
            f"git ref {ref!r} not found in this clone; fetch it first: {fetch_hint(ref, cwd)}"
        )
    top = toplevel(cwd)
    try:
        rel = path.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        raise RatchetError(
            f"{path} is outside the git work tree {top}, so it cannot be read at {ref}"
        ) from None
    proc = run(["show", f"{ref}:{rel}"], cwd, check=False)
    if proc.returncode != 0:
        return None
    return proc.stdout


def merge_base(ref: str, cwd: Path) -> str:
    """The commit where HEAD's history left ``ref``'s.

    Never guesses: a missing ref or a history too shallow to hold the fork point is an
    error that names the fetch that fixes it.
    """
    if commit_of("HEAD", cwd) is None:
        raise RatchetError("HEAD names no commit (an empty repository?); commit first")
    if commit_of(ref, cwd) is None:
        hint = fetch_hint(ref, cwd)
        raise RatchetError(
            f"git ref {ref!r} not found in this clone, so the changed lines cannot be "
            f"computed; fetch it first: {hint}"
        )
    proc = run(["merge-base", ref, "HEAD"], cwd, check=False)
    if proc.returncode == 0 and proc.stdout.strip():
        return proc.stdout.split()[0]
    if proc.returncode not in (0, 1):
        err = proc.stderr.strip().splitlines()
        raise RatchetError(f"`git merge-base {ref} HEAD` failed: {err[-1] if err else ''}")
    if is_shallow(cwd):
        remote, branch = _remote_branch(ref, cwd)
        what = _refspec(remote, branch) if branch else ref
        raise RatchetError(
            f"this is a shallow clone and its history does not reach the merge-base of "
            f"{ref!r} and HEAD, so the changed lines cannot be computed. Fetch the whole "
            f"history of both: `git fetch --no-tags --unshallow {remote} {what}`; or deepen "
            f"both by at least the number of commits on this branch (N): "
            f"`git fetch --no-tags --deepen=N {remote} {what}`. "
            f"In GitHub Actions: actions/checkout with `fetch-depth: 0`."
        )
    raise RatchetError(f"{ref!r} and HEAD have no common history (no merge-base)")


def untracked(cwd: Path) -> tuple[str, ...]:
    """Files below ``cwd`` that git does not track and does not ignore, relative to ``cwd``;
    a wholly untracked directory is one entry ending in ``/`` (``./`` for ``cwd`` itself),
    so a large one costs one line. Empty when git cannot tell: this only feeds a note."""
    args = ["ls-files", "-z", "--others", "--exclude-standard", "--directory"]
    proc = run([*args, "--no-empty-directory", "--", "."], cwd, check=False)
    return tuple(p for p in proc.stdout.split("\0") if p) if proc.returncode == 0 else ()


def diff(base: str, cwd: Path, *, worktree: bool) -> str:
    """``git diff`` from ``base`` to HEAD, or to the work tree (staged and unstaged changes
    of tracked files) when ``worktree``; paths relative to the top of the work tree."""
    _check_ref(base)
    config = [arg for item in _DIFF_CONFIG for arg in ("-c", item)]
    target = [base] if worktree else [base, "HEAD"]
    return run([*config, "diff", *_DIFF_FLAGS, *target, "--"], cwd).stdout
