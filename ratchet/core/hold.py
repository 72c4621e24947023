"""The branch held to its base's bar: which bar and which per-file lines judge a report
(the ref's, as the branch's recorded ``accept`` events lower it, or a merge of the two when
the branch is behind), what those events lowered, what the base raised since the branch was
cut, and the causes a verdict's failures are said with. Pure: ``store.atref`` reads the
bar at a ref, ``checking`` gathers the inputs."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ratchet.core import bar as bar_mod
from ratchet.core import barmerge, diff, rules
from ratchet.core import config as config_mod
from ratchet.core.config import Config
from ratchet.core.models import Counts, Report
from ratchet.core.patch import ChangeSet
from ratchet.core.results import BaseBar, Cause, Event, Lowering, PatchResult, Verdict
from ratchet.errors import RatchetError


@dataclass(frozen=True)
class AtRef:
    """The configuration, per-file baseline and history as committed at a ref."""

    ref: str  # as given (or, for a merge-base, as messages name it)
    commit: str | None
    config: Config
    files: dict[str, Counts] | None
    history: list[Event]
    table: Mapping[str, Any] | None = None  # [tool.ratchet] as written, plain values


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
        files: dict[str, Counts] | None = moved(ref.files, renames)
    else:
        # Else the working copy's own per-file bar holds: none at the ref, or the one
        # `ratchet accept` recorded on this branch (on the record, and in the diff).
        files = None if own_files is None else moved(own_files, renames)
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
    mine: Mapping[str, Any] | None,
) -> Onto:
    """``renames``: the files moved since the merge-base, and since the ref (old -> new);
    ``mine``: the working copy's ``[tool.ratchet]`` as written (plain values)."""
    since_fork, since_ref = renames
    judge = cfg
    if mine is not None and ref.table is not None:
        merged = barmerge.merge_tables(fork.table, mine, ref.table).table
        # When the two do not make one bar, the branch's own stands, held to the ref's.
        with contextlib.suppress(RatchetError):
            judge = config_mod.from_table(
                merged, cfg.pyproject, src=f"{cfg.root.name}'s bar merged with {ref.ref}'s"
            )
    ref_files = None if ref.files is None else moved(ref.files, since_ref)
    fork_files = None if fork.files is None else moved(fork.files, since_fork)
    files: dict[str, Counts] | None
    if own_files is None:
        files = None if accepted else ref_files
    elif ref_files is None:
        files = moved(own_files, since_fork)
    else:
        files = barmerge.merge_lines(fork_files, moved(own_files, since_fork), ref_files)
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


def moved(files: dict[str, Counts], renames: dict[str, str]) -> dict[str, Counts]:
    """Per-file lines under their files' new names (a line already under the new name wins)."""
    out = {}
    for path, counts in files.items():
        new = renames.get(path, path)
        if new == path or new not in files:
            out[new] = counts
    return out


@dataclass(frozen=True)
class Judging:
    """The bar a report is judged against, and what it says about the ref's."""

    judge: Config  # the branch's bar (on top of the ref's as it is now, when behind it)
    ref_config: Config | None  # the ref's bar as the accept events lower it
    files: dict[str, Counts] | None  # the per-file lines that judge
    held: Held | None
    lowered: tuple[Lowering, ...]
    rose: tuple[bar_mod.Loosening, ...]


def judging(
    cfg: Config,
    own_files: dict[str, Counts] | None,
    rep: Report,
    refs: tuple[AtRef | None, AtRef | None],
    accepted: list[Event],
    renames: tuple[dict[str, str], dict[str, str]],
    exists: Callable[[str], bool],
    mine: Mapping[str, Any] | None,
) -> Judging:
    """Which bar and which per-file lines judge: the working copy's own without a ref; the
    ref's (as ``accepted`` lowers it) with one; and for a branch behind the ref (``refs``:
    the ref and the fork point), the merge of the two (``onto``). ``renames``: the files
    moved since the ref (or fork point) and, when behind, since the ref itself."""
    ref, fork = refs
    since_fork = renames[0]
    since = fork or ref
    if ref is None or since is None:
        files = moved(own_files, since_fork) if since_fork and own_files is not None else own_files
        return Judging(cfg, None, files, None, (), ())
    state = held_to(since, cfg, own_files, rep, accepted, since_fork, exists)
    if fork is None:
        return Judging(cfg, state.config, state.files, state, state.lowered, ())
    o = onto(fork, ref, cfg, own_files, rep, accepted, renames, exists, mine)
    return Judging(o.config, with_accepted(ref.config, accepted), o.files, state, o.lowered, o.rose)


def held_bar(
    j: Judging, cfg: Config, renames: dict[str, str]
) -> tuple[tuple[Config, tuple[str, ...]], dict[str, str], dict[str, frozenset[str]]]:
    """What the verdict holds the branch to (its bar and the loosening, if any), the files
    renamed (new -> old) and the members a component held at the ref and does not now."""
    if j.ref_config is not None and j.held is not None:
        held_cfg, _ = rules.held_to_ref(j.judge, j.ref_config)
        loosened = (bar_mod.message(j.held.loosened),) if j.held.loosened else ()
        return (held_cfg, loosened), j.held.renamed, j.held.extra_members
    return (cfg, ()), {new: old for old, new in renames.items()}, {}


def say_shallow(verdict: Verdict, ref: str) -> Verdict:
    """A loosening seen in a shallow clone said with what may explain it instead: the ref's
    raise since the branch was cut, which a clone without the merge-base cannot tell."""
    shallow = Cause(
        f"this clone is shallow: where this branch left {ref} is not known, so it "
        f"is compared with {ref} itself, and what {ref} raised since would "
        "show here as loosened",
        "check the merge commit (as pull_request does), or fetch the history (fetch-depth: 0)",
    )
    failures = tuple(
        dataclasses.replace(f, cause=shallow) if f.kind == rules.BAR_LOWERED else f
        for f in verdict.failures
    )
    return dataclasses.replace(verdict, failures=failures)


def say_moved_on(
    verdict: Verdict, rose: tuple[bar_mod.Loosening, ...], ref: str, fork: str
) -> Verdict:
    """A branch behind ``ref`` (cut at ``fork``): its failures the ref's raise explains,
    and a note on what judges what."""
    verdict = say_rose(verdict, rose, ref)
    note = (
        f"{ref} moved on since this branch was cut (at {fork[:7]}): "
        "what this change loosens is judged against that commit, the report against "
        f"{ref}'s bar as it is now"
    )
    return dataclasses.replace(verdict, notes=(*verdict.notes, note))


def with_patch(verdict: Verdict, result: PatchResult) -> Verdict:
    """The verdict after patch coverage: drops in files the change did not touch waived
    (``fail_on_indirect = false``; the patch result lists them as indirect and says why they
    do not fail), the others said with their likely cause in the change (unless the base's
    raise since the branch was cut explains them: ``say_rose`` said so)."""
    if result.waived:
        kept = tuple(f for f in verdict.failures if f not in result.waived)
        verdict = dataclasses.replace(verdict, failures=kept)
    if result.blamed:
        risen = {f.path for f in verdict.failures if f.cause is not None}
        said = {f.path: f for f in result.blamed if f.path not in risen}
        failures = tuple(
            said.get(f.path, f) if f.kind == rules.FILE_REGRESSION else f for f in verdict.failures
        )
        verdict = dataclasses.replace(verdict, failures=failures)
    return verdict


def diff_against(cfg: Config, ref_cfg: Config | None) -> str | None:
    """The configured ``diff_against``. Held to the ref like every gate: a branch could
    otherwise point it at itself, empty its own patch gate and make its own drops look
    indirect (waived where ``fail_on_indirect = false``). A new value takes effect once it
    is merged."""
    if ref_cfg is None or not ref_cfg.has_bar:
        return cfg.diff_against
    return ref_cfg.diff_against


def renames_in(changes: ChangeSet | None) -> dict[str, str]:
    """The files a diff renames (old path -> new path, from the config root)."""
    if changes is None:
        return {}
    return {
        f.old_path: path
        for path, f in changes.files.items()
        if f.status == diff.RENAMED and f.old_path is not None and f.old_path != path
    }


def base_bar(ref: AtRef | None) -> BaseBar | None:
    """The base's own values, for the reviewers: what an accept lowered is shown from them."""
    if ref is None or not ref.config.has_bar:
        return None
    c = ref.config
    return BaseBar(c.threshold, c.baseline, tuple((x.name, x.baseline) for x in c.components))
