"""The plan's part of a result's JSON (``update``), both ways: what ``ratchet update``
records, every value and line old -> new with the reason. See ``jsonout``."""

from __future__ import annotations

import re
from typing import Any

from ratchet.core.numbers import as_json_number
from ratchet.core.results import (
    BAD_INPUT,
    REGRESSION,
    Blocker,
    ComponentBar,
    FileLine,
    Plan,
    Setting,
)
from ratchet.render.jsonfields import (
    MAX_COMPONENTS,
    MAX_FILES,
    MAX_MESSAGE,
    MAX_NOTES,
    MAX_PATH,
    MAX_REASON,
    Fields,
)
from ratchet.render.jsonparts import (
    BASELINE_KEYS,
    baseline_fields,
    counts,
    load_baseline,
    load_optional_counts,
)

_KEYS = (
    "status", "exit_code", "blockers", "threshold", *BASELINE_KEYS, "settings", "lines", "kept",
    "components",
)  # fmt: skip
# What update's settings can be: the total's or a component's threshold or baseline, as
# ``ratchet.core.plan`` writes them (a percent, and a baseline's counts).
_SETTING_KEY = re.compile(
    r"^(?:components\.[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\.)?(?:threshold|baseline)$"
)
_SETTING_VALUE = re.compile(r"^\d{1,3}(?:\.\d{1,20})?%(?: \(\d{1,13}/\d{1,13}\))?$")
MAX_SETTINGS = 16


def status(p: Plan) -> str:
    return "refused" if p.refused else "changes" if p.changes else "unchanged"


def dump(p: Plan) -> dict[str, Any]:
    return {
        "status": status(p),
        "exit_code": p.exit_code,
        "blockers": [{"kind": b.kind, "message": b.message} for b in p.blockers],
        "threshold": as_json_number(p.threshold),
        **baseline_fields(p.baseline),
        "settings": [
            {"key": s.key, "old": s.old, "new": s.new, "reason": s.reason} for s in p.settings
        ],
        "lines": [line_dict(line) for line in p.lines],
        "kept": [line_dict(line) for line in p.kept],
        "components": [
            {
                "name": c.name,
                "threshold": as_json_number(c.threshold),
                **baseline_fields(c.baseline),
            }
            for c in p.components
        ],
    }


def load(f: Fields, x: Any, where: str) -> Plan:
    d = f.obj(x, where, _KEYS)
    plan = Plan(
        threshold=f.percent(d["threshold"], f"{where}.threshold"),
        baseline=load_baseline(f, d, f"{where}.baseline"),
        settings=f.each(d["settings"], f"{where}.settings", MAX_SETTINGS, _load_setting),
        lines=f.each(d["lines"], f"{where}.lines", MAX_FILES, load_line),
        kept=f.each(d["kept"], f"{where}.kept", MAX_FILES, load_line),
        blockers=f.each(d["blockers"], f"{where}.blockers", MAX_NOTES, _load_blocker),
        components=f.each(d["components"], f"{where}.components", MAX_COMPONENTS, _load_bar),
    )
    if d["status"] != status(plan) or d["exit_code"] != plan.exit_code:
        f.fail(f"{where}.status", "does not match the plan")
    return plan


def _load_blocker(f: Fields, x: Any, where: str) -> Blocker:
    e = f.obj(x, where, ("kind", "message"))
    if e["kind"] not in (REGRESSION, BAD_INPUT):
        f.fail(f"{where}.kind", "unknown")
    return Blocker(e["kind"], f.string(e["message"], f"{where}.message", MAX_MESSAGE))


def _load_setting(f: Fields, x: Any, where: str) -> Setting:
    e = f.obj(x, where, ("key", "old", "new", "reason"))
    key = f.string(e["key"], f"{where}.key", 100)
    if not _SETTING_KEY.match(key):
        f.fail(f"{where}.key", "must be a threshold or a baseline")
    old, new = (_setting_value(f, e[k], f"{where}.{k}") for k in ("old", "new"))
    return Setting(key, old, new, f.string(e["reason"], f"{where}.reason", MAX_REASON))


def _setting_value(f: Fields, x: Any, where: str) -> str | None:
    if x is None:
        return None
    value = f.string(x, where, 64)
    if not _SETTING_VALUE.match(value):
        f.fail(where, "must be a percent, with a baseline's counts")
    return value


def _load_bar(f: Fields, x: Any, where: str) -> ComponentBar:
    e = f.obj(x, where, ("name", "threshold", *BASELINE_KEYS))
    return ComponentBar(
        f.name(e["name"], f"{where}.name"),
        f.percent(e["threshold"], f"{where}.threshold"),
        load_baseline(f, e, f"{where}.baseline"),
    )


def line_dict(line: FileLine) -> dict[str, Any]:
    return {
        "path": line.path,
        "old": counts(line.old) if line.old else None,
        "new": counts(line.new) if line.new else None,
        "reason": line.reason,
    }


def load_line(f: Fields, x: Any, where: str) -> FileLine:
    d = f.obj(x, where, ("path", "old", "new", "reason"))
    return FileLine(
        f.string(d["path"], f"{where}.path", MAX_PATH),
        load_optional_counts(f, d["old"], f"{where}.old"),
        load_optional_counts(f, d["new"], f"{where}.new"),
        f.string(d["reason"], f"{where}.reason", 64),
    )
