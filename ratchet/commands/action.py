"""``ratchet action``: the GitHub Action's one command.

action.yml maps its inputs to ``RATCHET_*`` variables and runs this (through
``ratchet/github/launch.py``). It works out what the inputs mean
(``ratchet.github.action``: the baseline ref, fetched if need be, and the report files), then
runs ``check``, ``push-update`` or ``comment`` by calling their ``run``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import click

from ratchet.commands.common import echo_err, out
from ratchet.errors import RatchetError
from ratchet.github import action
from ratchet.github.outputs import annotation, inert_line
from ratchet.github.settings import Settings

TITLE = "coverage-ratchet"


@click.command("action", hidden=True)
def command() -> int:
    """Run as the GitHub Action: inputs in RATCHET_* variables (see action.yml)."""
    try:
        return run(Path.cwd(), os.environ)
    except RatchetError as e:
        # Also as an annotation: shown on the run's page and the pull request, not only in
        # the log. The group then prints it and exits 2.
        out(annotation("error", str(e), title=TITLE))
        raise


def run(cwd: Path, env: Mapping[str, str]) -> int:
    """The Action in-process: ``check``, ``push-update`` or ``comment`` as the inputs in
    ``env`` ask; that command's exit code."""
    inputs = action.Inputs.from_env(env)
    config = Path(inputs.config) if inputs.config else None
    if inputs.mode == "comment":
        from ratchet.commands import comment

        result_dir = env.get("RATCHET_RESULT_DIR", "").strip()
        if not result_dir:
            raise RatchetError("mode comment needs result-dir")
        return comment.run(Path(result_dir))

    # Read once, here, for the base ref and for check (the event file is read once).
    settings = Settings.from_env(env) if inputs.mode == "check" else None
    wanted = None
    if settings is not None:
        wanted = action.requested(inputs.baseline_ref, inputs.mode, settings)
    baseline = None
    if wanted is not None:
        baseline = action.resolve(wanted, cwd, lambda line: echo_err(inert_line(line)))
        held = "" if baseline == wanted else f" ({wanted})"
        out(inert_line(f"coverage-ratchet: holding the change to the bar at {baseline}{held}"))
    reports = tuple(Path(p) for p in action.expand(inputs.coverage_files, cwd))
    if inputs.mode == "update":
        from ratchet.commands import push_update

        return push_update.run(reports, config_path=config, expect=inputs.expect_reports)
    from ratchet.commands import check

    return check.run(
        reports,
        config_path=config,
        baseline_ref=baseline,
        expect=inputs.expect_reports,
        github=True,
        settings=settings,
    )
