"""The patch's part of a result's JSON (``patch``), both ways: the changed lines, each
file's and each component's. See ``jsonout``."""

from __future__ import annotations

from typing import Any

from ratchet.core.diff import ADDED, COPIED, DELETED, MODIFIED, RENAMED
from ratchet.core.numbers import as_json_number
from ratchet.core.results import FileChange, PatchComponent, PatchFile, PatchResult
from ratchet.render.jsonfields import (
    MAX_COMPONENTS,
    MAX_FILES,
    MAX_MESSAGE,
    MAX_NOTES,
    MAX_PATH,
    Fields,
)
from ratchet.render.jsonparts import (
    COUNT_KEYS,
    counts,
    failure_dict,
    load_change,
    load_counts,
    load_failures,
)

_KEYS = (
    "percent", *COUNT_KEYS, "threshold", "status", "description", "files", "failures", "notes",
    "unreported", "indirect", "waived",
)  # fmt: skip
_OPTIONAL = ("path_prefix", "outside", "untracked", "components")
_FILE = (
    "path", "status", "old_path", *COUNT_KEYS, "covered", "uncovered_ranges",
    "partial_branch_lines",
)  # fmt: skip
_FILE_STATUSES = (ADDED, MODIFIED, RENAMED, COPIED, DELETED)


def file_dict(x: PatchFile) -> dict[str, Any]:
    return {
        "path": x.path,
        "status": x.status,
        "old_path": x.old_path,
        "lines_valid": x.counts.lines_valid,
        "lines_covered": x.counts.lines_covered,
        "branches_valid": x.counts.branches_valid,
        "branches_covered": x.counts.branches_covered,
        "covered": list(x.covered),
        "uncovered_ranges": [[a, b] for a, b in x.uncovered],
        "partial_branch_lines": list(x.partial),
    }


def load_file(f: Fields, x: Any, where: str) -> PatchFile:
    d = f.obj(x, where, _FILE)
    if d["status"] not in _FILE_STATUSES:
        f.fail(f"{where}.status", f"must be one of {', '.join(_FILE_STATUSES)}")
    return PatchFile(
        path=f.string(d["path"], f"{where}.path", MAX_PATH),
        status=d["status"],
        old_path=f.optional_string(d["old_path"], f"{where}.old_path", MAX_PATH),
        counts=load_counts(f, {**{k: d[k] for k in COUNT_KEYS}, "percent": 0}, where),
        uncovered=f.ranges(d["uncovered_ranges"], f"{where}.uncovered_ranges"),
        covered=f.lines(d["covered"], f"{where}.covered"),
        partial=f.lines(d["partial_branch_lines"], f"{where}.partial_branch_lines"),
    )


def dump(p: PatchResult) -> dict[str, Any]:
    waived = {w.path for w in p.waived}
    return {
        **counts(p.counts),
        "threshold": as_json_number(p.threshold),
        "status": p.status,
        "description": p.description,
        "path_prefix": p.prefix,
        "files": [file_dict(x) for x in p.files],
        "failures": [failure_dict(x) for x in p.failures],
        "notes": list(p.notes),
        "unreported": list(p.unreported),
        "outside": list(p.outside),
        "untracked": list(p.untracked),
        "indirect": [
            {
                "path": c.path,
                "before": counts(c.before) if c.before else None,
                "after": counts(c.after) if c.after else None,
                "waived": c.path in waived,
            }
            for c in p.indirect
        ],
        "waived": [failure_dict(x) for x in p.waived],
        "components": [
            {"name": c.name, **counts(c.counts), "threshold": as_json_number(c.threshold)}
            for c in p.components
        ],
    }


def load(f: Fields, x: Any, where: str) -> PatchResult:
    d = f.obj(x, where, _KEYS, _OPTIONAL)
    prefix = f.string(d.get("path_prefix", ""), f"{where}.path_prefix", MAX_PATH)
    totals = load_counts(f, {k: d[k] for k in ("percent", *COUNT_KEYS)}, where)
    threshold = f.optional_percent(d["threshold"], f"{where}.threshold")
    if d["status"] not in ("pass", "fail"):
        f.fail(f"{where}.status", "must be 'pass' or 'fail'")
    files = f.each(d["files"], f"{where}.files", MAX_FILES, load_file)
    failures = load_failures(f, d["failures"], f"{where}.failures")
    waived = load_failures(f, d["waived"], f"{where}.waived")
    waived_paths = {w.path for w in waived}

    def indirect(f: Fields, x: Any, at: str) -> FileChange:
        e = f.obj(x, at, ("path", "before", "after", "waived"))
        change = load_change(f, {k: e[k] for k in ("path", "before", "after")}, at)
        if e["waived"] is not (change.path in waived_paths):
            f.fail(f"{at}.waived", "does not match the waived list")
        return change

    indirect_changes = f.each(d["indirect"], f"{where}.indirect", MAX_FILES, indirect)
    if (d["status"] == "pass") != (not failures):
        f.fail(f"{where}.status", "does not match its failures")
    return PatchResult(
        description=f.string(d["description"], f"{where}.description", MAX_MESSAGE),
        files=files,
        counts=totals,
        threshold=threshold,
        failures=failures,
        notes=f.strings(d["notes"], f"{where}.notes", MAX_NOTES),
        indirect=indirect_changes,
        waived=waived,
        unreported=f.strings(d["unreported"], f"{where}.unreported", MAX_FILES),
        prefix=prefix,
        outside=f.strings(d.get("outside", []), f"{where}.outside", MAX_FILES),
        untracked=f.strings(d.get("untracked", []), f"{where}.untracked", MAX_FILES),
        components=f.each(
            d.get("components", []), f"{where}.components", MAX_COMPONENTS, _load_component
        ),
    )


def _load_component(f: Fields, x: Any, where: str) -> PatchComponent:
    d = f.obj(x, where, ("name", "percent", *COUNT_KEYS, "threshold"))
    return PatchComponent(
        f.name(d["name"], f"{where}.name"),
        load_counts(f, {k: d[k] for k in ("percent", *COUNT_KEYS)}, where),
        f.optional_percent(d["threshold"], f"{where}.threshold"),
    )
