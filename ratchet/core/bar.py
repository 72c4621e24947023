"""The effective bar: everything that decides a verdict, as one frozen value, and what a
change loosens of it.

``of`` computes the bar of a configuration and its per-file baseline over a set of files,
by the same code for the base ref and for the branch. ``compare`` lists, requirement by
requirement, where the branch's bar is below the ref's. ``accepted`` is the ref's bar as the
branch's ``ratchet accept`` events lower it, on the record. All pure, over two values: the
ref can be any commit.

The rule they implement: the bar is the whole state, and only a shown accept lowers it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import MappingProxyType

from ratchet.core.config import Component, Config
from ratchet.core.globs import glob_matcher
from ratchet.core.models import Baseline, Counts
from ratchet.core.numbers import fmt_pct, percent, percent_order
from ratchet.core.results import ComponentMove, Event, Lowering

# What an accept event can cover: the total's bar, a component's (``COMPONENT + name``),
# the per-file lines. Anything else (a tolerance, the patch gate, the config itself) is
# not what accept records, so nothing covers lowering it.
TOTAL = "total"
COMPONENT = "component:"
FILES = "files"

MAX_NAMED = 10  # files named in one message; the lists hold them all


def named(paths: list[str]) -> str:
    """``a, b, c`` and, past ``MAX_NAMED``, how many more."""
    more = f" and {len(paths) - MAX_NAMED} more" if len(paths) > MAX_NAMED else ""
    return ", ".join(paths[:MAX_NAMED]) + more


def describe(b: Baseline) -> str:
    """A baseline as messages show it: the exact percent and the counts behind it."""
    if b.covered is None or b.measured is None:
        return f"{b.legacy}%"
    return f"{fmt_pct(b.percent)}% ({b.covered}/{b.measured})"


def component_of(components: Iterable[Component]) -> Callable[[str], str | None]:
    """The component a path belongs to: the first whose globs match it."""
    matchers = [(c.name, glob_matcher(c.paths)) for c in components]

    def which(path: str) -> str | None:
        return next((name for name, match in matchers if match(path)), None)

    return which


@dataclass(frozen=True)
class ComponentFloor:
    """A component's part of the bar, with the files it holds."""

    name: str
    threshold: Decimal
    baseline: Baseline | None
    patch_threshold: Decimal | None
    members: frozenset[str]


@dataclass(frozen=True)
class Bar:
    """Everything that decides a verdict. ``files`` are the per-file floors, keyed by the
    branch's path (a floor of a renamed file under its new name, see ``renamed``)."""

    present: bool  # a [tool.ratchet] that records a bar
    threshold: Decimal = Decimal(0)
    baseline: Baseline | None = None
    max_threshold: Decimal = Decimal(100)
    precision: int = 2
    tolerance: Decimal = Decimal(0)
    file_tolerance: Decimal = Decimal(0)
    patch_threshold: Decimal | None = None
    patch_empty: str = "pass"
    fail_on_indirect: bool = True
    expect_reports: int | None = None
    baseline_file: str | None = None  # a per-file baseline exists
    files: Mapping[str, Counts] = field(default_factory=lambda: MappingProxyType({}))
    renamed: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    components: tuple[ComponentFloor, ...] = ()

    def component(self, name: str) -> ComponentFloor | None:
        return next((c for c in self.components if c.name == name), None)


@dataclass(frozen=True)
class Loosening:
    """One requirement the branch's bar holds lower than the ref's."""

    key: str  # "threshold", "components.api.threshold", "file pkg/a.py", ...
    old: str  # the ref's value, as shown
    new: str  # the branch's
    message: str  # the clause of the bar_lowered failure
    cover: str | None = None  # TOTAL, COMPONENT + name, FILES: what accept can cover

    @property
    def shown(self) -> Lowering:
        return Lowering(self.key, self.old, self.new)


def of(
    config: Config,
    files: Mapping[str, Counts] | None = None,
    universe: Collection[str] = frozenset(),
    renames: Mapping[str, str] | None = None,
) -> Bar:
    """The bar ``config`` and its per-file baseline ``files`` set, over ``universe``: the
    files that exist on the branch (measured by the report, or still in the tree).

    ``renames`` (old path -> new path, git's rename detection) carries a floor to its
    file's new name. Floors of files outside ``universe`` (deleted) bind nothing and are
    left out; each component's members are the files of ``universe`` it holds."""
    if not config.has_bar:
        return Bar(present=False)
    moved = renames or {}
    floors: dict[str, Counts] = {}
    renamed: dict[str, str] = {}
    for path, counts in (files or {}).items():
        new = moved.get(path, path)
        if new in universe and (new not in floors or new == path):
            floors[new] = counts
            if new != path:
                renamed[new] = path
            else:
                renamed.pop(new, None)
    which = component_of(config.components)
    members: dict[str, set[str]] = {c.name: set() for c in config.components}
    if config.components:
        for path in universe:
            name = which(path)
            if name is not None:
                members[name].add(path)
    return Bar(
        present=True,
        threshold=config.threshold,
        baseline=config.baseline,
        max_threshold=config.max_threshold,
        precision=config.precision,
        tolerance=config.tolerance,
        file_tolerance=config.file_tolerance,
        patch_threshold=config.patch_threshold,
        patch_empty=config.patch_empty,
        fail_on_indirect=config.fail_on_indirect,
        expect_reports=config.expect_reports,
        baseline_file=config.baseline_file,
        files=MappingProxyType(floors),
        renamed=MappingProxyType(renamed),
        components=tuple(
            ComponentFloor(
                c.name, c.threshold, c.baseline, c.patch_threshold, frozenset(members[c.name])
            )
            for c in config.components
        ),
    )


def _pct(value: Decimal | None) -> str:
    return "unset" if value is None else f"{value}%"


def baseline_lower(here: Baseline | None, ref: Baseline | None) -> str | None:
    """How ``here`` is below the baseline ``ref`` (the clause), or None. At one percent the
    uncovered count is the exemption: a larger one lets more lines become uncovered."""
    if ref is None:
        return None
    if here is None or here.percent < ref.percent:
        return f"{describe(here) if here else 'unset'} < {describe(ref)}"
    if (
        here.percent == ref.percent
        and ref.uncovered is not None
        and here.uncovered is not None
        and here.uncovered > ref.uncovered
    ):
        return f"uncovered {here.uncovered} > {ref.uncovered}"
    return None


def _shown(b: Baseline | None) -> str:
    if b is None:
        return "none"
    unc = f", {b.uncovered} uncovered" if b.uncovered is not None else ""
    return describe(b) + unc


def _floor(c: Counts) -> str:
    return f"{fmt_pct(percent(c))}% ({c.covered}/{c.valid})"


def floor_lower(here: Counts, ref: Counts) -> bool:
    """Whether the per-file floor ``here`` is below ``ref``: a lower percent, or the same
    percent with more left uncovered (a file's drop fails only while its uncovered count
    grows, so a larger one exempts more)."""
    order = percent_order(here, ref)
    return order < 0 or (order == 0 and here.missing > ref.missing)


@dataclass(frozen=True)
class Measured:
    """What the report measured: the total, each component's, each file's counts."""

    totals: Counts
    components: Mapping[str, Counts] = field(default_factory=lambda: MappingProxyType({}))
    files: Mapping[str, Counts] = field(default_factory=lambda: MappingProxyType({}))


def follows_removed_code(here: Baseline | None, ref: Baseline | None, run: Counts | None) -> bool:
    """Whether ``here``, below ``ref``, is what ``update`` records from ``run`` when covered
    code was deleted: the run left no more uncovered than ``ref`` exempts (check passes it)
    and ``here`` is not below the run's own counts. Then it is no loosening: the bar follows
    the code that is there."""
    if here is None or ref is None or run is None or ref.uncovered is None:
        return False
    return run.missing <= ref.uncovered and baseline_lower(here, Baseline.of(run)) is None


def compare(ref: Bar, branch: Bar, measured: Measured | None = None) -> tuple[Loosening, ...]:
    """Every requirement of ``ref`` that ``branch`` holds lower, in a fixed order: the
    settings, the total, each component, each file. Empty: nothing is looser (the branch
    may be stricter anywhere). A ref without a bar holds nothing.

    With ``measured`` (the report being judged), a baseline or per-file line the branch
    recorded lower because covered code was deleted (``follows_removed_code``) is not a
    loosening: ``update`` records exactly that on the branch as on main."""
    if not ref.present:
        return ()
    if not branch.present:
        return (
            Loosening(
                "[tool.ratchet]",
                "a recorded bar",
                "none",
                "[tool.ratchet] removed, or it records no bar",
            ),
        )
    out = _total(ref, branch, measured.totals if measured else None) + _settings(ref, branch)
    for rc in ref.components:
        run = measured.components.get(rc.name) if measured else None
        out += _component(rc, branch.component(rc.name), run)
    if branch.baseline_file is not None:  # else: its removal is the one loosening above
        out += _files(ref, branch, measured.files if measured else {})
    return tuple(out)


def _total(ref: Bar, branch: Bar, run: Counts | None) -> list[Loosening]:
    """Where the branch holds the total lower: its threshold, the cap the threshold rises
    to, its baseline (unless it follows deleted code, ``run`` being the report's total)."""
    out = []
    if branch.threshold < ref.threshold:
        out.append(
            Loosening(
                "threshold",
                _pct(ref.threshold),
                _pct(branch.threshold),
                f"threshold {branch.threshold} < {ref.threshold}",
                TOTAL,
            )
        )
    if branch.max_threshold < ref.max_threshold:
        out.append(
            Loosening(
                "max_threshold",
                _pct(ref.max_threshold),
                _pct(branch.max_threshold),
                f"max_threshold {branch.max_threshold} < {ref.max_threshold}",
            )
        )
    lower = baseline_lower(branch.baseline, ref.baseline)
    if lower is not None and not follows_removed_code(branch.baseline, ref.baseline, run):
        out.append(
            Loosening(
                "baseline",
                _shown(ref.baseline),
                _shown(branch.baseline),
                f"baseline {lower}",
                TOTAL,
            )
        )
    return out


def _settings(ref: Bar, branch: Bar) -> list[Loosening]:
    """Where the branch judges more leniently than the ref: wider tolerances, a lower or
    unset patch gate, an empty patch passing, indirect falls waived, fewer decimals, the
    per-file baseline dropped, fewer reports expected. None of these is ``accept``'s to
    cover: they are settings, not what a report reached."""
    out = []

    def add(key: str, old: str, new: str, message: str) -> None:
        out.append(Loosening(key, old, new, message))

    for key in ("tolerance", "file_tolerance"):
        a, b = getattr(branch, key), getattr(ref, key)
        if a > b:
            add(key, f"{b} points", f"{a} points", f"{key} {a} > {b}")
    r, h = ref.patch_threshold, branch.patch_threshold
    if r is not None and (h is None or h < r):
        shown_h = "unset" if h is None else h
        add("patch_threshold", _pct(r), _pct(h), f"patch_threshold {shown_h} < {r}")
    if ref.patch_empty == "fail" and branch.patch_empty != "fail":
        add(
            "patch_empty",
            "'fail'",
            repr(branch.patch_empty),
            f"patch_empty {branch.patch_empty!r} (was 'fail')",
        )
    if ref.fail_on_indirect and not branch.fail_on_indirect:
        add("fail_on_indirect", "true", "false", "fail_on_indirect false (was true)")
    if branch.precision < ref.precision:
        was, now = ref.precision, branch.precision
        add("precision", str(was), str(now), f"precision {now} < {was}")
    if ref.baseline_file is not None and branch.baseline_file is None:
        was_file = repr(ref.baseline_file)
        add("baseline_file", was_file, "none", f"baseline_file removed (was {was_file})")
    n, m = ref.expect_reports, branch.expect_reports
    if n is not None and (m is None or m < n):
        shown = "unset" if m is None else str(m)
        add("expect_reports", str(n), shown, f"expect_reports {shown} < {n}")
    return out


def _component(
    r: ComponentFloor, c: ComponentFloor | None, run: Counts | None = None
) -> list[Loosening]:
    cover = COMPONENT + r.name
    key = f"components.{r.name}"
    if c is None:
        return [Loosening(key, "a bar", "none", f"component {r.name} removed")]
    out = []
    if c.threshold < r.threshold:
        out.append(
            Loosening(
                f"{key}.threshold",
                _pct(r.threshold),
                _pct(c.threshold),
                f"{key}.threshold {c.threshold} < {r.threshold}",
                cover,
            )
        )
    lower = baseline_lower(c.baseline, r.baseline)
    if lower is not None and not follows_removed_code(c.baseline, r.baseline, run):
        out.append(
            Loosening(
                f"{key}.baseline",
                _shown(r.baseline),
                _shown(c.baseline),
                f"{key}.baseline {lower}",
                cover,
            )
        )
    rp, cp = r.patch_threshold, c.patch_threshold
    if rp is not None and (cp is None or cp < rp):
        out.append(
            Loosening(
                f"{key}.patch_threshold",
                _pct(rp),
                _pct(cp),
                f"{key}.patch_threshold {cp if cp is not None else 'unset'} < {rp}",
            )
        )
    lost = sorted(r.members - c.members)
    if lost:
        out.append(
            Loosening(
                f"{key}.paths",
                f"holds {named(lost)}",
                "does not",
                f"component {r.name} no longer holds {named(lost)} (its paths at the ref "
                "do, and a file stays under the bar it was under)",
                cover,
            )
        )
    return out


def _files(ref: Bar, branch: Bar, measured: Mapping[str, Counts]) -> list[Loosening]:
    out = []
    for path in sorted(ref.files):
        before = ref.files[path]
        after = branch.files.get(path)
        was = ref.renamed.get(path)
        name = f"{path} (was {was})" if was else path
        if after is None:
            out.append(
                Loosening(
                    f"file {name}",
                    _floor(before),
                    "no line",
                    f"{name}: per-file line removed (was {_floor(before)})",
                    FILES,
                )
            )
        elif floor_lower(after, before) and not _line_follows(after, before, measured.get(path)):
            out.append(
                Loosening(
                    f"file {name}",
                    _floor(before),
                    _floor(after),
                    f"{name}: per-file line {_floor(after)} < {_floor(before)}",
                    FILES,
                )
            )
    return out


def _line_follows(here: Counts, ref: Counts, run: Counts | None) -> bool:
    """A per-file line recorded lower because the file's covered code was deleted (as
    ``follows_removed_code``, for one file)."""
    return run is not None and run.missing <= ref.missing and not floor_lower(here, run)


MAX_FILE_CLAUSES = 10  # per-file loosenings spelt out in one failure; the lists hold all


def message(loosened: Iterable[Loosening]) -> str:
    """The loosenings as one clause list ("a; b; c"), the per-file ones past a few counted."""
    items = list(loosened)
    files = [x for x in items if x.cover == FILES]
    rest = [x.message for x in items if x.cover != FILES]
    if len(files) > MAX_FILE_CLAUSES:
        shown = [x.message for x in files[:MAX_FILE_CLAUSES]]
        shown.append(f"and {len(files) - MAX_FILE_CLAUSES} more per-file line(s)")
        return "; ".join(rest + shown)
    return "; ".join(rest + [x.message for x in files])


# -- what accept lowers ----------------------------------------------------------------


def latest_moves(accepted: Iterable[Event]) -> tuple[Event | None, dict[str, ComponentMove]]:
    """The latest accept event (its total's bar), and for each component the latest move
    an event recorded for it: each lowers the bar to what it recorded, never further."""
    last = None
    moves: dict[str, ComponentMove] = {}
    for e in accepted:
        last = e
        for m in e.components:
            moves[m.name] = m
    return last, moves


def lowered_to(
    threshold: Decimal,
    baseline: Baseline | None,
    moved_threshold: tuple[Decimal | None, Decimal],
    moved_baseline: tuple[Baseline | None, Baseline | None],
) -> tuple[Decimal, Baseline | None]:
    """A bar lowered to what an accept event recorded for it, never raised by it."""
    new = moved_baseline[1]
    if new is not None and (baseline is None or new.percent <= baseline.percent):
        baseline = new
    return min(threshold, moved_threshold[1]), baseline


def accepted(ref: Bar, branch: Bar, events: Iterable[Event]) -> Bar:
    """``ref`` as the accept events lower it: the total to the latest event's bar, each
    component an event lists to the latest bar recorded for it (and its members to those it
    still holds on the branch), and the per-file lines to the branch's, which accept wrote
    from its report. Nothing else: no event covers a raised tolerance, say."""
    last, moves = latest_moves(events)
    if last is None or not ref.present:
        return ref
    threshold, baseline = lowered_to(ref.threshold, ref.baseline, last.threshold, last.baseline)
    components = []
    for c in ref.components:
        m = moves.get(c.name)
        if m is not None:
            t, b = lowered_to(c.threshold, c.baseline, m.threshold, m.baseline)
            mine = branch.component(c.name)
            kept = c.members & mine.members if mine is not None else frozenset()
            c = replace(c, threshold=t, baseline=b, members=kept)
        components.append(c)
    return replace(
        ref,
        threshold=threshold,
        baseline=baseline,
        components=tuple(components),
        files=branch.files if branch.baseline_file is not None else ref.files,
    )
