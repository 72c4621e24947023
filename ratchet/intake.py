"""What a verdict reads besides the bar: the reports (refused unless they describe this
checkout, and said to be stale when a measured file changed after them), the lines of the
files that failed, and the diff that patch coverage judges."""

from __future__ import annotations

import dataclasses
import os
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ratchet.core import diff, patch, rules
from ratchet.core.config import Config
from ratchet.core.models import FileCoverage, LineDetail, Report
from ratchet.core.notation import missing_text
from ratchet.core.results import Verdict
from ratchet.errors import RatchetError
from ratchet.readers.load import Loaded, copies, load_with_lines, refuse_repeats
from ratchet.readers.paths import PathMap
from ratchet.store import git

Notify = Callable[[str], None]


def load_report(
    cfg: Config,
    reports: tuple[Path, ...],
    *,
    keep_detail: Callable[[str], bool] | None = None,
    keep_missing_lines: bool = True,
    notify: Notify | None = None,
    expect: int | None = None,
) -> Report:
    """``keep_missing_lines=False`` for callers that never list missing line numbers: memory
    then grows with the number of files, not with the number of uncovered lines.
    ``expect``: the number of reports there must be (``--expect``, else ``expect_reports``):
    a verdict on some of a sharded run's reports would judge part of the tests."""
    return _load(cfg, reports, keep_detail, keep_missing_lines, notify, expect).report


def _load(
    cfg: Config,
    reports: tuple[Path, ...],
    keep_detail: Callable[[str], bool] | None,
    keep_missing_lines: bool,
    notify: Notify | None,
    expect: int | None,
) -> Loaded:
    paths = list(reports) or [cfg.root / r for r in cfg.reports]
    refuse_repeats(paths)
    expected = expect if expect is not None else cfg.expect_reports
    if expected is not None:
        # Reports are counted once each: two files with the same bytes are one shard's.
        copied = copies(paths)
        if len(paths) - len(copied) != expected:
            found = ", ".join(map(str, paths)) or "none"
            if copied:
                same = "; ".join(f"{c} has the same contents as {o}" for c, o in copied)
                found += f"; {len(paths) - len(copied)} distinct: {same}"
            raise RatchetError(
                f"expected {expected} coverage report(s), found {len(paths)} ({found}): a "
                "verdict on part of the shards would judge part of the tests; check that "
                "every shard uploaded its report"
            )
    if not reports:
        # Typically a push (the pre-commit hook) before the tests ran: say what to do.
        for p in paths:
            if not p.exists():
                raise RatchetError(
                    "no such file (named by [tool.ratchet] reports);"
                    " run the tests under coverage first",
                    source=str(p),
                )
    loaded = load_with_lines(
        paths,
        root=cfg.root,
        path_map=PathMap.from_config(cfg.paths),
        keep_detail=keep_detail,
        keep_missing_lines=keep_missing_lines,
        rcfile=cfg.coverage_rcfile,
    )
    if notify is not None and not reports and not cfg.reports:
        notify(f"ratchet: using {loaded.report.sources[0]} (the newest of the usual report files)")
    return loaded


@dataclass(frozen=True)
class Sources:
    """The report's files as found under the config root."""

    total: int
    found: int  # regular files under the root
    not_found: tuple[str, ...]  # under the root, but no such file (deleted since, or foreign)
    outside: tuple[str, ...]  # absolute, or above the root
    newest: tuple[str, float] | None  # the most recently modified file found, and when
    newer: tuple[str, ...] = ()  # the files modified after ``since``, when it was given


def inspect_sources(report: Report, root: Path, since: float | None = None) -> Sources:
    """One ``stat`` per file of the report, on a string path: for 10,000 files a ``Path``
    each would cost more than the stat itself. ``since``: when the report was written."""
    found = 0
    not_found: list[str] = []
    outside: list[str] = []
    newer: list[str] = []
    newest: tuple[str, float] | None = None
    prefix = f"{root}{os.sep}"
    for f in report.files:
        p = f.path
        if p.startswith("/") or p == ".." or p.startswith("../"):
            outside.append(p)
            continue
        try:
            st = os.stat(prefix + p)  # noqa: PTH116 - see the docstring
        except (OSError, ValueError):
            not_found.append(p)
            continue
        if not stat.S_ISREG(st.st_mode):
            not_found.append(p)
            continue
        found += 1
        if newest is None or st.st_mtime > newest[1]:
            newest = (p, st.st_mtime)
        if since is not None and st.st_mtime > since:
            newer.append(p)
    return Sources(len(report.files), found, tuple(not_found), tuple(outside), newest, tuple(newer))


def describes_repository(report: Report, sources: Sources, root: Path) -> None:
    """Refuse a report of another project, or one whose paths do not resolve under the
    config root: compared or recorded, it would stand for code that is not here."""
    shown = ", ".join(report.sources)
    if sources.outside:
        n = len(sources.outside)
        raise RatchetError(
            f"the report does not describe this repository: {n} of its {sources.total} "
            f"files resolve outside {root} (e.g. {sources.outside[0]}). Measure only this "
            "repository's code (coverage's `source`), or map the paths with "
            "[tool.ratchet.paths]",
            source=shown,
        )
    if sources.found * 2 < sources.total:
        example = f" (e.g. {sources.not_found[0]})" if sources.not_found else ""
        raise RatchetError(
            f"the report does not describe this repository: {sources.found} of "
            f"{sources.total} files found under {root}{example}. Run the tests here, or map "
            "the report's paths with [tool.ratchet.paths]",
            source=shown,
        )


def written(report: Report) -> tuple[str, float] | None:
    """The report's oldest file and when it was written (None: one cannot be read)."""
    mtimes = []
    for name in report.sources:
        try:
            mtimes.append(Path(name).stat().st_mtime)
        except OSError:
            return None
    if not mtimes:
        return None
    return report.sources[mtimes.index(min(mtimes))], min(mtimes)


def staleness(report: Report, sources: Sources, root: Path | None = None) -> str | None:
    """Why the report may not measure the code as it is now: a measured file changed
    after the report was written (a test run that crashed before writing its report
    leaves the last one behind).

    Changed by content where git can tell (``git.unchanged_since``, in the work tree of
    ``root``): a file written after the report but holding what it held at the last commit
    before the report (``git checkout -- src``, a ``touch``, a rebase that left it alone)
    is not a change. By time where it cannot (or without ``root``). What no one can tell:
    a file edited without a commit when the tests ran, then restored, looks unchanged."""
    if sources.newest is None:
        return None
    when = written(report)
    if when is None:
        return None
    oldest, at = when
    path, newest = sources.newest
    if newest <= at:
        return None
    newer = sources.newer or (path,)
    same = None
    if root is not None:
        same = git.unchanged_since(newer, at, root)
    if same is not None:
        changed = [p for p in newer if p not in same]
        if not changed:
            return None
        path = changed[0]
    return (
        f"{oldest} is older than {path}, which changed after it was written: it may not "
        "measure this code"
    )


STALE_FIX = "re-run the tests, or pass --allow-stale"


def load_trusted(
    cfg: Config,
    reports: tuple[Path, ...],
    *,
    keep_detail: Callable[[str], bool] | None = None,
    notify: Notify | None = None,
    expect: int | None = None,
) -> tuple[Loaded, str | None]:
    """The report, counts only, refused unless it describes this repository (with how to
    read its files' lines again, ``Loaded``); and why it may be stale (None: it is not)."""
    loaded = _load(cfg, reports, keep_detail, False, notify, expect)
    rep = loaded.report
    when = written(rep)
    sources = inspect_sources(rep, cfg.root, since=when[1] if when else None)
    describes_repository(rep, sources, cfg.root)
    return loaded, staleness(rep, sources, cfg.root)


def report_to_record(
    cfg: Config, reports: tuple[Path, ...], *, allow_stale: bool, notify: Notify | None
) -> Report:
    """The report ``init`` or ``accept`` records as it is: one that describes this
    repository, and (unless ``allow_stale``) no older than the files it measured."""
    loaded, stale = load_trusted(cfg, reports, notify=notify)
    if stale is not None and not allow_stale:
        raise RatchetError(f"{stale}: {STALE_FIX}")
    return loaded.report


MAX_SHOWN = 200  # characters of a file's not-run lines in one message


def with_lines(verdict: Verdict, cfg: Config, reports: tuple[Path, ...], loaded: Loaded) -> Verdict:
    """Each file that lost coverage named with what it does not run now, in coverage.py's
    notation (``31, 33, 40->exit``). check reads counts only; these few files' lines are
    read again, the exact way, and only when some file failed: from where each stands in
    the report (``loaded``, which the counts were read into), else by reading the report
    again for them (shards; a reader that cannot reread a file alone)."""
    failed = {f.path for f in verdict.failures if f.kind == rules.FILE_REGRESSION and f.path}
    if not failed:
        return verdict
    details = _failed_lines(failed, cfg, reports, loaded)
    shown: dict[str, str] = {}
    for path, detail in details.items():
        text = missing_text(FileCoverage.from_detail(path, detail, keep_detail=False))
        if len(text) > MAX_SHOWN:
            text = text[: text.rfind(", ", 0, MAX_SHOWN)] + ", ..."
        shown[path] = text
    failures = tuple(
        dataclasses.replace(f, message=f"{f.message}{rules.NOT_RUN}{shown[f.path]}")
        if f.kind == rules.FILE_REGRESSION and f.path in shown
        else f
        for f in verdict.failures
    )
    return dataclasses.replace(verdict, failures=failures)


def _failed_lines(
    failed: set[str], cfg: Config, reports: tuple[Path, ...], loaded: Loaded
) -> dict[str, LineDetail]:
    details = {
        fc.path: fc.detail
        for fc in loaded.report.files
        if fc.path in failed and fc.detail is not None  # a changed file's, under --diff
    }
    details.update(loaded.lines(p for p in failed if p not in details))
    rest = failed.difference(details)
    if rest:
        again = load_report(cfg, reports, keep_detail=rest.__contains__, keep_missing_lines=False)
        details.update((fc.path, fc.detail) for fc in again.files if fc.detail is not None)
    return {p: details[p] for p in sorted(details) if p in failed}


def in_tree(root: Path) -> Callable[[str], bool]:
    """Whether a report path (relative to the config root, POSIX) names a file that exists:
    a file absent from a report while still here was not measured, rather than deleted."""

    def exists(path: str) -> bool:
        try:
            return (root / path).is_file()
        except OSError:  # a name too long, say: nothing there we could have measured
            return False

    return exists


def collect(
    root: Path,
    *,
    ref: str | None,
    diff_file: str | None,
    environ: Mapping[str, str] | None = None,
) -> patch.ChangeSet:
    """The changed lines since the merge-base of ``ref`` and HEAD, or those of a diff file
    (``-``: standard input). Outside CI (see ``in_ci``) staged and unstaged changes count
    too, since the tests measured the work tree."""
    if ref is not None and diff_file is not None:
        raise RatchetError("give either --diff REF or --diff-file FILE, not both")
    if ref is None and diff_file is None:
        raise RatchetError("patch coverage needs --diff REF or --diff-file FILE")
    root = root.resolve()
    top = git.find_toplevel(root)
    untracked: tuple[str, ...] = ()
    if diff_file is not None:
        source = "standard input" if diff_file == "-" else diff_file
        text, description = _read_diff_file(diff_file), f"the diff in {source}"
    else:
        assert ref is not None  # one of the two, checked above
        if top is None:
            raise RatchetError(
                f"--diff needs a git work tree and {root} is not in one "
                "(give a diff with --diff-file, or --no-diff)"
            )
        base = git.merge_base(ref, root)
        worktree = not patch.in_ci(os.environ if environ is None else environ)
        text, source = git.diff(base, root, worktree=worktree), f"git diff {base[:12]}"
        description = f"changes since the merge-base of {ref} ({base[:7]})" + (
            ", including staged and unstaged changes" if worktree else " up to HEAD"
        )
        if worktree:
            # The tests may measure a new module nobody has told git about yet.
            untracked = git.untracked(root)
    try:
        files = diff.parse(text)
    except diff.DiffError as e:
        raise RatchetError(f"not a unified diff: {e}", source=source) from None
    prefix = _prefix(root, top)
    mapped, outside = patch.relocate(files, prefix)
    return patch.ChangeSet(description, mapped, outside, prefix, diff_file is not None, untracked)


def _read_diff_file(name: str) -> str:
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as e:
        source = "standard input" if name == "-" else name
        raise RatchetError(f"cannot read the diff: {e.strerror or e}", source=source) from None
    return data.decode("utf-8", "surrogateescape")


def _prefix(root: Path, top: Path | None) -> str:
    """The config root relative to the top of the work tree ("" when they are one)."""
    if top is None:
        return ""  # no git: a diff file's paths are taken as relative to the config root
    try:
        rel = root.relative_to(top.resolve())
    except ValueError:
        return ""
    return "" if rel == Path() else rel.as_posix()
