"""``ratchet accept``: the one sanctioned way down. Records the report as the new baseline,
lowers the threshold only as far as it must, and says so in the history, with a reason."""

from __future__ import annotations

from pathlib import Path

import click

from ratchet.commands.common import (
    allow_stale_option,
    config_for_writing,
    config_option,
    echo_err,
    out,
    rcfile_option,
    reports_argument,
    require_section,
)
from ratchet.commands.edits import record
from ratchet.core import plan as plan_mod
from ratchet.core import rules
from ratchet.core.config import Config
from ratchet.core.numbers import fmt_pct, percent
from ratchet.core.results import EVENT_ACCEPT
from ratchet.errors import EXIT_PASS, RatchetError
from ratchet.intake import report_to_record
from ratchet.store.atref import read_file_baseline
from ratchet.store.history import MAX_REASON


@click.command("accept")
@reports_argument
@config_option
@rcfile_option
@click.option(
    "--reason",
    required=True,
    metavar="TEXT",
    help="Why the bar goes down: kept in the history and shown to reviewers.",
)
@allow_stale_option
@click.option("--dry-run", is_flag=True, help="Show the change, write nothing.")
def command(
    reports: tuple[Path, ...],
    config_path: Path | None,
    rcfile: Path | None,
    reason: str,
    allow_stale: bool,
    dry_run: bool,
) -> int:
    """Accept REPORT... as the new baseline, even below the current one, on the record.

    The threshold falls to the step at or below the total only if it must. An entry with
    the date, the git author, the commit, old -> new and the reason is appended to the
    history file; `check --baseline-ref` on the branch then passes, and shows it."""
    return run(
        reports,
        config_path=config_path,
        rcfile=rcfile,
        reason=reason,
        allow_stale=allow_stale,
        dry_run=dry_run,
    )


def run(
    reports: tuple[Path, ...],
    *,
    reason: str,
    config_path: Path | None = None,
    rcfile: Path | None = None,
    allow_stale: bool = False,
    dry_run: bool = False,
) -> int:
    """``accept`` in-process: the bar read and recorded under the writers' lock; its exit
    code (0: any refusal is an error)."""
    reason = " ".join(reason.split())
    if not reason:
        raise RatchetError("--reason must say why the bar goes down (it is empty)")
    if len(reason) > MAX_REASON:
        raise RatchetError(f"--reason is longer than {MAX_REASON} characters")
    with config_for_writing(config_path, rcfile) as cfg:
        _accept(cfg, reports, reason, allow_stale=allow_stale, dry_run=dry_run)
    return EXIT_PASS


def _accept(
    cfg: Config, reports: tuple[Path, ...], reason: str, *, allow_stale: bool, dry_run: bool
) -> None:
    require_section(cfg)
    rep = report_to_record(cfg, reports, allow_stale=allow_stale, notify=echo_err)
    old_files = read_file_baseline(cfg)
    problem = rules.incomparable(rep, cfg, old_files, new_measure=True)
    if problem is not None:
        # Accepting a report without branches would zero every branch of the bar; one
        # measuring branches for the first time is what accept is for (rules.incomparable).
        raise RatchetError(problem, source=", ".join(rep.sources))
    plan = plan_mod.make_accept(rep, cfg, old_files)
    out(
        f"ratchet: accepting the total {fmt_pct(percent(rep.totals))}% "
        f"({rep.totals.covered}/{rep.totals.valid}) as the baseline: {reason}"
    )
    if not plan.changes:
        out("ratchet: the bar is already this report's: nothing to accept.")
        return
    record(EVENT_ACCEPT, plan, cfg, rep.totals, old_files=old_files, dry_run=dry_run, reason=reason)
