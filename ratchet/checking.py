"""What ``check``, ``update`` and ``accept`` decide, with the I/O they need: the config at a
git ref, the reports and the files they measured, the per-file baselines, the history, the
diff. The decisions themselves are pure (``rules``, ``patch``, ``plan``); this module only
gathers their inputs, and refuses a report that cannot be compared at all."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ratchet import filebaseline, history
from ratchet.core import bar as bar_mod
from ratchet.core import barmerge, rules
from ratchet.core import config as config_mod
from ratchet.core import plan as plan_mod
from ratchet.core.config import Config
from ratchet.core.models import Counts, FileCoverage, Report
from ratchet.core.notation import missing_text
from ratchet.core.results import (
    BAD_INPUT,
    EVENT_ACCEPT,
    BarSource,
    BaseBar,
    Blocker,
    Cause,
    Event,
    FileChange,
    Lowering,
    Outcome,
    Verdict,
)
from ratchet.errors import RatchetError
from ratchet.fsio import read_text
from ratchet.load import copies, load, refuse_repeats
from ratchet.paths import PathMap

if TYPE_CHECKING:
    from ratchet.core.patch import ChangeSet

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
    rep = load(
        paths,
        root=cfg.root,
        path_map=PathMap.from_config(cfg.paths),
        keep_detail=keep_detail,
        keep_missing_lines=keep_missing_lines,
        rcfile=cfg.coverage_rcfile,
    )
    if notify is not None and not reports and not cfg.reports:
        notify(f"ratchet: using {rep.sources[0]} (the newest of the usual report files)")
    return rep


# -- what the report's files are on disk ---------------------------------------------------


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
        from ratchet import git  # only for a report older than its files

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
) -> tuple[Report, str | None]:
    """The report, counts only, refused unless it describes this repository; and why it
    may be stale (None: it is not)."""
    rep = load_report(
        cfg,
        reports,
        keep_detail=keep_detail,
        keep_missing_lines=False,
        notify=notify,
        expect=expect,
    )
    when = written(rep)
    sources = inspect_sources(rep, cfg.root, since=when[1] if when else None)
    describes_repository(rep, sources, cfg.root)
    return rep, staleness(rep, sources, cfg.root)


def report_to_record(
    cfg: Config, reports: tuple[Path, ...], *, allow_stale: bool, notify: Notify | None
) -> Report:
    """The report ``init`` or ``accept`` records as it is: one that describes this
    repository, and (unless ``allow_stale``) no older than the files it measured."""
    rep, stale = load_trusted(cfg, reports, notify=notify)
    if stale is not None and not allow_stale:
        raise RatchetError(f"{stale}: {STALE_FIX}")
    return rep


# -- the bar at a git ref ----------------------------------------------------------------


@dataclass(frozen=True)
class AtRef:
    """The configuration, per-file baseline and history as committed at a ref."""

    ref: str  # as given (or, for a merge-base, as messages name it)
    commit: str | None
    config: Config
    files: dict[str, Counts] | None
    history: list[Event]
    table: Mapping[str, Any] | None = None  # [tool.ratchet] as written, plain values


def read_file_baseline(cfg: Config) -> dict[str, Counts] | None:
    """The working copy's per-file baseline; None when the configuration names none.

    A ``baseline_file`` named but missing is bad input: read as "no per-file baseline", it
    would turn off every per-file rule, and the next ``update`` would write it anew from
    whatever the report says."""
    path = cfg.baseline_path
    if path is None:
        return None
    files = filebaseline.read(path)
    if files is None:
        raise RatchetError(
            f"[tool.ratchet] names baseline_file {cfg.baseline_file!r}, which does not exist: "
            f"without it no file is held to its own bar. Restore it (`git checkout -- "
            f"{cfg.baseline_file}`); to start per-file baselines, create it empty and run "
            "`ratchet update`",
            source=str(cfg.pyproject),
        )
    return files


def at_ref(cfg: Config, ref: str) -> AtRef:
    """The configuration, per-file baseline and history as committed at ``ref``."""
    from ratchet import git  # imported when needed: a plain `check` starts faster

    if cfg.pyproject is None:
        raise RatchetError("--baseline-ref needs a pyproject.toml")
    text = git.show(ref, cfg.pyproject, cfg.root)
    commit = git.commit_of(ref, cfg.root)
    src = f"{ref}:{cfg.pyproject.name}"
    if text is None:
        return AtRef(ref, commit, Config(pyproject=cfg.pyproject), None, [])
    table = config_mod.section(text, src)
    ref_cfg = (
        Config(pyproject=cfg.pyproject)
        if table is None
        else config_mod.from_table(table, cfg.pyproject, src=src)
    )
    files = None
    if ref_cfg.baseline_path is not None:
        tsv = git.show(ref, ref_cfg.baseline_path, cfg.root)
        if tsv is None:
            raise RatchetError(
                f"[tool.ratchet] at {ref} names baseline_file {ref_cfg.baseline_file!r}, "
                "which is not committed there",
                source=src,
            )
        files = filebaseline.parse(tsv, source=f"{ref}:{ref_cfg.baseline_file}")
    log = git.show(ref, ref_cfg.history_path, cfg.root)
    events = [] if log is None else history.parse(log, source=f"{ref}:{ref_cfg.history_file}")
    return AtRef(ref, commit, ref_cfg, files, events, table)


def fork_point(cfg: Config, ref: AtRef) -> AtRef | None:
    """The bar where this branch left ``ref`` (their merge-base), when that is another commit
    than ``ref``'s: what the change itself is judged against. None when HEAD contains
    ``ref`` (a merge commit, a branch up to date) or git cannot tell (a clone too shallow to
    hold the merge-base): ``ref`` itself stands in, as it always did."""
    from ratchet import git  # as in at_ref

    try:
        base = git.merge_base(ref.commit or ref.ref, cfg.root)
    except RatchetError:
        return None
    if base == ref.commit:
        return None
    fork = at_ref(cfg, base)
    return dataclasses.replace(fork, ref=f"the merge-base with {ref.ref}")


def with_accepted(ref_cfg: Config, accepted: list[Event]) -> Config:
    """The ref's bar as the branch's ``ratchet accept`` lowered it, on the record: the
    threshold and baseline of the latest accepted event (never above the ref's own), for
    the total, and for each component the latest bar an event recorded for it. A component
    no event lists is held at the ref's bar, as everything else is. (``bar.accepted`` does
    the same on the whole bar: the members and per-file lines too.)"""
    last, moves = bar_mod.latest_moves(accepted)
    if last is None:
        return ref_cfg
    threshold, baseline = bar_mod.lowered_to(
        ref_cfg.threshold, ref_cfg.baseline, last.threshold, last.baseline
    )
    components = []
    for c in ref_cfg.components:
        m = moves.get(c.name)
        if m is not None:
            t, b = bar_mod.lowered_to(c.threshold, c.baseline, m.threshold, m.baseline)
            c = dataclasses.replace(c, threshold=t, baseline=b)
        components.append(c)
    return dataclasses.replace(
        ref_cfg, threshold=threshold, baseline=baseline, components=tuple(components)
    )


@dataclass(frozen=True)
class Held:
    """The branch held to the bar at the ref: what judges the report, and what it fell."""

    config: Config  # the ref's bar as the accept events lower it
    files: dict[str, Counts] | None  # the per-file floors that judge, by the branch's paths
    loosened: tuple[bar_mod.Loosening, ...]  # what no accept event covers: fails
    lowered: tuple[Lowering, ...]  # with accept events: all that falls, from the ref's values
    extra_members: dict[str, frozenset[str]]  # files a component held at the ref, and not now
    renamed: dict[str, str]  # new path -> old path, for the messages


def held_to(
    ref: AtRef,
    cfg: Config,
    own_files: dict[str, Counts] | None,
    rep: Report,
    accepted: list[Event],
    renames: dict[str, str],
    exists: Callable[[str], bool],
) -> Held:
    """The branch's bar (``cfg``, ``own_files``) compared with the ref's, requirement by
    requirement, over the files that exist now (``rep``'s, and those a floor names that are
    still in the tree); ``renames`` (old -> new) carries floors and members across moves."""
    universe = universe_of(rep, (ref.files, own_files), renames, exists)
    ref_bar = bar_mod.of(ref.config, ref.files, universe, renames)
    branch_bar = bar_mod.of(cfg, own_files, universe, renames)
    allowed = bar_mod.accepted(ref_bar, branch_bar, accepted)
    loosened = bar_mod.compare(allowed, branch_bar, measured_of(rep, cfg))
    lowered = tuple(x.shown for x in bar_mod.compare(ref_bar, branch_bar)) if accepted else ()
    extra: dict[str, frozenset[str]] = {}
    for c in allowed.components:
        mine = branch_bar.component(c.name)
        lost = c.members - (mine.members if mine is not None else frozenset())
        if lost:
            extra[c.name] = lost
    if ref.files is not None and not accepted:
        files: dict[str, Counts] | None = _moved(ref.files, renames)
    else:
        # Else the working copy's own per-file bar holds: none at the ref, or the one
        # `ratchet accept` recorded on this branch (on the record, and in the diff).
        files = None if own_files is None else _moved(own_files, renames)
    renamed = {new: old for old, new in renames.items()}
    return Held(with_accepted(ref.config, accepted), files, loosened, lowered, extra, renamed)


def universe_of(
    rep: Report,
    floors: tuple[Mapping[str, Counts] | None, ...],
    renames: Mapping[str, str],
    exists: Callable[[str], bool],
) -> set[str]:
    """The files that exist now: the report's, and those a floor names (under its new name)
    that are still in the tree."""
    universe = {f.path for f in rep.files}
    for lines in floors:
        for path in lines or ():
            new = renames.get(path, path)
            if new not in universe and exists(new):
                universe.add(new)
    return universe


def measured_of(rep: Report, cfg: Config) -> bar_mod.Measured:
    return bar_mod.Measured(
        rep.totals,
        rules.component_totals(rep, cfg.components),
        {f.path: f.counts for f in rep.files},
    )


@dataclass(frozen=True)
class Onto:
    """A branch behind its base ref, held to the ref's bar as it is now: the bar a merge of
    the two would give (what the branch changed since the merge-base, on top of the ref's),
    the per-file lines that judge, and what the ref raised since the branch was cut."""

    config: Config
    files: dict[str, Counts] | None
    lowered: tuple[Lowering, ...]  # with accept events: all that falls, from the ref's values
    rose: tuple[bar_mod.Loosening, ...]  # what the ref holds higher than the merge-base


def onto(
    fork: AtRef,
    ref: AtRef,
    cfg: Config,
    own_files: dict[str, Counts] | None,
    rep: Report,
    accepted: list[Event],
    renames: tuple[dict[str, str], dict[str, str]],
    exists: Callable[[str], bool],
) -> Onto:
    """``renames``: the files moved since the merge-base, and since the ref (old -> new)."""
    since_fork, since_ref = renames
    judge = cfg
    text = read_text(cfg.pyproject) if cfg.pyproject is not None else None
    mine = config_mod.section(text, str(cfg.pyproject)) if text is not None else None
    if mine is not None and ref.table is not None:
        merged = barmerge.merge_tables(fork.table, mine, ref.table).table
        # When the two do not make one bar, the branch's own stands, held to the ref's.
        with contextlib.suppress(RatchetError):
            judge = config_mod.from_table(
                merged, cfg.pyproject, src=f"{cfg.root.name}'s bar merged with {ref.ref}'s"
            )
    ref_files = None if ref.files is None else _moved(ref.files, since_ref)
    fork_files = None if fork.files is None else _moved(fork.files, since_fork)
    files: dict[str, Counts] | None
    if own_files is None:
        files = None if accepted else ref_files
    elif ref_files is None:
        files = _moved(own_files, since_fork)
    else:
        files = barmerge.merge_lines(fork_files, _moved(own_files, since_fork), ref_files)
        if not accepted:  # a line lowered by hand is a loosening: the ref's applies
            for path, line in ref_files.items():
                mine_line = files.get(path)
                if mine_line is None or bar_mod.floor_lower(mine_line, line):
                    files[path] = line
    universe = universe_of(rep, (ref_files, files, fork_files), {}, exists)
    ref_bar = bar_mod.of(ref.config, ref_files, universe)
    lowered: tuple[Lowering, ...] = ()
    if accepted:
        lowered = tuple(
            x.shown for x in bar_mod.compare(ref_bar, bar_mod.of(judge, files, universe))
        )
    rose = bar_mod.compare(ref_bar, bar_mod.of(fork.config, fork_files, universe))
    return Onto(judge, files, lowered, rose)


# What a requirement the ref raised since the merge-base judges: the failures it explains.
_ROSE = {
    "threshold": rules.BELOW_THRESHOLD,
    "baseline": rules.TOTAL_REGRESSION,
    "threshold-component": rules.COMPONENT_BELOW_THRESHOLD,
    "baseline-component": rules.COMPONENT_REGRESSION,
}


def say_rose(verdict: Verdict, rose: tuple[bar_mod.Loosening, ...], ref: str) -> Verdict:
    """Each failure the ref's raise since the branch was cut explains, saying so: the fix is
    to merge (or rebase on) the ref, not to look for what this change loosened."""
    if not rose or verdict.passed:
        return verdict
    why: dict[tuple[str, str | None], Cause] = {}
    for x in rose:
        said = Cause(
            f"{ref}'s bar rose since this branch was cut",
            f"merge or rebase {ref}",
            f"{x.key} {x.new} → {x.old}",
        )
        if x.key in ("threshold", "baseline"):
            why[(_ROSE[x.key], None)] = said
        elif x.key.startswith("components.") and x.key.endswith((".threshold", ".baseline")):
            name, _, what = x.key.removeprefix("components.").rpartition(".")
            why[(_ROSE[f"{what}-component"], name)] = said
        elif x.key.startswith("file "):
            path = x.key.removeprefix("file ").split(" (was ", 1)[0]
            why[(rules.FILE_REGRESSION, path)] = said
    failures = []
    for f in verdict.failures:
        key = f.path if f.kind == rules.FILE_REGRESSION else f.component
        reason = why.get((f.kind, key))
        failures.append(dataclasses.replace(f, cause=reason) if reason else f)
    return dataclasses.replace(verdict, failures=tuple(failures))


def _moved(files: dict[str, Counts], renames: dict[str, str]) -> dict[str, Counts]:
    """Per-file lines under their files' new names (a line already under the new name wins)."""
    out = {}
    for path, counts in files.items():
        new = renames.get(path, path)
        if new == path or new not in files:
            out[new] = counts
    return out


def evaluate(
    cfg: Config,
    reports: tuple[Path, ...],
    *,
    baseline_ref: str | None = None,
    diff_ref: str | None = None,
    diff_file: str | None = None,
    diff_from_config: bool = False,
    allow_stale: bool = False,
    expect: int | None = None,
    notify: Notify | None = None,
) -> Outcome:
    """``diff_from_config``: no diff was asked for on the command line, so ``diff_against``
    from the configuration decides (the ref's, with ``baseline_ref``)."""
    ref = at_ref(cfg, baseline_ref) if baseline_ref else None
    # A branch behind its base: what it loosens is judged against where it left the base
    # (what the change itself did), its report against the base's bar as it is now.
    fork = fork_point(cfg, ref) if ref is not None else None
    since = fork or ref
    if not cfg.present and (ref is None or not ref.config.has_bar):
        config_mod.require_bar(cfg)
    if diff_from_config and diff_ref is None and diff_file is None:
        diff_ref = _diff_against(cfg, ref.config if ref else None, baseline_ref, notify)
    changes = None
    if diff_ref is not None or diff_file is not None:
        from ratchet.core import patch as patch_mod  # as git above

        changes = patch_mod.collect(cfg.root, ref=diff_ref, diff_file=diff_file)
    keep = changes.paths.__contains__ if changes is not None else None
    # The configuration's own files first: a broken one is named before any report is read.
    own_files = read_file_baseline(cfg)
    own_history = history.read(cfg.history_path)
    # No output of check or update lists a file's missing lines (the changed files' line
    # detail, kept above, is all that patch coverage needs).
    rep, stale = load_trusted(cfg, reports, keep_detail=keep, notify=notify, expect=expect)
    warnings: list[str] = []
    blockers: list[Blocker] = []
    if stale is not None:
        warnings.append(f"{stale}; re-run the tests")
        if not allow_stale:
            blockers.append(Blocker(BAD_INPUT, f"{stale}: {STALE_FIX}"))

    exists = in_tree(cfg.root)
    files = own_files
    judge = cfg  # the branch's bar, on top of the ref's as it is now when the two parted
    ref_cfg = None
    accepted: list[Event] = []
    held_state = None
    lowered: tuple[Lowering, ...] = ()
    rose: tuple[bar_mod.Loosening, ...] = ()
    renames = _renames(cfg, fork.commit if fork is not None else baseline_ref, changes)
    if ref is not None and since is not None:
        accepted = [
            e for e in history.new_since(own_history, since.history) if e.event == EVENT_ACCEPT
        ]
        held_state = held_to(since, cfg, own_files, rep, accepted, renames, exists)
        ref_cfg = held_state.config
        files = held_state.files
        lowered = held_state.lowered
        if fork is not None:
            from ratchet import git  # as in at_ref

            moved = (renames, git.renames(ref.commit or ref.ref, cfg.root))
            o = onto(fork, ref, cfg, own_files, rep, accepted, moved, exists)
            judge, files, lowered, rose = o.config, o.files, o.lowered, o.rose
            ref_cfg = with_accepted(ref.config, accepted)
    elif renames and own_files is not None:
        files = _moved(own_files, renames)
    if not cfg.present:
        # Only under --baseline-ref with a bar at the ref: the section removed on the branch
        # is a loosening the comparison names, and the ref's bar judges.
        blockers.append(Blocker(BAD_INPUT, "no [tool.ratchet] section to record into"))
    judged = ref_cfg if ref_cfg is not None and ref_cfg.has_bar else judge
    problem = rules.incomparable(rep, judged, files)
    if problem is None and (judged is not cfg or files is not own_files):
        problem = rules.incomparable(rep, cfg, own_files)  # what update would record on
    if problem is not None:
        raise RatchetError(problem, source=", ".join(rep.sources))

    if ref_cfg is not None and held_state is not None:
        held_cfg, _ = rules.held_to_ref(judge, ref_cfg)
        loosened = (bar_mod.message(held_state.loosened),) if held_state.loosened else ()
        held = (held_cfg, loosened)
        renamed = held_state.renamed
        extra = held_state.extra_members
    else:
        held, renamed, extra = (cfg, ()), {new: old for old, new in renames.items()}, {}
    bar = held[0]
    verdict = rules.evaluate(
        rep,
        judge,
        files,
        ref_config=ref_cfg,
        held=held,
        exists=exists,
        extra_members=extra,
        renamed=renamed,
    )
    verdict = with_lines(verdict, cfg, reports)
    if fork is None and ref is not None and held_state is not None and held_state.loosened:
        from ratchet import git  # as in at_ref

        if git.is_shallow(cfg.root):
            # What may explain the loosening instead: said with it, wherever it is shown.
            shallow = Cause(
                f"this clone is shallow: where this branch left {ref.ref} is not known, so it "
                f"is compared with {ref.ref} itself, and what {ref.ref} raised since would "
                "show here as loosened",
                "check the merge commit (as pull_request does), or fetch the history "
                "(fetch-depth: 0)",
            )
            failures = tuple(
                dataclasses.replace(f, cause=shallow) if f.kind == rules.BAR_LOWERED else f
                for f in verdict.failures
            )
            verdict = dataclasses.replace(verdict, failures=failures)
    if fork is not None and ref is not None:
        verdict = say_rose(verdict, rose, ref.ref)
        verdict = dataclasses.replace(
            verdict,
            notes=(
                *verdict.notes,
                f"{ref.ref} moved on since this branch was cut (at {(fork.commit or '')[:7]}): "
                "what this change loosens is judged against that commit, the report against "
                f"{ref.ref}'s bar as it is now",
            ),
        )
    base_changes: tuple[FileChange, ...] = ()
    if ref is not None and accepted and ref.files is not None:
        # What the branch's accept lowered, file by file: against the base's own lines,
        # which the verdict (held to the accepted lines) no longer compares with.
        base_changes = rules.file_changes(rep, ref.files)
    # What `update` would record: on the working copy's own bar and per-file lines.
    own = (
        verdict
        if ref_cfg is None and files is own_files
        else rules.evaluate(rep, cfg, own_files, exists=exists)
    )
    plan = plan_mod.make(rep, own, cfg, own_files, blockers=blockers)
    trend = tuple(own_history[-history.TREND :])
    shown = cfg.pyproject.name if cfg.pyproject else "no pyproject.toml"
    source = BarSource(shown, ref.ref, ref.commit) if ref is not None else BarSource(shown)
    outcome = Outcome(
        rep,
        verdict,
        bar,
        None,
        plan,
        tuple(accepted),
        trend,
        tuple(warnings),
        source,
        base_changes,
        lowered,
        BaseBar(
            ref.config.threshold,
            ref.config.baseline,
            tuple((c.name, c.baseline) for c in ref.config.components),
        )
        if ref is not None and ref.config.has_bar
        else None,
    )
    if notify is not None:
        for w in warnings:
            notify(f"ratchet: warning: {w}")
    if changes is None:
        return outcome
    # Patch coverage's own gates (patch_threshold, patch_empty, fail_on_indirect) are held
    # to the ref like the rest.
    from ratchet.core import patch as patch_mod

    result = patch_mod.evaluate(rep, changes, bar, verdict)
    if result.waived:
        # Drops in files the change did not touch (fail_on_indirect = false): the patch
        # result lists them as indirect and says why they do not fail.
        kept = tuple(f for f in verdict.failures if f not in result.waived)
        verdict = dataclasses.replace(verdict, failures=kept)
    if result.blamed:
        # The same drops failing: each said with its likely cause in the change (unless the
        # base's raise since the branch was cut explains it: say_rose said so).
        risen = {f.path for f in verdict.failures if f.cause is not None}
        said = {f.path: f for f in result.blamed if f.path not in risen}
        failures = tuple(
            said.get(f.path, f) if f.kind == rules.FILE_REGRESSION else f for f in verdict.failures
        )
        verdict = dataclasses.replace(verdict, failures=failures)
    return dataclasses.replace(outcome, verdict=verdict, patch=result)


MAX_SHOWN = 200  # characters of a file's not-run lines in one message


def with_lines(verdict: Verdict, cfg: Config, reports: tuple[Path, ...]) -> Verdict:
    """Each file that lost coverage named with what it does not run now, in coverage.py's
    notation (``31, 33, 40->exit``). check reads counts only; these few files' lines are
    read again, the exact way, and only when some file failed."""
    failed = {f.path for f in verdict.failures if f.kind == rules.FILE_REGRESSION and f.path}
    if not failed:
        return verdict
    again = load_report(cfg, reports, keep_detail=failed.__contains__, keep_missing_lines=False)
    shown: dict[str, str] = {}
    for fc in again.files:
        if fc.path in failed and fc.detail is not None:
            text = missing_text(FileCoverage.from_detail(fc.path, fc.detail, keep_detail=False))
            if len(text) > MAX_SHOWN:
                text = text[: text.rfind(", ", 0, MAX_SHOWN)] + ", ..."
            shown[fc.path] = text
    failures = tuple(
        dataclasses.replace(f, message=f"{f.message}{rules.NOT_RUN}{shown[f.path]}")
        if f.kind == rules.FILE_REGRESSION and f.path in shown
        else f
        for f in verdict.failures
    )
    return dataclasses.replace(verdict, failures=failures)


def _diff_against(
    cfg: Config, ref_cfg: Config | None, baseline_ref: str | None, notify: Notify | None
) -> str | None:
    """The configured ``diff_against``. Held to the ref like every gate: a branch could
    otherwise point it at itself, empty its own patch gate and make its own drops look
    indirect (waived where ``fail_on_indirect = false``). A new value takes effect once it
    is merged."""
    if ref_cfg is None or not ref_cfg.has_bar:
        return cfg.diff_against
    if cfg.diff_against != ref_cfg.diff_against and notify is not None:
        notify(
            f"ratchet: diff_against is held to {baseline_ref}: "
            f"{ref_cfg.diff_against or 'unset'} (the working copy says "
            f"{cfg.diff_against or 'unset'})"
        )
    return ref_cfg.diff_against


def _renames(cfg: Config, baseline_ref: str | None, changes: ChangeSet | None) -> dict[str, str]:
    """Files moved since the ref (old path -> new path, from the config root): git's rename
    detection from ``baseline_ref`` to the work tree, else the renames of the diff."""
    if baseline_ref is not None:
        from ratchet import git  # as in at_ref

        return git.renames(baseline_ref, cfg.root)
    if changes is None:
        return {}
    from ratchet.core import diff  # as patch in evaluate

    return {
        f.old_path: path
        for path, f in changes.files.items()
        if f.status == diff.RENAMED and f.old_path is not None and f.old_path != path
    }


def in_tree(root: Path) -> Callable[[str], bool]:
    """Whether a report path (relative to the config root, POSIX) names a file that exists:
    a file absent from a report while still here was not measured, rather than deleted."""

    def exists(path: str) -> bool:
        try:
            return (root / path).is_file()
        except OSError:  # a name too long, say: nothing there we could have measured
            return False

    return exists
