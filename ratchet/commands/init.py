"""``ratchet init``: write [tool.ratchet] from the current coverage."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import click

from ratchet import config as config_mod
from ratchet import filebaseline, pyproject
from ratchet.checking import load_report
from ratchet.commands.common import config_option, echo_err, out, reports_argument
from ratchet.commands.edits import apply
from ratchet.config import Config
from ratchet.errors import RatchetError
from ratchet.fsio import read_text
from ratchet.numbers import floor_step, floor_to, fmt_pct, percent

DEFAULT_BASELINE_FILE = "coverage-baseline.tsv"


@click.command("init")
@reports_argument
@config_option
@click.option(
    "--step",
    type=click.FloatRange(0, 100, min_open=True),
    default=5.0,
    show_default=True,
    help="Raise the threshold in steps of this many points.",
)
@click.option(
    "--baseline-file",
    default=DEFAULT_BASELINE_FILE,
    show_default=True,
    help="Per-file baselines, relative to pyproject.toml.",
)
@click.option("--no-file-baselines", is_flag=True, help="Track the total only.")
@click.option("--force", is_flag=True, help="Overwrite an existing [tool.ratchet].")
@click.option("--dry-run", is_flag=True, help="Show the change, write nothing.")
def command(
    reports: tuple[Path, ...],
    config_path: Path | None,
    step: float,
    baseline_file: str,
    no_file_baselines: bool,
    force: bool,
    dry_run: bool,
) -> None:
    """Start ratcheting: threshold = the highest multiple of STEP not above the current total."""
    path = config_path or config_mod.find_pyproject() or Path("pyproject.toml")
    if not no_file_baselines:
        config_mod.check_baseline_file(baseline_file, src="--baseline-file")
    dropped: tuple[str, ...] = ()
    existing = config_mod.read_pyproject(path)
    if existing is None:
        cfg = Config(pyproject=path.absolute())
    elif force:
        # --force starts the bar over but keeps the rest of the user's settings (precision,
        # max_threshold, paths, tolerances...), minus keys it cannot make sense of.
        cfg, dropped = config_mod.for_reinit(existing, path.absolute(), src=str(path))
    else:
        cfg = config_mod.from_text(existing, path.absolute(), src=str(path))
    if cfg.present and not force:
        raise RatchetError(
            "[tool.ratchet] already exists; use `ratchet update` "
            "(or `ratchet init --force` to start over)",
            source=str(path),
        )
    cfg = dataclasses.replace(cfg, pyproject=path.absolute())
    rep = load_report(cfg, reports, keep_missing_lines=False, notify=echo_err)
    pct = percent(rep.totals)
    step_d = Decimal(str(step)).normalize()
    values: dict[str, object] = {
        "threshold": min(floor_step(pct, step_d), cfg.max_threshold),
        "step": step_d,
        "baseline": floor_to(pct, cfg.precision),
        "baseline_uncovered": rep.totals.missing,
        "baseline_file": None if no_file_baselines else baseline_file,
    }
    for key in dropped:
        echo_err(f"ratchet: dropping the unknown key {key!r} from [tool.ratchet]")
        values[key] = None
    edits: dict[Path, str] = {}
    if not no_file_baselines:
        edits[cfg.root / baseline_file] = filebaseline.render({f.path: f.counts for f in rep.files})
    text = read_text(path) or ""
    edits[path] = pyproject.set_ratchet_values(text, values, create=True, source=str(path))
    out(
        f"ratchet: total {fmt_pct(pct)}% -> threshold {values['threshold']}%, "
        f"baseline {values['baseline']}%"
    )
    apply(edits, cfg.root, dry_run=dry_run)
