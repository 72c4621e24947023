"""A shields.io-style coverage badge, made offline: no service sees the repository.

Coloured by the threshold bands: red below the threshold (a check fails), yellow within
one step above it (the next drop may fail), green above that, bright green at 100%.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from html import escape

RED = "#e05d44"
YELLOW = "#dfb317"
GREEN = "#97ca00"
BRIGHT_GREEN = "#4c1"

# Advance widths of Verdana 11px (what shields measures with), in tenths of a pixel, for
# the characters a coverage badge uses; anything else counts as a wide letter.
_WIDTHS = {
    **dict.fromkeys("0123456789", 70),
    ".": 35, "%": 120, " ": 35, "-": 42,
    "a": 66, "b": 69, "c": 57, "d": 69, "e": 66, "f": 39, "g": 69, "h": 70, "i": 30,
    "j": 38, "k": 65, "l": 30, "m": 107, "n": 70, "o": 67, "p": 69, "q": 69, "r": 47,
    "s": 57, "t": 43, "u": 70, "v": 65, "w": 90, "x": 65, "y": 65, "z": 58,
}  # fmt: skip
_WIDE = 75


def colour(pct: Fraction, threshold: Decimal, step: Decimal) -> str:
    if pct >= 100:
        return BRIGHT_GREEN
    if pct < Fraction(threshold):
        return RED
    if pct < Fraction(threshold) + Fraction(step):
        return YELLOW
    return GREEN


def _width(text: str) -> int:
    """Pixels, rounded up, plus shields' 10 px of padding."""
    tenths = sum(_WIDTHS.get(c, _WIDE) for c in text)
    return -(-tenths // 10) + 10


def svg(label: str, value: str, color: str) -> str:
    """A flat badge: ``label`` on grey, ``value`` on ``color``."""
    lw, vw = _width(label), _width(value)
    total = lw + vw
    label_e, value_e = escape(label), escape(value)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" '
        f'aria-label="{label_e}: {value_e}">'
        f"<title>{label_e}: {value_e}</title>"
        '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" '
        'stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{lw}" height="20" fill="#555"/>'
        f'<rect x="{lw}" width="{vw}" height="20" fill="{color}"/>'
        f'<rect width="{total}" height="20" fill="url(#s)"/></g>'
        '<g fill="#fff" text-anchor="middle" '
        'font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="110">'
        f'<text x="{lw * 5}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)">'
        f"{label_e}</text>"
        f'<text x="{lw * 5}" y="140" transform="scale(.1)">{label_e}</text>'
        f'<text x="{lw * 10 + vw * 5}" y="150" fill="#010101" fill-opacity=".3" '
        f'transform="scale(.1)">{value_e}</text>'
        f'<text x="{lw * 10 + vw * 5}" y="140" transform="scale(.1)">{value_e}</text>'
        "</g></svg>\n"
    )


def coverage_badge(pct: Fraction, threshold: Decimal, step: Decimal, *, places: int = 0) -> str:
    """The badge of a total: its percent as ``coverage report`` shows it (rounded, 92.65%
    reads 93%, but never to 100% before it is, nor to 0% after the first line), coloured by
    the bands, which are decided on the exact value."""
    from ratchet.core.numbers import fmt_pct

    return svg("coverage", f"{fmt_pct(pct, places)}%", colour(pct, threshold, step))
