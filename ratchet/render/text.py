"""Plain text, laid out like ``coverage report`` so it looks at home beside it."""

from __future__ import annotations

from typing import NamedTuple

from ratchet.core.models import Baseline, FileCoverage, Report
from ratchet.core.notation import missing_text
from ratchet.core.results import Event, Plan
from ratchet.core.rules import describe, named
from ratchet.render.common import display, human_sorted, plural, printable


def lines(rows: list[str]) -> str:
    """Rows joined into text, one line each, whatever they hold."""
    return "\n".join(map(printable, rows)) + "\n"


def report(
    rep: Report,
    *,
    precision: int = 2,
    show_missing: bool = True,
    skip_covered: bool = False,
    skip_empty: bool = False,
) -> str:
    """``coverage report -m``'s table, character for character where the report holds what
    coverage.py shows (see ``rows``), so the two can be compared line by line."""
    table = rows(rep, precision=precision, show_missing=show_missing)
    shown: list[list[str]] = []
    covered = empty = 0
    for f, cells in table.rows:  # coverage.py's order of the two tests
        if skip_covered and f.counts.missing == 0:
            covered += 1
        elif skip_empty and f.counts.lines_valid == 0:
            empty += 1
        else:
            shown.append(cells)
    out = _layout(table.header, shown, table.total)
    if covered:
        out += ["", f"{plural(covered, 'file')} skipped due to complete coverage."]
    if empty:
        out += ["", f"{plural(empty, 'empty file')} skipped."]
    return "\n".join(out) + "\n"


class Table(NamedTuple):
    header: list[str]
    rows: list[tuple[FileCoverage, list[str]]]
    total: list[str]


def rows(rep: Report, *, precision: int, show_missing: bool) -> Table:
    """The cells of ``coverage report``'s table: Name, Stmts, Miss, Branch, BrPart, Cover
    (without its %), Missing; files in coverage.py's order (``human_sorted``).

    Branch and BrPart are there when the report has branches at all (coverage.py shows
    them for a ``--branch`` run even with no branch in the code; the reports do not all
    say whether branches were measured). BrPart is coverage.py's: missed branches of lines
    that ran. Missing is ``missing_text``.
    """
    t = rep.totals
    branches = t.branches_valid > 0
    header = ["Name", "Stmts", "Miss"]
    if branches:
        header += ["Branch", "BrPart"]
    header += ["Cover"]
    if show_missing:
        header += ["Missing"]
    body = []
    partial = 0
    for f in human_sorted(rep.files):
        c = f.counts
        cells = [printable(f.path), str(c.lines_valid), str(c.lines_valid - c.lines_covered)]
        if branches:
            count = f.partial_count
            partial += count
            cells += [str(c.branches_valid), str(count)]
        cells += [display(c, precision)]
        if show_missing:
            cells += [missing_text(f)]
        body.append((f, cells))
    total = ["TOTAL", str(t.lines_valid), str(t.lines_valid - t.lines_covered)]
    if branches:
        total += [str(t.branches_valid), str(partial)]
    total += [display(t, precision)]
    if show_missing:
        total += [""]
    return Table(header, body, total)


def _layout(header: list[str], body: list[list[str]], total: list[str]) -> list[str]:
    """coverage.py's ``SummaryReporter.report_text``: the same widths and padding."""
    cover = header.index("Cover")
    name_len = max([len(r[0]) for r in body] + [5]) + 1
    n = max(len(total[cover]) + 2, len(" Cover")) + 1
    n = max([n] + [len(r[cover]) + 2 for r in body])

    # One str.format a row (coverage.py pads with ljust and rjust: the same spaces).
    spec = {"Name": f"{{:<{name_len}}}", "Cover": f"{{:>{n - 1}}}%", "Missing": "   {:<9}"}
    row = "".join(spec.get(item, "{:>7}") for item in header)
    heading = {"Name": f"{{:<{name_len}}}", "Cover": f"{{:>{n}}}", "Missing": "{:>10}"}
    head = "".join(heading.get(item, "{:>7}") for item in header).format(*header)
    rule = "-" * len(head)
    out = [head.rstrip(), rule, *(row.format(*r).rstrip() for r in body)]
    if body:
        out.append(rule)
    out.append(row.format(*total).rstrip())
    return out


def records(e: Event) -> str:
    """What an event sets the bar to: its new values only (``threshold 90%, baseline
    92.5799% (811/876); component web: threshold 50%``)."""
    bits = [f"threshold {e.threshold[1]}%", f"baseline {_new(e.baseline[1])}"]
    for m in e.components:
        bits.append(
            f"component {m.name}: threshold {m.threshold[1]}%, baseline {_new(m.baseline[1])}"
        )
    return "; ".join([", ".join(bits[:2]), *bits[2:]])


def _new(b: Baseline | None) -> str:
    return describe(b) if b is not None else "none"


def lowered(e: Event) -> str:
    """``threshold 95% -> 90%, baseline 99.3556% (771/776) -> 93.3333% (14/15)``."""
    (t0, t1), (b0, b1) = e.threshold, e.baseline
    bits = []
    if t0 != t1:
        bits.append(f"threshold {t0 if t0 is not None else '-'}% -> {t1}%")
    if b0 != b1:
        bits.append(
            f"baseline {describe(b0) if b0 else 'none'} -> {describe(b1) if b1 else 'none'}"
        )
    return ", ".join(bits) or "the bar stays (the per-file lines were recorded anew)"


def plan(p: Plan, *, doing: bool = False) -> str:
    """What ``update`` records (or why it refuses), in a few lines; ``doing``: said by
    update itself, as it records, rather than by check."""
    who = "ratchet: update" if doing else "ratchet update would"
    if p.refused:
        return lines([f"{who} not record this: {b.message}" for b in p.blockers])
    if not p.changes:
        return lines(["ratchet: nothing to change." if doing else f"{who} change nothing."])
    out = ["ratchet: update records:" if doing else f"{who} record:"]
    for s in p.settings:
        out.append(f"  {s.key} {s.old or 'none'} -> {s.new or 'none'} ({s.reason})")
    if p.lines:
        kinds: dict[str, int] = {}
        for line in p.lines:
            kinds[line.reason] = kinds.get(line.reason, 0) + 1
        summary = ", ".join(f"{n} {reason}" for reason, n in sorted(kinds.items()))
        out.append(f"  {plural(len(p.lines), 'per-file line')}: {summary}")
    if p.kept:
        out.append(
            f"  kept the old per-file line of {plural(len(p.kept), 'file')} whose coverage fell: "
            + named([k.path for k in p.kept])
        )
    return lines(out)
