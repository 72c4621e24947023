"""The JSON output: a documented, stable interface (see README, "JSON output").

Percent values are floats computed as coverage.py computes them; the counts beside them
are exact. Thresholds and baselines are the numbers as configured.
"""

from __future__ import annotations

import json
from typing import Any

from ratchet.core.models import Baseline, Counts, FileCoverage, Report
from ratchet.core.numbers import as_json_number
from ratchet.core.results import (
    BarSource,
    BaseBar,
    Event,
    Failure,
    FileChange,
    FileLine,
    Lowering,
    Plan,
    Verdict,
)

SCHEMA_VERSION = 1


def counts(c: Counts) -> dict[str, Any]:
    return {
        "percent": c.percent,
        "lines_valid": c.lines_valid,
        "lines_covered": c.lines_covered,
        "branches_valid": c.branches_valid,
        "branches_covered": c.branches_covered,
    }


def file_entry(f: FileCoverage) -> dict[str, Any]:
    return {"path": f.path, **counts(f.counts), "missing_lines": list(f.missing_lines)}


def report_dict(rep: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "reports": list(rep.sources),
        "totals": counts(rep.totals),
        "files": [file_entry(f) for f in rep.files],
    }


def baseline_dict(b: Baseline | None) -> dict[str, Any] | None:
    """The exact counts of a baseline (None for one recorded as a percent only)."""
    if b is None or not b.exact:
        return None
    return {"covered": b.covered, "measured": b.measured, "branches": b.branches}


def base_bar_dict(b: BaseBar | None) -> dict[str, Any] | None:
    """The total's bar at the baseline ref (null without one)."""
    if b is None:
        return None
    return {
        "threshold": as_json_number(b.threshold),
        "baseline": baseline_percent(b.baseline),
        "baseline_counts": baseline_dict(b.baseline),
        "baseline_uncovered": b.baseline.uncovered if b.baseline else None,
        "components": [
            {
                "name": name,
                "baseline": baseline_percent(c),
                "baseline_counts": baseline_dict(c),
                "baseline_uncovered": c.uncovered if c else None,
            }
            for name, c in b.components
        ],
    }


def baseline_percent(b: Baseline | None) -> int | float | None:
    if b is None:
        return None
    return as_json_number(b.legacy) if not b.exact else float(b.percent)


def verdict_dict(v: Verdict) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "status": v.status,
        "totals": {**counts(v.totals), "uncovered": v.totals.missing},
        "threshold": as_json_number(v.threshold),
        "baseline": baseline_percent(v.baseline),
        "baseline_counts": baseline_dict(v.baseline),
        "baseline_uncovered": v.baseline.uncovered if v.baseline else None,
        "failures": [failure_dict(f) for f in v.failures],
        "notes": list(v.notes),
        "files_changed": [change_dict(c) for c in v.changes],
        "components": [
            {
                "name": c.name,
                "status": c.status,
                "percent": c.totals.percent,
                "totals": counts(c.totals),
                "threshold": as_json_number(c.threshold),
                "baseline": baseline_percent(c.baseline),
                "baseline_counts": baseline_dict(c.baseline),
                "baseline_uncovered": c.baseline.uncovered if c.baseline else None,
                "failures": [failure_dict(f) for f in c.failures],
            }
            for c in v.components
        ],
    }


def change_dict(c: FileChange) -> dict[str, Any]:
    return {
        "path": c.path,
        "before": counts(c.before) if c.before else None,
        "after": counts(c.after) if c.after else None,
    }


def failure_dict(f: Failure) -> dict[str, Any]:
    """``message`` says it all in one sentence; ``cause`` holds its explanation apart (the
    PR comment says failures with one cause once)."""
    cause = None
    if f.cause is not None:
        cause = {"said": f.cause.said, "fix": f.cause.fix, "detail": f.cause.detail}
    return {
        "kind": f.kind,
        "path": f.path,
        "message": f.text,
        "component": f.component,
        "cause": cause,
    }


def source_dict(s: BarSource | None) -> dict[str, Any] | None:
    """Where the bar came from: a ref and its commit, or (``ref`` null) the working copy."""
    if s is None:
        return None
    return {"config": s.config, "ref": s.ref, "commit": s.commit}


def plan_dict(p: Plan) -> dict[str, Any]:
    """What ``ratchet update`` records, every value and line old -> new with the reason."""
    return {
        "status": "refused" if p.refused else "changes" if p.changes else "unchanged",
        "exit_code": p.exit_code,
        "blockers": [{"kind": b.kind, "message": b.message} for b in p.blockers],
        "threshold": as_json_number(p.threshold),
        "baseline": baseline_percent(p.baseline),
        "baseline_counts": baseline_dict(p.baseline),
        "baseline_uncovered": p.baseline.uncovered if p.baseline else None,
        "settings": [
            {"key": s.key, "old": s.old, "new": s.new, "reason": s.reason} for s in p.settings
        ],
        "lines": [line_dict(line) for line in p.lines],
        "kept": [line_dict(line) for line in p.kept],
        "components": [
            {
                "name": c.name,
                "threshold": as_json_number(c.threshold),
                "baseline": baseline_percent(c.baseline),
                "baseline_counts": baseline_dict(c.baseline),
                "baseline_uncovered": c.baseline.uncovered if c.baseline else None,
            }
            for c in p.components
        ],
    }


def line_dict(line: FileLine) -> dict[str, Any]:
    return {
        "path": line.path,
        "old": counts(line.old) if line.old else None,
        "new": counts(line.new) if line.new else None,
        "reason": line.reason,
    }


def event_dict(e: Event) -> dict[str, Any]:
    """A history event, as in the history file (``ratchet.store.history``)."""
    from ratchet.store import history

    data: dict[str, Any] = json.loads(history.to_line(e))
    return data


def lowering_dict(x: Lowering) -> dict[str, Any]:
    """A requirement a change lowers: its value at the base ref and on the branch, as text."""
    return {"key": x.key, "old": x.old, "new": x.new}


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2) + "\n"
