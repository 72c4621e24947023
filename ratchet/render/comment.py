"""The Markdown verdict: the PR comment, the job summary and ``check --format markdown``.

One renderer for all three, pure, from a ``Result``. Both halves of the fork-safe setup
render through here: the ``pull_request`` job from its ``Outcome``, the privileged
``workflow_run`` job from the validated JSON artifact, so a Markdown file from an untrusted
run is never posted as is.

What a reviewer reads, top down: the verdict and its reason in the heading, and below it
the reasons the heading only counts (``ratchet.render.headline``); a lowering of the bar
the change records with ``ratchet accept``, with its reason; patch coverage in one line;
one table of the files whose coverage moved; the components; then what is secondary
(counts, notes, what ``update`` would record, the trend) and a footer saying where the bar
came from.

Size is bounded by construction: every untrusted string goes through ``markdown.escape``
with a length limit (or is matched against what it can be: kinds, statuses, setting keys,
event names), every list is capped, and the file table gets what is left of ``BUDGET``.
"""

from __future__ import annotations

import heapq
import posixpath
import re
from dataclasses import dataclass
from fractions import Fraction
from urllib.parse import quote

from ratchet.core.models import Counts
from ratchet.core.numbers import fmt_pct, percent
from ratchet.core.results import (
    BarSource,
    Event,
    Outcome,
    Plan,
    Result,
    Verdict,
)
from ratchet.render import markdown as md
from ratchet.render import patch as patch_render
from ratchet.render.common import plural
from ratchet.render.headline import MAX_REASONS, base_bar, baseline_pct, headline, reasons, signed
from ratchet.render.moves import FileRow, Movement, file_rows, touched, why

__all__ = [
    "Links", "Movement", "Result", "marker", "render", "result_of", "state", "state_of", "why",
]  # fmt: skip

MAX_COMMENT = 65_536  # GitHub rejects longer bodies with 422
BUDGET = 60_000  # what we aim for; the rest is head-room for the guard
MAX_ROWS = 50  # files in the table
MAX_COMPONENTS = 50  # rows of the components table
MAX_ACCEPTED = 50  # accept events listed (the artifact holds at most this many)
ACCEPTED_BUDGET = 15_000  # characters of their list, shared by the events
ACCEPTED_COMPONENTS = 3  # components named in an event's line (the rest counted)
MAX_LOWERED = 30  # requirements listed as falling (the JSON result has them all)
MAX_SPANS = 10  # uncovered ranges linked per file
MAX_URL = 500  # characters of a link (a path percent-encoded can be 9 times its length)
MAX_NOTES = 5
TREND_MIN = 3  # recorded points before a trend says anything
MARKER_PREFIX = "<!-- coverage-ratchet:comment"
STATE_PREFIX = "<!-- coverage-ratchet:state "

_REPO = re.compile(r"^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$")
_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_SERVER = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d+)?$")
_SHORT_SHA = re.compile(r"^[0-9a-f]{7,64}$")


def result_of(outcome: Outcome) -> Result:
    return Result.of(outcome)


@dataclass(frozen=True)
class Links:
    """Where the tested commit's files are on GitHub: each uncovered range links there."""

    server: str  # https://github.com
    repository: str  # owner/name
    commit: str  # the full SHA of the commit the run tested

    @classmethod
    def of(cls, server: str | None, repository: str | None, commit: str | None) -> Links | None:
        """Links when all three are known and well-formed, else None (no links)."""
        server = (server or "").rstrip("/")
        if not (_SERVER.match(server) and _REPO.match(repository or "")):
            return None
        if not _SHA.match(commit or ""):
            return None
        assert repository is not None and commit is not None
        return cls(server, repository, commit)

    def lines(self, path: str, first: int, last: int) -> str | None:
        """The URL of lines ``first``-``last`` of ``path`` (relative to the repository's
        top), or None for a path that does not name a file inside it."""
        parts = path.split("/")
        if not path or path.startswith("/") or any(p in ("", ".", "..") for p in parts):
            return None
        anchor = f"#L{first}" if first == last else f"#L{first}-L{last}"
        url = f"{self.server}/{self.repository}/blob/{self.commit}/{quote(path)}{anchor}"
        return url if len(url) <= MAX_URL else None  # a row of links stays short


def marker(ident: str) -> str:
    """The hidden first line that finds the comment again (one per PR per ``id``)."""
    return f"{MARKER_PREFIX}{':' + ident if ident else ''} -->"


def state(result: Result) -> str:
    """The hidden line that tells the next run whether the verdict or the bar moved."""
    v = result.verdict
    b = v.baseline
    base = "none" if b is None else f"{b.covered}/{b.measured}" if b.exact else b.legacy
    return f"{STATE_PREFIX}status={result.status} threshold={v.threshold} baseline={base} -->"


def state_of(body: str) -> str | None:
    for line in body.splitlines():
        if line.startswith(STATE_PREFIX):
            return line
    return None


# -- the parts, top down -------------------------------------------------------------------


def _heading(result: Result) -> list[str]:
    h = headline(result)
    icon = "❌" if not h.passed else "⚠️" if h.lowered else "✅"
    return [f"### {icon} Coverage {h.sentence()}"]


def _reasons(result: Result) -> list[str]:
    said = reasons(result)
    if not said:
        return []
    out = ["", *(f"- {md.escape(r, limit=md.MAX_TEXT)}" for r in said[:MAX_REASONS])]
    if len(said) > MAX_REASONS:
        out.append(f"- …and {plural(len(said) - MAX_REASONS, 'more reason')} (see the job's log)")
    return out


def _who(author: str | None) -> str:
    """The author's name without the e-mail address git records beside it."""
    if not author:
        return ""
    name = author.split("<", 1)[0].strip() or "someone"
    return md.escape(name, limit=30)


def _accepted(result: Result) -> list[str]:
    """Every lowering of the bar the change records with `ratchet accept`: allowed, on the
    record, and impossible to miss. First each event with its reason and what it records
    (the heading said how far the total fell), then what falls, each requirement from its
    value at the base ref (an event's own "old" values are whatever its line says, so they
    are never shown). The events share a budget, so many events shorten each one (fewer
    details, a shorter reason) rather than drop one; past the caps, how many more."""
    events = result.accepted
    if not events:
        return []
    out = [""]
    shown = events[:MAX_ACCEPTED]
    each = ACCEPTED_BUDGET // len(shown)  # characters of one event's line
    for e in shown:
        tail = _accept_tail(e, result.precision, brief=False)
        if len(tail) > each // 2:
            tail = _accept_tail(e, result.precision, brief=True)
        limit = max(20, min(md.MAX_TEXT, (each - len(tail) - 20) // md.WIDEST))
        out.append(f"- **Reason:** {md.escape(e.reason or '', limit=limit)} {tail}")
    if len(events) > MAX_ACCEPTED:
        more = len(events) - MAX_ACCEPTED
        out.append(f"- …and {plural(more, 'more accept event')} (see the history file)")
    ref = result.source.ref if result.source is not None else None
    where = f"at {md.escape(ref, limit=60)}" if ref else "before this change"
    out.append("")
    if not result.lowered:
        return [*out, f"Nothing falls below the values {where}."]
    out += [f"**What falls**, from the values {where}:", ""]
    out += [
        f"- {md.escape(x.key, limit=md.MAX_NAME)}: {md.escape(x.old, limit=150)} → "
        f"**{md.escape(x.new, limit=150)}**"
        for x in result.lowered[:MAX_LOWERED]
    ]
    if len(result.lowered) > MAX_LOWERED:
        more = len(result.lowered) - MAX_LOWERED
        out.append(f"- …and {plural(more, 'more requirement')} (all in the JSON result)")
    return out


def _records(e: Event, places: int) -> list[str]:
    """What an event sets the bar to: its new values only (``threshold 70%``, ``baseline
    66.89%``)."""
    bits = f"threshold {e.threshold[1]}%"
    if e.baseline[1] is not None:
        bits += f", baseline {baseline_pct(e.baseline[1], places)}"
    return [bits]


def _accept_tail(e: Event, places: int, *, brief: bool) -> str:
    """``(`ratchet accept`, 2026-12-06, Ann at abc1234: records threshold 70%, baseline
    66.89%; …)``; brief: without the author and with the components counted, not named."""
    moved = _records(e, places)
    parts = e.components
    if brief and parts:
        moved.append(plural(len(parts), "component"))
    elif parts:
        for m in parts[:ACCEPTED_COMPONENTS]:
            bits = [f"threshold {m.threshold[1]}%"]
            if m.baseline[1] is not None:
                bits.append(f"baseline {baseline_pct(m.baseline[1], places)}")
            moved.append(f"component {md.escape(m.name, limit=md.MAX_NAME)}: {', '.join(bits)}")
        if len(parts) > ACCEPTED_COMPONENTS:
            moved.append(f"{plural(len(parts) - ACCEPTED_COMPONENTS, 'more component')}")
    who = "" if brief else _who(e.author)
    when = md.escape(e.date[:10], limit=10)
    at = f" at {e.commit[:7]}" if e.commit and _SHORT_SHA.match(e.commit) else ""
    return f"(`ratchet accept`, {when}{', ' + who if who else ''}{at}: records {'; '.join(moved)})"


def _patch(result: Result) -> list[str]:
    if result.patch is None:
        return []
    return [
        "",
        patch_render.markdown_line(result.patch, result.precision, result.verdict.threshold),
    ]


# -- the files table ------------------------------------------------------------------------


def _pct(c: Counts, places: int) -> str:
    return f"{fmt_pct(percent(c), places)}%"


def _newly(row: FileRow, links: Links | None, prefix: str) -> str:
    """``+3: 12-13, 40``: how many lines+branches the counts say are uncovered anew, and
    the changed lines among them (each a link to the tested commit when it is known).
    Lines that were uncovered on the base already are left out."""
    bits = []
    n = row.newly()
    if n:
        bits.append(f"+{n}")
    if row.patch is not None:
        spans = []
        for a, b in row.patch.uncovered[:MAX_SPANS]:
            text = f"{a}" if a == b else f"{a}-{b}"
            url = links.lines(posixpath.join(prefix, row.path), a, b) if links else None
            spans.append(f"[{text}]({url})" if url else text)
        if len(row.patch.uncovered) > MAX_SPANS:
            spans.append("…")
        bits.append(", ".join(spans))
    return ": ".join(bits)


def _row(row: FileRow, result: Result, links: Links | None, unmeasured: frozenset[str]) -> str:
    places = result.precision
    c = row.change
    name = md.escape(row.path, limit=md.MAX_PATH, keep_end=True)
    icon = "❌ " if row.failed else ""
    if c is None:
        before = after = delta = "—"
    else:
        before = _pct(c.before, places) if c.before else "new"
        if c.after:
            after = _pct(c.after, places)
        else:
            after = "not measured" if c.path in unmeasured else "removed"
        delta = signed(c.delta, places) if c.delta is not None else ""
    cells = [
        f"{icon}{name}",
        before,
        after,
        delta,
        _newly(row, links, result.patch.prefix if result.patch else ""),
    ]
    if result.patch is not None:
        was_touched = row.path in touched(result.patch)
        cells.append("yes" if was_touched else "no (not failing)" if row.waived else "no")
    return "| " + " | ".join(cells) + " |"


def _files(result: Result, links: Links | None, budget: int, max_rows: int) -> list[str]:
    rows = file_rows(result)
    if not rows:
        return []
    head = "| File | Before | After | Δ | Newly uncovered |"
    rule = "|---|---:|---:|---:|---|"
    if result.patch is not None:
        head += " Touched |"
        rule += "---|"
    unmeasured = result.verdict.unmeasured
    worst = heapq.nsmallest(max_rows, rows, key=FileRow.key)
    table = md.table(
        [head, rule],
        (_row(r, result, links, unmeasured) for r in worst),
        total=len(rows),
        max_rows=max_rows,
        budget=budget,
    )
    return ["", *table]


# -- the components -------------------------------------------------------------------------


def _components(result: Result) -> list[str]:
    v = result.verdict
    if not v.components:
        return []
    places = result.precision
    patch = {c.name: c for c in result.patch.components} if result.patch else {}
    head = "| Component | Total | Δ | Threshold | Baseline |"
    rule = "|---|---:|---:|---:|---:|"
    if patch:
        head += " Changed lines |"
        rule += "---|"
    out = ["", head, rule]
    for c in v.components[:MAX_COMPONENTS]:
        icon = "✅" if c.status == "pass" else "❌"
        base = c.baseline
        if result.base is not None and result.base.component(c.name) is not None:
            base = result.base.component(c.name)  # the base's own, before any accept lowered it
        d = signed(c.percent - base.percent, places) if base is not None else ""
        cells = [
            f"{icon} {md.escape(c.name, limit=md.MAX_NAME)}",
            _pct(c.totals, places),
            d,
            f"{c.threshold}%",
            baseline_pct(c.baseline, places) if c.baseline else "none yet",
        ]
        if patch:
            pc = patch.get(c.name)
            cells.append(patch_render.component_cell(pc, places, c.threshold) if pc else "")
        out.append("| " + " | ".join(cells) + " |")
    if len(v.components) > MAX_COMPONENTS:
        out += ["", f"…and {len(v.components) - MAX_COMPONENTS} more components not shown."]
    return out


# -- the secondary parts --------------------------------------------------------------------


def _notes(result: Result) -> list[str]:
    """The notes and warnings: escaped, each cut, ``MAX_NOTES`` in all."""
    notes = [*result.verdict.notes, *result.warnings, *(result.patch.notes if result.patch else ())]
    items = [md.escape(n, limit=md.MAX_TEXT) for n in notes[:MAX_NOTES]]
    unshown = len(notes) - len(items)
    out = [f"- {item}" for item in items]
    if unshown:
        out.append(f"- …and {unshown} more (see the job's log)")
    return out


def _update(plan: Plan | None, v: Verdict, places: int) -> str | None:
    """What `ratchet update` would do with this report: the plan's new bar (its values, at
    the shown precision: never the strings of the artifact)."""
    if plan is None:
        return None
    if plan.refused:
        if all(b.kind == "regression" for b in plan.blockers):
            return None  # the heading said why
        return "`ratchet update` would not record this: " + md.escape(
            plan.blockers[0].message, limit=md.MAX_TEXT
        )
    if not plan.changes:
        return None
    keys = {s.key for s in plan.settings}
    bits = []
    if "threshold" in keys:
        bits.append(f"threshold → {plan.threshold}%")
    if "baseline" in keys and plan.baseline is not None:
        bits.append(f"baseline → {baseline_pct(plan.baseline, places)}")
    raised = sum(1 for k in keys if k.startswith("components."))
    if raised:
        bits.append(f"{plural(raised, 'component value')}")
    if plan.lines:
        bits.append(plural(len(plan.lines), "per-file line"))
    kept = ""
    if plan.kept:
        n = len(plan.kept)
        kept = f", keeping the old line of {plural(n, 'file')} whose coverage fell"
    return f"`ratchet update` would record: {', '.join(bits)}{kept}." if bits else None


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: list[Fraction]) -> str:
    lo, hi = min(values), max(values)
    if hi == lo:
        return SPARK[3] * len(values)
    return "".join(SPARK[int((v - lo) / (hi - lo) * (len(SPARK) - 1))] for v in values)


_EVENTS = ("init", "update", "accept")


def _trend(events: tuple[Event, ...], places: int) -> list[str]:
    """The latest recorded bars, from the history file: said only from three points on,
    and collapsed (secondary). The summary line holds numbers only: it is raw HTML."""
    if len(events) < TREND_MIN:
        return []
    totals = [percent(e.total) for e in events]
    rows = [
        f"| {md.escape(e.date[:10], limit=10)} | {e.event if e.event in _EVENTS else '?'} | "
        f"{fmt_pct(t, places)}% | {e.threshold[1]}% |"
        for e, t in zip(events, totals, strict=True)
    ]
    return [
        "",
        f"<details><summary>Trend {sparkline(totals)} {fmt_pct(totals[0], places)}% → "
        f"{fmt_pct(totals[-1], places)}% over the last {len(events)} recorded bars</summary>",
        "",
        "| Date | Event | Total | Threshold |",
        "|---|---|---:|---:|",
        *reversed(rows),
        "",
        "</details>",
    ]


def _source(s: BarSource | None) -> str:
    if s is None:
        return ""
    config = md.escape(s.config, limit=60, keep_end=True)
    if s.ref is None:
        return f" from the working copy ({config})"
    at = f" at {s.commit[:7]}" if s.commit and _SHORT_SHA.match(s.commit) else ""
    return f" from {md.escape(s.ref, limit=60)}{at} ({config})"


def _footer(result: Result, run_url: str | None) -> list[str]:
    """Provenance, one line: the bar held to and where it came from."""
    v = result.verdict
    places = result.precision
    bar = base_bar(result)
    base = "no baseline yet"
    if v.baseline is not None:
        b = v.baseline
        counts = f" ({b.covered}/{b.measured})" if b.exact else ""
        base = f"baseline {baseline_pct(b, places)}{counts}"
    held = f"threshold {v.threshold}%, {base}"
    if bar.lowered:
        held += " as lowered by this change"
    run = f" · [workflow run]({run_url})" if run_url and _safe_url(run_url) else ""
    return ["", f"<sub>Bar: {held}{_source(result.source)} · coverage-ratchet{run}</sub>"]


def _safe_url(url: str) -> bool:
    """The run's URL is ours (the settings build it), but a link must never break out."""
    return bool(re.match(r"^https?://[^\s()<>\[\]`]+$", url))


def render(
    result: Result,
    *,
    ident: str = "",
    run_url: str | None = None,
    hidden: bool = True,
    links: Links | None = None,
    max_rows: int = MAX_ROWS,
    budget: int = BUDGET,
) -> str:
    """The comment; ``hidden=False`` leaves out the marker and state lines (the job summary
    and ``check --format markdown``: the same content, nothing to find again). ``links``:
    where the tested commit's files are, to link each uncovered range."""
    v = result.verdict
    places = result.precision
    out = [marker(ident), state(result)] if hidden else []
    out += _heading(result)
    out += _reasons(result)
    out += _accepted(result)
    out += _patch(result)
    after: list[str] = []
    after += _components(result)
    moved = why(result)
    notes = _notes(result)
    update = _update(result.plan, v, places)
    if moved or notes or update:
        after.append("")
        after += [moved] if moved else []
        after += [update] if update else []
    if notes:
        after += ["", *notes]
    after += _trend(result.trend, places)
    footer = _footer(result, run_url)
    room = budget - md.size(out + after + footer)
    out += _files(result, links, room, max_rows)
    body = "\n".join(out + after + footer) + "\n"
    if len(body) > MAX_COMMENT:  # pragma: no cover - every part above is bounded
        body = body[: MAX_COMMENT - 2] + "…\n"
    return body
