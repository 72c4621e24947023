"""A result as ``check --format json`` writes it (``render.jsonout``), read back: the load
half of the result's codec. Whoever opened a pull request controls what a ``workflow_run``
reads, so the reading is defensive: JSON parsed strictly (no NaN, no duplicate keys), every
field checked for type, range and length, unknown keys refused, and the result's numbers
checked against each other (``contradictions``).
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any, NoReturn

from ratchet.core import rules
from ratchet.core.config import Config
from ratchet.core.models import Baseline, Counts, FileCoverage, Report
from ratchet.core.results import (
    FileChange,
    PatchResult,
    Result,
    Verdict,
)
from ratchet.github.fields import (
    MAX_ACCEPTED,
    MAX_COMPONENTS,
    MAX_FILES,
    MAX_NOTES,
    MAX_PRECISION,
    MAX_TREND,
    OPTIONAL_KEYS,
    TOP_KEYS,
    Checker,
    InvalidArtifact,
)
from ratchet.render import jsonout


def parse_result(text: str, *, source: str) -> tuple[Result, str | None]:
    """A ``Result`` and the ``id`` (None when absent) from the JSON of ``ratchet check
    --format json``, checked field by field."""

    def no_constants(name: str) -> NoReturn:
        raise InvalidArtifact(f"{name} is not valid JSON", source=source)

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in pairs:
            if k in out:
                raise InvalidArtifact(f"duplicate key {k[:60]!r}", source=source)
            out[k] = v
        return out

    try:
        data = json.loads(text, parse_constant=no_constants, object_pairs_hook=no_duplicates)
    except (ValueError, RecursionError) as e:
        raise InvalidArtifact(f"not JSON: {str(e)[:200]}", source=source) from None
    c = Checker(source)
    d = c.obj(data, "result", TOP_KEYS, OPTIONAL_KEYS)
    ident = c.ident(d["id"]) if "id" in d else None
    if d["schema_version"] != jsonout.SCHEMA_VERSION:
        c.fail("schema_version", f"must be {jsonout.SCHEMA_VERSION}")
    if d["status"] not in ("pass", "fail"):
        c.fail("status", "must be 'pass' or 'fail'")
    totals = c.counts(d["totals"], "totals", extra=("uncovered",))
    if d["totals"].get("uncovered", totals.missing) != totals.missing:
        c.fail("totals.uncovered", "does not match the counts")
    baseline = c.baseline(d["baseline"], d["baseline_counts"], d["baseline_uncovered"], "baseline")
    failures = c.failures(d["failures"], "failures")
    notes = c.strings(d["notes"], "notes", MAX_NOTES)
    changes = tuple(
        c.change(x, f"files_changed[{i}]")
        for i, x in enumerate(c.array(d["files_changed"], "files_changed", MAX_FILES))
    )
    patch = c.patch(d["patch"], "patch") if d.get("patch") is not None else None
    plan = c.plan(d["update"], "update")
    if c.percent(d["new_threshold"], "new_threshold") != plan.threshold:
        c.fail("new_threshold", "does not match the update")
    components = tuple(
        c.component(x, f"components[{i}]")
        for i, x in enumerate(c.array(d["components"], "components", MAX_COMPONENTS))
    )
    verdict = Verdict(
        totals=totals,
        threshold=c.percent(d["threshold"], "threshold"),
        baseline=baseline,
        failures=failures,
        notes=notes,
        changes=changes,
        before=_before(totals, changes, c),
        components=components,
    )
    waived = {f.message for f in (patch.waived if patch else ())}
    if d["status"] == "pass" and (
        any(f.message not in waived for f in verdict.failures)
        or any(c.failures for c in components)
        or (patch and not patch.passed)
    ):
        c.fail("status", "says pass but lists failures")
    precision = c.integer(d.get("precision", 2), "precision", MAX_PRECISION)
    tolerances = [
        None if d.get(k) is None else c.percent(d[k], k) for k in ("tolerance", "file_tolerance")
    ]
    if d["status"] == "pass":
        failing = contradictions(verdict, patch, *tolerances)
        if failing:
            c.fail("status", f"says pass, but its own numbers fail: {'; '.join(failing)}")
    accepted = c.events(d["accepted"], "accepted", MAX_ACCEPTED)
    lowered = c.lowerings(d.get("lowered", []), "lowered")
    base = c.base_bar(d.get("base_bar"), "base_bar")
    if lowered and not accepted:
        c.fail("lowered", "lists what falls, but no accept event lowers it")
    result = Result(
        verdict,
        d["status"],
        patch,
        plan,
        accepted,
        c.events(d["trend"], "trend", MAX_TREND),
        c.strings(d["warnings"], "warnings", MAX_NOTES),
        c.bar_source(d["bar_source"], "bar_source"),
        precision,
        tuple(
            c.change(x, f"files_changed_from_base[{i}]")
            for i, x in enumerate(
                c.array(d.get("files_changed_from_base", []), "files_changed_from_base", MAX_FILES)
            )
        ),
        lowered,
        base,
    )
    return result, ident


def contradictions(
    v: Verdict,
    patch: PatchResult | None,
    tolerance: Decimal | None,
    file_tolerance: Decimal | None,
) -> list[str]:
    """What a result's own numbers fail by the ratchet's rules (``ratchet.core.rules``, exact
    fractions), whatever its status and failures say. A drop against a baseline is judged
    only when the result states the tolerance it was allowed; the messages name no file
    (file names are the untrusted part)."""
    found = []
    kinds = _fails(v.totals, v.threshold, v.baseline, tolerance)
    if rules.BELOW_THRESHOLD in kinds:
        found.append(f"the total is below the threshold {v.threshold}%")
    if rules.TOTAL_REGRESSION in kinds:
        assert v.baseline is not None
        found.append(
            f"the total fell below the baseline {rules.describe(v.baseline)} by more than "
            f"{tolerance}"
        )
    # Each component by its own numbers, as the total (the names are untrusted too).
    parts = [_fails(c.totals, c.threshold, c.baseline, tolerance) for c in v.components]
    below = sum(rules.BELOW_THRESHOLD in k for k in parts)
    if below:
        found.append(f"{below} component(s) below their threshold")
    fell = sum(rules.TOTAL_REGRESSION in k for k in parts)
    if fell:
        found.append(f"{fell} component(s) fell below their baseline by more than {tolerance}")
    if file_tolerance is not None and v.changes:
        files = rules.evaluate(
            Report(tuple(FileCoverage(ch.path, ch.after) for ch in v.changes if ch.after)),
            Config(file_tolerance=file_tolerance, present=True),
            {ch.path: ch.before for ch in v.changes if ch.before is not None},
        )
        waived = {w.path for w in (patch.waived if patch else ())}
        regressed = [f for f in files.failures if f.path not in waived]
        if regressed:
            found.append(f"{len(regressed)} file(s) lost coverage beyond {file_tolerance}")
    if (
        patch is not None
        and patch.threshold is not None
        and not patch.empty
        and patch.percent < Fraction(patch.threshold)
    ):
        found.append(f"patch coverage is below patch_threshold {patch.threshold}%")
    return found


def _fails(
    totals: Counts, threshold: Decimal, baseline: Baseline | None, tolerance: Decimal | None
) -> set[str]:
    """The kinds of failure ``totals`` has against a threshold and (when the tolerance it was
    allowed is known) a baseline, by ``ratchet.core.rules``."""
    verdict = rules.evaluate(
        Report((FileCoverage("total", totals),)),
        Config(
            threshold=threshold,
            baseline=baseline if tolerance is not None else None,
            tolerance=tolerance or Decimal(0),
            present=True,
        ),
    )
    return {f.kind for f in verdict.failures}


def _before(totals: Counts, changes: tuple[FileChange, ...], c: Checker) -> Counts | None:
    """The per-file baseline's totals: today's minus what the changed files gained."""
    if not changes:
        return None
    lv, lc, bv, bc = (
        totals.lines_valid,
        totals.lines_covered,
        totals.branches_valid,
        totals.branches_covered,
    )
    for ch in changes:
        for counts, sign in ((ch.before, 1), (ch.after, -1)):
            if counts is not None:
                lv += sign * counts.lines_valid
                lc += sign * counts.lines_covered
                bv += sign * counts.branches_valid
                bc += sign * counts.branches_covered
    if min(lv, lc, bv, bc) < 0 or lc > lv or bc > bv:
        c.fail("files_changed", "inconsistent with totals")
    return Counts(lv, lc, bv, bc)
