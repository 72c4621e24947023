"""The verdict on a terminal: what ``check`` prints as text (and ``update`` when it refuses).

The PR comment's order, in plain text: the verdict and its reasons first (``headline``,
decided once for every output), a lowering of the bar with its reason, patch coverage in
one sentence, one line per file that moved, the components, then what is secondary (notes,
what ``update`` would record, where the bar came from). No Markdown. Colour only when the
caller asks for it (a terminal), on the words and numbers that decide; every line wrapped
at ``width`` (a word, a path say, is never broken).

``verbosity``: ``QUIET`` (``-q``) says nothing of a plain pass, and of a failure only the
verdict and what failed; ``VERBOSE`` (``-v``) adds the exact numbers, every failure's own
message, each changed file's lines and branches, and all that ``update`` would record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import click

from ratchet.core.models import format_spans
from ratchet.core.numbers import fmt_pct
from ratchet.core.results import BAD_INPUT, Result
from ratchet.core.rules import FILE_REGRESSION, NOT_RUN, describe
from ratchet.render import patch as patch_render
from ratchet.render import text
from ratchet.render.common import plural, printable
from ratchet.render.headline import (
    IN_FULL,
    KNOWN,
    MAX_REASONS,
    base_bar,
    baseline_pct,
    headline,
    reasons,
    signed,
)
from ratchet.render.moves import FileRow, file_rows, touched, why

QUIET, NORMAL, VERBOSE = -1, 0, 1
MAX_FILES = 20  # file lines (a quiet run's failing ones too); verbose: every file
MAX_SPANS = 10  # changed line ranges named a file; verbose: all
MAX_NOTES = 5  # verbose: all
MAX_EVENTS = 10  # accept events listed; verbose: all
MAX_LOWERED = 30  # requirements listed as falling; verbose: all (the JSON has them all)
NAME_WIDTH = 48  # names are padded to a column up to this width
HANG = 4  # a wrapped line goes on this much further in

# Style -> (colour, bold, dim).
STYLES: dict[str, tuple[str | None, bool, bool]] = {
    "pass": ("green", True, False),
    "fail": ("red", True, False),
    "warn": ("yellow", True, False),
    "good": ("green", False, False),
    "bad": ("red", False, False),
    "low": ("yellow", False, False),
    "strong": (None, True, False),
    "dim": (None, False, True),
}
_MOOD = {
    patch_render.FAILING: "bad",
    patch_render.LOW: "low",
    patch_render.PASSING: "good",
    patch_render.NEUTRAL: None,
}
_CODE = re.compile(r"`([^`\n]+)`")


@dataclass(frozen=True)
class Layout:
    width: int = 100
    color: bool = False
    verbosity: int = NORMAL


PLAIN = Layout()  # no colour, 100 columns: what a pipe or a file gets


Span = tuple[str, "str | None"]  # text, a key of STYLES (None: plain)


@dataclass(frozen=True)
class Line:
    spans: tuple[Span, ...]
    indent: int = 0


def plain(message: str) -> str:
    """A message of the rules without Markdown: ```ratchet update``` reads 'ratchet update'."""
    return _CODE.sub(r"'\1'", message.replace("→", "->"))


def render(result: Result, layout: Layout = PLAIN) -> str:
    quiet, verbose = layout.verbosity <= QUIET, layout.verbosity >= VERBOSE
    h = headline(result)
    if quiet and h.passed and not h.lowered:
        return ""
    lines = _heading(result) + _reasons(result, verbose)
    if not quiet:
        lines += _accepted(result, verbose)
    lines += _patch(result, quiet)
    lines += _files(result, quiet, verbose)
    lines += _components(result, quiet)
    if verbose:
        lines += _exact(result)
    if not quiet:
        lines += _secondary(result, verbose)
    return "".join(draw(line, layout) for line in lines)


# -- the parts, top down ----------------------------------------------------------------------


def _heading(result: Result) -> list[Line]:
    h = headline(result)
    word, style = ("PASS", "warn" if h.lowered else "pass") if h.passed else ("FAIL", "fail")
    rest = h.sentence()[len(h.total) :].replace("→", "->")
    return [Line((("coverage-ratchet: ", None), (word, style), (" ", None), (h.total, "strong"),
                  (rest, None)))]  # fmt: skip


def _reasons(result: Result, verbose: bool) -> list[Line]:
    said = reasons(result)
    shown = said if verbose else said[:MAX_REASONS]
    out = [Line((("why: ", "fail"), (plain(r), None))) for r in shown]
    if len(said) > len(shown):
        out.append(Line(((f"...and {plural(len(said) - len(shown), 'more reason')} (-v)", None),)))
    return out


def _who(author: str | None) -> str:
    """The author's name without the e-mail address git records beside it."""
    return (author or "").split("<", 1)[0].strip()


def _accepted(result: Result, verbose: bool) -> list[Line]:
    """Each lowering of the bar this change records with ``ratchet accept``, reason first,
    then what falls from the values at the ref (never an event's own "old" values)."""
    events = result.accepted
    if not events:
        return []
    ref = result.source.ref if result.source is not None else None
    since = f" since {ref}" if ref else ""
    out = [Line((("WARNING:", "warn"), (" this change lowers the bar on purpose with ratchet "
                 f"accept ({plural(len(events), 'event')}{since}):", None)))]  # fmt: skip
    shown = events if verbose else events[:MAX_EVENTS]
    for e in shown:
        who = _who(e.author)
        at = f", at {e.commit[:12]}" if e.commit else ""
        out += [
            Line(((f"- reason: {e.reason or ''}", None),), 2),
            Line(((f"{e.date[:10]}{', ' + who if who else ''}{at}: records ", "dim"),
                  (text.records(e), "dim")), 4),
        ]  # fmt: skip
    if len(events) > len(shown):
        out.append(Line(((f"...and {plural(len(events) - len(shown), 'more event')}", None),), 2))
    where = f"at {ref}" if ref else "before"
    if not result.lowered:
        return [*out, Line(((f"nothing falls below the values {where}.", None),), 2)]
    out.append(Line((("WARNING:", "warn"), (f" what falls, from the values {where}:", None))))
    falls = result.lowered if verbose else result.lowered[:MAX_LOWERED]
    out += [Line(((f"{x.key} {x.old} -> ", None), (x.new, "bad")), 2) for x in falls]
    if len(result.lowered) > len(falls):
        more = plural(len(result.lowered) - len(falls), "more requirement")
        out.append(Line(((f"...and {more} (-v lists them all)", None),), 2))
    return out


def _patch(result: Result, quiet: bool) -> list[Line]:
    p = result.patch
    if p is None or (quiet and p.passed):
        return []
    said, mood = patch_render.summary(p, result.precision, result.verdict.threshold)
    first, _, rest = said.partition(" ")
    return [Line((("changed lines: ", None), (first, _MOOD[mood]), (" " + rest, None)))]


def _exact(result: Result) -> list[Line]:
    """``-v``: the total, the bar and the changed lines with every digit, and each failure
    in its own words (those ``reasons`` said in full, and the causes it said, left out)."""
    v = result.verdict
    t = v.totals
    out = [
        Line(((f"total {fmt_pct(v.percent)}% ({t.covered}/{t.valid} lines+branches covered, "
               f"{t.missing} uncovered); threshold {v.threshold}%, margin "
               f"{signed(v.margin, 4)} points", "dim"),))
    ]  # fmt: skip
    if v.baseline is not None and v.delta is not None:
        b = v.baseline
        unc = f", {b.uncovered} uncovered" if b.uncovered is not None else ""
        out.append(Line(((f"baseline {describe(b)}{unc}, {signed(v.delta, 4)} points", "dim"),), 2))
    p = result.patch
    if p is not None:
        out.append(Line(((f"diff: {p.description}", "dim"),)))
        for f in p.files:
            row = f"{f.path} {f.status}" + (f" from {f.old_path}" if f.old_path else "")
            if f.status != "deleted":
                c = f.counts
                row += f": {c.lines_covered}/{c.lines_valid} changed lines"
                if c.branches_valid:
                    row += f", {c.branches_covered}/{c.branches_valid} branches"
                if f.uncovered:
                    row += f"; not run: {format_spans(f.uncovered)}"
                if f.partial:
                    row += "; branch not taken on " + ", ".join(map(str, f.partial))
            out.append(Line(((row, "dim"),), 2))
    for fail in result.failures:
        if fail.kind in KNOWN and fail.kind not in IN_FULL:
            out.append(Line((("FAIL", "fail"), (" " + plain(fail.message), None))))
    return out


def _files(result: Result, quiet: bool, verbose: bool) -> list[Line]:
    rows = sorted(file_rows(result), key=FileRow.key)
    if quiet:
        rows = [r for r in rows if r.failed]
    if not rows:
        return []
    shown = rows if verbose else rows[:MAX_FILES]
    names = [printable(r.path) for r in shown]
    width = min(max(map(len, names)), NAME_WIDTH)
    places = result.precision
    unmeasured = result.verdict.unmeasured
    messages = {f.path: f.message for f in result.verdict.failures if f.kind == FILE_REGRESSION}
    moved = touched(result.patch) if result.patch is not None else None
    out = []
    for row, name in zip(shown, names, strict=True):
        spans: list[Span] = [("FAIL " if row.failed else "     ", "fail" if row.failed else None)]
        spans.append((name.ljust(width), None))
        c = row.change
        if c is not None:
            before = f"{fmt_pct(c.before.percent, places)}%" if c.before else "new"
            if c.after is not None:
                after = f"{fmt_pct(c.after.percent, places)}%"
            else:
                after = "not measured" if c.path in unmeasured else "removed"
            spans.append((f"  {before} -> {after}", None))
            if c.delta is not None:
                spans.append(("  " + signed(c.delta, places), "bad" if c.delta < 0 else "good"))
        extra = []
        if row.newly():
            extra.append(f"+{row.newly()} uncovered")
        if row.patch is not None:
            spans_ = row.patch.uncovered if verbose else row.patch.uncovered[:MAX_SPANS]
            more = ", ..." if len(spans_) < len(row.patch.uncovered) else ""
            extra.append(f"changed lines not run: {format_spans(spans_)}{more}")
        elif row.path in messages and NOT_RUN in messages[row.path]:
            extra.append("not run: " + messages[row.path].split(NOT_RUN, 1)[1])
        if moved is not None and row.path not in moved:
            waived = "; not failing: fail_on_indirect = false" if row.waived else ""
            extra.append(f"not touched by this change{waived}")
        if extra:
            spans.append(("  " + "; ".join(extra), None))
        out.append(Line(tuple(spans), 2))
    if len(rows) > len(shown):
        more = plural(len(rows) - len(shown), "more file")
        out.append(Line(((f"...and {more} (-v lists them all)", None),), 2))
    return out


def _components(result: Result, quiet: bool) -> list[Line]:
    v = result.verdict
    places = result.precision
    moved = {m.name: m for m in result.accepted[0].components} if result.accepted else {}
    patch = {c.name: c for c in result.patch.components} if result.patch else {}
    parts = [c for c in v.components if not quiet or c.failures]
    width = max((len(printable(c.name)) for c in parts), default=0)
    out = []
    for c in parts:
        failed = bool(c.failures)
        base = c.baseline
        m = moved.get(c.name)
        if m is not None and m.baseline[0] is not None:
            base = m.baseline[0]  # the base's, before the change lowered it
        spans: list[Span] = [
            ("FAIL " if failed else "PASS ", "fail" if failed else "pass"),
            (f"component {printable(c.name).ljust(width)}  {fmt_pct(c.percent, places)}%", None),
        ]
        if base is not None:
            d = c.percent - base.percent
            spans.append((f" ({signed(d, places)})", "bad" if d < 0 else "good"))
        bar = f"threshold {c.threshold}%, baseline "
        bar += baseline_pct(c.baseline, places) if c.baseline else "none yet"
        spans.append((f"  {bar}", None))
        pc = patch.get(c.name)
        if pc is not None and pc.counts.valid:
            shown = f"{fmt_pct(pc.percent, places)}%"
            if pc.threshold is None:
                low = pc.percent < Fraction(c.threshold)
                spans += [("; changed lines ", None), (shown, "low" if low else None),
                          (", not gated", None)]  # fmt: skip
            else:
                ok = pc.percent >= Fraction(pc.threshold)
                spans += [("; changed lines ", None), (shown, "good" if ok else "bad"),
                          (f" (gate {pc.threshold}%)", None)]  # fmt: skip
        out.append(Line(tuple(spans), 2))
    return out


def _secondary(result: Result, verbose: bool) -> list[Line]:
    """The notes, the total's move in counts, what ``update`` would record, and where the
    bar came from."""
    out = []
    p = result.patch
    notes = [*result.verdict.notes, *(p.notes if p else ())]
    shown = notes if verbose else notes[:MAX_NOTES]
    out += [Line((("note: " + plain(n), None),)) for n in shown]
    if len(notes) > len(shown):
        out.append(Line(((f"...and {plural(len(notes) - len(shown), 'more note')} (-v)", None),)))
    moved = why(result)
    if moved:
        out.append(Line(((plain(moved[0].lower() + moved[1:]), None),)))
    out += _update(result, verbose)
    out.append(Line(((_footer(result), "dim"),)))
    return out


def _update(result: Result, verbose: bool) -> list[Line]:
    """What ``ratchet update`` would do with this report (the plan: never decided here)."""
    plan = result.plan
    if plan is None:
        return []
    if verbose:
        return [Line(((row, None),)) for row in text.plan(plan).splitlines()]
    if plan.refused:
        inputs = [b for b in plan.blockers if b.kind == BAD_INPUT]
        if not inputs:
            return []  # a regression: the heading said why
        return [Line(((f"ratchet update would not record this: {plain(inputs[0].message)}",
                       None),))]  # fmt: skip
    if not plan.changes:
        return []
    keys = {s.key for s in plan.settings}
    bits = []
    if "threshold" in keys:
        bits.append(f"threshold -> {plan.threshold}%")
    if "baseline" in keys and plan.baseline is not None:
        bits.append(f"baseline -> {baseline_pct(plan.baseline, result.precision)}")
    raised = sum(1 for k in keys if k.startswith("components."))
    if raised:
        bits.append(plural(raised, "component value"))
    if plan.lines:
        bits.append(plural(len(plan.lines), "per-file line"))
    kept = ""
    if plan.kept:
        kept = f", keeping the old line of {plural(len(plan.kept), 'file')} whose coverage fell"
    if not bits:
        return []
    return [Line(((f"ratchet update would record: {', '.join(bits)}{kept}", "good"),))]


def _footer(result: Result) -> str:
    """Provenance: the bar held to, and where it came from."""
    v = result.verdict
    base = "no baseline yet"
    if v.baseline is not None:
        b = v.baseline
        counts = f" ({b.covered}/{b.measured})" if b.exact else ""
        base = f"baseline {baseline_pct(b, result.precision)}{counts}"
    held = f"bar: threshold {v.threshold}%, {base}"
    if base_bar(result).lowered:
        held += " as lowered by this change"
    s = result.source
    if s is None:
        return held
    if s.ref is None:
        return f"{held}, from the working copy ({s.config})"
    at = f" at {s.commit[:12]}" if s.commit else ""
    return f"{held}, from {s.ref}{at} ({s.config})"


# -- drawing ----------------------------------------------------------------------------------

_TOKEN = re.compile(r"\S+\s*|\s+")


def draw(line: Line, layout: Layout) -> str:
    """``line`` wrapped at ``layout.width`` (a wrapped part goes on ``HANG`` further in),
    each styled word coloured when ``layout.color``. Words are never broken: a path longer
    than the width has a line of its own. Control characters in any text are shown as
    escapes, before any colour is added; no line but the first can start with ``::``."""
    words: list[tuple[str, str, str | None]] = []  # word, the blanks after it, style
    for raw, style in line.spans:
        for token in _TOKEN.findall(printable(raw)):
            word = token.rstrip()
            words.append((word, token[len(word) :], style))
    rows: list[list[tuple[str, str, str | None]]] = [[]]
    used = line.indent
    for word, blank, style in words:
        # Never a line that starts with "::" (after blanks): a CI runner reads it as a
        # workflow command, and a file name can hold " ::error::" (it overflows instead).
        fits = used + len(word) <= layout.width or word.startswith("::")
        if rows[-1] and word and not fits:
            rows.append([])
            used = line.indent + HANG
        if not rows[-1] and not word and len(rows) > 1:
            continue  # blanks at a break
        rows[-1].append((word, blank, style))
        used += len(word) + len(blank)
    out = []
    for n, row in enumerate(rows):
        pad = " " * (line.indent + (HANG if n else 0))
        parts = []
        for i, (word, blank, style) in enumerate(row):
            if layout.color and style and word:
                fg, bold, dim = STYLES[style]
                word = click.style(word, fg=fg, bold=bold or None, dim=dim or None)
            parts.append(word + ("" if i == len(row) - 1 else blank))
        out.append((pad + "".join(parts)).rstrip() + "\n")
    return "".join(out)
