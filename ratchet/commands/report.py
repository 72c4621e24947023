"""``ratchet report``: show coverage, no baseline involved."""

from __future__ import annotations

from pathlib import Path

import click

from ratchet.checking import load_report
from ratchet.commands.common import (
    config_option,
    echo_err,
    format_option,
    load_config,
    out,
    reports_argument,
)
from ratchet.render import jsonout, markdown, text


@click.command("report")
@reports_argument
@config_option
@format_option
@click.option(
    "--precision",
    type=click.IntRange(0, 6),
    default=None,
    help="Decimals shown (default: [tool.ratchet] precision, else 2).",
)
def command(
    reports: tuple[Path, ...], config_path: Path | None, fmt: str, precision: int | None
) -> None:
    """Show the coverage of REPORT... (merged as a union when several are given)."""
    cfg = load_config(config_path)
    rep = load_report(cfg, reports, notify=echo_err)
    prec = cfg.precision if precision is None else precision
    if fmt == "json":
        out(jsonout.dumps(jsonout.report_dict(rep)), nl=False)
    elif fmt == "markdown":
        out(markdown.report(rep, precision=prec), nl=False)
    else:
        out(text.report(rep, precision=prec), nl=False)
