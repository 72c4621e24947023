"""``ratchet comment``: post a saved PR comment. STUB: owned by the Action work (issue 4)."""

from __future__ import annotations

import click


@click.command("comment")
def command() -> None:
    """Post or update the PR comment from a saved result (fork-safe second workflow)."""
    raise click.UsageError("not implemented yet")
