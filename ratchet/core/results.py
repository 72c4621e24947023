"""What a run found and decided: the values that cross modules, all in one place.

``rules`` makes a ``Verdict``, ``patch`` a ``PatchResult``, ``plan`` a ``Plan``; ``checking``
gathers them into an ``Outcome``, and every renderer (text, JSON, Markdown, the PR comment,
the Action's outputs) reads only these values. The fork-safe half of the Action rebuilds
them from the JSON artifact (``github.artifact``). Everything here is immutable.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ratchet.core.config import Config
from ratchet.core.models import Baseline, Counts, Report
from ratchet.core.numbers import percent
from ratchet.errors import EXIT_ERROR, EXIT_FAIL, EXIT_PASS


@dataclass(frozen=True)
class Cause:
    """What explains a failure beyond its own numbers, as far as the run can tell, and the
    fix: ``said (detail): fix``. Failures with one ``said`` and ``fix`` share one reason, which
    an output says once, with each failure's ``detail`` in the parentheses."""

    said: str  # "origin/main's bar rose since this branch was cut"
    fix: str  # "merge or rebase origin/main"
    detail: str = ""  # this failure's part: "threshold 85% → 100%", a path

    def sentence(self, details: tuple[str, ...] | None = None) -> str:
        shown = (self.detail,) if details is None else details
        within = "; ".join(d for d in shown if d)
        return f"{self.said}{f' ({within})' if within else ''}: {self.fix}"


@dataclass(frozen=True)
class Failure:
    kind: str
    path: str | None  # None for the total (or a component's)
    message: str  # what failed, in numbers (a fallen file's lines not run too)
    component: str | None = None  # the component it belongs to, when there are components
    cause: Cause | None = None

    @property
    def text(self) -> str:
        """The failure in one sentence: what failed, then its cause (a log, an annotation,
        JSON's ``message``)."""
        return f"{self.message}; {self.cause.sentence()}" if self.cause else self.message


@dataclass(frozen=True)
class FileChange:
    """A file whose counts differ from its per-file baseline (``before`` None: new file)."""

    path: str
    before: Counts | None
    after: Counts | None  # None: the file is gone from the report (see Verdict.unmeasured)

    @property
    def delta(self) -> Fraction | None:
        if self.before is None or self.after is None:
            return None
        return percent(self.after) - percent(self.before)


FILE_MISSING = "file_missing"


@dataclass(frozen=True)
class ComponentVerdict:
    """One component of a monorepo held to its own bar."""

    name: str
    totals: Counts
    threshold: Decimal
    baseline: Baseline | None
    failures: tuple[Failure, ...]

    @property
    def status(self) -> str:
        return "fail" if self.failures else "pass"

    @property
    def percent(self) -> Fraction:
        return percent(self.totals)

    @property
    def delta(self) -> Fraction | None:
        return None if self.baseline is None else self.percent - self.baseline.percent


@dataclass(frozen=True)
class Verdict:
    """The total (and each file) held to the bar. Says nothing of what ``update`` records:
    that is the ``Plan``."""

    totals: Counts
    threshold: Decimal
    baseline: Baseline | None  # the accepted run the total was held to
    failures: tuple[Failure, ...]
    notes: tuple[str, ...]
    changes: tuple[FileChange, ...]
    before: Counts | None  # totals of the per-file baseline, when there is one
    components: tuple[ComponentVerdict, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def status(self) -> str:
        return "pass" if self.passed else "fail"

    @property
    def percent(self) -> Fraction:
        return percent(self.totals)

    @property
    def margin(self) -> Fraction:
        """Points above (positive) or below (negative) the threshold, exactly."""
        return self.percent - Fraction(self.threshold)

    @property
    def delta(self) -> Fraction | None:
        """Points above or below the baseline, exactly; None without one."""
        return None if self.baseline is None else self.percent - self.baseline.percent

    @property
    def unmeasured(self) -> frozenset[str]:
        """Files of the per-file baseline missing from the report though still in the tree
        (the other absent ones were removed)."""
        return frozenset(f.path for f in self.failures if f.kind == FILE_MISSING and f.path)


@dataclass(frozen=True)
class PatchFile:
    path: str
    status: str  # "added" | "modified" | "renamed" | "deleted" (| "copied", from a diff file)
    old_path: str | None
    counts: Counts  # measurable changed lines (+ branches on those lines)
    uncovered: tuple[tuple[int, int], ...]  # inclusive ranges of uncovered changed lines
    covered: tuple[int, ...] = ()  # covered changed lines
    partial: tuple[int, ...] = ()  # covered changed lines with a branch never taken


@dataclass(frozen=True)
class PatchComponent:
    """The changed lines of one component's files, and the gate they answer to."""

    name: str
    counts: Counts
    threshold: Decimal | None  # its patch_threshold (None: measured, not gated)

    @property
    def percent(self) -> Fraction:
        return percent(self.counts)


@dataclass(frozen=True)
class PatchResult:
    description: str
    files: tuple[PatchFile, ...]
    counts: Counts
    threshold: Decimal | None
    failures: tuple[Failure, ...]  # kinds PATCH_BELOW_THRESHOLD, PATCH_EMPTY (path None)
    notes: tuple[str, ...]
    indirect: tuple[FileChange, ...]
    # Per-file regressions (in ``Verdict.failures``) of files the change did not touch, which
    # do not fail the check when ``fail_on_indirect`` is false: ``Outcome`` drops them.
    waived: tuple[Failure, ...] = ()
    # The same drops when they do fail (``fail_on_indirect``, the default), each message
    # saying what in the change likely caused it and the fix: they replace the verdict's.
    blamed: tuple[Failure, ...] = ()
    # Changed files the report does not list although it measures files of their kind
    # (same suffix): their lines are not counted. A new module no test imports lands here.
    unreported: tuple[str, ...] = ()
    # The config root relative to the top of the git work tree: GitHub annotations need
    # ``posixpath.join(prefix, file.path)`` in a monorepo.
    prefix: str = ""
    # Changed files outside the config root, relative to the top of the work tree: ignored.
    outside: tuple[str, ...] = ()
    # Files of the report that git does not track, so no diff shows (local runs only).
    untracked: tuple[str, ...] = ()
    # Each component's changed lines (every component, when there are components).
    components: tuple[PatchComponent, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def status(self) -> str:
        return "pass" if self.passed else "fail"

    @property
    def empty(self) -> bool:
        return self.counts.valid == 0

    @property
    def percent(self) -> Fraction:
        return percent(self.counts)


# -- the plan: what `ratchet update` records ---------------------------------------------

# Why update refuses: the report failed the ratchet (exit 1), or it cannot be compared or
# recorded as it is (exit 2).
REGRESSION = "regression"
BAD_INPUT = "input"


@dataclass(frozen=True)
class Blocker:
    kind: str  # REGRESSION or BAD_INPUT
    message: str


@dataclass(frozen=True)
class Setting:
    """One value of ``[tool.ratchet]`` that update changes, as it reads in the file."""

    key: str
    old: str | None  # None: not set before
    new: str | None  # None: removed
    reason: str


# Why a per-file line changes (or stays).
LINE_RAISED = "raised"
LINE_NEW = "new file"
LINE_REMOVED = "removed from the tree"
LINE_TIGHTENED = "fewer uncovered"
LINE_KEPT = "kept: coverage fell"
# Fell in percent with no more left uncovered: covered code was deleted, and the line follows.
LINE_REMOVED_CODE = "covered code removed"


@dataclass(frozen=True)
class FileLine:
    """One line of the per-file baseline: ``old`` -> ``new`` (None: no line)."""

    path: str
    old: Counts | None
    new: Counts | None
    reason: str


@dataclass(frozen=True)
class ComponentBar:
    """A component's bar after the update."""

    name: str
    threshold: Decimal
    baseline: Baseline | None


@dataclass(frozen=True)
class Plan:
    """What ``ratchet update`` does with a report, worked out once by ``ratchet.core.plan`` and
    read by ``update`` itself, ``--dry-run``, ``push-update`` and every renderer."""

    threshold: Decimal  # after the update (the same as before when it stays)
    baseline: Baseline | None  # after the update
    settings: tuple[Setting, ...]  # the [tool.ratchet] values that change
    lines: tuple[FileLine, ...]  # per-file lines that change, by path
    kept: tuple[FileLine, ...] = ()  # lines that stay although the file's coverage fell
    blockers: tuple[Blocker, ...] = ()  # non-empty: update records nothing
    components: tuple[ComponentBar, ...] = ()  # every component's bar after the update
    # Why the history should say more than old -> new (a baseline that follows deleted
    # covered code down); None: nothing to add.
    reason: str | None = None

    @property
    def refused(self) -> bool:
        return bool(self.blockers)

    @property
    def changes(self) -> bool:
        return not self.refused and bool(self.settings or self.lines)

    @property
    def exit_code(self) -> int:
        """What ``update`` exits with: 2 when the input cannot be recorded, 1 on a
        regression, else 0."""
        kinds = {b.kind for b in self.blockers}
        if BAD_INPUT in kinds:
            return EXIT_ERROR
        return EXIT_FAIL if kinds else EXIT_PASS

    def setting(self, key: str) -> Setting | None:
        return next((s for s in self.settings if s.key == key), None)


# -- the history of the bar ----------------------------------------------------------------

EVENT_UPDATE = "update"
EVENT_ACCEPT = "accept"
EVENT_INIT = "init"


@dataclass(frozen=True)
class ComponentMove:
    """A component's bar as an event moved it."""

    name: str
    threshold: tuple[Decimal, Decimal]  # old -> new
    baseline: tuple[Baseline | None, Baseline | None]  # old -> new


@dataclass(frozen=True)
class Event:
    """One line of the history file: the bar moved, when, by whom, on which commit."""

    event: str  # EVENT_UPDATE, EVENT_ACCEPT or EVENT_INIT
    date: str  # ISO 8601, UTC: "2026-12-06T01:02:03Z"
    author: str | None  # "Name <email>" from git
    commit: str | None  # the commit the report measured
    total: Counts  # what that run measured
    threshold: tuple[Decimal | None, Decimal]  # old -> new
    baseline: tuple[Baseline | None, Baseline | None]  # old -> new
    reason: str | None = None  # required for EVENT_ACCEPT
    components: tuple[ComponentMove, ...] = ()  # the components whose bar it moved


@dataclass(frozen=True)
class Lowering:
    """One requirement a change lowers, as reviewers are shown it: its value at the base
    ref (never what an accept event says it was) and on the branch."""

    key: str  # "threshold", "components.api.baseline", "file pkg/a.py (was pkg/b.py)", ...
    old: str
    new: str


@dataclass(frozen=True)
class BaseBar:
    """The total's bar as the base ref records it: what a change's deltas are against (after
    a ``ratchet accept``, the verdict itself is held to the lowered bar)."""

    threshold: Decimal
    baseline: Baseline | None
    # Each component's bar at the ref, by name: what its deltas are against.
    components: tuple[tuple[str, Baseline | None], ...] = ()

    def component(self, name: str) -> Baseline | None:
        return next((b for n, b in self.components if n == name), None)


# -- one run ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BarSource:
    """Where the bar a report was held to came from."""

    config: str  # the pyproject.toml, as named to the user
    ref: str | None = None  # the git ref it was read at (None: the working copy)
    commit: str | None = None  # the commit that ref named


@dataclass(frozen=True)
class Outcome:
    """What one ``check`` (or ``update``) run found: the value every output renders."""

    report: Report
    verdict: Verdict
    config: Config  # the bar in force (held to the baseline ref, with one)
    patch: PatchResult | None = None
    plan: Plan | None = None
    # Lowerings of the bar recorded with `ratchet accept` since the baseline ref: the
    # reviewers must see each one.
    accepted: tuple[Event, ...] = ()
    trend: tuple[Event, ...] = ()  # the latest recorded bars, oldest first
    warnings: tuple[str, ...] = ()  # said on stderr too (a stale report, say)
    source: BarSource | None = None  # where the bar came from
    # With ``accepted``: each file whose counts differ from the base's per-file baseline
    # (the verdict compares with the lines the branch's accept recorded instead).
    base_changes: tuple[FileChange, ...] = ()
    # With accepted events: every requirement this change lowers, from the ref's values.
    lowered: tuple[Lowering, ...] = ()
    base: BaseBar | None = None  # under --baseline-ref: the ref's own bar

    @property
    def passed(self) -> bool:
        return self.verdict.passed and (self.patch is None or self.patch.passed)

    @property
    def status(self) -> str:
        return "pass" if self.passed else "fail"

    @property
    def exit_code(self) -> int:
        return EXIT_PASS if self.passed else EXIT_FAIL


@dataclass(frozen=True)
class Result:
    """One run's verdict as every Markdown output reads it: both halves of the fork-safe
    Action (the ``pull_request`` run from its ``Outcome``, the privileged ``workflow_run``
    run from the validated artifact) build this and render the same comment from it.
    ``status`` is the overall one."""

    verdict: Verdict
    status: str
    patch: PatchResult | None = None
    plan: Plan | None = None
    accepted: tuple[Event, ...] = ()
    trend: tuple[Event, ...] = ()
    warnings: tuple[str, ...] = ()
    source: BarSource | None = None
    precision: int = 2  # decimals of every percent shown (the bar's ``precision``)
    base_changes: tuple[FileChange, ...] = ()  # see ``Outcome.base_changes``
    lowered: tuple[Lowering, ...] = ()  # see ``Outcome.lowered``
    base: BaseBar | None = None  # see ``Outcome.base``

    @property
    def failures(self) -> tuple[Failure, ...]:
        return self.verdict.failures + (self.patch.failures if self.patch else ())

    @classmethod
    def of(cls, outcome: Outcome) -> Result:
        return cls(
            outcome.verdict,
            outcome.status,
            outcome.patch,
            outcome.plan,
            outcome.accepted,
            outcome.trend,
            outcome.warnings,
            outcome.source,
            outcome.config.precision,
            outcome.base_changes,
            outcome.lowered,
            outcome.base,
        )
