"""Every git call the ratchet makes. Nothing else runs git."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
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


# What a ref that names no commit in this clone can be, each with its own remedy.
_RANGE = re.compile(r"\.\.")  # A..B, A...B: two commits, not a base
_OPERATOR = re.compile(r"[~^]|@\{")  # HEAD~3, main^, main@{1}, @{upstream}
_FULL_HASH = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
_SHORT_HASH = re.compile(r"[0-9a-fA-F]{4,39}")
_VERSION = re.compile(r"v?\d+(\.\d+)+([-+.]\w+)*")  # a name that is most likely a tag


def _remotes(cwd: Path) -> list[str]:
    return run(["remote"], cwd, check=False).stdout.split()


def _default_remote(remotes: list[str]) -> str:
    return "origin" if "origin" in remotes else remotes[0]


def _remote_branch(ref: str, remotes: list[str]) -> tuple[str, str] | None:
    """(remote, branch) of a remote-tracking branch: ``origin/main`` -> (origin, main)."""
    if ref.startswith("refs/remotes/"):
        ref = ref.removeprefix("refs/remotes/")
    for name in sorted(remotes, key=len, reverse=True):
        if ref.startswith(name + "/") and len(ref) > len(name) + 1:
            return name, ref[len(name) + 1 :]
    return None


def _refspec(remote: str, branch: str) -> str:
    # Explicit, so the remote-tracking ref is written even in a single-branch clone, whose
    # configured refspec would leave the fetched branch in FETCH_HEAD only.
    return f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}"


def _is_tag(ref: str, cwd: Path) -> bool:
    if ref.startswith("refs/tags/"):
        return True
    return (
        run(["show-ref", "--verify", "--quiet", f"refs/tags/{ref}"], cwd, check=False).returncode
        == 0
    )


def missing_ref(ref: str, cwd: Path, consequence: str = "") -> RatchetError:
    """The error for a ``ref`` that names no commit here, with what would bring it: a fetch
    for a branch, a tag or a hash, more history for ``HEAD~N``, and no fetch at all when
    there is no remote. ``consequence``: what cannot be done, e.g. ", so ... cannot ...".
    """
    remotes = _remotes(cwd)
    if _RANGE.search(ref):
        left = ref.split("..", 1)[0] or "HEAD"
        return RatchetError(
            f"git ref {ref!r} is a range, not one commit{consequence}; give the base "
            f"alone, e.g. {left!r}"
        )
    op = _OPERATOR.search(ref)
    if op is not None:
        base = ref[: op.start()] or "HEAD"
        if commit_of(base, cwd) is None:
            inner = missing_ref(base, cwd, consequence).message
            return RatchetError(inner.replace(repr(base), f"{base!r} (of {ref!r})", 1))
        if op.group() == "@{" or not is_shallow(cwd):
            what = "reflog entry or upstream" if op.group() == "@{" else "ancestor"
            return RatchetError(
                f"git ref {ref!r} names no commit{consequence}: {base!r} has no such {what}"
            )
        if not remotes:
            return RatchetError(
                f"git ref {ref!r} names no commit in this shallow clone{consequence}, and it "
                "has no remote to fetch more history from"
            )
        remote, what = _history_of(ref, remotes, cwd)
        return RatchetError(
            f"git ref {ref!r} names no commit in this shallow clone{consequence}: the history "
            f"of {base!r} stops before it. Fetch more: `git fetch --no-tags --deepen=N "
            f"{remote}{what}` (N: the commits missing) or "
            f"`git fetch --no-tags --unshallow {remote}{what}`"
        )
    where = f"git ref {ref!r} not found in this clone{consequence}"
    if not remotes:
        return RatchetError(
            f"git ref {ref!r} not found in this repository{consequence}, and it has no remote "
            "to fetch it from: check the name (`git branch --all`, `git tag --list`)"
        )
    tracking = _remote_branch(ref, remotes)
    if tracking is not None:
        remote, branch = tracking
        return RatchetError(
            f"{where}; fetch it first: `git fetch --no-tags {remote} {_refspec(remote, branch)}`"
        )
    remote = _default_remote(remotes)
    if ref.startswith("refs/remotes/"):
        name = ref.removeprefix("refs/remotes/").split("/", 1)[0]
        return RatchetError(f"{where}: no remote named {name!r} is configured (`git remote -v`)")
    if ref.startswith("refs/tags/"):
        tag = ref.removeprefix("refs/tags/")
        return RatchetError(
            f"{where}; fetch the tag first: `git fetch --no-tags {remote} tag {tag}`"
        )
    if _FULL_HASH.fullmatch(ref):
        return RatchetError(f"{where}; fetch it first: `git fetch --no-tags {remote} {ref}`")
    if _SHORT_HASH.fullmatch(ref):
        more = (
            f"`git fetch --no-tags --unshallow {remote}`"
            if is_shallow(cwd)
            else "the branch that holds it"
        )
        return RatchetError(
            f"{where}; an abbreviated hash cannot be fetched: give the full one "
            f"(`git fetch --no-tags {remote} FULL_HASH`), or fetch the history that holds "
            f"it: {more}"
        )
    # A bare name: a branch (fetched as the remote-tracking branch) or a tag, which only
    # the remote can tell; a name like v1.2 is most likely a tag.
    name = ref.removeprefix("refs/heads/")
    branch = f"`git fetch --no-tags {remote} {_refspec(remote, name)}`, then use {remote}/{name}"
    tag = f"`git fetch --no-tags {remote} tag {name}`"
    if ref.startswith("refs/heads/"):
        return RatchetError(f"{where}; fetch it first: {branch}")
    if _VERSION.fullmatch(ref):
        return RatchetError(f"{where}; fetch it first, as a tag: {tag}; or as a branch: {branch}")
    return RatchetError(f"{where}; fetch it first: {branch}; or, if it is a tag: {tag}")


@dataclass(frozen=True)
class Commit:
    """A commit whose files are read (``show``): ``ref`` resolved, and the work tree's top
    found, once for all of them (asked again for each file, they were most of the git
    processes a check against a ref started)."""

    ref: str
    commit: str  # the full hash ``ref`` named when resolved
    top: Path
    cwd: Path

    def show(self, path: Path) -> str | None:
        """The file's content in this commit; None if the file does not exist there."""
        try:
            rel = path.resolve().relative_to(self.top.resolve()).as_posix()
        except ValueError:
            raise RatchetError(
                f"{path} is outside the git work tree {self.top}, so it cannot be read at "
                f"{self.ref}"
            ) from None
        proc = run(["show", f"{self.commit}:{rel}"], self.cwd, check=False)
        if proc.returncode != 0:
            return None
        return proc.stdout


def commit(ref: str, cwd: Path) -> Commit:
    """``ref``'s commit, to read files from. Raises when the ref is unknown, naming the fetch
    that would bring it."""
    full = commit_of(ref, cwd)
    if full is None:
        raise missing_ref(ref, cwd)
    return Commit(ref, full, toplevel(cwd), cwd)


def show(ref: str, path: Path, cwd: Path) -> str | None:
    """The file's content at ``ref``; None if the file does not exist there.

    Raises when the ref itself is unknown, naming the fetch that would bring it.
    """
    return commit(ref, cwd).show(path)


def merge_base(ref: str, cwd: Path) -> str:
    """The commit where HEAD's history left ``ref``'s.

    Never guesses: a missing ref or a history too shallow to hold the fork point is an
    error that names the fetch that fixes it.
    """
    if not ref.startswith("-") and ref.strip():  # else _check_ref's error, below
        found = _merge_base(ref, cwd)
        if found is not None:
            return found  # both commits are there: nothing else to ask
    if commit_of("HEAD", cwd) is None:
        raise RatchetError("HEAD names no commit (an empty repository?); commit first")
    if commit_of(ref, cwd) is None:
        raise missing_ref(ref, cwd, ", so the changed lines cannot be computed")
    proc = run(["merge-base", ref, "HEAD"], cwd, check=False)
    if proc.returncode == 0 and proc.stdout.strip():
        return proc.stdout.split()[0]
    if proc.returncode not in (0, 1):
        err = proc.stderr.strip().splitlines()
        raise RatchetError(f"`git merge-base {ref} HEAD` failed: {err[-1] if err else ''}")
    if is_shallow(cwd):
        shallow = (
            f"this is a shallow clone and its history does not reach the merge-base of "
            f"{ref!r} and HEAD, so the changed lines cannot be computed"
        )
        remotes = _remotes(cwd)
        if not remotes:
            raise RatchetError(f"{shallow}, and it has no remote to fetch more history from")
        remote, what = _history_of(ref, remotes, cwd)
        raise RatchetError(
            f"{shallow}. Fetch the whole history of both: "
            f"`git fetch --no-tags --unshallow {remote}{what}`; or deepen both by at least "
            f"the number of commits on this branch (N): "
            f"`git fetch --no-tags --deepen=N {remote}{what}`. "
            f"In GitHub Actions: actions/checkout with `fetch-depth: 0`."
        )
    raise RatchetError(f"{ref!r} and HEAD have no common history (no merge-base)")


def _merge_base(ref: str, cwd: Path) -> str | None:
    proc = run(["merge-base", ref, "HEAD"], cwd, check=False)
    return proc.stdout.split()[0] if proc.returncode == 0 and proc.stdout.strip() else None


def _history_of(ref: str, remotes: list[str], cwd: Path) -> tuple[str, str]:
    """The remote and the refspec (with a leading space, or "") that deepen ``ref``."""
    op = _OPERATOR.search(ref)
    base = ref[: op.start()] if op is not None else ref
    tracking = _remote_branch(base, remotes)
    if tracking is not None:
        return tracking[0], " " + _refspec(*tracking)
    remote = _default_remote(remotes)
    if op is not None or not base or _SHORT_HASH.fullmatch(base) or _FULL_HASH.fullmatch(base):
        return remote, ""  # HEAD~N, a hash: the fetch's configured refspec is what is there
    if _is_tag(base, cwd):
        return remote, f" tag {base.removeprefix('refs/tags/')}"
    return remote, f" {base}"


def untracked(cwd: Path) -> tuple[str, ...]:
    """Files below ``cwd`` that git does not track and does not ignore, relative to ``cwd``;
    a wholly untracked directory is one entry ending in ``/`` (``./`` for ``cwd`` itself),
    so a large one costs one line. Empty when git cannot tell: this only feeds a note."""
    args = ["ls-files", "-z", "--others", "--exclude-standard", "--directory"]
    proc = run([*args, "--no-empty-directory", "--", "."], cwd, check=False)
    return tuple(p for p in proc.stdout.split("\0") if p) if proc.returncode == 0 else ()


def unchanged_since(paths: Iterable[str], when: float, cwd: Path) -> set[str] | None:
    """Of ``paths`` (relative to ``cwd``), those whose content in the work tree is the
    content they had at the last commit on HEAD's first-parent line made at or before
    ``when`` (a Unix time): files that were written again (checked out, touched, rebased
    over) but not changed since. None when git cannot tell: no git, not a work tree, no
    commit that old (a shallow clone, say).

    ``git diff`` compares contents, not times (a file only touched is not listed); a file
    not in that commit (added since, or untracked) is never unchanged."""
    try:
        proc = run(
            ["rev-list", "-1", "--first-parent", f"--before=@{int(when)}", "HEAD", "--"],
            cwd,
            check=False,
        )
    except RatchetError:  # no git
        return None
    commit = proc.stdout.strip()
    if proc.returncode != 0 or not commit:
        return None
    tree = run(["ls-tree", "-r", "-z", "--name-only", commit, "--", "."], cwd, check=False)
    config = [arg for item in _DIFF_CONFIG for arg in ("-c", item)]
    changed = run(
        [*config, "diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--relative",
         commit, "--", "."],
        cwd,
        check=False,
    )  # fmt: skip
    if tree.returncode != 0 or changed.returncode != 0:
        return None
    there = set(tree.stdout.split("\0"))
    differ = set(changed.stdout.split("\0"))
    return {p for p in paths if p in there and p not in differ}


def diff(base: str, cwd: Path, *, worktree: bool) -> str:
    """``git diff`` from ``base`` to HEAD, or to the work tree (staged and unstaged changes
    of tracked files) when ``worktree``; paths relative to the top of the work tree."""
    _check_ref(base)
    config = [arg for item in _DIFF_CONFIG for arg in ("-c", item)]
    target = [base] if worktree else [base, "HEAD"]
    return run([*config, "diff", *_DIFF_FLAGS, *target, "--"], cwd).stdout


def renames(ref: str, cwd: Path) -> dict[str, str]:
    """The files git's rename detection (``-M``) finds moved between ``ref`` and the work
    tree: old path -> new path, both relative to ``cwd``, for files below it. A per-file
    floor follows its file through these."""
    _check_ref(ref)
    config = [arg for item in _DIFF_CONFIG for arg in ("-c", item)]
    args = ["diff", "--no-color", "--no-ext-diff", "-M", "--name-status", "-z", "--relative"]
    return renamed_in(run([*config, *args, ref, "--"], cwd).stdout)


def renamed_in(name_status: str) -> dict[str, str]:
    """The renames (old path -> new path) of ``git diff --name-status -z``'s output."""
    fields = name_status.split("\0")
    out: dict[str, str] = {}
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i]
        if status[:1] in ("R", "C"):  # a rename or copy: the status, then two paths
            if status[0] == "R" and i + 2 < len(fields):
                out[fields[i + 1]] = fields[i + 2]
            i += 3
        else:
            i += 2
    return out


def merge_file(ours: Path, base: Path, theirs: Path, *, marker_size: int = 7) -> tuple[str, int]:
    """git's own three-way line merge of three files (``git merge-file -p``): the result,
    with conflict markers where git would leave them, and how many conflicts it has."""
    proc = run(
        [
            "merge-file", "-p", f"--marker-size={marker_size}",
            "-L", "ours", "-L", "base", "-L", "theirs",
            str(ours), str(base), str(theirs),
        ],
        ours.parent,
        check=False,
    )  # fmt: skip
    if proc.returncode < 0 or proc.returncode > 127:
        err = proc.stderr.strip().splitlines()
        raise RatchetError(f"`git merge-file` failed: {err[-1] if err else proc.returncode}")
    return proc.stdout, proc.returncode


# -- what the Action needs to bring a baseline ref into a checkout ---------------------------


def is_ref_name(name: str, cwd: Path) -> bool:
    """``name`` (``refs/heads/x``, ``refs/tags/v1``) is a valid ref name (git check-ref-format)."""
    return run(["check-ref-format", name], cwd, check=False).returncode == 0


def fetch(remote: str, refspec: str, cwd: Path, *, depth: int | None = None) -> str | None:
    """``git fetch --no-tags [--depth=N] remote refspec``; None when it worked, else what git
    said (no credential prompt: GIT_TERMINAL_PROMPT=0)."""
    args = ["fetch", "--no-tags", *([f"--depth={depth}"] if depth else []), remote, refspec]
    proc = run(args, cwd, check=False)
    if proc.returncode == 0:
        return None
    return proc.stderr.strip() or f"exit {proc.returncode}"


def remote_refs(remote: str, names: list[str], cwd: Path) -> set[str] | None:
    """Which of the full ref ``names`` the remote has (``git ls-remote``); None when the
    remote cannot be asked."""
    proc = run(["ls-remote", remote, *names], cwd, check=False)
    if proc.returncode != 0:
        return None
    found = {line.split("\t", 1)[1] for line in proc.stdout.splitlines() if "\t" in line}
    return found & set(names)
