"""Markdown for a job summary or a PR comment.

Anything that came from a report (file names above all) is untrusted: ``escape`` makes it
inert, so a hostile file name cannot inject Markdown, HTML, links or @mentions.
"""

from __future__ import annotations

import re

from ratchet.models import Counts, Report
from ratchet.numbers import fmt_margin, fmt_pct, percent
from ratchet.render.common import display
from ratchet.rules import Verdict

MAX_FILE_ROWS = 50
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:\"'$])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape(text: str) -> str:
    """Inert Markdown for untrusted text: specials backslash-escaped, @ and newlines defused."""
    text = text.replace("\r", " ").replace("\n", " ")
    text = "".join(_HTML.get(c, c) for c in text)
    text = _SPECIAL.sub(r"\\\1", text)
    # A zero-width joiner after @ stops GitHub from turning "@team" into a mention.
    return text.replace("@", "@\u200d")


def code(text: str) -> str:
    """Inline code for untrusted text (backticks inside are replaced, not escaped)."""
    text = text.replace("`", "'").replace("\n", " ").replace("\r", " ").replace("|", "\\|")
    return "`" + text + "`"


def _pct(c: Counts) -> str:
    return f"{fmt_pct(percent(c), 2)}%"


def verdict(
    v: Verdict,
    *,
    status: str | None = None,
    title: str = "Coverage ratchet",
    max_rows: int = MAX_FILE_ROWS,
) -> str:
    """``status`` is the overall one when more than the total was judged (patch coverage)."""
    status = status or v.status
    icon = "✅" if status == "pass" else "❌"
    t = v.totals
    out = [
        f"### {icon} {title}: {status}",
        "",
        "| | Coverage | Covered | Uncovered |",
        "|---|---:|---:|---:|",
        f"| **Total** | **{fmt_pct(v.percent)}%** | {t.covered}/{t.valid} | {t.missing} |",
    ]
    if v.baseline is not None:
        unc = str(v.baseline_uncovered) if v.baseline_uncovered is not None else "-"
        out.append(f"| Baseline | {v.baseline}% | | {unc} |")
    out.append(f"| Threshold | {v.threshold}% | | |")
    out.append("")
    if v.failures:
        out.append("**Failures**")
        out.append("")
        out.extend(f"- {escape(f.message)}" for f in v.failures)
        out.append("")
    if v.notes:
        out.extend(f"> {escape(n)}" for n in v.notes)
        out.append("")
    if status == "pass" and v.raises_bar:
        out.append(
            f"`ratchet update` would raise the threshold to **{v.new_threshold}%** "
            f"and the baseline to **{v.new_baseline}%**."
        )
        out.append("")
    changed = [c for c in v.changes if c.before is not None and c.after is not None]
    if changed:
        out.append(f"<details><summary>Files whose coverage changed ({len(changed)})</summary>\n")
        out.append("| File | Before | After | Δ | Uncovered |")
        out.append("|---|---:|---:|---:|---:|")
        changed.sort(key=lambda c: (c.delta or 0, c.path))
        for c in changed[:max_rows]:
            assert c.before is not None and c.after is not None and c.delta is not None
            sign = "+" if c.delta >= 0 else "-"
            out.append(
                f"| {code(c.path)} | {_pct(c.before)} | {_pct(c.after)} | "
                f"{sign}{fmt_margin(c.delta)} | {c.before.missing} → {c.after.missing} |"
            )
        if len(changed) > max_rows:
            out.append(f"\n…and {len(changed) - max_rows} more.")
        out.append("\n</details>\n")
    return "\n".join(out).rstrip() + "\n"


def report(rep: Report, *, precision: int = 2, max_rows: int = MAX_FILE_ROWS) -> str:
    t = rep.totals
    out = [
        f"**Coverage: {display(t, precision)}%** ({t.covered}/{t.valid} lines+branches)",
        "",
        "| File | Lines | Miss | Branches | BrMiss | Cover |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    worst = sorted(rep.files, key=lambda f: (f.counts.ratio, f.path))
    for f in worst[:max_rows]:
        c = f.counts
        out.append(
            f"| {code(f.path)} | {c.lines_valid} | {c.lines_valid - c.lines_covered} | "
            f"{c.branches_valid} | {c.branches_valid - c.branches_covered} | "
            f"{display(c, precision)}% |"
        )
    if len(worst) > max_rows:
        out.append(f"\n…and {len(worst) - max_rows} more files (least covered shown first).")
    return "\n".join(out) + "\n"
