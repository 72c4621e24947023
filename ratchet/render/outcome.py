"""An Outcome (the total verdict and, with a diff, patch coverage) in each output format."""

from __future__ import annotations

from typing import Any

from ratchet.outcome import Outcome
from ratchet.render import comment, jsonout, text
from ratchet.render import patch as patch_render


def outcome_dict(outcome: Outcome) -> dict[str, Any]:
    """What ``check --format json`` prints, and what the Action's result artifact holds."""
    data = jsonout.verdict_dict(outcome.verdict)
    data["status"] = outcome.status
    if outcome.patch is not None:
        data["patch"] = patch_render.json(outcome.patch)
    return data


def render(outcome: Outcome, fmt: str) -> str:
    if fmt == "json":
        return jsonout.dumps(outcome_dict(outcome))
    if fmt == "markdown":
        return render_markdown(outcome)
    out = text.verdict(outcome.verdict, status=outcome.status)
    if outcome.patch is not None:
        out += patch_render.text(outcome.patch)
    return out


def render_markdown(outcome: Outcome) -> str:
    """The PR comment without its hidden lines: what the job summary shows."""
    return comment.render(comment.result_of(outcome), hidden=False)
