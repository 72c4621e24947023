"""Per-file baselines: a sorted TSV beside pyproject.toml, one line per file.

Kept out of pyproject.toml on purpose: every run parses pyproject, and tomlkit needs
seconds for a table of 10,000 entries. A TSV reads in milliseconds, and a PR's diff of it
is one line per file whose coverage moved. Exact counts, not percentages, are stored, so
no rounding creeps in between runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from ratchet.core.models import Counts
from ratchet.errors import RatchetError
from ratchet.store.fsio import read_text

HEADER = (
    "# coverage-ratchet per-file baseline, written by `ratchet update`: one line per file, "
    "sorted.\n"
    "# path\tlines_valid\tlines_covered\tbranches_valid\tbranches_covered\n"
)
_ESC = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESC = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def _escape(path: str) -> str:
    if "\\" not in path and "\t" not in path and "\n" not in path and "\r" not in path:
        return path  # nearly every path: no character-by-character walk
    return "".join(_ESC.get(c, c) for c in path)


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text  # nearly every path: no character-by-character walk
    out, it = [], iter(text)
    for c in it:
        out.append(_UNESC.get(next(it, "\\"), "\\") if c == "\\" else c)
    return "".join(out)


def parse(text: str, *, source: str) -> dict[str, Counts]:
    files: dict[str, Counts] = {}
    first: dict[str, int] = {}  # path -> line it was first given on
    # Split on "\n" only: str.splitlines() also splits on \x1c, \x85, \u2028..., which a
    # path may hold unescaped (only \\, \t, \n and \r are escaped).
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.removesuffix("\r")
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 5:
            raise RatchetError(f"line {n}: expected 5 tab-separated fields", source=source)
        try:
            lv, lc, bv, bc = map(int, parts[1:])
        except ValueError:
            raise RatchetError(f"line {n}: counts must be integers", source=source) from None
        if min(lv, lc, bv, bc) < 0 or lc > lv or bc > bv:
            raise RatchetError(f"line {n}: impossible counts", source=source)
        path = _unescape(parts[0])
        if path in first:
            # Which line is the bar? Neither can be trusted to be the one meant (a bad merge
            # of two branches' updates, say), so refuse rather than let one win silently.
            raise RatchetError(
                f"line {n}: {path!r} is listed twice (first on line {first[path]})",
                source=source,
            )
        first[path] = n
        files[path] = Counts(lv, lc, bv, bc)
    return files


def read(path: Path) -> dict[str, Counts] | None:
    """``None`` when the file does not exist yet (``ratchet update`` creates it)."""
    text = read_text(path)
    return None if text is None else parse(text, source=str(path))


def render(files: Mapping[str, Counts] | Iterable[tuple[str, Counts]]) -> str:
    items = files.items() if isinstance(files, Mapping) else files
    lines = [
        f"{_escape(p)}\t{c.lines_valid}\t{c.lines_covered}\t{c.branches_valid}\t{c.branches_covered}\n"
        for p, c in sorted(items)
    ]
    return HEADER + "".join(lines)
