"""Helpers shared by the renderers (coverage.py's notation of missing lines is in
``ratchet.core.notation``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ratchet.core.models import Counts, FileCoverage
from ratchet.core.numbers import display_covered

_DIGITS = re.compile(r"(\d+)")
# C0 and C1 controls, DEL, Unicode's line separators and its bidirectional overrides and
# isolates: any of them in a file name would break a line (or a terminal) in the middle of a
# row, or show the name in another order than it has (CVE-2021-42574, "Trojan Source").
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SHOWN = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\n``, ``\\x1b``,
    ``\\u202e``)."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: _SHOWN.get(m.group(), _code_point(m.group())), text)


def _code_point(c: str) -> str:
    n = ord(c)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def plural(n: int, thing: str, things: str | None = None) -> str:
    """``1 file``, ``2 files`` (``things``: an irregular plural)."""
    return f"{n} {thing if n == 1 else things or thing + 's'}"


def display(c: Counts, precision: int) -> str:
    """A percent the way ``coverage report`` shows it: rounded, but never to 0 or 100
    unless exactly so (coverage.py's ``display_covered``)."""
    return display_covered(c.percent, precision)


def human_key(name: str) -> tuple[list[str | int], str]:
    """coverage.py's sort key for file names (``misc._human_key``): runs of digits compare
    as numbers (``f2.py`` before ``f10.py``). Base 16 has no digit limit and orders runs
    of decimal digits the same way; the name itself breaks ties (``x1`` and ``x01``)."""
    parts = _DIGITS.split(name)
    return [int(p, base=16) if i % 2 else p for i, p in enumerate(parts)], name


def human_sorted(files: Iterable[FileCoverage]) -> list[FileCoverage]:
    return sorted(files, key=lambda f: human_key(f.path))
