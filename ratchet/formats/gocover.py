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
from collections.abc import Iterable, Iterator
from pathlib import Path

from ratchet.errors import RatchetError
from ratchet.formats import RawFile, bounds, checked_path, report_dirs
from ratchet.models import LineDetail

_MODES = frozenset({"set", "count", "atomic"})
_BLOCK = re.compile(r"(\d+)\.(\d+),(\d+)\.(\d+) (\d+) (\d+)")
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
    for block in sorted(blocks):
        l1, _, l2, _ = block
        n, count = blocks[block]
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


def parse(path: Path, *, config_root: Path) -> Iterator[RawFile]:
    """The files of a coverprofile, each as its run of blocks ends (a file whose blocks
    come back later in the profile is yielded again; ``load`` merges the two)."""
    mods = modules(path, config_root)
    with path.open("r", encoding="utf-8", errors="surrogateescape") as f:
        for name, blocks in _files(f, str(path)):
            yield _raw(name, blocks, mods)


def _raw(name: str, blocks: dict[Block, list[int]], mods: list[tuple[str, str]]) -> RawFile:
    if name.startswith("_/"):  # a package outside any module: "_" + its absolute directory
        name = name[1:]
    for module, directory in mods:
        if name.startswith(module + "/"):
            return RawFile(name[len(module) + 1 :], LineDetail(statements(blocks)), (directory,))
    return RawFile(name, LineDetail(statements(blocks)))


def _files(lines: Iterable[str], name: str) -> Iterator[tuple[str, dict[Block, list[int]]]]:
    lineno = 0
    mode = ""
    current: str | None = None
    blocks: dict[Block, list[int]] = {}
    try:
        for raw in lines:
            lineno += 1
            line = raw.strip()
            if not line:
                continue
            if not mode:
                key, _, value = line.partition(":")
                if key != "mode" or value.strip() not in _MODES:
                    raise _Malformed(f"expected 'mode: set|count|atomic', got {line[:80]!r}")
                mode = value.strip()
                continue
            file, sep, rest = line.rpartition(":")
            m = _BLOCK.fullmatch(rest)
            if not sep or not file or m is None:
                if line.startswith("mode:"):  # profiles concatenated by hand: same mode only
                    if line.partition(":")[2].strip() != mode:
                        raise _Malformed(
                            f"a second mode line, {line[:40]!r}, differs from {mode!r}"
                        )
                    continue
                raise _Malformed(f"not a coverprofile block: {line[:80]!r}")
            if file != current:
                if current is not None:
                    yield current, _checked(blocks)
                try:
                    current = checked_path(file)
                except ValueError as e:
                    raise _Malformed(str(e)) from None
                blocks = {}
            _add(blocks, m, mode)
    except (_Malformed, bounds.BadNumber) as e:
        raise RatchetError(f"line {lineno}: {e}", source=name) from None
    if not mode:
        raise RatchetError("empty: not a Go coverage profile", source=name)
    if current is None:
        raise RatchetError("a Go coverage profile without any block", source=name)
    try:
        yield current, _checked(blocks)
    except _Malformed as e:
        raise RatchetError(f"line {lineno}: {e}", source=name) from None


def _checked(blocks: dict[Block, list[int]]) -> dict[Block, list[int]]:
    """A file's blocks, refused if they claim more statements than any source file has:
    each statement becomes an entry (see ``statements``)."""
    if sum(n for n, _ in blocks.values()) > MAX_STATEMENTS:
        raise _Malformed(f"a file with more than {MAX_STATEMENTS:,} statements")
    return blocks


def _add(blocks: dict[Block, list[int]], m: re.Match[str], mode: str) -> None:
    l1, c1, l2, c2, n, count = (bounds.parse_int(g, "number") for g in m.groups())
    bounds.line_number(l1)
    bounds.line_number(l2)
    bounds.count(count)
    if l2 < l1 or (l2 == l1 and c2 < c1):
        raise _Malformed(f"a block that ends before it starts: {m.group(0)!r}")
    bounds.count(n)
    block = (l1, c1, l2, c2)
    seen = blocks.get(block)
    if seen is None:
        blocks[block] = [n, count]
        return
    if seen[0] != n:
        raise _Malformed(f"block {m.group(0)!r} listed again with another statement count")
    seen[1] = max(seen[1], count) if mode == "set" else seen[1] + count
