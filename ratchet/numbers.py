"""Exact percentages. Decisions compare ``Fraction``s; only messages round, and they truncate
toward the side that cannot flip a verdict (79.99999% never prints as 80%)."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from ratchet.models import Counts

SHOW = 4  # decimals shown in messages: "unrounded" enough to see why a verdict fell


def percent(c: Counts) -> Fraction:
    return c.ratio * 100


def floor_to(value: Fraction, places: int) -> Decimal:
    scale = 10**places
    return Decimal(math.floor(value * scale)) / Decimal(scale)


def floor_step(value: Fraction, step: Decimal) -> Decimal:
    """Highest multiple of ``step`` not above ``value``."""
    n = math.floor(value / Fraction(step))
    return normalize(Decimal(n) * step)


def normalize(d: Decimal) -> Decimal:
    """75.00 -> 75, 72.50 -> 72.5 (for messages and TOML)."""
    d = d.normalize()
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d


def fmt_pct(value: Fraction | Decimal, places: int = SHOW) -> str:
    """Truncated, never rounded up: a value below 80 never reads as 80."""
    if isinstance(value, Decimal):
        return str(normalize(value))
    return f"{floor_to(value, places):.{places}f}"


def fmt_margin(value: Fraction) -> str:
    """A positive margin never prints as 0."""
    v = abs(value)
    shown = floor_to(v, SHOW)
    if v and shown == 0:
        return f"<0.{'0' * (SHOW - 1)}1"
    return f"{shown:.{SHOW}f}"


def as_toml_number(d: Decimal) -> int | float:
    d = normalize(d)
    return int(d) if d == d.to_integral_value() else float(d)


def as_json_number(d: Decimal | None) -> int | float | None:
    return None if d is None else as_toml_number(d)
