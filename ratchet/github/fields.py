"""The field checks of an untrusted result (``resultjson``): each value checked for its
type, range and length before it becomes one of ours, and refused naming the field."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any, NoReturn

from ratchet.core.config import COMPONENT_NAME
from ratchet.core.diff import ADDED, COPIED, DELETED, MODIFIED, RENAMED
from ratchet.core.models import Baseline, Counts
from ratchet.core.results import (
    BAD_INPUT,
    REGRESSION,
    BarSource,
    BaseBar,
    Blocker,
    Cause,
    ComponentBar,
    ComponentVerdict,
    Event,
    Failure,
    FileChange,
    FileLine,
    Lowering,
    PatchComponent,
    PatchFile,
    PatchResult,
    Plan,
    Setting,
)
from ratchet.errors import RatchetError
from ratchet.github.settings import check_id
from ratchet.store import history

MAX_FILES = 500_000
MAX_FAILURES = 500_000
MAX_NOTES = 1_000
MAX_PATH = 4_096
MAX_MESSAGE = 8_192  # a message names a path (at most MAX_PATH) and says a few numbers
# A failure's message ends with its cause, which may name the path again, its old name and a
# test file or two.
MAX_FAILURE = 2 * MAX_MESSAGE
MAX_REASON = 1_000  # a setting's reason: a generated sentence
MAX_ACCEPTED = 50  # accept events of one change: the comment lists every one
MAX_TREND = history.TREND
MAX_PRECISION = 6  # as [tool.ratchet] precision
MAX_COUNT = 10**12
MAX_LINES = 1_000_000
MAX_LINE = 10**9
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# What update's settings can be: the total's or a component's threshold or baseline, as
# ``ratchet.core.plan`` writes them (a percent, and a baseline's counts).
_SETTING_KEY = re.compile(
    r"^(?:components\.[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\.)?(?:threshold|baseline)$"
)
_SETTING_VALUE = re.compile(r"^\d{1,3}(?:\.\d{1,20})?%(?: \(\d{1,13}/\d{1,13}\))?$")
_FILE_STATUSES = (ADDED, MODIFIED, RENAMED, COPIED, DELETED)
_COUNT_KEYS = ("lines_valid", "lines_covered", "branches_valid", "branches_covered")


_PATCH = (
    "percent", *_COUNT_KEYS, "threshold", "status", "description", "files", "failures", "notes",
    "unreported", "indirect", "waived",
)  # fmt: skip
_PATCH_FILE = (
    "path", "status", "old_path", *_COUNT_KEYS, "covered", "uncovered_ranges",
    "partial_branch_lines",
)  # fmt: skip
TOP_KEYS = (
    "schema_version", "status", "totals", "threshold", "baseline", "baseline_counts",
    "baseline_uncovered", "new_threshold", "new_baseline", "failures", "notes",
    "files_changed", "update", "accepted", "trend", "warnings", "components", "bar_source",
)  # fmt: skip
OPTIONAL_KEYS = (
    "patch", "id", "tolerance", "file_tolerance", "precision", "files_changed_from_base",
    "lowered", "base_bar",
)  # fmt: skip
_BASELINE = ("baseline", "baseline_counts", "baseline_uncovered")
_PLAN = (
    "status", "exit_code", "blockers", "threshold", *_BASELINE, "settings", "lines", "kept",
    "components",
)  # fmt: skip
_COMPONENT = ("name", "status", "percent", "totals", "threshold", *_BASELINE, "failures")
MAX_COMPONENTS = 1_000


class InvalidArtifact(RatchetError):
    def __init__(self, message: str, *, source: str) -> None:
        super().__init__(f"untrusted result rejected: {message}", source=source)


class Checker:
    """Each field of an untrusted result checked for type, range and length (``fail``:
    refused, naming the field)."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> NoReturn:
        raise InvalidArtifact(f"{where}: {message}", source=self.source)

    def obj(
        self, x: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        if not isinstance(x, dict):
            self.fail(where, "must be an object")
        unknown = sorted(set(x) - set(required) - set(optional))
        if unknown:
            self.fail(where, f"unexpected key {unknown[0][:60]!r}")
        missing = [k for k in required if k not in x]
        if missing:
            self.fail(where, f"missing key {missing[0]!r}")
        return x

    def integer(self, x: Any, where: str, hi: int = MAX_COUNT) -> int:
        if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x <= hi:
            self.fail(where, f"must be an integer between 0 and {hi}")
        return x

    def percent(self, x: Any, where: str) -> Decimal:
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            self.fail(where, "must be a number")
        d = Decimal(str(x))
        if not d.is_finite() or not 0 <= d <= 100:
            self.fail(where, "must be a percentage between 0 and 100")
        return d

    def string(self, x: Any, where: str, limit: int) -> str:
        if not isinstance(x, str) or len(x) > limit:
            self.fail(where, f"must be a string of at most {limit} characters")
        return x

    def name(self, x: Any, where: str) -> str:
        """A component's name: what ``[tool.ratchet.components.NAME]`` allows."""
        if not isinstance(x, str) or not COMPONENT_NAME.match(x):
            self.fail(where, "must be a component name (letters, digits, '.', '_', '-')")
        return x

    def array(self, x: Any, where: str, limit: int) -> list[Any]:
        if not isinstance(x, list) or len(x) > limit:
            self.fail(where, f"must be a list of at most {limit} items")
        return x

    def counts(self, x: Any, where: str, *, extra: tuple[str, ...] = ()) -> Counts:
        d = self.obj(x, where, ("percent", *_COUNT_KEYS), extra)
        self.percent(d["percent"], f"{where}.percent")
        lv, lc, bv, bc = (self.integer(d[k], f"{where}.{k}") for k in _COUNT_KEYS)
        if lc > lv or bc > bv:
            self.fail(where, "more covered than measured")
        return Counts(lv, lc, bv, bc)

    def failure(self, x: Any, where: str) -> Failure:
        d = self.obj(x, where, ("kind", "path", "message"), ("component", "cause"))
        kind = self.string(d["kind"], f"{where}.kind", 64)
        if not _KIND.match(kind):
            self.fail(f"{where}.kind", "must be a lower-case identifier")
        path = None if d["path"] is None else self.string(d["path"], f"{where}.path", MAX_PATH)
        component = d.get("component")
        if component is not None:
            component = self.name(component, f"{where}.component")
        message = self.string(d["message"], f"{where}.message", MAX_FAILURE)
        cause = None if d.get("cause") is None else self.cause(d["cause"], f"{where}.cause")
        if cause is not None:
            # ``message`` is the whole sentence (jsonout): what failed, then its cause.
            tail = f"; {cause.sentence()}"
            if not message.endswith(tail):
                self.fail(f"{where}.message", "does not end with its cause")
            message = message.removesuffix(tail)
        return Failure(kind, path, message, component, cause)

    def cause(self, x: Any, where: str) -> Cause:
        d = self.obj(x, where, ("said", "fix", "detail"))
        said, fix, detail = (
            self.string(d[k], f"{where}.{k}", MAX_MESSAGE) for k in ("said", "fix", "detail")
        )
        return Cause(said, fix, detail)

    def component(self, x: Any, where: str) -> ComponentVerdict:
        d = self.obj(x, where, _COMPONENT)
        self.percent(d["percent"], f"{where}.percent")
        totals = self.counts(d["totals"], f"{where}.totals")
        failures = self.failures(d["failures"], f"{where}.failures")
        c = ComponentVerdict(
            name=self.name(d["name"], f"{where}.name"),
            totals=totals,
            threshold=self.percent(d["threshold"], f"{where}.threshold"),
            baseline=self.baseline(
                d["baseline"], d["baseline_counts"], d["baseline_uncovered"], f"{where}.baseline"
            ),
            failures=failures,
        )
        if d["status"] != c.status:
            self.fail(f"{where}.status", "does not match its failures")
        return c

    def bar_source(self, x: Any, where: str) -> BarSource | None:
        if x is None:
            return None
        d = self.obj(x, where, ("config", "ref", "commit"))
        ref, commit = d["ref"], d["commit"]
        return BarSource(
            self.string(d["config"], f"{where}.config", MAX_PATH),
            None if ref is None else self.string(ref, f"{where}.ref", 256),
            None if commit is None else self.string(commit, f"{where}.commit", 64),
        )

    def change(self, x: Any, where: str) -> FileChange:
        d = self.obj(x, where, ("path", "before", "after"))
        path = self.string(d["path"], f"{where}.path", MAX_PATH)
        before = None if d["before"] is None else self.counts(d["before"], f"{where}.before")
        after = None if d["after"] is None else self.counts(d["after"], f"{where}.after")
        if before is None and after is None:
            self.fail(where, "neither before nor after")
        return FileChange(path, before, after)

    def ranges(self, x: Any, where: str) -> tuple[tuple[int, int], ...]:
        out = []
        for i, r in enumerate(self.array(x, where, MAX_LINES)):
            pair = self.array(r, f"{where}[{i}]", 2)
            if len(pair) != 2:
                self.fail(f"{where}[{i}]", "must be [first, last]")
            a, b = (self.integer(n, f"{where}[{i}]", MAX_LINE) for n in pair)
            if not 1 <= a <= b:
                self.fail(f"{where}[{i}]", "must be 1 <= first <= last")
            out.append((a, b))
        return tuple(out)

    def lines(self, x: Any, where: str) -> tuple[int, ...]:
        return tuple(
            self.integer(n, f"{where}[{i}]", MAX_LINE)
            for i, n in enumerate(self.array(x, where, MAX_LINES))
        )

    def patch_file(self, x: Any, where: str) -> PatchFile:
        d = self.obj(x, where, _PATCH_FILE)
        if d["status"] not in _FILE_STATUSES:
            self.fail(f"{where}.status", f"must be one of {', '.join(_FILE_STATUSES)}")
        old = d["old_path"]
        old = None if old is None else self.string(old, f"{where}.old_path", MAX_PATH)
        counts = self.counts({**{k: d[k] for k in _COUNT_KEYS}, "percent": 0}, where)
        return PatchFile(
            path=self.string(d["path"], f"{where}.path", MAX_PATH),
            status=d["status"],
            old_path=old,
            counts=counts,
            uncovered=self.ranges(d["uncovered_ranges"], f"{where}.uncovered_ranges"),
            covered=self.lines(d["covered"], f"{where}.covered"),
            partial=self.lines(d["partial_branch_lines"], f"{where}.partial_branch_lines"),
        )

    def failures(self, x: Any, where: str) -> tuple[Failure, ...]:
        return tuple(
            self.failure(f, f"{where}[{i}]")
            for i, f in enumerate(self.array(x, where, MAX_FAILURES))
        )

    def strings(self, x: Any, where: str, limit: int) -> tuple[str, ...]:
        return tuple(
            self.string(n, f"{where}[{i}]", MAX_MESSAGE)
            for i, n in enumerate(self.array(x, where, limit))
        )

    def patch(self, x: Any, where: str) -> PatchResult:
        d = self.obj(x, where, _PATCH, ("path_prefix", "outside", "untracked", "components"))
        prefix = self.string(d.get("path_prefix", ""), f"{where}.path_prefix", MAX_PATH)
        counts = self.counts({k: d[k] for k in ("percent", *_COUNT_KEYS)}, where)
        threshold = (
            None if d["threshold"] is None else self.percent(d["threshold"], f"{where}.threshold")
        )
        if d["status"] not in ("pass", "fail"):
            self.fail(f"{where}.status", "must be 'pass' or 'fail'")
        files = tuple(
            self.patch_file(f, f"{where}.files[{i}]")
            for i, f in enumerate(self.array(d["files"], f"{where}.files", MAX_FILES))
        )
        failures = self.failures(d["failures"], f"{where}.failures")
        waived = self.failures(d["waived"], f"{where}.waived")
        waived_paths = {w.path for w in waived}
        indirect = []
        for i, ind in enumerate(self.array(d["indirect"], f"{where}.indirect", MAX_FILES)):
            at = f"{where}.indirect[{i}]"
            e = self.obj(ind, at, ("path", "before", "after", "waived"))
            change = self.change({k: e[k] for k in ("path", "before", "after")}, at)
            if e["waived"] is not (change.path in waived_paths):
                self.fail(f"{at}.waived", "does not match the waived list")
            indirect.append(change)
        if (d["status"] == "pass") != (not failures):
            self.fail(f"{where}.status", "does not match its failures")
        return PatchResult(
            description=self.string(d["description"], f"{where}.description", MAX_MESSAGE),
            files=files,
            counts=counts,
            threshold=threshold,
            failures=failures,
            notes=self.strings(d["notes"], f"{where}.notes", MAX_NOTES),
            indirect=tuple(indirect),
            waived=waived,
            unreported=self.strings(d["unreported"], f"{where}.unreported", MAX_FILES),
            prefix=prefix,
            outside=self.strings(d.get("outside", []), f"{where}.outside", MAX_FILES),
            untracked=self.strings(d.get("untracked", []), f"{where}.untracked", MAX_FILES),
            components=tuple(
                self.patch_component(x, f"{where}.components[{i}]")
                for i, x in enumerate(
                    self.array(d.get("components", []), f"{where}.components", MAX_COMPONENTS)
                )
            ),
        )

    def patch_component(self, x: Any, where: str) -> PatchComponent:
        d = self.obj(x, where, ("name", "percent", *_COUNT_KEYS, "threshold"))
        counts = self.counts({k: d[k] for k in ("percent", *_COUNT_KEYS)}, where)
        t = d["threshold"]
        return PatchComponent(
            self.name(d["name"], f"{where}.name"),
            counts,
            None if t is None else self.percent(t, f"{where}.threshold"),
        )

    def baseline(self, percent: Any, counts: Any, uncovered: Any, where: str) -> Baseline | None:
        """A baseline from its percent, its exact counts (or null) and its uncovered count."""
        if percent is None:
            if counts is not None or uncovered is not None:
                self.fail(where, "counts without a baseline")
            return None
        shown = self.percent(percent, where)
        unc = None if uncovered is None else self.integer(uncovered, f"{where}_uncovered")
        if counts is None:
            return Baseline(uncovered=unc, legacy=shown)
        d = self.obj(counts, f"{where}_counts", ("covered", "measured", "branches"))
        covered = self.integer(d["covered"], f"{where}_counts.covered")
        measured = self.integer(d["measured"], f"{where}_counts.measured")
        br = d["branches"]
        branches = None if br is None else self.integer(br, f"{where}_counts.branches")
        if covered > measured or (branches or 0) > measured:
            self.fail(f"{where}_counts", "more covered than measured")
        if unc is not None and unc > measured - covered:
            # As in pyproject.toml: a larger exemption would let that many more lines
            # become uncovered unnoticed.
            self.fail(f"{where}_uncovered", f"more than the {measured - covered} its counts leave")
        b = Baseline(covered, measured, branches, unc)
        if abs(Fraction(shown) - b.percent) > Fraction(1, 10**6):
            self.fail(where, "does not match its counts")
        return b

    def line(self, x: Any, where: str) -> FileLine:
        d = self.obj(x, where, ("path", "old", "new", "reason"))
        old = None if d["old"] is None else self.counts(d["old"], f"{where}.old")
        new = None if d["new"] is None else self.counts(d["new"], f"{where}.new")
        return FileLine(
            self.string(d["path"], f"{where}.path", MAX_PATH),
            old,
            new,
            self.string(d["reason"], f"{where}.reason", 64),
        )

    def plan(self, x: Any, where: str) -> Plan:
        d = self.obj(x, where, _PLAN)
        blockers = []
        for i, b in enumerate(self.array(d["blockers"], f"{where}.blockers", MAX_NOTES)):
            e = self.obj(b, f"{where}.blockers[{i}]", ("kind", "message"))
            if e["kind"] not in (REGRESSION, BAD_INPUT):
                self.fail(f"{where}.blockers[{i}].kind", "unknown")
            message = self.string(e["message"], f"{where}.blockers[{i}].message", MAX_MESSAGE)
            blockers.append(Blocker(e["kind"], message))
        settings = []
        for i, st in enumerate(self.array(d["settings"], f"{where}.settings", 16)):
            at = f"{where}.settings[{i}]"
            e = self.obj(st, at, ("key", "old", "new", "reason"))
            key = self.string(e["key"], f"{at}.key", 100)
            if not _SETTING_KEY.match(key):
                self.fail(f"{at}.key", "must be a threshold or a baseline")
            old, new = (self.setting_value(e[k], f"{at}.{k}") for k in ("old", "new"))
            settings.append(
                Setting(key, old, new, self.string(e["reason"], f"{at}.reason", MAX_REASON))
            )
        lines = [
            self.line(x, f"{where}.lines[{i}]")
            for i, x in enumerate(self.array(d["lines"], f"{where}.lines", MAX_FILES))
        ]
        kept = [
            self.line(x, f"{where}.kept[{i}]")
            for i, x in enumerate(self.array(d["kept"], f"{where}.kept", MAX_FILES))
        ]
        bars = []
        for i, x in enumerate(self.array(d["components"], f"{where}.components", MAX_COMPONENTS)):
            at = f"{where}.components[{i}]"
            e = self.obj(x, at, ("name", "threshold", *_BASELINE))
            bars.append(
                ComponentBar(
                    self.name(e["name"], f"{at}.name"),
                    self.percent(e["threshold"], f"{at}.threshold"),
                    self.baseline(e["baseline"], e["baseline_counts"], e["baseline_uncovered"], at),
                )
            )
        plan = Plan(
            threshold=self.percent(d["threshold"], f"{where}.threshold"),
            baseline=self.baseline(
                d["baseline"], d["baseline_counts"], d["baseline_uncovered"], f"{where}.baseline"
            ),
            settings=tuple(settings),
            lines=tuple(lines),
            kept=tuple(kept),
            blockers=tuple(blockers),
            components=tuple(bars),
        )
        status = "refused" if plan.refused else "changes" if plan.changes else "unchanged"
        if d["status"] != status or d["exit_code"] != plan.exit_code:
            self.fail(f"{where}.status", "does not match the plan")
        return plan

    def setting_value(self, x: Any, where: str) -> str | None:
        if x is None:
            return None
        value = self.string(x, where, 64)
        if not _SETTING_VALUE.match(value):
            self.fail(where, "must be a percent, with a baseline's counts")
        return value

    def events(self, x: Any, where: str, limit: int) -> tuple[Event, ...]:
        out = []
        for i, e in enumerate(self.array(x, where, limit)):
            try:
                event = history.from_line(json.dumps(e))
            except ValueError as err:
                self.fail(f"{where}[{i}]", str(err))
            for j, m in enumerate(event.components):
                self.name(m.name, f"{where}[{i}].components[{j}].name")
            out.append(event)
        return tuple(out)

    def base_bar(self, x: Any, where: str) -> BaseBar | None:
        if x is None:
            return None
        keys = ("threshold", "baseline", "baseline_counts", "baseline_uncovered", "components")
        d = self.obj(x, where, keys)
        components = []
        for i, item in enumerate(
            self.array(d["components"], f"{where}.components", MAX_COMPONENTS)
        ):
            at = f"{where}.components[{i}]"
            c = self.obj(item, at, ("name", "baseline", "baseline_counts", "baseline_uncovered"))
            components.append(
                (
                    self.name(c["name"], f"{at}.name"),
                    self.baseline(
                        c["baseline"],
                        c["baseline_counts"],
                        c["baseline_uncovered"],
                        f"{at}.baseline",
                    ),
                )
            )
        return BaseBar(
            self.percent(d["threshold"], f"{where}.threshold"),
            self.baseline(
                d["baseline"], d["baseline_counts"], d["baseline_uncovered"], f"{where}.baseline"
            ),
            tuple(components),
        )

    def lowerings(self, x: Any, where: str) -> tuple[Lowering, ...]:
        out = []
        for i, item in enumerate(self.array(x, where, MAX_FILES)):
            at = f"{where}[{i}]"
            d = self.obj(item, at, ("key", "old", "new"))
            key, old, new = (
                self.string(d[k], f"{at}.{k}", MAX_MESSAGE) for k in ("key", "old", "new")
            )
            out.append(Lowering(key, old, new))
        return tuple(out)

    def ident(self, x: Any) -> str:
        value = self.string(x, "id", 64)
        try:
            return check_id(value)
        except RatchetError as e:
            self.fail("id", e.message)
