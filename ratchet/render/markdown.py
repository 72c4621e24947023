"""Markdown building blocks, and ``ratchet report --format markdown``.

Anything that came from a report or a result artifact (file names above all, messages,
reasons, names) is untrusted. It reaches Markdown through one function, ``escape``, which
makes it inert and bounds its length; the few enumerable values (statuses, kinds, setting
keys) are matched against what they can be instead. There is no well-kept library for this:
Markdown renderers parse, they do not escape, and GitHub adds its own autolinks (mentions,
issue references) on top of GFM, so the rule is ours, with its corpus in
tests/render/test_markdown.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ratchet.core.models import Report
from ratchet.render.common import display, human_key, plural, printable

MAX_FILE_ROWS = 50
MAX_TEXT = 400  # characters of one untrusted message shown (a note ends with its remedy)
MAX_PATH = 120  # characters of a path shown in a table
MAX_NAME = 64  # characters of a name (a component, an author)
WIDEST = 8  # the most characters one input character escapes to ("\u202e" as "\\u202e")
# The ASCII punctuation that starts or ends something in CommonMark or GFM: emphasis, code,
# links, images, tables, headings, lists, HTML, entities, setext underlines, strikethrough,
# autolinks, footnotes, math. The rest ("/", ",", ";", "?", "%", "@") keeps the source
# readable; the corpus shows none of it turns anything live.
_SPECIAL = re.compile(r"""([\\`*_{}\[\]()#+\-.!|~:"'$<>&=^])""")
# What GitHub links in text after rendering (mentions, issue and pull request references,
# "GH-1") and what GFM's autolink extension links ("https://", "www."): a zero-width joiner
# after the first character breaks each pattern and shows nothing.
_AUTOLINK = re.compile(r"(?i)(@|#|gh-|:(?=//)|www(?=\.))")
_JOIN = "\u200d"


def escape(text: str, *, limit: int, keep_end: bool = False) -> str:
    """Inert Markdown for untrusted ``text``, on one line, showing at most ``limit`` of its
    characters (cut with "…"; ``keep_end``: its end, as for a path, whose end is the file's
    name). The result is at most ``WIDEST * limit`` characters long.

    Control characters show as escapes (``\\n``); GitHub's mentions and references and
    GFM's autolinks are broken by an invisible joiner; every Markdown special character
    is backslash-escaped, so the text is the same text once rendered, in a paragraph, a
    heading or a table cell (``|`` included)."""
    if len(text) > limit:
        text = "…" + text[len(text) - limit + 1 :] if keep_end else text[: limit - 1] + "…"
    text = _AUTOLINK.sub(lambda m: m.group() + _JOIN, printable(text))
    return _SPECIAL.sub(r"\\\1", text)


def size(lines: Iterable[str]) -> int:
    """Characters of ``lines`` joined with newlines (one more per line, a safe bound)."""
    return sum(len(s) + 1 for s in lines)


def table(
    head: Sequence[str], rows: Iterable[str], *, total: int, max_rows: int, budget: int
) -> list[str]:
    """``head`` and as many ``rows`` as ``max_rows`` and ``budget`` characters allow (rows
    are rendered lazily: a huge list costs only what is shown), then what was left out."""
    out = list(head)
    used = size(out) + 60  # the "…and N more" line
    shown = 0
    for row in rows:
        if shown >= max_rows or used + len(row) + 1 > budget:
            break
        out.append(row)
        used += len(row) + 1
        shown += 1
    if total > shown:
        out += ["", f"…and {plural(total - shown, 'more file')} not shown."]
    return out


def report(
    rep: Report,
    *,
    precision: int = 2,
    max_rows: int = MAX_FILE_ROWS,
    skip_covered: bool = False,
    skip_empty: bool = False,
) -> str:
    """The text report's columns and numbers (coverage.py's), least covered files first."""
    t = rep.totals
    branches = t.branches_valid > 0
    head = "| File | Stmts | Miss |" + (" Branch | BrPart |" if branches else "") + " Cover |"
    out = [
        f"**Coverage: {display(t, precision)}%** ({t.covered}/{t.valid} lines+branches)",
        "",
        head,
        "|---" + "|---:" * (head.count("|") - 2) + "|",
    ]
    covered = sum(1 for f in rep.files if f.counts.missing == 0) if skip_covered else 0
    kept = [
        f
        for f in rep.files
        if not (skip_covered and f.counts.missing == 0)
        and not (skip_empty and f.counts.lines_valid == 0)
    ]
    empty = len(rep.files) - covered - len(kept)
    worst = sorted(kept, key=lambda f: (f.counts.ratio, human_key(f.path)))
    for f in worst[:max_rows]:
        c = f.counts
        row = f"| {escape(f.path, limit=MAX_PATH, keep_end=True)} | {c.lines_valid} | "
        row += f"{c.lines_valid - c.lines_covered} |"
        if branches:
            row += f" {c.branches_valid} | {f.partial_count} |"
        out.append(row + f" {display(c, precision)}% |")
    if len(worst) > max_rows:
        out.append(f"\n…and {len(worst) - max_rows} more files (least covered shown first).")
    if covered:
        out.append(
            f"\n{covered} file{'' if covered == 1 else 's'} skipped due to complete coverage."
        )
    if empty:
        out.append(f"\n{empty} empty file{'' if empty == 1 else 's'} skipped.")
    return "\n".join(out) + "\n"
