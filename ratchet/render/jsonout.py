"""The JSON of a result, both ways: a documented, stable interface (README, "JSON output";
docs/json.md; docs/schema/check.schema.json).

``dump`` writes what ``check --format json`` prints and the Action's result artifact holds;
``load`` reads it back into the same frozen values: ``load(dump(r)) == r``
(tests/render/test_jsonout.py). Each ``x``/``load_x`` pair is one part of the shape, written
once: here the verdict and the result, in ``jsonplan`` the plan, in ``jsonpatch`` the changed
lines, in ``jsonparts`` what they share. Loading holds every field to ``jsonfields.Fields``
(type, range, length: the JSON may come from a fork) and every derived field (a status, a
percent beside its counts, ``uncovered``) to what ``dump`` would have written.

Percent values are floats computed as coverage.py computes them; the counts beside them
are exact. Thresholds and baselines are the numbers as configured.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, NamedTuple

from ratchet.core.models import Baseline, Counts, FileCoverage, Report
from ratchet.core.numbers import as_json_number
from ratchet.core.results import (
    BarSource,
    BaseBar,
    ComponentVerdict,
    Event,
    FileChange,
    Lowering,
    Result,
    Verdict,
)
from ratchet.render import jsonpatch, jsonplan
from ratchet.render.jsonfields import (
    MAX_ACCEPTED,
    MAX_COMPONENTS,
    MAX_FILES,
    MAX_MESSAGE,
    MAX_NOTES,
    MAX_PATH,
    MAX_PRECISION,
    MAX_TREND,
    Fields,
)
from ratchet.render.jsonparts import (
    BASELINE_KEYS,
    baseline_fields,
    baseline_percent,
    change_dict,
    counts,
    failure_dict,
    load_baseline,
    load_changes,
    load_counts,
    load_failures,
)
from ratchet.store import history

SCHEMA_VERSION = 1
TOP_KEYS = (
    "schema_version", "status", "totals", "threshold", *BASELINE_KEYS, "new_threshold",
    "new_baseline", "failures", "notes", "files_changed", "update", "accepted", "trend",
    "warnings", "components", "bar_source",
)  # fmt: skip
# ``id``, ``tolerance`` and ``file_tolerance``: the Action's artifact only.
OPTIONAL_KEYS = (
    "patch", "id", "tolerance", "file_tolerance", "precision", "files_changed_from_base",
    "lowered", "base_bar",
)  # fmt: skip
_COMPONENT = ("name", "status", "percent", "totals", "threshold", *BASELINE_KEYS, "failures")


# -- the verdict ------------------------------------------------------------------------------


def component_dict(c: ComponentVerdict) -> dict[str, Any]:
    return {
        "name": c.name,
        "status": c.status,
        "percent": c.totals.percent,
        "totals": counts(c.totals),
        "threshold": as_json_number(c.threshold),
        **baseline_fields(c.baseline),
        "failures": [failure_dict(x) for x in c.failures],
    }


def load_component(f: Fields, x: Any, where: str) -> ComponentVerdict:
    d = f.obj(x, where, _COMPONENT)
    f.percent(d["percent"], f"{where}.percent")
    totals = load_counts(f, d["totals"], f"{where}.totals")
    failures = load_failures(f, d["failures"], f"{where}.failures")
    c = ComponentVerdict(
        name=f.name(d["name"], f"{where}.name"),
        totals=totals,
        threshold=f.percent(d["threshold"], f"{where}.threshold"),
        baseline=load_baseline(f, d, f"{where}.baseline"),
        failures=failures,
    )
    if d["status"] != c.status:
        f.fail(f"{where}.status", "does not match its failures")
    return c


def verdict_dict(v: Verdict) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "status": v.status,
        "totals": {**counts(v.totals), "uncovered": v.totals.missing},
        "threshold": as_json_number(v.threshold),
        **baseline_fields(v.baseline),
        "failures": [failure_dict(x) for x in v.failures],
        "notes": list(v.notes),
        "files_changed": [change_dict(c) for c in v.changes],
        "components": [component_dict(c) for c in v.components],
    }


def load_verdict(f: Fields, d: dict[str, Any]) -> Verdict:
    """The verdict's keys of a result (``d``, checked for its keys already)."""
    if d["schema_version"] != SCHEMA_VERSION:
        f.fail("schema_version", f"must be {SCHEMA_VERSION}")
    totals = load_counts(f, d["totals"], "totals", extra=("uncovered",))
    if d["totals"].get("uncovered", totals.missing) != totals.missing:
        f.fail("totals.uncovered", "does not match the counts")
    changes = load_changes(f, d["files_changed"], "files_changed")
    return Verdict(
        totals=totals,
        threshold=f.percent(d["threshold"], "threshold"),
        baseline=load_baseline(f, d, "baseline"),
        failures=load_failures(f, d["failures"], "failures"),
        notes=f.strings(d["notes"], "notes", MAX_NOTES),
        changes=changes,
        before=_before(f, totals, changes),
        components=f.each(d["components"], "components", MAX_COMPONENTS, load_component),
    )


def _before(f: Fields, totals: Counts, changes: tuple[FileChange, ...]) -> Counts | None:
    """The per-file baseline's totals (not written): today's minus what the changed files
    gained."""
    if not changes:
        return None
    lv, lc, bv, bc = (
        totals.lines_valid,
        totals.lines_covered,
        totals.branches_valid,
        totals.branches_covered,
    )
    for ch in changes:
        for c, sign in ((ch.before, 1), (ch.after, -1)):
            if c is not None:
                lv += sign * c.lines_valid
                lc += sign * c.lines_covered
                bv += sign * c.branches_valid
                bc += sign * c.branches_covered
    if min(lv, lc, bv, bc) < 0 or lc > lv or bc > bv:
        f.fail("files_changed", "inconsistent with totals")
    return Counts(lv, lc, bv, bc)


# -- the bar's story: where it came from, its events, what a change lowers -------------------


def source_dict(s: BarSource | None) -> dict[str, Any] | None:
    """Where the bar came from: a ref and its commit, or (``ref`` null) the working copy."""
    if s is None:
        return None
    return {"config": s.config, "ref": s.ref, "commit": s.commit}


def load_source(f: Fields, x: Any, where: str) -> BarSource | None:
    if x is None:
        return None
    d = f.obj(x, where, ("config", "ref", "commit"))
    return BarSource(
        f.string(d["config"], f"{where}.config", MAX_PATH),
        f.optional_string(d["ref"], f"{where}.ref", 256),
        f.optional_string(d["commit"], f"{where}.commit", 64),
    )


def event_dict(e: Event) -> dict[str, Any]:
    """A history event, as in the history file (``ratchet.store.history``)."""
    data: dict[str, Any] = json.loads(history.to_line(e))
    return data


def load_event(f: Fields, x: Any, where: str) -> Event:
    try:
        event = history.from_line(json.dumps(x))
    except ValueError as err:
        f.fail(where, str(err))
    for j, m in enumerate(event.components):
        f.name(m.name, f"{where}.components[{j}].name")
    return event


def lowering_dict(x: Lowering) -> dict[str, Any]:
    """A requirement a change lowers: its value at the base ref and on the branch, as text."""
    return {"key": x.key, "old": x.old, "new": x.new}


def load_lowering(f: Fields, x: Any, where: str) -> Lowering:
    d = f.obj(x, where, ("key", "old", "new"))
    return Lowering(*(f.string(d[k], f"{where}.{k}", MAX_MESSAGE) for k in ("key", "old", "new")))


def base_bar_dict(b: BaseBar | None) -> dict[str, Any] | None:
    """The total's bar at the baseline ref (null without one)."""
    if b is None:
        return None
    return {
        "threshold": as_json_number(b.threshold),
        **baseline_fields(b.baseline),
        "components": [{"name": name, **baseline_fields(c)} for name, c in b.components],
    }


def load_base_bar(f: Fields, x: Any, where: str) -> BaseBar | None:
    if x is None:
        return None
    d = f.obj(x, where, ("threshold", *BASELINE_KEYS, "components"))

    def component(f: Fields, item: Any, at: str) -> tuple[str, Baseline | None]:
        c = f.obj(item, at, ("name", *BASELINE_KEYS))
        return f.name(c["name"], f"{at}.name"), load_baseline(f, c, f"{at}.baseline")

    return BaseBar(
        f.percent(d["threshold"], f"{where}.threshold"),
        load_baseline(f, d, f"{where}.baseline"),
        f.each(d["components"], f"{where}.components", MAX_COMPONENTS, component),
    )


# -- the result -------------------------------------------------------------------------------


class Loaded(NamedTuple):
    """A result read back, and what the Action's artifact says beside it."""

    result: Result
    ident: str | None  # None: no ``id`` (``check --format json`` as is)
    tolerance: Decimal | None  # the tolerances the verdict was allowed (None: not said)
    file_tolerance: Decimal | None


def dump(
    r: Result,
    *,
    tolerance: Decimal | None = None,
    file_tolerance: Decimal | None = None,
) -> dict[str, Any]:
    """What ``check --format json`` prints; with the tolerances, what the Action's artifact
    holds (``with_id`` adds its id)."""
    data = verdict_dict(r.verdict)
    data["status"] = r.status
    plan = r.plan
    if plan is not None:
        # The two values of schema 1, kept beside the whole plan.
        data["new_threshold"] = as_json_number(plan.threshold)
        data["new_baseline"] = baseline_percent(plan.baseline)
        data["update"] = jsonplan.dump(plan)
    data["accepted"] = [event_dict(e) for e in r.accepted]
    data["lowered"] = [lowering_dict(x) for x in r.lowered]
    data["trend"] = [event_dict(e) for e in r.trend]
    data["warnings"] = list(r.warnings)
    data["bar_source"] = source_dict(r.source)
    data["precision"] = r.precision
    data["files_changed_from_base"] = [change_dict(c) for c in r.base_changes]
    data["base_bar"] = base_bar_dict(r.base)
    if r.patch is not None:
        data["patch"] = jsonpatch.dump(r.patch)
    if tolerance is not None or file_tolerance is not None:
        # They let the privileged half of the Action re-derive the verdict from the numbers.
        data["tolerance"] = as_json_number(tolerance)
        data["file_tolerance"] = as_json_number(file_tolerance)
    return data


def with_id(data: dict[str, Any], ident: str) -> dict[str, Any]:
    """The artifact's result: ``dump``'s, and the Action's ``id``."""
    return {**data, "id": ident}


def load(f: Fields, x: Any) -> Loaded:
    """The inverse of ``dump`` (and ``with_id``)."""
    d = f.obj(x, "result", TOP_KEYS, OPTIONAL_KEYS)
    if d["status"] not in ("pass", "fail"):
        f.fail("status", "must be 'pass' or 'fail'")
    verdict = load_verdict(f, d)
    plan = jsonplan.load(f, d["update"], "update")
    if f.percent(d["new_threshold"], "new_threshold") != plan.threshold:
        f.fail("new_threshold", "does not match the update")
    patch = jsonpatch.load(f, d["patch"], "patch") if d.get("patch") is not None else None
    result = Result(
        verdict,
        d["status"],
        patch,
        plan,
        f.each(d["accepted"], "accepted", MAX_ACCEPTED, load_event),
        f.each(d["trend"], "trend", MAX_TREND, load_event),
        f.strings(d["warnings"], "warnings", MAX_NOTES),
        load_source(f, d["bar_source"], "bar_source"),
        f.integer(d.get("precision", 2), "precision", MAX_PRECISION),
        load_changes(f, d.get("files_changed_from_base", []), "files_changed_from_base"),
        f.each(d.get("lowered", []), "lowered", MAX_FILES, load_lowering),
        load_base_bar(f, d.get("base_bar"), "base_bar"),
    )
    ident = f.string(d["id"], "id", 64) if "id" in d else None
    tolerances = (f.optional_percent(d.get(k), k) for k in ("tolerance", "file_tolerance"))
    return Loaded(result, ident, *tolerances)


# -- ``ratchet report --format json`` (written only) ------------------------------------------


def file_entry(x: FileCoverage) -> dict[str, Any]:
    return {"path": x.path, **counts(x.counts), "missing_lines": list(x.missing_lines)}


def report_dict(rep: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "reports": list(rep.sources),
        "totals": counts(rep.totals),
        "files": [file_entry(x) for x in rep.files],
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2) + "\n"
