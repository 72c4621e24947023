"""``ratchet push-update``: ``ratchet update``, then commit and push the raised bar, retrying
when a concurrent push moved the branch (the action's ``mode: update``)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import click

from ratchet.commands import update
from ratchet.commands.common import (
    config_for_writing,
    config_option,
    expect_option,
    load_config,
    out,
    rcfile_option,
    reports_argument,
)
from ratchet.errors import EXIT_DEFERRED, EXIT_FAIL, EXIT_PASS
from ratchet.github import outputs
from ratchet.store import git, pushupdate, pyproject


@click.command("push-update")
@reports_argument
@config_option
@rcfile_option
@click.option("--remote", default="origin", show_default=True, help="Remote to push to.")
@click.option("--branch", default=None, help="Branch to push to (default: the current one).")
@click.option(
    "--attempts",
    type=click.IntRange(1, 20),
    default=5,
    show_default=True,
    help="Pushes to try before giving up when other pushes keep winning.",
)
@expect_option
def command(
    reports: tuple[Path, ...],
    config_path: Path | None,
    rcfile: Path | None,
    remote: str,
    branch: str | None,
    attempts: int,
    expect: int | None,
) -> int:
    """Record the raised bar in a commit and push it; exit 1 if the branch regressed.

    Exit 4 when the branch moved on to code this run did not measure: nothing is recorded,
    and the newer commit's own run must record the bar."""
    return run(
        reports,
        config_path=config_path,
        rcfile=rcfile,
        remote=remote,
        branch=branch,
        attempts=attempts,
        expect=expect,
    )


def run(
    reports: tuple[Path, ...],
    *,
    config_path: Path | None,
    rcfile: Path | None = None,
    remote: str = "origin",
    branch: str | None = None,
    attempts: int = 5,
    expect: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """``push-update`` in-process; its exit code."""
    cwd = Path.cwd()
    cfg = load_config(config_path, rcfile)
    # What `ratchet update` may edit: commits touching only these leave the report valid.
    owned = [p for p in (cfg.pyproject, cfg.baseline_path, cfg.badge_path) if p is not None]
    owned.append(cfg.history_path)
    owned.append(cfg.root / ".gitattributes")
    if cfg.sync_fail_under:
        owned += [cfg.root / name for name in pyproject.INI_FILES]
    # The report's paths from the top of the work tree, as git names the files it changes.
    rel = os.path.relpath(cfg.root.resolve(), git.toplevel(cwd).resolve())
    prefix = "" if rel == "." else Path(rel).as_posix() + "/"

    def run_update() -> pushupdate.Updated:
        # The configuration again each time: a retry runs on the branch's new tip.
        with config_for_writing(config_path, rcfile) as here:
            outcome, written = update.update_bar(
                here, reports, allow_stale=False, dry_run=False, expect=expect
            )
        plan = outcome.plan
        assert plan is not None
        summary = ", ".join(f"{s.key} {s.old or 'none'} -> {s.new}" for s in plan.settings)
        measured = frozenset(prefix + f.path for f in outcome.report.files)
        return pushupdate.Updated(plan.exit_code, written, summary, measured)

    rec = pushupdate.record(
        cwd,
        run_update,
        owned=owned,
        branch=branch or pushupdate.current_branch(cwd),
        remote=remote,
        attempts=attempts,
        sleep=sleep,
        echo=out,
    )
    out(
        f"coverage-ratchet: {rec.outcome} after {rec.attempts} attempt(s)"
        + (f": {rec.commit}" if rec.commit else "")
    )
    if os.environ.get("GITHUB_OUTPUT"):
        output_file = Path(os.environ["GITHUB_OUTPUT"])
        try:
            outputs.write_outputs(
                output_file, {"update-result": rec.outcome, "update-commit": rec.commit or ""}
            )
        except OSError as e:  # the push happened; a step output must not turn it into a crash
            out(outputs.annotation("warning", f"Could not write {output_file}: {e}"))
    if rec.outcome == pushupdate.REGRESSION:
        return EXIT_FAIL
    if rec.outcome == pushupdate.DEFERRED:
        if os.environ.get("GITHUB_ACTIONS") == "true":
            out(outputs.annotation("warning", rec.message))
        return EXIT_DEFERRED
    return EXIT_PASS
