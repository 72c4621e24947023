"""What ``check``, ``update`` and ``accept`` decide, put together: the bar at the ref
(``store.atref``), the reports and the diff (``intake``), the bar that judges them
(``core.hold``), the verdict and plan (``core.rules``, ``core.patch``, ``core.plan``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ratchet import intake
from ratchet.core import config as config_mod
from ratchet.core import hold, rules
from ratchet.core import patch as patch_mod
from ratchet.core import plan as plan_mod
from ratchet.core.config import Config
from ratchet.core.hold import AtRef
from ratchet.core.models import Counts, Report
from ratchet.core.patch import ChangeSet
from ratchet.core.results import (
    BAD_INPUT,
    EVENT_ACCEPT,
    BarSource,
    Blocker,
    Event,
    FileChange,
    Outcome,
    Verdict,
)
from ratchet.errors import RatchetError
from ratchet.intake import STALE_FIX, Notify
from ratchet.readers.load import Loaded
from ratchet.store import git, history
from ratchet.store.atref import at_ref, fork_point, read_file_baseline
from ratchet.store.fsio import read_text


@dataclass(frozen=True)
class _Read:
    """Everything ``evaluate`` reads: the bar at the ref (and where the branch left it),
    the diff, the working copy's per-file lines and history, and the report."""

    ref: AtRef | None
    fork: AtRef | None
    changes: ChangeSet | None
    own_files: dict[str, Counts] | None
    own_history: list[Event]
    rep: Report
    stale: str | None
    loaded: Loaded  # the report again, with how to read the lines of a file that fails


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
    r = _read(cfg, reports, baseline_ref, (diff_ref, diff_file, diff_from_config), expect, notify)
    ref, fork, rep, own_files = r.ref, r.fork, r.rep, r.own_files
    warnings: list[str] = []
    blockers: list[Blocker] = []
    if r.stale is not None:
        warnings.append(f"{r.stale}; re-run the tests")
        if not allow_stale:
            blockers.append(Blocker(BAD_INPUT, f"{r.stale}: {STALE_FIX}"))
    exists = intake.in_tree(cfg.root)
    renames = _renames(cfg, fork.commit if fork is not None else baseline_ref, r.changes)
    since = fork or ref
    accepted: list[Event] = []
    if since is not None:
        new = history.new_since(r.own_history, since.history)
        accepted = [e for e in new if e.event == EVENT_ACCEPT]
    moves, mine = _behind(cfg, ref, fork, renames)
    j = hold.judging(cfg, own_files, rep, (ref, fork), accepted, moves, exists, mine)
    if not cfg.present:
        # Only under --baseline-ref with a bar at the ref: the section removed on the branch
        # is a loosening the comparison names, and the ref's bar judges.
        blockers.append(Blocker(BAD_INPUT, "no [tool.ratchet] section to record into"))
    _comparable(rep, cfg, own_files, j)
    held, renamed, extra = hold.held_bar(j, cfg, renames)
    verdict = rules.evaluate(
        rep,
        j.judge,
        j.files,
        ref_config=j.ref_config,
        held=held,
        exists=exists,
        extra_members=extra,
        renamed=renamed,
    )
    verdict = intake.with_lines(verdict, cfg, reports, r.loaded)
    loosened = ref is not None and fork is None and j.held is not None and j.held.loosened
    if ref is not None and loosened and git.is_shallow(cfg.root):
        verdict = hold.say_shallow(verdict, ref.ref)
    if fork is not None and ref is not None:
        verdict = hold.say_moved_on(verdict, j.rose, ref.ref, fork.commit or "")
    outcome = _outcome(r, cfg, j, verdict, held[0], (accepted, warnings, blockers), exists)
    if notify is not None:
        for w in warnings:
            notify(f"ratchet: warning: {w}")
    if r.changes is None:
        return outcome
    # Patch coverage's own gates (patch_threshold, patch_empty, fail_on_indirect) are held
    # to the ref like the rest.
    result = patch_mod.evaluate(rep, r.changes, held[0], verdict)
    return dataclasses.replace(outcome, verdict=hold.with_patch(verdict, result), patch=result)


def _outcome(
    r: _Read,
    cfg: Config,
    j: hold.Judging,
    verdict: Verdict,
    bar: Config,
    said: tuple[list[Event], list[str], list[Blocker]],
    exists: Callable[[str], bool],
) -> Outcome:
    """The outcome before patch coverage: with what ``update`` would record (on the working
    copy's own bar and per-file lines) and, for reviewers, what an accept lowered."""
    accepted, warnings, blockers = said
    ref, rep, own_files = r.ref, r.rep, r.own_files
    base_changes: tuple[FileChange, ...] = ()
    if ref is not None and accepted and ref.files is not None:
        # What the branch's accept lowered, file by file: against the base's own lines,
        # which the verdict (held to the accepted lines) no longer compares with.
        base_changes = rules.file_changes(rep, ref.files)
    own = (
        verdict
        if j.ref_config is None and j.files is own_files
        else rules.evaluate(rep, cfg, own_files, exists=exists)
    )
    plan = plan_mod.make(rep, own, cfg, own_files, blockers=blockers)
    shown = cfg.pyproject.name if cfg.pyproject else "no pyproject.toml"
    source = BarSource(shown, ref.ref, ref.commit) if ref is not None else BarSource(shown)
    return Outcome(
        rep,
        verdict,
        bar,
        None,
        plan,
        tuple(accepted),
        tuple(r.own_history[-history.TREND :]),
        tuple(warnings),
        source,
        base_changes,
        j.lowered,
        hold.base_bar(ref),
    )


def _read(
    cfg: Config,
    reports: tuple[Path, ...],
    baseline_ref: str | None,
    diff: tuple[str | None, str | None, bool],
    expect: int | None,
    notify: Notify | None,
) -> _Read:
    diff_ref, diff_file, diff_from_config = diff
    ref = at_ref(cfg, baseline_ref) if baseline_ref else None
    # A branch behind its base: what it loosens is judged against where it left the base
    # (what the change itself did), its report against the base's bar as it is now.
    fork = fork_point(cfg, ref) if ref is not None else None
    if not cfg.present and (ref is None or not ref.config.has_bar):
        config_mod.require_bar(cfg)
    if diff_from_config and diff_ref is None and diff_file is None:
        diff_ref = _diff_against(cfg, ref.config if ref else None, baseline_ref, notify)
    changes = None
    if diff_ref is not None or diff_file is not None:
        changes = intake.collect(cfg.root, ref=diff_ref, diff_file=diff_file)
    keep = changes.paths.__contains__ if changes is not None else None
    # The configuration's own files first: a broken one is named before any report is read.
    own_files = read_file_baseline(cfg)
    own_history = history.read(cfg.history_path)
    # No output of check or update lists a file's missing lines (the changed files' line
    # detail, kept above, is all that patch coverage needs).
    loaded, stale = intake.load_trusted(
        cfg, reports, keep_detail=keep, notify=notify, expect=expect
    )
    return _Read(ref, fork, changes, own_files, own_history, loaded.report, stale, loaded)


def _behind(
    cfg: Config, ref: AtRef | None, fork: AtRef | None, renames: dict[str, str]
) -> tuple[tuple[dict[str, str], dict[str, str]], Mapping[str, Any] | None]:
    """For a branch behind ``ref``: the files moved since ``ref`` too, and the working
    copy's ``[tool.ratchet]`` as written (what merges with the ref's)."""
    if fork is None or ref is None:
        return (renames, {}), None
    text = read_text(cfg.pyproject) if cfg.pyproject is not None else None
    mine = config_mod.section(text, str(cfg.pyproject)) if text is not None else None
    return (renames, git.renames(ref.commit or ref.ref, cfg.root)), mine


def _comparable(
    rep: Report, cfg: Config, own_files: dict[str, Counts] | None, j: hold.Judging
) -> None:
    """Refuse a report that cannot be compared with the bar that judges it, or with the
    working copy's own (what update would record on)."""
    judged = j.ref_config if j.ref_config is not None and j.ref_config.has_bar else j.judge
    problem = rules.incomparable(rep, judged, j.files)
    if problem is None and (judged is not cfg or j.files is not own_files):
        problem = rules.incomparable(rep, cfg, own_files)
    if problem is not None:
        raise RatchetError(problem, source=", ".join(rep.sources))


def _diff_against(
    cfg: Config, ref_cfg: Config | None, baseline_ref: str | None, notify: Notify | None
) -> str | None:
    """The configured ``diff_against``, held to the ref (``hold.diff_against``), saying so
    when the working copy names another."""
    chosen = hold.diff_against(cfg, ref_cfg)
    if chosen != cfg.diff_against and notify is not None:
        notify(
            f"ratchet: diff_against is held to {baseline_ref}: "
            f"{chosen or 'unset'} (the working copy says "
            f"{cfg.diff_against or 'unset'})"
        )
    return chosen


def _renames(cfg: Config, baseline_ref: str | None, changes: ChangeSet | None) -> dict[str, str]:
    """Files moved since the ref (old path -> new path, from the config root): git's rename
    detection from ``baseline_ref`` to the work tree, else the renames of the diff."""
    if baseline_ref is not None:
        return git.renames(baseline_ref, cfg.root)
    return hold.renames_in(changes)
