"""The one exception type. ``cli`` turns it into one line on stderr and exit code 2."""

from __future__ import annotations

# The exit codes are an interface (README, "Exit codes").
EXIT_PASS = 0
EXIT_FAIL = 1  # coverage regression, below a threshold
EXIT_ERROR = 2  # bad input, usage or configuration
EXIT_INTERNAL = 3  # a bug: traceback shown
# push-update only: nothing recorded, because the branch moved on to code this run did not
# measure; that commit's own run must record the bar. Not 0 (no bar was recorded), not 1 (no
# regression), not 2 (the input was fine): a status of its own that a workflow can test.
EXIT_DEFERRED = 4


class RatchetError(Exception):
    """Bad input, usage or configuration: the user can fix it; no traceback is shown.

    ``source`` names the file (or option) at fault so the message can start with it.
    """

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message
