"""``ratchet update``: record the new baseline, raise the threshold; never lower either."""

from __future__ import annotations

from pathlib import Path

import click

from ratchet import recording
from ratchet.checking import evaluate, read_file_baseline
from ratchet.commands.common import (
    allow_stale_option,
    config_for_writing,
    config_option,
    echo_err,
    expect_option,
    out,
    reports_argument,
    require_section,
)
from ratchet.commands.edits import apply
from ratchet.config import Config
from ratchet.render import text
from ratchet.results import EVENT_UPDATE, REGRESSION, Outcome


def run(
    cfg: Config,
    reports: tuple[Path, ...],
    *,
    allow_stale: bool,
    dry_run: bool,
    expect: int | None = None,
) -> tuple[Outcome, list[Path]]:
    """Update in-process (``push-update`` calls this too): the outcome, and the files
    written. The plan decides everything; a refused plan writes nothing."""
    require_section(cfg)
    outcome = evaluate(cfg, reports, allow_stale=allow_stale, expect=expect, notify=echo_err)
    plan = outcome.plan
    assert plan is not None
    if plan.refused:
        out(text.verdict(outcome.verdict), nl=False)
        for b in plan.blockers:
            said = "not recording a regression: " if b.kind == REGRESSION else ""
            echo_err(f"ratchet: {said}{b.message}")
        return outcome, []
    out(text.plan(plan, doing=True), nl=False)
    if not plan.changes:
        return outcome, []
    event = None
    if not dry_run:
        totals = outcome.report.totals
        event = recording.event_for(EVENT_UPDATE, plan, cfg, totals, reason=plan.reason)
    edits = recording.edits(plan, cfg, read_file_baseline(cfg), event=event)
    return outcome, apply(edits, cfg.root, dry_run=dry_run)


@click.command("update")
@reports_argument
@config_option
@allow_stale_option
@expect_option
@click.option("--dry-run", is_flag=True, help="Show the change, write nothing.")
def command(
    reports: tuple[Path, ...],
    config_path: Path | None,
    allow_stale: bool,
    expect: int | None,
    dry_run: bool,
) -> None:
    """Raise the bar to what REPORT... reached.

    Refuses to record a regression (exit 1) or a report that cannot be compared as it is
    (exit 2: a stale report, a baselined file missing from it)."""
    with config_for_writing(config_path) as cfg:
        outcome, _ = run(cfg, reports, allow_stale=allow_stale, dry_run=dry_run, expect=expect)
    assert outcome.plan is not None
    raise SystemExit(outcome.plan.exit_code)
