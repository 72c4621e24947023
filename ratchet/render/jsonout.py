"""The JSON output: a documented, stable interface (see README, "JSON output").

Percent values are floats computed as coverage.py computes them; the counts beside them
are exact. Thresholds and baselines are the numbers as configured.
"""

from __future__ import annotations

import json
from typing import Any

from ratchet.models import Counts, FileCoverage, Report
from ratchet.numbers import as_json_number
from ratchet.rules import Verdict

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


def verdict_dict(v: Verdict) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "status": v.status,
        "totals": {**counts(v.totals), "uncovered": v.totals.missing},
        "threshold": as_json_number(v.threshold),
        "baseline": as_json_number(v.baseline),
        "baseline_uncovered": v.baseline_uncovered,
        "new_threshold": as_json_number(v.new_threshold),
        "new_baseline": as_json_number(v.new_baseline),
        "failures": [{"kind": f.kind, "path": f.path, "message": f.message} for f in v.failures],
        "notes": list(v.notes),
        "files_changed": [
            {
                "path": c.path,
                "before": counts(c.before) if c.before else None,
                "after": counts(c.after) if c.after else None,
            }
            for c in v.changes
        ],
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2) + "\n"
