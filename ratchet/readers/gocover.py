"""Go coverage profiles (``go test -coverprofile``, modes set, count and atomic).

After ``mode: ...`` each line is a block: ``importpath/file.go:L1.C1,L2.C2 NUMSTMT COUNT``.
Go measures statements, not lines, and its total (``go tool cover -func``'s ``total:``) is
covered statements over statements. ratchet keeps that weight: each statement of a block is
one measurable unit, placed on a line of the block so that the Missing column and patch
coverage speak of lines:

- a block's lines after its first (``L1+1`` .. ``L2``) take its statements first, then its
  first line (a block opens after a ``{`` at the end of its first line, or at a statement);
- a line holds one unit: a line another block already holds is skipped, and statements
  left over (several on one line, ``a := 1; b := 2``) are counted but listed nowhere;
- blocks are placed in source order, so the same blocks always land on the same lines.

A block listed more than once (``-coverpkg``: every test binary reports every package) is
one block, covered if any of its counts is above 0.

Import paths become files through go.mod: the report's directory and those above it up to
the config root (and the config root's own subdirectories) are searched for go.mod files,
and a path under a ``module`` line is taken relative to that go.mod's directory. A path
under no module found is kept as written, for ``[tool.ratchet.paths]`` to map.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import partial
from itertools import compress, groupby, repeat
from operator import itemgetter, lt, ne
from pathlib import Path
from typing import IO

from ratchet.core.models import Counts, LineDetail
from ratchet.errors import RatchetError
from ratchet.readers import CountedFile, RawFile, bounds, checked_path, report_dirs

_MODES = frozenset({"set", "count", "atomic"})
_BLOCK = re.compile(r"(\d+)\.(\d+),(\d+)\.(\d+) (\d+) (\d+)")
# A whole block line, digit counts bounded so that int() is never asked for a huge one (a
# line that does not fit is read by _rows_slowly, whose error says what is wrong with it).
# No ':' in the name (none in an import path) keeps the match from backtracking. Numbers
# without leading zeros, so that equal text is an equal number; lines and columns from 1
# to 9,999,999 (under MAX_LINE). Any other line goes to _rows_slowly.
_BLOCK_LINE = re.compile(
    r"^([^:\n]+):([1-9]\d{0,6})\.([1-9]\d{0,6}),([1-9]\d{0,6})\.([1-9]\d{0,6})"
    r" (0|[1-9]\d{0,8}) (0|[1-9]\d{0,18})$",
    re.M,
)
_FILE = itemgetter(0)
_POSITION = itemgetter(1, 2, 3, 4)
_COUNT = itemgetter(6)
_CHUNK = 1 << 20
_MODULE = re.compile(r'^\s*module\s+"?([^"\s/][^"\s]*)"?\s*(?://.*)?$', re.M)

# Each statement is an entry in memory: refuse a file claiming more than any has (as the
# LCOV reader refuses a summary record of more lines).
MAX_STATEMENTS = 1_000_000

Block = tuple[int, int, int, int]  # L1, C1, L2, C2


class _Malformed(Exception):
    pass


def modules(report: Path, config_root: Path) -> list[tuple[str, str]]:
    """``(module path, directory)`` for each go.mod found (see the module's docstring),
    the longest module path first so that a nested module wins."""
    dirs = report_dirs(report, config_root)
    root = dirs[-1]
    with contextlib.suppress(OSError):
        dirs += sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    found: dict[str, str] = {}
    for d in dirs:
        try:
            text = (d / "go.mod").read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        m = _MODULE.search(text)
        if m is not None:
            found.setdefault(m.group(1), str(d))
    return sorted(found.items(), key=lambda item: -len(item[0]))


def statements(blocks: dict[Block, list[int]]) -> dict[int, int]:
    """Each block's statements placed on lines (see the module's docstring): line -> count,
    and negative keys for statements on no line of their own (counted, never listed)."""
    hits: dict[int, int] = {}
    unplaced = 0
    for (l1, _, l2, _), (n, count) in sorted(blocks.items()):
        if n == 1 and l2 > l1 and l1 + 1 not in hits:  # most blocks: one statement
            hits[l1 + 1] = count
            continue
        for line in (*range(l1 + 1, l2 + 1), l1):
            if n == 0:
                break
            if line not in hits:
                hits[line] = count
                n -= 1
        for _ in range(n):
            unplaced += 1
            hits[-unplaced] = count
    return hits


def parse(
    path: Path, *, config_root: Path, counts_only: bool = False, chunk_size: int = _CHUNK
) -> Iterator[RawFile | CountedFile]:
    """The files of a coverprofile, each as its run of blocks ends (a file whose blocks
    come back later in the profile is yielded again; ``load`` merges the two).
    ``counts_only``: each file's counts, its statements placed on lines only if asked.
    ``chunk_size``: characters read at a time (the result never depends on it)."""
    mods = modules(path, config_root)
    name = str(path)
    with path.open("r", encoding="utf-8", errors="surrogateescape", newline="") as f:
        for file, rows, mode in _sections(f, name, chunk_size):
            try:
                rel, roots = _where(checked_path(file), mods)
                if counts_only:
                    counts = _counts(rows, mode)
                    yield CountedFile(rel, counts, roots, partial(_read_detail, rows, mode))
                else:
                    yield RawFile(rel, _detail(_blocks(rows, mode)), roots)
            except (_Malformed, ValueError) as e:
                raise RatchetError(f"{file[:200]!r}: {e}", source=name) from None


def _detail(blocks: dict[Block, list[int]]) -> LineDetail:
    return LineDetail(statements(blocks))


def _read_detail(rows: list[Row], mode: str) -> LineDetail:
    return _detail(_blocks(rows, mode))


def _where(name: str, mods: list[tuple[str, str]]) -> tuple[str, tuple[str, ...]]:
    """A file's path relative to its module's directory, and that directory."""
    if name.startswith("_/"):  # a package outside any module: "_" + its absolute directory
        name = name[1:]
    for module, directory in mods:
        if name.startswith(module + "/"):
            return name[len(module) + 1 :], (directory,)
    return name, ()


Row = tuple[str, str, str, str, str, str, str]  # file, L1, C1, L2, C2, NUMSTMT, COUNT


def _sections(f: IO[str], name: str, chunk_size: int) -> Iterator[tuple[str, list[Row], str]]:
    """Each run of one file's blocks, as rows of strings, and the profile's mode.

    Read a megabyte at a time: one regex finds every block of the chunk in C. A chunk
    holding anything else (a blank or repeated mode line, an error) is read line by line,
    which also says where an error is."""
    mode, lineno = _mode(f, name)
    current: str | None = None
    rows: list[Row] = []
    rest = ""
    while True:
        chunk = f.read(chunk_size)
        text = rest + chunk
        if chunk:
            cut = text.rfind("\n") + 1
            text, rest = text[:cut], text[cut:]
            if not text:  # no line ends in it yet: read on
                continue
        else:
            rest = ""
        if not text:
            break
        found: list[Row] = _BLOCK_LINE.findall(text)
        lines = text.count("\n") + (not text.endswith("\n"))
        if len(found) != lines:
            found = _rows_slowly(text, lineno, mode, name)
        lineno += lines
        for file, run in groupby(found, _FILE):
            if file != current:
                if current is not None:
                    yield current, rows, mode
                current, rows = file, []
            rows.extend(run)
        if not chunk:
            break
    if current is None:
        raise RatchetError("a Go coverage profile without any block", source=name)
    yield current, rows, mode


def _mode(f: IO[str], name: str) -> tuple[str, int]:
    lineno = 0
    for raw in f:
        lineno += 1
        line = raw.strip()
        if not line:
            continue
        key, _, value = line.partition(":")
        if key != "mode" or value.strip() not in _MODES:
            raise RatchetError(
                f"line {lineno}: expected 'mode: set|count|atomic', got {line[:80]!r}",
                source=name,
            )
        return value.strip(), lineno
    raise RatchetError("empty: not a Go coverage profile", source=name)


def _rows_slowly(text: str, lineno: int, mode: str, name: str) -> list[Row]:
    rows: list[Row] = []
    for raw in text.splitlines():
        lineno += 1
        line = raw.strip()
        if not line:
            continue
        file, sep, rest = line.rpartition(":")
        m = _BLOCK.fullmatch(rest)
        if sep and file and m is not None:
            try:  # the numbers checked, and written as the fast path's rows are
                l1, c1, l2, c2, n, count = (bounds.parse_int(g, "number") for g in m.groups())
                bounds.line_number(l1)
                bounds.line_number(l2)
                bounds.count(count)
            except bounds.BadNumber as e:
                raise RatchetError(f"line {lineno}: {e}", source=name) from None
            rows.append((file, str(l1), str(c1), str(l2), str(c2), str(n), str(count)))
        elif line.startswith("mode:"):  # profiles concatenated by hand: the same mode only
            if line.partition(":")[2].strip() != mode:
                raise RatchetError(
                    f"line {lineno}: a second mode line, {line[:40]!r}, differs from {mode!r}",
                    source=name,
                )
        else:
            raise RatchetError(
                f"line {lineno}: not a coverprofile block: {line[:80]!r}", source=name
            )
    return rows


def _check(rows: list[Row]) -> list[str]:
    """Refuse what no producer writes, in C loops over the whole file's rows (no Python
    step per block): a file of more than MAX_STATEMENTS statements, a block ending before
    it starts, a count out of range. The rows' numbers are canonical digit strings (see
    ``_BLOCK_LINE``), lines 1 to 9,999,999, so a number's order is its (length, text)
    order. Returns the statement counts."""
    _, l1s, _, l2s, _, ns, counts = zip(*rows, strict=True)
    if max(map(len, counts)) >= len(str(bounds.MAX_COUNT)):
        bounds.count(max(map(int, counts)))
    if _total(ns) > MAX_STATEMENTS:  # before a block merges away: the claim is the problem
        raise _Malformed(f"a file with more than {MAX_STATEMENTS:,} statements")
    ends = zip(map(len, l2s), l2s, strict=True)
    if any(map(lt, ends, zip(map(len, l1s), l1s, strict=True))):
        bad = next(r for r in rows if int(r[3]) < int(r[1]))
        raise _Malformed(f"a block that ends before it starts: {bad[1]}.{bad[2]},{bad[3]}.{bad[4]}")
    return list(ns)


def _total(ns: Iterable[str]) -> int:
    """The sum of statement counts written as digit strings: a few distinct values recur."""
    return sum(int(n) * times for n, times in Counter(ns).items())


def _counts(rows: list[Row], mode: str) -> Counts:
    """What ``_detail(_blocks(rows, mode)).counts()`` is, without placing statements."""
    ns = _check(rows)
    if len(set(map(_POSITION, rows))) != len(rows):  # a block listed again: merge first
        return _detail(_blocks(rows, mode)).counts()
    covered = compress(ns, map(ne, map(_COUNT, rows), repeat("0")))
    return Counts(_total(ns), _total(covered))


def _blocks(rows: list[Row], mode: str) -> dict[Block, list[int]]:
    """One file's blocks, checked; a block listed again is one block (covered if any of
    its counts is; in set mode its count is 1, else the sum)."""
    _check(rows)
    _, *columns = zip(*rows, strict=True)
    l1, c1, l2, c2, n, count = (list(map(int, col)) for col in columns)
    keys = list(zip(l1, c1, l2, c2, strict=True))
    blocks = dict(zip(keys, map(list, zip(n, count, strict=True)), strict=True))
    if len(blocks) == len(keys):
        return blocks
    blocks = {}
    for key, k, c in zip(keys, n, count, strict=True):
        seen = blocks.get(key)
        if seen is None:
            blocks[key] = [k, c]
        elif seen[0] != k:
            raise _Malformed(f"block {key} listed again with another statement count")
        else:
            seen[1] = max(seen[1], c) if mode == "set" else seen[1] + c
    return blocks
