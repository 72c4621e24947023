"""Helpers shared by the renderers."""

from __future__ import annotations

from ratchet.models import Counts


def display(c: Counts, precision: int) -> str:
    """A percent the way ``coverage report`` shows it: rounded, but never to 0 or 100
    unless exactly so (coverage.py's ``display_covered``)."""
    pc = c.percent
    near0 = 1.0 / 10**precision
    if 0 < pc < near0:
        pc = near0
    elif 100.0 - near0 < pc < 100:
        pc = 100.0 - near0
    else:
        pc = round(pc, precision)
    return f"{pc:.{precision}f}"
