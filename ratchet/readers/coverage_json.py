"""coverage.py's JSON report (``coverage json``), streamed one file entry at a time.

The standard library has no streaming JSON parser, so this walks the top-level object by
hand (``jsonstream``) and hands each ``files`` entry to ``json``'s C decoder: memory holds
one file's entry, not the whole report (a 10,000-file report with contexts runs to
hundreds of megabytes once decoded at once).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from ratchet.core.models import Counts, LineDetail
from ratchet.errors import RatchetError
from ratchet.readers import (
    EXIT,
    MAX_LINE,
    CountedFile,
    RawFile,
    again,
    checked_path,
    line_problem,
)
from ratchet.readers.jsonstream import Malformed as _Malformed
from ratchet.readers.jsonstream import Reader as _Reader
from ratchet.readers.jsonstream import entries as _entries

_T = TypeVar("_T")
_CHUNK = 1 << 20
_TOP_KEYS = {"meta", "files", "totals"}
_INT = {int}
_LIST = {list}
_PAIR = {2}


def _lines(entry: dict[str, Any], key: str) -> list[int]:
    lines = entry[key]
    # type() rather than isinstance(): True is an int to isinstance, and not a line number.
    if type(lines) is not list or not set(map(type, lines)) <= _INT:
        raise _Malformed(f"{key} is not a list of line numbers")
    if lines and (min(lines) < 1 or max(lines) > MAX_LINE):
        bad = min(lines) if min(lines) < 1 else max(lines)
        raise _Malformed(f"{key} holds {line_problem(bad)}")
    return lines


def _arcs(entry: dict[str, Any], key: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The sources and destinations of the arcs under ``key``, checked.

    Once per file of every report: the checks run as C loops (set, map, zip, min) over
    whole lists, not as Python code per arc."""
    arcs = entry.get(key, [])
    if type(arcs) is not list:
        raise _Malformed(f"{key} is not a list of [from, to] line pairs")
    if not arcs:
        return (), ()
    if set(map(type, arcs)) <= _LIST and set(map(len, arcs)) <= _PAIR:
        srcs, dsts = zip(*arcs, strict=True)
        if (
            set(map(type, srcs)) <= _INT
            and set(map(type, dsts)) <= _INT
            and min(srcs) >= 1
            and 0 not in dsts
            and max(srcs) <= MAX_LINE
            and min(dsts) >= -MAX_LINE
            and max(dsts) <= MAX_LINE
        ):
            return srcs, dsts
    bad = next(
        a
        for a in arcs
        if not (type(a) is list and len(a) == 2 and set(map(type, a)) <= _INT)
        or a[0] < 1
        or a[1] == 0
        or max(a[0], abs(a[1])) > MAX_LINE
    )
    if type(bad) is list and len(bad) == 2 and set(map(type, bad)) <= _INT and bad[1] != 0:
        far = bad[0] if bad[0] < 1 or bad[0] > MAX_LINE else abs(bad[1])
        raise _Malformed(f"{key} holds {line_problem(far)}")
    raise _Malformed(f"{key} holds {str(bad)[:40]}, not a [from, to] line pair")


def _check(entry: Any) -> None:
    if not isinstance(entry, dict) or "executed_lines" not in entry or "missing_lines" not in entry:
        raise _Malformed("lacks executed_lines/missing_lines")


def _counts(entry: Any) -> Counts:
    """What ``_detail(entry).counts()`` is, checked the same way, without building the
    line tables: every missing arc is a missing branch (a second exit of a line too)."""
    _check(entry)
    missing = _lines(entry, "missing_lines")
    lines = set(_lines(entry, "executed_lines"))
    covered = len(lines)
    lines.update(missing)  # in place: no copy of the executed lines
    taken, _ = _arcs(entry, "executed_branches")
    not_taken, _ = _arcs(entry, "missing_branches")
    return Counts(len(lines), covered, len(taken) + len(not_taken), len(taken))


def _detail(entry: Any) -> LineDetail:
    _check(entry)
    hits = dict.fromkeys(_lines(entry, "missing_lines"), 0)
    hits.update(dict.fromkeys(_lines(entry, "executed_lines"), 1))
    executed, _ = _arcs(entry, "executed_branches")
    sources, destinations = _arcs(entry, "missing_branches")
    per_line = Counter(executed)  # line -> branches from it
    per_line.update(sources)
    missing: dict[int, set[str]] = {}
    for src, dst in zip(sources, destinations, strict=True):
        name = str(dst) if dst > 0 else EXIT
        names = missing.get(src)
        if names is None:
            missing[src] = {name}
        else:
            names.add(again(name, names) if name in names else name)
    none: frozenset[str] = frozenset()
    branches = {
        line: (n, frozenset(missing[line]) if line in missing else none)
        for line, n in per_line.items()
    }
    return LineDetail(hits, branches)


def parse(path: Path, *, chunk_size: int = _CHUNK) -> Iterator[RawFile]:
    """The files of a coverage.py JSON report, in order. ``chunk_size``: bytes read at a
    time when a value is not cut short (the result never depends on it)."""
    for source_path, detail, _ in _files(path, chunk_size, _detail):
        yield RawFile(source_path, detail)


def count(path: Path, *, chunk_size: int = _CHUNK) -> Iterator[CountedFile]:
    """``parse``, with each file's counts: its line tables are built only if asked for."""
    for source_path, counts, entry in _files(path, chunk_size, _counts):
        yield CountedFile(source_path, counts, (), partial(_detail, entry))


def _files(path: Path, chunk_size: int, read: Callable[[Any], _T]) -> Iterator[tuple[str, _T, Any]]:
    """Each file's path, what ``read`` makes of its entry, and the entry."""
    name = str(path)
    seen_files = False
    try:
        with path.open("rb") as f:
            r = _Reader(f, chunk_size)
            for key, _ in _entries(r):
                if key not in _TOP_KEYS:
                    raise _Malformed(
                        f"unexpected top-level key {str(key)[:60]!r}: "
                        "this JSON is not a coverage.py report (make one with `coverage json`)"
                    )
                if key != "files":
                    r.value()
                    continue
                seen_files = True
                if r.peek() != "{":
                    raise _Malformed("'files' is not an object")
                for file_key, _ in _entries(r):
                    value = r.value()
                    try:
                        made = read(value)
                    except _Malformed as e:
                        raise _Malformed(f"'files' entry {str(file_key)[:200]!r}: {e}") from None
                    try:
                        source_path = checked_path(str(file_key))
                    except ValueError as e:
                        raise _Malformed(str(e)) from None
                    yield source_path, made, value
            r.finish()
    except _Malformed as e:
        raise RatchetError(str(e), source=name) from None
    except (TypeError, ValueError) as e:
        raise RatchetError(f"not a coverage.py JSON report: {e}", source=name) from None
    except RecursionError:
        raise RatchetError(
            "JSON nested too deeply: not a coverage.py report", source=name
        ) from None
    if not seen_files:
        raise RatchetError("JSON without a 'files' object: not a coverage.py report", source=name)
