"""The one exception type. ``cli`` turns it into one line on stderr and exit code 2."""

from __future__ import annotations


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
