"""The CLI in-process, for tests whose subject is not the process boundary: the same
parsing, commands and exit codes as ``ratchet ...``, without a Python start-up.

One implementation: ``tests.conftest.run_in_process`` (the environment pinned as a
subprocess's would be); ``ratchet`` is its short name for the tests that import it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Result, run_in_process


def ratchet(*args: str, cwd: Path) -> Result:
    """``ratchet ARGS`` run in ``cwd``; printed (pytest shows it when the test fails)."""
    return run_in_process(*args, cwd=cwd)
