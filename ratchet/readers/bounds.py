"""The numbers a report may hold, checked the same way by the JaCoCo, Clover, Go and
SimpleCov readers: a line number is 1 to ``MAX_LINE``, a count is 0 to ``MAX_COUNT``.

No source file has ten million lines: a larger number is a broken or hostile report, and
taken as a line number it would be a placeholder, a span or a memo entry for nothing.
The line bound and its words are the ones every reader uses (``readers.MAX_LINE``).
"""

from __future__ import annotations

from ratchet.readers import MAX_LINE, line_problem

__all__ = ["MAX_LINE", "BadNumber", "count", "line_number", "parse_int"]

# Counts are execution counts (Go's uint32, JaCoCo's int, SimpleCov's Ruby integers): a
# 64-bit range is more than any producer writes, and keeps int() of a 4,000-digit string
# from ever being asked for.
MAX_COUNT = 2**63 - 1
_MAX_DIGITS = len(str(MAX_COUNT))


class BadNumber(ValueError):
    """A number out of range: the message says which and why."""


def line_number(value: int) -> int:
    problem = line_problem(value)
    if problem is not None:
        raise BadNumber(problem)
    return value


def count(value: int, what: str = "count") -> int:
    if value < 0:
        raise BadNumber(f"negative {what} {value}")
    if value > MAX_COUNT:
        raise BadNumber(f"{what} {value} is out of range")
    return value


def parse_int(text: str, what: str) -> int:
    """``int(text)`` for a number written in a report, refusing a string too long to be one
    any producer writes before converting it."""
    if len(text) > _MAX_DIGITS + 2:
        raise BadNumber(f"{what} {text[:24]!r}... is out of range")
    try:
        return int(text)
    except ValueError:
        raise BadNumber(f"{what} {text[:40]!r} is not a number") from None
