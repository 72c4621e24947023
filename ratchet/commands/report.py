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
@click.option(
    "--show-missing/--no-show-missing",
    "-m",
    "show_missing",
    default=True,
    show_default=True,
    help="The Missing column (text): missing lines and partial branches, as "
    "`coverage report -m` writes them.",
)
@click.option("--skip-covered", is_flag=True, help="Leave fully covered files out of the table.")
@click.option("--skip-empty", is_flag=True, help="Leave files without statements out of the table.")
def command(
    reports: tuple[Path, ...],
    config_path: Path | None,
    fmt: str,
    precision: int | None,
    show_missing: bool,
    skip_covered: bool,
    skip_empty: bool,
) -> None:
    """Show the coverage of REPORT... (merged as a union when several are given).

    The text table is `coverage report -m`'s: the same columns, numbers, rounding and
    Missing notation, so the two can sit side by side."""
    cfg = load_config(config_path)
    rep = load_report(cfg, reports, notify=echo_err)
    prec = cfg.precision if precision is None else precision
    if fmt == "json":
        out(jsonout.dumps(jsonout.report_dict(rep)), nl=False)
    elif fmt == "markdown":
        out(
            markdown.report(rep, precision=prec, skip_covered=skip_covered, skip_empty=skip_empty),
            nl=False,
        )
    else:
        out(
            text.report(
                rep,
                precision=prec,
                show_missing=show_missing,
                skip_covered=skip_covered,
                skip_empty=skip_empty,
            ),
            nl=False,
        )
