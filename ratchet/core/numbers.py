"""Exact percentages, shown the way coverage.py shows them.

Decisions compare ``Fraction``s (``percent``, ``floor_to``, ``floor_step``): nothing a user
reads is ever what a verdict was computed from. Two functions turn numbers into text:

- ``fmt_pct`` for a percent: coverage.py's own rounding (``display_covered``), so a total
  reads the same in ratchet and in ``coverage report --precision=N``, digit for digit;
- ``fmt_margin`` for a distance in points (above or below a bar): rounded from the exact
  value, and never 0 when the distance is not 0.

A shown percent can therefore round onto a bar it misses (79.99996% reads 80.0000% at four
places, as in ``coverage report``); the margin beside it says on which side it lies.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from ratchet.core.models import Counts

SHOW = 4  # decimals shown in messages: "unrounded" enough to see why a verdict fell


def percent(c: Counts) -> Fraction:
    return c.ratio * 100


def percent_order(a: Counts, b: Counts) -> int:
    """-1, 0 or 1 as ``a``'s exact covered fraction is below, equal to or above ``b``'s:
    ``percent(a)`` against ``percent(b)``, decided exactly, in integers (cross-multiplied),
    with no ``Fraction`` made (per-file decisions run 10,000 times a report)."""
    an, ad = (a.covered, a.valid) if a.valid else (1, 1)
    bn, bd = (b.covered, b.valid) if b.valid else (1, 1)
    left, right = an * bd, bn * ad
    return (left > right) - (left < right)


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


def display_covered(pc: float, precision: int) -> str:
    """coverage.py's ``results.display_covered``, bit for bit (tested against the installed
    coverage.py): ``round(pc, precision)`` on the float, except that a value above 0 never
    shows as 0 and one below 100 never shows as 100 (99.995 at 2 places is "99.99")."""
    if precision < 0:
        raise ValueError(f"precision={precision} is invalid: it must not be negative")
    near0 = 1.0 / 10**precision
    if 0 < pc < near0:
        pc = near0
    elif (100.0 - near0) < pc < 100:
        pc = 100.0 - near0
    else:
        pc = round(pc, precision)
    return f"{pc:.{precision}f}"


def fmt_pct(value: Fraction | Decimal | float, places: int = SHOW) -> str:
    """A percent shown to users, without the % sign: ``percent(c)`` of some counts.

    A ``Fraction`` (or a float) reads as ``coverage report --precision=places`` shows the
    same counts (``display_covered``): ``float()`` of the exact fraction is the float
    coverage.py computes as ``100.0 * covered / total`` (both are the correctly rounded
    quotient), so the digits agree. A ``Decimal`` is a configured bar (threshold, baseline)
    and is shown as written, without trailing zeros: "80", "72.5".
    """
    if isinstance(value, Decimal):
        return str(normalize(value))
    return display_covered(float(value), places)


def fmt_margin(value: Fraction | Decimal, places: int = SHOW) -> str:
    """A distance in percentage points (how far a total is above or below a bar), without
    its sign: the caller knows the side from the exact value and writes "+" or "-".

    Rounded half to even from the exact value, like ``fmt_pct`` rounds a percent, so
    ``fmt_pct(p)`` minus a bar with at most ``places`` decimals reads as the margin. A
    distance that is not 0 never shows as 0: it reads "<0.0001" (at 4 places)."""
    v = abs(Fraction(value))
    scaled = round(v * 10**places)
    if v and not scaled:
        return "<" + f"{Decimal(1).scaleb(-places):.{places}f}"
    return f"{Decimal(scaled).scaleb(-places):.{places}f}"


def as_toml_number(d: Decimal) -> int | float:
    d = normalize(d)
    return int(d) if d == d.to_integral_value() else float(d)


def as_json_number(d: Decimal | None) -> int | float | None:
    return None if d is None else as_toml_number(d)
