"""What the Action's inputs mean, worked out in Python so every runner OS runs the same code
and a unit test reaches it: the reports ``coverage-files`` names, and the baseline ref
``baseline-ref`` names, fetched from origin when the checkout lacks it.

action.yml only maps its inputs to ``RATCHET_*`` variables; ``ratchet action``
(``ratchet/commands/action.py``) reads them with ``Inputs.from_env`` and calls these.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ratchet.errors import RatchetError
from ratchet.github.settings import Settings
from ratchet.store import git

MODES = ("check", "update", "comment")
REMOTE = "origin"
# Events whose change is held to a base: without that base the bar could be lowered unseen.
PR_EVENTS = ("pull_request", "pull_request_target")
MERGE_GROUP = "merge_group"
CANNOT = "could not fetch it from origin; check out with fetch-depth: 0, or set baseline-ref: none"
SPLIT_HINT = " (one line is split on blanks; for a path with spaces, give one path a line)"

_HEX = re.compile(r"[0-9a-fA-F]{7,40}")
_FULL_HEX = re.compile(r"[0-9a-fA-F]{40}")
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


@dataclass(frozen=True)
class Inputs:
    """The inputs ``ratchet action`` reads itself; the GitHub-side ones (comment, id, token,
    ...) are read by ``Settings``, as for ``ratchet check --github``."""

    mode: str = "check"
    coverage_files: str = ""
    config: str = ""
    baseline_ref: str = "auto"
    expect_reports: int | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Inputs:
        mode = env.get("RATCHET_MODE", "").strip() or "check"
        if mode not in MODES:
            raise RatchetError("mode must be check, update or comment")
        expect = env.get("RATCHET_EXPECT_REPORTS", "").strip()
        if expect and not (expect.isascii() and expect.isdigit() and int(expect) > 0):
            raise RatchetError(f"expect-reports must be a positive whole number, not {expect!r}")
        return cls(
            mode=mode,
            coverage_files=env.get("RATCHET_COVERAGE_FILES", ""),
            config=env.get("RATCHET_CONFIG", "").strip(),
            baseline_ref=env.get("RATCHET_BASELINE_REF", "").strip() or "auto",
            expect_reports=int(expect) if expect else None,
        )


# -- coverage-files ---------------------------------------------------------------------------


def patterns(value: str) -> list[str]:
    """Several lines: one pattern a line, blanks inside kept (as upload-artifact's ``path``),
    each line trimmed, empty lines skipped. One line: split on blanks."""
    if "\n" in value:
        return [line.strip() for line in value.splitlines() if line.strip()]
    return value.split()


def expand(value: str, cwd: Path) -> list[str]:
    """The report files ``coverage-files`` names, relative to ``cwd`` as written: each pattern
    expanded as a glob (``**`` spans directories; ``*`` skips dot files, as bash does), never
    as code. Matches are sorted; a file named twice is passed once. Every pattern that matches
    nothing is named in one error."""
    files: list[str] = []
    unmatched: list[str] = []
    for pattern in patterns(value):
        # glob.glob, not Path.glob: a pattern may be absolute, and stays as written.
        matches = sorted(glob.glob(pattern, root_dir=cwd, recursive=True))  # noqa: PTH207
        if not matches:
            unmatched.append(pattern)
        files += [m for m in matches if m not in files]
    if unmatched:
        hint = ""
        whole = value.strip()
        if "\n" not in value and len(unmatched) > 1 and glob.glob(whole, root_dir=cwd):  # noqa: PTH207
            hint = SPLIT_HINT
        named = ", nor ".join(f"'{p}'" for p in unmatched)
        raise RatchetError(f"coverage-files: no file matches {named}{hint}")
    return files


# -- baseline-ref -----------------------------------------------------------------------------


def requested(given: str, mode: str, settings: Settings) -> str | None:
    """The ref ``baseline-ref`` asks for, before anything is fetched; None for none.

    ``auto``: the pull request's base branch (``origin/<base>``); in a merge queue, the
    merge group's base commit (``merge_group.base_sha``, the bar the group lands on);
    otherwise none. Only ``mode: check`` holds the change to a ref. A pull request or merge
    group whose base cannot be told is an error, never a silent check against the working
    copy alone."""
    if mode != "check" or given == "none":
        return None
    if given != "auto":
        return given
    event, event_name = settings.event, settings.event_name
    if event_name in PR_EVENTS:
        base = settings.base_ref or _get(event, "pull_request", "base", "ref")
        if isinstance(base, str) and base.strip():
            return f"{REMOTE}/{base}"
        raise RatchetError(
            "baseline-ref auto: the event names no base branch for this pull request; set "
            "baseline-ref to it (e.g. main), or to none"
        )
    if event_name == MERGE_GROUP:
        base = _get(event, "merge_group", "base_sha")
        if isinstance(base, str) and _SHA.fullmatch(base):
            return base
        raise RatchetError(
            "baseline-ref auto: the merge_group event names no base commit (base_sha); set "
            "baseline-ref to the target branch (e.g. main), or to none"
        )
    return None


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, Mapping) else None
    return data


def _error(ref: str, message: str) -> RatchetError:
    return RatchetError(f"baseline-ref '{ref}': {message}")


Echo = Callable[[str], None]


class _Resolver:
    """Finds ``ref`` in the clone at ``cwd`` or fetches it from origin: as deep as the clone
    (depth 1 when it is shallow), without tags, a branch into ``refs/remotes/origin/``."""

    def __init__(self, ref: str, cwd: Path, echo: Echo) -> None:
        self.ref, self.cwd, self.echo = ref, cwd, echo
        self.depth = 1 if git.is_shallow(cwd) else None

    def has(self, ref: str) -> bool:
        return git.commit_of(ref, self.cwd) is not None

    def fetch(self, refspec: str) -> None:
        failed = git.fetch(REMOTE, refspec, self.cwd, depth=self.depth)
        if failed is not None:
            self.echo(f"`git fetch {REMOTE} {refspec}` failed:")
            for line in failed.splitlines():
                self.echo(f"  {line}")
            raise _error(self.ref, CANNOT)

    def branch(self, name: str) -> str:
        # A branch lands in refs/remotes/origin/<name> and is named origin/<name>: FETCH_HEAD
        # alone names nothing later, and a checkout has no local branch of that name.
        if not git.is_ref_name(f"refs/heads/{name}", self.cwd):
            raise _error(self.ref, "not a branch name")
        if not self.has(f"refs/remotes/{REMOTE}/{name}"):
            self.fetch(f"+refs/heads/{name}:refs/remotes/{REMOTE}/{name}")
        return f"{REMOTE}/{name}"

    def tag(self, name: str) -> str:
        if not git.is_ref_name(f"refs/tags/{name}", self.cwd):
            raise _error(self.ref, "not a tag name")
        if not self.has(f"refs/tags/{name}"):
            self.fetch(f"+refs/tags/{name}:refs/tags/{name}")
        return f"refs/tags/{name}"

    def resolve(self) -> str:
        ref = self.ref
        for prefix in (f"{REMOTE}/", f"refs/remotes/{REMOTE}/", "refs/heads/"):
            if ref.startswith(prefix):
                return self.branch(ref.removeprefix(prefix))
        if ref.startswith("refs/tags/"):
            return self.tag(ref.removeprefix("refs/tags/"))
        if self.has(f"refs/remotes/{REMOTE}/{ref}"):
            return f"{REMOTE}/{ref}"
        if self.has(f"refs/tags/{ref}"):
            return f"refs/tags/{ref}"
        if _HEX.fullmatch(ref) and self.has(ref):
            return ref
        if _FULL_HEX.fullmatch(ref):
            self.fetch(ref)
            return ref
        # A bare name: the branch of that name on origin, else the tag; else what this clone
        # knows by that name (a local branch, HEAD~1).
        found = git.remote_refs(REMOTE, [f"refs/heads/{ref}", f"refs/tags/{ref}"], self.cwd)
        if found is None:
            raise _error(ref, CANNOT)
        if f"refs/heads/{ref}" in found:
            return self.branch(ref)
        if f"refs/tags/{ref}" in found:
            return self.tag(ref)
        if not self.has(ref):
            raise _error(ref, "no branch or tag of that name on origin, nor a commit in this clone")
        return ref


def resolve(ref: str, cwd: Path, echo: Echo) -> str:
    """The name under which the clone at ``cwd`` has ``ref``'s commit, fetching it when it
    has not: ``main``, ``refs/heads/main`` and ``origin/main`` give ``origin/main``; ``v1``
    gives ``refs/tags/v1``; a SHA stays a SHA. Errors name the fix (``fetch-depth: 0`` or
    ``baseline-ref: none``); ``echo`` gets what git said when a fetch failed."""
    if not ref.strip() or ref.startswith("-") or any(c.isspace() for c in ref):
        raise _error(ref, "not a git ref name")
    if git.find_toplevel(cwd) is None:
        raise _error(ref, f"{cwd} is not in a git checkout; check out the repository first")
    return _Resolver(ref, cwd, echo).resolve()
