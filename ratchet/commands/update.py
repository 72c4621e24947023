"""``ratchet update``: record the new baseline, raise the threshold; never lower either."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ratchet import filebaseline, pyproject, rules
from ratchet.checking import evaluate, read_file_baseline
from ratchet.commands.common import (
    config_option,
    echo_err,
    load_config,
    out,
    reports_argument,
    require_section,
)
from ratchet.commands.edits import apply
from ratchet.errors import RatchetError
from ratchet.fsio import read_text
from ratchet.outcome import EXIT_FAIL
from ratchet.render.outcome import render


@click.command("update")
@reports_argument
@config_option
@click.option("--dry-run", is_flag=True, help="Show the change, write nothing.")
def command(reports: tuple[Path, ...], config_path: Path | None, dry_run: bool) -> None:
    """Raise the bar to what REPORT... reached. Refuses (exit 1) to record a regression."""
    cfg = load_config(config_path)
    require_section(cfg)
    assert cfg.pyproject is not None
    outcome = evaluate(cfg, reports, notify=echo_err)
    v = outcome.verdict
    # A file that lost coverage keeps its old per-file line (never recorded lower), and so
    # does one that still exists but is not in the report; neither need hold back the rest:
    # on the default branch, where `check` may have waived a drop as an indirect change, the
    # bar still rises. A total regression is never recorded.
    if v.update_blockers:
        out(render(outcome, "text"), nl=False)
        click.echo("ratchet: not recording a regression as the new baseline.", err=True)
        raise SystemExit(EXIT_FAIL)
    unmeasured = sorted(v.unmeasured)
    for f in v.failures:
        if f.kind == rules.FILE_REGRESSION:
            click.echo(f"ratchet: keeping the per-file baseline of {f.message}", err=True)
    for path in unmeasured:
        click.echo(
            f"ratchet: keeping the per-file baseline of {path}: not in the report, but the "
            f"file exists (delete its line from {cfg.baseline_file} to stop tracking it)",
            err=True,
        )
    removed = sum(1 for c in v.changes if c.after is None and c.path not in v.unmeasured)
    if removed and cfg.baseline_path is not None:
        click.echo(
            f"ratchet: dropping {removed} removed file(s) from {cfg.baseline_file}", err=True
        )

    values: dict[str, Any] = {"threshold": v.new_threshold}
    if v.baseline is None or v.new_baseline > v.baseline:
        values["baseline"] = v.new_baseline
    if v.new_baseline_uncovered is not None and v.new_baseline_uncovered != v.baseline_uncovered:
        values["baseline_uncovered"] = v.new_baseline_uncovered
    text = read_text(cfg.pyproject)
    if text is None:
        raise RatchetError("no such file", source=str(cfg.pyproject))
    new_text = pyproject.set_ratchet_values(text, values, create=False, source=str(cfg.pyproject))
    edits: dict[Path, str] = {cfg.pyproject: new_text}
    if cfg.sync_fail_under:
        edits.update(pyproject.fail_under_edits(cfg.root, cfg.pyproject, new_text, v.new_threshold))
    if cfg.baseline_path is not None:
        old = read_file_baseline(cfg)
        edits[cfg.baseline_path] = filebaseline.render(
            rules.updated_file_baseline(outcome.report, old, keep=unmeasured)
        )
    out(
        f"ratchet: threshold {v.threshold}% -> {v.new_threshold}%, baseline "
        f"{v.baseline if v.baseline is not None else '-'}% -> "
        f"{values.get('baseline', v.baseline)}%"
        + (
            f", baseline_uncovered {v.baseline_uncovered} -> {v.new_baseline_uncovered}"
            if "baseline_uncovered" in values and "baseline" not in values
            else ""
        )
    )
    apply(edits, cfg.root, dry_run=dry_run)
