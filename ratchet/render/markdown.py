"""Markdown building blocks, and ``ratchet report --format markdown``.

Anything that came from a report (file names above all) is untrusted: ``escape`` makes it
inert, so a hostile file name cannot inject Markdown, HTML, links or @mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ratchet.models import Report
from ratchet.render.common import display, human_key

MAX_FILE_ROWS = 50
MAX_TEXT = 400  # characters of one escaped message
MAX_PATH = 120  # characters of a path shown in a table
_WIDEST = 5  # "&" escapes to "&amp;"
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:\"'$])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape(text: str, *, limit: int | None = None) -> str:
    """Inert Markdown for untrusted text: specials backslash-escaped, @ and newlines defused.

    ``limit`` caps the escaped length, cut with "…" (escaping works character by character,
    so the cut never splits an escape)."""
    if limit is not None and len(text) * _WIDEST > limit:
        out: list[str] = []
        used = 1
        for c in text:
            e = escape(c)
            if used + len(e) > limit:
                out.append("…")
                break
            out.append(e)
            used += len(e)
        return "".join(out)
    text = text.replace("\r", " ").replace("\n", " ")
    text = "".join(_HTML.get(c, c) for c in text)
    text = _SPECIAL.sub(r"\\\1", text)
    # A zero-width joiner after @ stops GitHub from turning "@team" into a mention.
    return text.replace("@", "@\u200d")


def code(text: str) -> str:
    """Inline code for untrusted text (backticks inside are replaced, not escaped)."""
    text = text.replace("`", "'").replace("\n", " ").replace("\r", " ").replace("|", "\\|")
    return "`" + text + "`"


def path(text: str, limit: int = MAX_PATH) -> str:
    """Inline code for a path, keeping its end (the file name) when it is too long."""
    if len(text) > limit:
        text = "…" + text[-(limit - 1) :]
    return code(text)


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
        out += ["", f"…and {total - shown} more file(s) not shown."]
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
        row = f"| {code(f.path)} | {c.lines_valid} | {c.lines_valid - c.lines_covered} |"
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
