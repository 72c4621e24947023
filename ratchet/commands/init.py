"""``ratchet init``: write [tool.ratchet] from the current coverage."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import click

from ratchet.commands.common import (
    allow_stale_option,
    config_option,
    echo_err,
    rcfile_option,
    reports_argument,
    with_rcfile,
)
from ratchet.commands.edits import record
from ratchet.core import config as config_mod
from ratchet.core import plan as plan_mod
from ratchet.core import rules
from ratchet.core.config import Config
from ratchet.core.models import Counts
from ratchet.core.numbers import fmt_pct, percent
from ratchet.core.results import EVENT_INIT, Plan
from ratchet.core.rules import describe
from ratchet.errors import EXIT_PASS, RatchetError
from ratchet.intake import report_to_record
from ratchet.store import pyproject, writelock

DEFAULT_BASELINE_FILE = "coverage-baseline.tsv"


@click.command("init")
@reports_argument
@config_option
@rcfile_option
@click.option(
    "--step",
    type=click.FloatRange(0, 100, min_open=True),
    default=None,
    help="Raise the threshold in steps of this many points "
    "[default: step of [tool.ratchet], else 5].",
)
@click.option(
    "--baseline-file",
    default=None,
    help="Per-file baselines, relative to pyproject.toml "
    f"[default: baseline_file of [tool.ratchet], else {DEFAULT_BASELINE_FILE}].",
)
@click.option("--no-file-baselines", is_flag=True, help="Track the total only.")
@click.option("--force", is_flag=True, help="Overwrite an existing [tool.ratchet].")
@allow_stale_option
@click.option("--dry-run", is_flag=True, help="Show the change, write nothing.")
def command(
    reports: tuple[Path, ...],
    config_path: Path | None,
    rcfile: Path | None,
    step: float | None,
    baseline_file: str | None,
    no_file_baselines: bool,
    force: bool,
    allow_stale: bool,
    dry_run: bool,
) -> int:
    """Start ratcheting: threshold = the highest multiple of STEP not above the current total."""
    return run(
        reports,
        config_path=config_path,
        rcfile=rcfile,
        step=step,
        baseline_file=baseline_file,
        no_file_baselines=no_file_baselines,
        force=force,
        allow_stale=allow_stale,
        dry_run=dry_run,
    )


def run(
    reports: tuple[Path, ...],
    *,
    config_path: Path | None = None,
    rcfile: Path | None = None,
    step: float | None = None,
    baseline_file: str | None = None,
    no_file_baselines: bool = False,
    force: bool = False,
    allow_stale: bool = False,
    dry_run: bool = False,
) -> int:
    """``init`` in-process; its exit code (0: any refusal is an error)."""
    path = config_path or pyproject.find_pyproject() or Path("pyproject.toml")
    if not no_file_baselines and baseline_file is not None:
        config_mod.check_baseline_file(baseline_file, src="--baseline-file")
    rcfile = with_rcfile(Config(), rcfile).coverage_rcfile  # refused before the lock if missing
    # Read (and written) under the writers' lock, like update: see writelock.
    with writelock.hold(path.absolute().parent, echo_err):
        _init(
            path,
            reports,
            rcfile=rcfile,
            step=step,
            baseline_file=baseline_file,
            no_file_baselines=no_file_baselines,
            force=force,
            allow_stale=allow_stale,
            dry_run=dry_run,
        )
    return EXIT_PASS


def _init(
    path: Path,
    reports: tuple[Path, ...],
    *,
    rcfile: Path | None,
    step: float | None,
    baseline_file: str | None,
    no_file_baselines: bool,
    force: bool,
    allow_stale: bool,
    dry_run: bool,
) -> None:
    dropped: tuple[str, ...] = ()
    existing = pyproject.read_pyproject(path)
    if existing is None:
        cfg = Config(pyproject=path.absolute())
    elif force:
        # --force starts the bar over but keeps the rest of the user's settings (precision,
        # max_threshold, paths, tolerances...), minus keys it cannot make sense of.
        cfg, dropped = config_mod.for_reinit(existing, path.absolute(), src=str(path))
    else:
        cfg = config_mod.from_text(existing, path.absolute(), src=str(path))
    if cfg.has_bar and not force:
        raise RatchetError(
            "[tool.ratchet] already exists; use `ratchet update` "
            "(or `ratchet init --force` to start over)",
            source=str(path),
        )
    # A section that records no bar yet (components, settings) is kept as written: init
    # records the bar of the total and of every component it lists.
    step_d = cfg.step if step is None else Decimal(str(step)).normalize()
    if baseline_file is None:
        baseline_file = cfg.baseline_file or DEFAULT_BASELINE_FILE
    cfg = dataclasses.replace(
        cfg,
        pyproject=path.absolute(),
        threshold=Decimal(0),
        baseline=None,
        step=step_d,
        baseline_file=None if no_file_baselines else baseline_file,
        present=True,
        recorded=True,
        coverage_rcfile=rcfile,
    )
    rep = report_to_record(cfg, reports, allow_stale=allow_stale, notify=echo_err)
    if existing is None:  # said once the report is read: a missing one creates nothing
        echo_err(f"ratchet: no {path} yet: creating it")
    problem = rules.incomparable(rep, cfg, None)
    if problem is not None:  # a component none of whose files the report measures
        raise RatchetError(problem, source=", ".join(rep.sources))
    verdict = rules.evaluate(rep, cfg, None)
    plan = plan_mod.make(rep, verdict, cfg, None)
    assert not plan.refused and plan.baseline is not None
    values: dict[str, object] = {
        "threshold": plan.threshold,
        "step": step_d,
        "baseline_file": cfg.baseline_file,
    }
    for key in dropped:
        echo_err(f"ratchet: dropping the unknown key {key!r} from [tool.ratchet]")
        values[key] = None
    said = _recorded(plan, rep.totals)
    record(
        EVENT_INIT, plan, cfg, rep.totals, old_files=None, dry_run=dry_run, values=values, said=said
    )


def _recorded(plan: Plan, totals: Counts) -> list[str]:
    """What init records, a line for the total and one for each component."""
    assert plan.baseline is not None
    said = [
        f"ratchet: total {fmt_pct(percent(totals))}% -> threshold {plan.threshold}%, "
        f"baseline {describe(plan.baseline)}"
    ]
    for bar in plan.components:
        shown = describe(bar.baseline) if bar.baseline is not None else "none"
        said.append(
            f"ratchet: component {bar.name} -> threshold {bar.threshold}%, baseline {shown}"
        )
    return said
