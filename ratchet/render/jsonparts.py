"""The parts of a result's JSON that several others hold (``jsonout``, ``jsonplan``,
``jsonpatch``), both ways: counts, a baseline's three keys, a failure, a file's change."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from ratchet.core.models import Baseline, Counts, InvalidBaseline
from ratchet.core.numbers import as_json_number
from ratchet.core.results import Cause, Failure, FileChange
from ratchet.render.jsonfields import MAX_FAILURES, MAX_FILES, MAX_MESSAGE, MAX_PATH, Fields

COUNT_KEYS = ("lines_valid", "lines_covered", "branches_valid", "branches_covered")
BASELINE_KEYS = ("baseline", "baseline_counts", "baseline_uncovered")
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


# -- counts, baselines ------------------------------------------------------------------------


def counts(c: Counts) -> dict[str, Any]:
    return {
        "percent": c.percent,
        "lines_valid": c.lines_valid,
        "lines_covered": c.lines_covered,
        "branches_valid": c.branches_valid,
        "branches_covered": c.branches_covered,
    }


def load_counts(f: Fields, x: Any, where: str, *, extra: tuple[str, ...] = ()) -> Counts:
    d = f.obj(x, where, ("percent", *COUNT_KEYS), extra)
    f.percent(d["percent"], f"{where}.percent")
    lv, lc, bv, bc = (f.integer(d[k], f"{where}.{k}") for k in COUNT_KEYS)
    if lc > lv or bc > bv:
        f.fail(where, "more covered than measured")
    return Counts(lv, lc, bv, bc)


def load_optional_counts(f: Fields, x: Any, where: str) -> Counts | None:
    return None if x is None else load_counts(f, x, where)


def baseline_percent(b: Baseline | None) -> int | float | None:
    if b is None:
        return None
    return as_json_number(b.legacy) if not b.exact else float(b.percent)


def baseline_dict(b: Baseline | None) -> dict[str, Any] | None:
    """The exact counts of a baseline (None for one recorded as a percent only)."""
    if b is None or not b.exact:
        return None
    return {"covered": b.covered, "measured": b.measured, "branches": b.branches}


def baseline_fields(b: Baseline | None) -> dict[str, Any]:
    """A baseline as three keys beside each other: its percent, counts and uncovered."""
    return {
        "baseline": baseline_percent(b),
        "baseline_counts": baseline_dict(b),
        "baseline_uncovered": b.uncovered if b else None,
    }


def load_baseline(f: Fields, d: dict[str, Any], where: str) -> Baseline | None:
    """The baseline of ``baseline_fields`` (``where`` names its ``baseline`` key)."""
    percent, exact, uncovered = (d[k] for k in BASELINE_KEYS)
    if percent is None:
        if exact is not None or uncovered is not None:
            f.fail(where, "counts without a baseline")
        return None
    shown = f.percent(percent, where)
    unc = None if uncovered is None else f.integer(uncovered, f"{where}_uncovered")
    if exact is None:
        return Baseline(uncovered=unc, legacy=shown)
    e = f.obj(exact, f"{where}_counts", ("covered", "measured", "branches"))
    covered = f.integer(e["covered"], f"{where}_counts.covered")
    measured = f.integer(e["measured"], f"{where}_counts.measured")
    br = e["branches"]
    branches = None if br is None else f.integer(br, f"{where}_counts.branches")
    try:
        b = Baseline(covered, measured, branches, unc)
    except InvalidBaseline as err:
        key = {"uncovered": f"{where}_uncovered", None: f"{where}_counts"}
        f.fail(key.get(err.field, f"{where}_counts.{err.field}"), err.detail)
    if abs(Fraction(shown) - b.percent) > Fraction(1, 10**6):
        f.fail(where, "does not match its counts")
    return b


# -- failures, changes ------------------------------------------------------------------------


def failure_dict(x: Failure) -> dict[str, Any]:
    """``message`` says it all in one sentence; ``cause`` holds its explanation apart (the
    PR comment says failures with one cause once)."""
    cause = None
    if x.cause is not None:
        cause = {"said": x.cause.said, "fix": x.cause.fix, "detail": x.cause.detail}
    return {
        "kind": x.kind,
        "path": x.path,
        "message": x.text,
        "component": x.component,
        "cause": cause,
    }


def load_failure(f: Fields, x: Any, where: str) -> Failure:
    d = f.obj(x, where, ("kind", "path", "message"), ("component", "cause"))
    kind = f.string(d["kind"], f"{where}.kind", 64)
    if not _KIND.match(kind):
        f.fail(f"{where}.kind", "must be a lower-case identifier")
    path = f.optional_string(d["path"], f"{where}.path", MAX_PATH)
    component = d.get("component")
    if component is not None:
        component = f.name(component, f"{where}.component")
    message = f.string(d["message"], f"{where}.message", 2 * MAX_MESSAGE)
    cause = None
    if d.get("cause") is not None:
        c = f.obj(d["cause"], f"{where}.cause", ("said", "fix", "detail"))
        cause = Cause(
            *(f.string(c[k], f"{where}.cause.{k}", MAX_MESSAGE) for k in ("said", "fix", "detail"))
        )
        # ``message`` is the whole sentence: what failed, then its cause.
        tail = f"; {cause.sentence()}"
        if not message.endswith(tail):
            f.fail(f"{where}.message", "does not end with its cause")
        message = message.removesuffix(tail)
    return Failure(kind, path, message, component, cause)


def load_failures(f: Fields, x: Any, where: str) -> tuple[Failure, ...]:
    return f.each(x, where, MAX_FAILURES, load_failure)


def change_dict(c: FileChange) -> dict[str, Any]:
    return {
        "path": c.path,
        "before": counts(c.before) if c.before else None,
        "after": counts(c.after) if c.after else None,
    }


def load_change(f: Fields, x: Any, where: str) -> FileChange:
    d = f.obj(x, where, ("path", "before", "after"))
    path = f.string(d["path"], f"{where}.path", MAX_PATH)
    before = load_optional_counts(f, d["before"], f"{where}.before")
    after = load_optional_counts(f, d["after"], f"{where}.after")
    if before is None and after is None:
        f.fail(where, "neither before nor after")
    return FileChange(path, before, after)


def load_changes(f: Fields, x: Any, where: str) -> tuple[FileChange, ...]:
    return f.each(x, where, MAX_FILES, load_change)
