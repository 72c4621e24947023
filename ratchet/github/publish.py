"""Publishing an Outcome inside a GitHub run. STUB: owned by the Action work (issue 4)."""

from __future__ import annotations

from collections.abc import Mapping

from ratchet.outcome import Outcome


def publish(outcome: Outcome, markdown: str, environ: Mapping[str, str]) -> None:
    """Step summary, outputs, annotations, PR comment, commit status."""
