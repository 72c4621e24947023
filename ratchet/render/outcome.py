"""An Outcome (the total verdict, what update would record and, with a diff, patch
coverage) in each output format."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ratchet.core.results import Outcome, Result
from ratchet.render import jsonout, terminal

if TYPE_CHECKING:
    from ratchet.render.comment import Links


def outcome_dict(outcome: Outcome) -> dict[str, Any]:
    """What ``check --format json`` prints (``jsonout.dump``)."""
    return jsonout.dump(Result.of(outcome))


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
