"""A result artifact read back and trusted no further than its numbers go. Whoever opened a
pull request controls what a ``workflow_run`` reads, so the reading is defensive: JSON parsed
strictly (no NaN, no duplicate keys); every field checked for type, range and length and
unknown keys refused (``render.jsonout.load``, the result's codec); the id held to what
``id`` may be; and the result's status checked against its own numbers (``contradictions``).
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any, NoReturn

from ratchet.core import rules
from ratchet.core.config import Config
from ratchet.core.models import Baseline, Counts, FileCoverage, Report
from ratchet.core.results import PatchResult, Result, Verdict
from ratchet.errors import RatchetError
from ratchet.github.settings import check_id
from ratchet.render import jsonout
from ratchet.render.jsonfields import Fields, InvalidArtifact


def parse_result(text: str, *, source: str) -> tuple[Result, str | None]:
    """A ``Result`` and the ``id`` (None when absent) from the JSON of ``ratchet check
    --format json``, checked field by field (``jsonout.load``) and for what its numbers say."""
    f = Fields(source)
    loaded = jsonout.load(f, _strict_json(text, source))
    ident = loaded.ident
    if ident is not None:
        try:
            check_id(ident)
        except RatchetError as e:
            f.fail("id", e.message)
    result = loaded.result
    verdict, patch = result.verdict, result.patch
    waived = {x.message for x in (patch.waived if patch else ())}
    if result.status == "pass" and (
        any(x.message not in waived for x in verdict.failures)
        or any(c.failures for c in verdict.components)
        or (patch and not patch.passed)
    ):
        f.fail("status", "says pass but lists failures")
    if result.status == "pass":
        failing = contradictions(verdict, patch, loaded.tolerance, loaded.file_tolerance)
        if failing:
            f.fail("status", f"says pass, but its own numbers fail: {'; '.join(failing)}")
    if result.lowered and not result.accepted:
        f.fail("lowered", "lists what falls, but no accept event lowers it")
    return result, ident


def _strict_json(text: str, source: str) -> Any:
    """JSON with no NaN or Infinity and no key twice (Python's parser allows both)."""

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
        return json.loads(text, parse_constant=no_constants, object_pairs_hook=no_duplicates)
    except (ValueError, RecursionError) as e:
        raise InvalidArtifact(f"not JSON: {str(e)[:200]}", source=source) from None


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
