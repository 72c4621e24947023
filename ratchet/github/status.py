"""The commit status ``coverage-ratchet[/id]`` on the PR's head commit."""

from __future__ import annotations

from ratchet.core.models import Baseline
from ratchet.core.numbers import fmt_pct
from ratchet.core.results import Result
from ratchet.github.client import GitHub
from ratchet.render.headline import signed

MAX_DESCRIPTION = 140  # GitHub answers 422 above this


def _percent(b: Baseline) -> str:
    """The baseline as a percent: from its counts, or as an older file recorded it."""
    return f"{fmt_pct(b.percent, 2)}%" if b.exact else f"{b.legacy}%"


def description(result: Result) -> str:
    v = result.verdict
    d = v.delta
    parts = [f"{fmt_pct(v.percent, 2)}%"]
    if d is not None and v.baseline is not None:
        parts.append(f"{signed(d)} vs baseline {_percent(v.baseline)}")
    parts.append(f"threshold {v.threshold}%")
    text = ("pass: " if result.status == "pass" else "fail: ") + ", ".join(parts)
    if result.failures:
        text += f"; {len(result.failures)} failure(s)"
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


def post(
    gh: GitHub,
    repo: str,
    sha: str,
    result: Result,
    *,
    context: str,
    target_url: str | None,
) -> None:
    payload = {
        "state": "success" if result.status == "pass" else "failure",
        "context": context,
        "description": description(result),
    }
    if target_url:
        payload["target_url"] = target_url
    gh.json("POST", f"/repos/{repo}/statuses/{sha}", json=payload)
