"""Options and steps shared by several commands."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ratchet.core import config as config_mod
from ratchet.core.config import Config
from ratchet.errors import RatchetError
from ratchet.store import pyproject, writelock

if TYPE_CHECKING:
    from ratchet.render.terminal import Layout

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("text", "json", "markdown")


def reports_argument(f: F) -> F:
    # No checks by click (a directory, an unreadable file): its usage error is four lines;
    # readers.detect says what is wrong in one, like every other bad report.
    return click.argument("reports", nargs=-1, type=click.Path(path_type=Path, readable=False))(f)


def config_option(f: F) -> F:
    return click.option(
        "--config",
        "config_path",
        # No checks by click here either: pyproject.load_config says what is wrong in one line.
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


def verbosity_options(f: F) -> F:
    f = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        help="Say more: the exact numbers, every failure's own message, each changed file.",
    )(f)
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        help="Say less: nothing on a pass; on a failure, the verdict and what failed.",
    )(f)


def layout(*, quiet: bool = False, verbose: bool = False) -> Layout:
    """How text for stdout is laid out: colour and the width of a terminal there (none and
    100 columns in a pipe or a file), and how much is said."""
    from ratchet.render.terminal import NORMAL, QUIET, VERBOSE, Layout  # text output only

    if quiet and verbose:
        raise click.UsageError("-q and -v ask for opposite things: give one")
    tty = _isatty(sys.stdout)
    width = shutil.get_terminal_size((MAX_WIDTH, 24)).columns if tty else MAX_WIDTH
    verbosity = QUIET if quiet else VERBOSE if verbose else NORMAL
    return Layout(width=max(width, MIN_WIDTH), color=color(os.environ, tty), verbosity=verbosity)


MAX_WIDTH = 100  # columns of text that goes to a pipe or a file
MIN_WIDTH = 40  # a narrower terminal still gets lines this long


def color(env: Mapping[str, str], tty: bool) -> bool:
    """Colour on a terminal, never in a pipe or a file, as the conventions say: a non-empty
    ``NO_COLOR`` turns it off (no-color.org), else a non-empty ``FORCE_COLOR`` turns it on
    (even in a pipe: a CI log that shows colour), else a terminal other than ``TERM=dumb``
    has it. CPython's own order (``_colorize``)."""
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    return tty and env.get("TERM") != "dumb"


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no such method, or a closed stream
        return False


def load_config(config_path: Path | None, rcfile: Path | None = None) -> Config:
    """The config, with any write of the bar that was interrupted finished first."""
    cfg = pyproject.load_config(config_path)
    if writelock.recover(cfg.root, echo_err):
        cfg = pyproject.load_config(config_path)
    return with_rcfile(cfg, rcfile)


@contextmanager
def config_for_writing(config_path: Path | None, rcfile: Path | None = None) -> Iterator[Config]:
    """The config read under the writers' lock, held until the block ends: a bar another
    writer recorded while this one waited is the bar this one starts from."""
    cfg = load_config(config_path, rcfile)
    with writelock.hold(cfg.root, echo_err):
        yield with_rcfile(pyproject.load_config(config_path), rcfile)


def require_section(cfg: Config) -> None:
    config_mod.require_bar(cfg)


def echo_err(message: str) -> None:
    click.echo(message, err=True)


def out(message: str, *, nl: bool = True, color: bool | None = None) -> None:
    """Write to stdout. A reader that stops early (``ratchet report | head``) is not an
    error: the rest of the output is dropped, quietly, and the command goes on to its own
    verdict and exit code, so a closed pipe can neither hide a failure nor fake one.

    Any other failure to write (a full disk) is an error, exit 2: output asked for was
    lost. That replaces the verdict, but never with a pass. A character the stream's
    encoding lacks (a file name, in a pipe on a legacy code page) is written as an
    escape rather than lost with the rest. ``color``: keep the text's colours (``layout``
    decided); else click strips any where stdout is not a terminal."""
    try:
        try:
            click.echo(message, nl=nl, color=color)
        except UnicodeEncodeError:
            encoding = getattr(sys.stdout, "encoding", None) or "ascii"
            safe = message.encode(encoding, "backslashreplace").decode(encoding)
            click.echo(safe, nl=nl, color=color)
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
