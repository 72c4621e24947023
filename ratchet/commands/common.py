"""Options and steps shared by several commands."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from ratchet import config as config_mod
from ratchet import writelock
from ratchet.config import Config
from ratchet.errors import RatchetError

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("text", "json", "markdown")


def reports_argument(f: F) -> F:
    # No checks by click (a directory, an unreadable file): its usage error is four lines;
    # formats.detect says what is wrong in one, like every other bad report.
    return click.argument("reports", nargs=-1, type=click.Path(path_type=Path, readable=False))(f)


def config_option(f: F) -> F:
    return click.option(
        "--config",
        "config_path",
        # No checks by click here either: config.load says what is wrong in one line.
        type=click.Path(path_type=Path),
        default=None,
        help="pyproject.toml to read [tool.ratchet] from (default: nearest one upward).",
    )(f)


def rcfile_option(f: F) -> F:
    return click.option(
        "--rcfile",
        type=click.Path(path_type=Path),
        default=None,
        metavar="FILE",
        help="coverage.py's configuration to read .coverage data with, as `coverage report "
        "--rcfile` (default: coverage.py's own search, $COVERAGE_RCFILE first).",
    )(f)


def with_rcfile(cfg: Config, rcfile: Path | None) -> Config:
    """``cfg`` reading ``.coverage`` data with the configuration ``--rcfile`` names. A
    relative name is from the working directory, as typed (coverage.py's own
    ``$COVERAGE_RCFILE`` is from the config root); a missing file is refused here, before
    any report is read."""
    if rcfile is None:
        return cfg
    if not rcfile.is_file():
        raise RatchetError("no such file (named by --rcfile)", source=str(rcfile))
    return dataclasses.replace(cfg, coverage_rcfile=rcfile.absolute())


def allow_stale_option(f: F) -> F:
    return click.option(
        "--allow-stale",
        is_flag=True,
        help="Record a report older than the files it measured.",
    )(f)


def expect_option(f: F) -> F:
    return click.option(
        "--expect",
        type=click.IntRange(1),
        default=None,
        metavar="N",
        help="Exactly N reports must be given (test shards): fewer is an error, not a "
        "verdict. Default: expect_reports of [tool.ratchet].",
    )(f)


def format_option(f: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="text",
        show_default=True,
        help="Output format.",
    )(f)


def load_config(config_path: Path | None, rcfile: Path | None = None) -> Config:
    """The config, with any write of the bar that was interrupted finished first."""
    cfg = config_mod.load(config_path)
    if writelock.recover(cfg.root, echo_err):
        cfg = config_mod.load(config_path)
    return with_rcfile(cfg, rcfile)


@contextmanager
def config_for_writing(config_path: Path | None, rcfile: Path | None = None) -> Iterator[Config]:
    """The config read under the writers' lock, held until the block ends: a bar another
    writer recorded while this one waited is the bar this one starts from."""
    cfg = load_config(config_path, rcfile)
    with writelock.hold(cfg.root, echo_err):
        yield with_rcfile(config_mod.load(config_path), rcfile)


def require_section(cfg: Config) -> None:
    config_mod.require_bar(cfg)


def echo_err(message: str) -> None:
    click.echo(message, err=True)


def out(message: str, *, nl: bool = True) -> None:
    """Write to stdout. A reader that stops early (``ratchet report | head``) is not an
    error: the rest of the output is dropped, quietly, and the command goes on to its own
    verdict and exit code, so a closed pipe can neither hide a failure nor fake one.

    Any other failure to write (a full disk) is an error, exit 2: output asked for was
    lost. That replaces the verdict, but never with a pass."""
    try:
        click.echo(message, nl=nl)
    except BrokenPipeError:
        _discard_stdout()
    except OSError as e:
        _discard_stdout()
        raise RatchetError(f"cannot write output: {e.strerror or e}") from None


def _discard_stdout() -> None:
    # Point fd 1 at /dev/null so later writes, and the interpreter's flush at exit, go
    # nowhere instead of raising again (the recipe in Python's signal docs).
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
