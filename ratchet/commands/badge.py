"""``ratchet badge``: a coverage badge as an SVG file, made here (no badge service)."""

from __future__ import annotations

from pathlib import Path

import click

from ratchet.commands.common import (
    config_option,
    echo_err,
    load_config,
    out,
    reports_argument,
)
from ratchet.core.numbers import percent
from ratchet.errors import EXIT_PASS, RatchetError
from ratchet.intake import load_report
from ratchet.store import badge
from ratchet.store.fsio import write_atomic


@click.command("badge")
@reports_argument
@config_option
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Where to write the SVG ('-': standard output). Default: badge_file of "
    "[tool.ratchet], else coverage.svg.",
)
def command(reports: tuple[Path, ...], config_path: Path | None, output: str | None) -> int:
    """Write a coverage badge: the recorded baseline's total, or REPORT...'s when given.

    Red below the threshold, yellow within one step above it, green above that."""
    return run(reports, config_path=config_path, output=output)


def run(
    reports: tuple[Path, ...], *, config_path: Path | None = None, output: str | None = None
) -> int:
    """``badge`` in-process: the SVG written to ``output`` ('-': stdout); its exit code (0)."""
    cfg = load_config(config_path)
    if reports:
        pct = percent(load_report(cfg, reports, keep_missing_lines=False, notify=echo_err).totals)
    elif cfg.baseline is not None:
        pct = cfg.baseline.percent
    else:
        raise RatchetError(
            "no baseline recorded and no report given: name a report, e.g. "
            "`ratchet badge coverage.xml`",
            source=str(cfg.pyproject) if cfg.pyproject else None,
        )
    svg = badge.coverage_badge(pct, cfg.threshold, cfg.step)
    if output == "-":
        out(svg, nl=False)
        return EXIT_PASS
    target = Path(output) if output else (cfg.badge_path or cfg.root / "coverage.svg")
    if target.is_dir():
        raise RatchetError("is a directory", source=str(target))
    write_atomic({target: svg})
    out(f"ratchet: wrote {target}")
    return EXIT_PASS
