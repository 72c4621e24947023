"""``ratchet update``: record the new baseline, raise the threshold; never lower either."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from ratchet.checking import evaluate
from ratchet.commands.common import (
    allow_stale_option,
    config_for_writing,
    config_option,
    echo_err,
    expect_option,
    layout,
    out,
    rcfile_option,
    reports_argument,
    require_section,
    verbosity_options,
)
from ratchet.commands.edits import record
from ratchet.core.config import Config
from ratchet.core.results import EVENT_UPDATE, REGRESSION, Outcome, Result
from ratchet.errors import EXIT_ERROR, RatchetError
from ratchet.render import terminal, text
from ratchet.render.terminal import PLAIN, QUIET, VERBOSE, Layout
from ratchet.store.atref import read_file_baseline


def update_bar(
    cfg: Config,
    reports: tuple[Path, ...],
    *,
    allow_stale: bool,
    dry_run: bool,
    expect: int | None = None,
    shape: Layout = PLAIN,
) -> tuple[Outcome, list[Path]]:
    """Update the bar ``cfg`` holds, read under the writers' lock the caller holds
    (``push-update`` calls this too): the outcome, and the files written. The plan decides
    everything; a refused plan writes nothing, and says why before the verdict it refused."""
    require_section(cfg)
    said: list[str] = []
    try:
        outcome = evaluate(cfg, reports, allow_stale=allow_stale, expect=expect, notify=said.append)
    except RatchetError:
        for line in said:
            echo_err(line)
        raise
    plan = outcome.plan
    assert plan is not None
    # A report refused as input (stale) is an error below: its warning would say it twice.
    twice = (
        {f"ratchet: warning: {w}" for w in outcome.warnings}
        if plan.exit_code == EXIT_ERROR
        else set()
    )
    for line in said:
        if line not in twice:
            echo_err(line)
    if plan.refused:
        for b in plan.blockers:
            said_as = "not recording a regression" if b.kind == REGRESSION else "error"
            echo_err(f"ratchet: {said_as}: {b.message}")
        # The verdict it refused, without the plan just said.
        refused = dataclasses.replace(Result.of(outcome), plan=None)
        out(terminal.render(refused, shape), nl=False, color=shape.color)
        return outcome, []
    if shape.verbosity >= VERBOSE:
        out(terminal.render(Result.of(outcome), shape), nl=False, color=shape.color)
    if shape.verbosity > QUIET:
        out(text.plan(plan, doing=True), nl=False)
    if not plan.changes:
        return outcome, []
    written = record(
        EVENT_UPDATE,
        plan,
        cfg,
        outcome.report.totals,
        old_files=read_file_baseline(cfg),
        dry_run=dry_run,
        reason=plan.reason,
        quiet=shape.verbosity <= QUIET,
    )
    return outcome, written


@click.command("update")
@reports_argument
@config_option
@rcfile_option
@allow_stale_option
@expect_option
@click.option("--dry-run", is_flag=True, help="Show the change, write nothing.")
@verbosity_options
def command(
    reports: tuple[Path, ...],
    config_path: Path | None,
    rcfile: Path | None,
    allow_stale: bool,
    expect: int | None,
    dry_run: bool,
    quiet: bool,
    verbose: bool,
) -> int:
    """Raise the bar to what REPORT... reached.

    Refuses to record a regression (exit 1) or a report that cannot be compared as it is
    (exit 2: a stale report, a baselined file missing from it)."""
    return run(
        reports,
        config_path=config_path,
        rcfile=rcfile,
        allow_stale=allow_stale,
        expect=expect,
        dry_run=dry_run,
        quiet=quiet,
        verbose=verbose,
    )


def run(
    reports: tuple[Path, ...],
    *,
    config_path: Path | None = None,
    rcfile: Path | None = None,
    allow_stale: bool = False,
    expect: int | None = None,
    dry_run: bool = False,
    quiet: bool = False,
    verbose: bool = False,
) -> int:
    """``update`` in-process: the bar read and recorded under the writers' lock; the exit
    code of its plan."""
    shape = layout(quiet=quiet, verbose=verbose)
    with config_for_writing(config_path, rcfile) as cfg:
        outcome, _ = update_bar(
            cfg, reports, allow_stale=allow_stale, dry_run=dry_run, expect=expect, shape=shape
        )
    assert outcome.plan is not None
    return outcome.plan.exit_code
