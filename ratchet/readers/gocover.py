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
import json
import re
from collections.abc import Iterator
from functools import partial
from itertools import compress, groupby
from operator import itemgetter, lt
from pathlib import Path
from typing import IO

from ratchet.core.models import Counts, LineDetail
from ratchet.errors import RatchetError
from ratchet.readers import CountedFile, RawFile, bounds, checked_path, report_dirs

_MODES = frozenset({"set", "count", "atomic"})
_BLOCK = re.compile(r"(\d+)\.(\d+),(\d+)\.(\d+) (\d+) (\d+)")
# The fast path (``_runs``) reads each run of one file's block lines with a few C loops
# over the whole run: its lines' shape with the digits deleted, then every number at once,
# converted by json's C decoder (which also refuses an empty number or a leading zero).
# Anything else (a blank or repeated mode line, a number out of the range below, an error)
# sends the chunk to _rows_slowly, whose error says what is wrong and where.
_NO_DIGITS = str.maketrans("", "", "0123456789")
_TO_COMMA = str.maketrans(". \n", ",,,")
_SHAPE = ".,.  ,"  # a block line with its name and digits deleted, and a comma after it
_SHAPE_LAST = ".,.  \n"
_WINDOW = 1 << 13
_COLUMN_MAX = 9_999_999  # lines as every reader bounds them (MAX_LINE); columns alike
_NUMSTMT_MAX = 999_999_999
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
        for file, columns, mode in _sections(f, name, chunk_size):
            try:
                rel, roots = _where(checked_path(file), mods)
                if counts_only:
                    counts = _counts(columns, mode)
                    yield CountedFile(rel, counts, roots, partial(_read_detail, columns, mode))
                else:
                    yield RawFile(rel, _detail(_blocks(columns, mode)), roots)
            except (_Malformed, ValueError) as e:
                raise RatchetError(f"{file[:200]!r}: {e}", source=name) from None


def _detail(blocks: dict[Block, list[int]]) -> LineDetail:
    return LineDetail(statements(blocks))


def _read_detail(columns: Columns, mode: str) -> LineDetail:
    return _detail(_blocks(columns, mode))


def _where(name: str, mods: list[tuple[str, str]]) -> tuple[str, tuple[str, ...]]:
    """A file's path relative to its module's directory, and that directory."""
    if name.startswith("_/"):  # a package outside any module: "_" + its absolute directory
        name = name[1:]
    for module, directory in mods:
        if name.startswith(module + "/"):
            return name[len(module) + 1 :], (directory,)
    return name, ()


Row = tuple[str, str, str, str, str, str, str]  # file, L1, C1, L2, C2, NUMSTMT, COUNT
# One file's blocks as six columns: L1, C1, L2, C2, NUMSTMT, COUNT.
Columns = list[list[int]]
_FILE = itemgetter(0)


def _sections(f: IO[str], name: str, chunk_size: int) -> Iterator[tuple[str, Columns, str]]:
    """Each run of one file's blocks, as columns of numbers, and the profile's mode.

    Read a megabyte at a time, each run of one file's lines with a few C loops
    (``_runs``). A chunk holding anything else is read line by line, which also says
    where an error is."""
    mode, lineno = _mode(f, name)
    current: str | None = None
    columns: Columns = []
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
        runs = _runs(text)
        if runs is None:
            runs = _as_runs(_rows_slowly(text, lineno, mode, name))
        lineno += text.count("\n") + (not text.endswith("\n"))
        for file, run in runs:
            if file != current:
                if current is not None:
                    yield current, columns, mode
                current, columns = file, run
            else:  # the file's run goes on from the chunk before
                for column, more in zip(columns, run, strict=True):
                    column.extend(more)
        if not chunk:
            break
    if current is None:
        raise RatchetError("a Go coverage profile without any block", source=name)
    yield current, columns, mode


def _as_runs(rows: list[Row]) -> list[tuple[str, Columns]]:
    return [
        (file, [list(map(int, column)) for column in list(zip(*run, strict=True))[1:]])
        for file, run in groupby(rows, _FILE)
    ]


def _runs(text: str) -> list[tuple[str, Columns]] | None:
    """Each run of one file's block lines in ``text`` (whole lines), as columns; None if
    the fast path cannot read every line (see ``_NO_DIGITS``)."""
    if not text.endswith("\n"):
        return None
    t = "\n" + text
    out: list[tuple[str, Columns]] = []
    pos, size = 1, len(t)
    while pos < size:
        colon = t.find(":", pos)
        if colon <= pos or t.find("\n", pos, colon) >= 0:
            return None
        file = t[pos:colon]
        key = "\n" + file + ":"
        # The run's last line: the name's last line in a window that grows until the line
        # after it is another file's.
        window = _WINDOW + len(key)
        while True:
            end = t.find("\n", t.rfind(key, pos - 1, pos + window) + 1) + 1
            if not t.startswith(key, end - 1):
                break
            window *= 2
        n = t.count("\n", pos, end)
        cut = t[pos - 1 : end].split(key)  # "", then each line after its name
        if len(cut) != n + 1:  # the name again after another file's lines: stop before
            end = t.find("\n", pos) + 1
            while t.startswith(key, end - 1):
                end = t.find("\n", end) + 1
            n = t.count("\n", pos, end)
            cut = t[pos - 1 : end].split(key)
        columns = _columns(",".join(cut[1:]), n)
        if columns is None:
            return None
        out.append((file, columns))
        pos = end
    return out


def _columns(lines: str, n: int) -> Columns | None:
    """The columns of ``n`` block lines without their names, joined by commas (the last
    one's line end kept): ``L1.C1,L2.C2 N C,L1.C1,L2.C2 N C,...``."""
    if lines.translate(_NO_DIGITS) != _SHAPE * (n - 1) + _SHAPE_LAST:
        return None
    try:
        numbers = json.loads("[" + lines.translate(_TO_COMMA)[:-1] + "]")
    except ValueError:  # an empty number, a leading zero, 4,300 digits
        return None
    l1s, c1s, l2s, c2s, ns, counts = columns = [numbers[i::6] for i in range(6)]
    if min(l1s) < 1 or min(l2s) < 1:
        return None
    if max(numbers) > _COLUMN_MAX and (  # a count of ten million or more, or an error
        max(max(l1s), max(l2s), max(c1s), max(c2s)) > _COLUMN_MAX
        or max(ns) > _NUMSTMT_MAX
        or max(counts) > bounds.MAX_COUNT
    ):
        return None
    return columns


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


def _check(columns: Columns) -> int:
    """Refuse what no producer writes, in C loops over the whole file's columns (no Python
    step per block): a file of more than MAX_STATEMENTS statements, a block ending before
    it starts, a count out of range. Returns the number of statements."""
    l1s, c1s, l2s, c2s, ns, counts = columns
    if max(counts) > bounds.MAX_COUNT:
        bounds.count(max(counts))
    total = sum(ns)
    if total > MAX_STATEMENTS:  # before a block merges away: the claim is the problem
        raise _Malformed(f"a file with more than {MAX_STATEMENTS:,} statements")
    if any(map(lt, l2s, l1s)):
        i = next(i for i, (a, b) in enumerate(zip(l1s, l2s, strict=True)) if b < a)
        raise _Malformed(f"a block that ends before it starts: {l1s[i]}.{c1s[i]},{l2s[i]}.{c2s[i]}")
    return total


def _counts(columns: Columns, mode: str) -> Counts:
    """What ``_detail(_blocks(columns, mode)).counts()`` is, without placing statements."""
    total = _check(columns)
    l1s, c1s, _, _, ns, counts = columns
    # Two blocks starting at one place: a block listed again (or a profile no producer
    # writes), merged first.
    if len(set(zip(l1s, c1s, strict=True))) != len(ns):
        return _detail(_blocks(columns, mode)).counts()
    return Counts(total, sum(compress(ns, counts)))


def _blocks(columns: Columns, mode: str) -> dict[Block, list[int]]:
    """One file's blocks, checked; a block listed again is one block (covered if any of
    its counts is; in set mode its count is 1, else the sum)."""
    _check(columns)
    l1, c1, l2, c2, n, count = columns
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
