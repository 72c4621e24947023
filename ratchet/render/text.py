"""Plain text, laid out like ``coverage report`` so it looks at home beside it."""

from __future__ import annotations

import re

from ratchet.models import Report, format_ranges
from ratchet.numbers import fmt_margin, fmt_pct
from ratchet.render.common import display
from ratchet.rules import Verdict

# C0 and C1 controls, DEL and Unicode's line separators: any of them in a file name would
# break a line (or a terminal) in the middle of a row.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SHOWN = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\n``, ``\\x1b``)."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: _SHOWN.get(m.group(), f"\\x{ord(m.group()):02x}"), text)


def lines(rows: list[str]) -> str:
    """Rows joined into text, one line each, whatever they hold."""
    return "\n".join(map(printable, rows)) + "\n"


def report(rep: Report, *, precision: int = 2, show_missing: bool = True) -> str:
    rows = [
        (
            printable(f.path),
            str(f.counts.lines_valid),
            str(f.counts.lines_valid - f.counts.lines_covered),
            str(f.counts.branches_valid),
            str(f.counts.branches_valid - f.counts.branches_covered),
            display(f.counts, precision) + "%",
            format_ranges(f.missing_lines) if show_missing else "",
        )
        for f in rep.files
    ]
    t = rep.totals
    total = (
        "TOTAL",
        str(t.lines_valid),
        str(t.lines_valid - t.lines_covered),
        str(t.branches_valid),
        str(t.branches_valid - t.branches_covered),
        display(t, precision) + "%",
        "",
    )
    header = (
        "Name",
        "Lines",
        "Miss",
        "Branch",
        "BrMiss",
        "Cover",
        "Missing" if show_missing else "",
    )
    width = max(len(r[0]) for r in [header, *rows, total])
    nums = [max(len(r[i]) for r in [header, *rows, total]) for i in range(1, 6)]

    def fmt(r: tuple[str, ...]) -> str:
        cells = [r[0].ljust(width)] + [r[i].rjust(nums[i - 1]) for i in range(1, 6)]
        line = "   ".join(cells)
        return (line + "   " + r[6]).rstrip()

    sep = "-" * len(fmt(header))
    return "\n".join([fmt(header), sep, *map(fmt, rows), sep, fmt(total)]) + "\n"


def verdict(v: Verdict, *, status: str | None = None) -> str:
    """``status`` is the overall one when more than the total was judged (patch coverage)."""
    t = v.totals
    out = [
        f"coverage-ratchet: {(status or v.status).upper()}",
        f"  total      {fmt_pct(v.percent)}%  ({t.covered}/{t.valid} lines+branches covered, "
        f"{t.missing} uncovered)",
        f"  threshold  {v.threshold}%  (margin {'+' if v.margin >= 0 else '-'}"
        f"{fmt_margin(v.margin)} points)",
    ]
    if v.baseline is not None:
        unc = f", {v.baseline_uncovered} uncovered" if v.baseline_uncovered is not None else ""
        out.append(f"  baseline   {v.baseline}%{unc}")
    else:
        out.append("  baseline   none recorded yet")
    for f in v.failures:
        out.append(f"FAIL {f.message}")
    for n in v.notes:
        out.append(f"note: {n}")
    if (status or v.status) == "pass" and v.raises_bar:
        bits = []
        if v.new_threshold > v.threshold:
            bits.append(f"the threshold {v.threshold}% -> {v.new_threshold}%")
        if v.baseline is None or v.new_baseline > v.baseline:
            was = f"{v.baseline}%" if v.baseline is not None else "none"
            bits.append(f"the baseline {was} -> {v.new_baseline}%")
        out.append("`ratchet update` would raise " + " and ".join(bits) + ".")
    return lines(out)
