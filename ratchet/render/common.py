"""Helpers shared by the renderers (coverage.py's notation of missing lines is in
``ratchet.notation``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ratchet.models import Counts, FileCoverage
from ratchet.numbers import display_covered

_DIGITS = re.compile(r"(\d+)")


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
