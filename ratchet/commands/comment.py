"""``ratchet comment``: post the PR comment from a saved result (the fork-safe second half).

Runs in a privileged ``workflow_run`` job that never checks out the PR's code. The result
directory came from the untrusted run, so it is validated and the comment rendered anew.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import click
import requests

from ratchet.commands.common import out
from ratchet.errors import EXIT_PASS
from ratchet.github.client import GitHub
from ratchet.github.publish import comment_from_artifact
from ratchet.github.settings import Settings, check_sha


@click.command("comment")
@click.option(
    "--result",
    "result_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Directory with result.json (and pr-number) from the pull_request run.",
)
@click.option("--pr-number", type=click.IntRange(1, 2**31 - 1), help="Overrides pr-number.")
@click.option(
    "--head-sha",
    help="The commit the run tested (default: workflow_run.head_sha of the event).",
)
@click.option("--repo", help="owner/name (default: $GITHUB_REPOSITORY).")
@click.option("--dry-run", is_flag=True, help="Print the comment; call no API.")
def command(
    result_dir: Path,
    pr_number: int | None,
    head_sha: str | None,
    repo: str | None,
    dry_run: bool,
) -> int:
    """Post or update the PR comment from a saved result (fork-safe second workflow)."""
    return run(result_dir, pr_number=pr_number, head_sha=head_sha, repo=repo, dry_run=dry_run)


def run(
    result_dir: Path,
    *,
    pr_number: int | None = None,
    head_sha: str | None = None,
    repo: str | None = None,
    dry_run: bool = False,
) -> int:
    """``comment`` in-process (``action`` calls this too); its exit code (0)."""
    env = dict(os.environ)
    if repo:
        env["GITHUB_REPOSITORY"] = repo
    settings = Settings.from_env(env)
    if pr_number is not None:
        settings = dataclasses.replace(settings, pr_number=pr_number)
    if head_sha:
        settings = dataclasses.replace(settings, head_sha=check_sha(head_sha, "--head-sha"))
    with requests.Session() as session:
        gh = None
        if settings.token is not None and settings.repository is not None:
            gh = GitHub(session, settings.api_url, settings.token)
        comment_from_artifact(result_dir, settings, gh, echo=out, dry_run=dry_run)
    return EXIT_PASS
