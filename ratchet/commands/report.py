"""``ratchet report``: show coverage, no baseline involved."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import click

from ratchet.commands.common import (
    config_option,
    echo_err,
    format_option,
    load_config,
    out,
    rcfile_option,
    reports_argument,
)
from ratchet.errors import EXIT_PASS
from ratchet.intake import load_report
from ratchet.readers.coveragerc import report_settings
from ratchet.render import jsonout, markdown, text

T = TypeVar("T")


@click.command("report")
@reports_argument
@config_option
@rcfile_option
@format_option
@click.option(
    "--precision",
    type=click.IntRange(0, 6),
    default=None,
    help="Decimals shown (default: coverage.py's [report] precision, else [tool.ratchet] "
    "precision, else 2).",
)
@click.option(
    "--show-missing/--no-show-missing",
    "-m",
    "show_missing",
    default=None,
    help="The Missing column (text): missing lines and partial branches, as "
    "`coverage report -m` writes them (default: coverage.py's [report] show_missing, "
    "else shown).",
)
@click.option(
    "--skip-covered/--no-skip-covered",
    default=None,
    help="Leave fully covered files out of the table (default: coverage.py's [report] "
    "skip_covered).",
)
@click.option(
    "--skip-empty/--no-skip-empty",
    default=None,
    help="Leave files without statements out of the table (default: coverage.py's [report] "
    "skip_empty).",
)
def command(
    reports: tuple[Path, ...],
    config_path: Path | None,
    rcfile: Path | None,
    fmt: str,
    precision: int | None,
    show_missing: bool | None,
    skip_covered: bool | None,
    skip_empty: bool | None,
) -> int:
    """Show the coverage of REPORT... (merged as a union when several are given).

    The text table is `coverage report -m`'s: the same columns, numbers, rounding and
    Missing notation, so the two can sit side by side. The settings of coverage.py's own
    configuration that change that table (skip_covered, skip_empty, precision,
    show_missing under [report]; from --rcfile when given) apply here too; an option
    given here wins."""
    return run(
        reports,
        config_path=config_path,
        rcfile=rcfile,
        fmt=fmt,
        precision=precision,
        show_missing=show_missing,
        skip_covered=skip_covered,
        skip_empty=skip_empty,
    )


def run(
    reports: tuple[Path, ...],
    *,
    config_path: Path | None = None,
    rcfile: Path | None = None,
    fmt: str = "text",
    precision: int | None = None,
    show_missing: bool | None = None,
    skip_covered: bool | None = None,
    skip_empty: bool | None = None,
) -> int:
    """``report`` in-process: the table printed in ``fmt``; its exit code (0). ``None``: as
    coverage.py's configuration says, else ratchet's default."""
    cfg = load_config(config_path, rcfile)
    rep = load_report(cfg, reports, notify=echo_err)
    theirs = report_settings(cfg.root, cfg.coverage_rcfile)
    prec = _first(precision, theirs.precision, cfg.precision)
    show_missing = _first(show_missing, theirs.show_missing, True)
    skip_covered = _first(skip_covered, theirs.skip_covered, False)
    skip_empty = _first(skip_empty, theirs.skip_empty, False)
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
    return EXIT_PASS


def _first(*values: T | None) -> T:
    """The first value given: the command line's, coverage.py's, ratchet's default."""
    return next(v for v in values if v is not None)
