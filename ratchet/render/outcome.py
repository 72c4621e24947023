"""An Outcome (the total verdict, what update would record and, with a diff, patch
coverage) in each output format."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ratchet.core.numbers import as_json_number
from ratchet.core.results import Outcome, Result
from ratchet.render import jsonout, terminal
from ratchet.render import patch as patch_render

if TYPE_CHECKING:
    from ratchet.render.comment import Links


def outcome_dict(outcome: Outcome) -> dict[str, Any]:
    """What ``check --format json`` prints, and what the Action's result artifact holds."""
    data = jsonout.verdict_dict(outcome.verdict)
    data["status"] = outcome.status
    plan = outcome.plan
    if plan is not None:
        # The two values of schema 1, kept beside the whole plan.
        data["new_threshold"] = as_json_number(plan.threshold)
        data["new_baseline"] = jsonout.baseline_percent(plan.baseline)
        data["update"] = jsonout.plan_dict(plan)
    data["accepted"] = [jsonout.event_dict(e) for e in outcome.accepted]
    data["lowered"] = [jsonout.lowering_dict(x) for x in outcome.lowered]
    data["trend"] = [jsonout.event_dict(e) for e in outcome.trend]
    data["warnings"] = list(outcome.warnings)
    data["bar_source"] = jsonout.source_dict(outcome.source)
    data["precision"] = outcome.config.precision
    data["files_changed_from_base"] = [jsonout.change_dict(c) for c in outcome.base_changes]
    data["base_bar"] = jsonout.base_bar_dict(outcome.base)
    if outcome.patch is not None:
        data["patch"] = patch_render.json(outcome.patch)
    return data


def render(
    outcome: Outcome,
    fmt: str,
    *,
    links: Links | None = None,
    layout: terminal.Layout = terminal.PLAIN,
) -> str:
    """``links``: where the tested commit's files are (Markdown links each uncovered range);
    ``layout``: the text's width, colour and verbosity."""
    if fmt == "json":
        return jsonout.dumps(outcome_dict(outcome))
    if fmt == "markdown":
        return render_markdown(outcome, links=links)
    return terminal.render(Result.of(outcome), layout)


def render_markdown(outcome: Outcome, *, links: Links | None = None) -> str:
    """The PR comment without its hidden lines: what the job summary shows."""
    from ratchet.render import comment  # loaded only when asked for: `check` starts faster

    return comment.render(Result.of(outcome), hidden=False, links=links)
