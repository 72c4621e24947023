"""The CLI in-process (click's runner), for tests whose subject is not the process boundary:
the same parsing, commands and exit codes as ``ratchet ...``, without a Python start-up."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from ratchet.cli import cli
from tests.conftest import Result


def ratchet(*args: str, cwd: Path) -> Result:
    """``ratchet ARGS`` run in ``cwd``; printed (pytest shows it when the test fails)."""
    old = Path.cwd()
    os.chdir(cwd)  # contextlib.chdir is Python 3.11+
    try:
        plain = {"NO_COLOR": None, "FORCE_COLOR": None}  # the text's colour: not the shell's
        r = CliRunner().invoke(
            cli, list(args), prog_name="ratchet", catch_exceptions=False, env=plain
        )
    finally:
        os.chdir(old)
    result = Result(r.exit_code, r.stdout, r.stderr, args)
    print(repr(result))
    return result
