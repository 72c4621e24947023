"""SimpleCov's results: ``coverage/.resultset.json`` and its JSON formatter's
``coverage/coverage.json``, streamed one file entry at a time.

``.resultset.json`` is ``{"<suite>": {"coverage": {"/abs/path.rb": {"lines": [...],
"branches": {...}}}, "timestamp": N}}``, one member per suite (SimpleCov's command name).
Each suite's files are yielded in turn, and ``load`` merges a file listed by several suites
as SimpleCov merges them: a line or branch is covered if any suite covered it.
``coverage.json`` is ``{"meta": {"simplecov_version": ...}, "coverage": {"/abs/path.rb":
{"lines": [...], "branches": [{"type", "start_line", "end_line", "coverage"}]}}}``.

``lines[i]`` is line ``i + 1``: ``null`` is not relevant (nor is the JSON formatter's
``"ignored"``, a ``:nocov:`` line), a number is how often it ran. Branches (``enable_coverage
:branch``) each count once, covered when taken: in the result set a condition
``"[:if, id, line, col, line, col]"`` maps its branches ``"[:then, ...]"`` to counts, and
they are placed on the condition's line; the JSON formatter names no condition, so there a
branch is placed on its own first line. Old result sets (SimpleCov < 0.18) map a path
straight to its lines array.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from itertools import chain, compress, count, repeat
from operator import countOf, eq, is_not
from pathlib import Path
from typing import Any

from ratchet.core.models import Counts, LineDetail
from ratchet.errors import RatchetError
from ratchet.readers import CountedFile, RawFile, again, bounds, checked_path
from ratchet.readers.jsonstream import Malformed, Reader, entries

_CHUNK = 1 << 20
# Ruby's Coverage key for a condition or a branch, as SimpleCov writes it with #inspect,
# each a line of their join: the start line captured.
_KEYS = re.compile(r"^\[:\w+, -?\d+, (\d{1,9}), -?\d+, -?\d+, -?\d+\]$", re.M)
# Every key of a file, a line of their join, matched at once: ASCII digits only and each line
# number within bounds without a leading zero, possessive so that nothing is backtracked
# into. Stricter than _KEYS, so a join it refuses is checked key by key by _KEYS.
_KEY_ASCII = r"\[:\w++, -?[0-9]++, [1-9][0-9]{0,6}+, -?[0-9]++, -?[0-9]++, -?[0-9]++\]"
_ALL_KEYS = re.compile(rf"(?:{_KEY_ASCII}\n)*+{_KEY_ASCII}", re.ASCII)
_IGNORED = "ignored"
_INT = {int}
_DICT = {dict}
_INT_OR_NULL = {int, type(None)}


def _hits(lines: Any) -> dict[int, int]:
    """``lines`` as line -> count. Once per file of every report, so the common case (only
    numbers and nulls) runs as C loops over the list, not a Python step per line."""
    if type(lines) is not list:
        raise Malformed("'lines' is not an array")
    if len(lines) > bounds.MAX_LINE:
        raise Malformed(f"'lines' is longer than {bounds.MAX_LINE:,} lines")
    if set(map(type, lines)) <= _INT_OR_NULL:
        relevant = list(map(is_not, lines, repeat(None)))
        values = list(compress(lines, relevant))
        if values and (min(values) < 0 or max(values) > bounds.MAX_COUNT):
            bounds.count(min(values))
            bounds.count(max(values))
        return dict(zip(compress(count(1), relevant), values, strict=True))
    hits: dict[int, int] = {}
    for i, value in enumerate(lines, 1):
        if value is None or value == _IGNORED:
            continue
        # type() rather than isinstance(): true is an int to isinstance, and not a count.
        if type(value) is not int:
            raise Malformed(f"line {i}: {str(value)[:40]!r} is not a count")
        hits[i] = bounds.count(value)
    return hits


def _resultset_branches(branches: Any) -> dict[int, tuple[int, frozenset[str]]]:
    """Each condition's branches on the condition's line. Checked a file at a time: every
    key in one regex pass over them joined, every count in C loops."""
    checked = _resultset_arms(branches)
    if checked is None:
        return {}
    arms, names, taken = checked
    lines = _key_lines(list(branches), "branch condition")
    per_arm = list(chain.from_iterable(map(repeat, lines, map(len, arms))))
    valid: dict[int, int] = {}
    for line, n in zip(lines, map(len, arms), strict=True):
        valid[line] = valid.get(line, 0) + n
    # A missing branch is named by its key, "[:else, 5, 10, 25, 10, 30]": unique in its
    # file, and the same in every suite that ran the same source.
    missing: dict[int, set[str]] = {}
    zero = list(map(eq, taken, repeat(0)))
    for line, arm in zip(compress(per_arm, zero), compress(names, zero), strict=True):
        missing.setdefault(line, set()).add(arm)
    return {n: (v, frozenset(missing.get(n, ()))) for n, v in valid.items()}


def _resultset_arms(
    branches: Any,
) -> tuple[list[dict[str, int]], list[str], list[int]] | None:
    """A result set's ``branches`` checked: each condition's branches, and every branch's
    key and count in order. None when there are none."""
    if type(branches) is not dict:
        raise Malformed("'branches' is not an object")
    if not branches:
        return None
    arms = list(branches.values())
    if not set(map(type, arms)) <= _DICT:
        raise Malformed("a branch condition does not map its branches to counts")
    names = list(chain.from_iterable(arms))
    joined = "\n".join(chain(branches, names))
    # One pass over every key (a key with a newline in it would be two lines: the count
    # differs); what it refuses, each key again as _key_lines reads it, to say which.
    if _ALL_KEYS.fullmatch(joined) is None or joined.count("\n") != len(branches) + len(names) - 1:
        _key_lines(list(branches), "branch condition")
        _key_lines(names, "branch")
    taken = list(chain.from_iterable(map(dict.values, arms)))
    if not set(map(type, taken)) <= _INT:
        raise Malformed("a branch count is not a number")
    if taken and (min(taken) < 0 or max(taken) > bounds.MAX_COUNT):
        bounds.count(min(taken))
        bounds.count(max(taken))
    return arms, names, taken


def _key_lines(keys: list[str], what: str) -> list[int]:
    """The line of each Ruby Coverage key, all checked in one pass (a key with a newline
    in it would be two lines: the counts then differ)."""
    if not keys:  # a condition without branches
        return []
    joined = "\n".join(keys)
    found = _KEYS.findall(joined)
    if len(found) != len(keys) or joined.count("\n") != len(keys) - 1:
        bad = next(k for k in keys if _KEYS.fullmatch(k) is None)
        raise Malformed(f"{what} {bad[:60]!r} is not SimpleCov's")
    lines = list(map(int, found))
    if min(lines) < 1 or max(lines) > bounds.MAX_LINE:
        bounds.line_number(min(lines))
        bounds.line_number(max(lines))
    return lines


def _formatter_branches(branches: Any) -> dict[int, tuple[int, frozenset[str]]]:
    if type(branches) is not list:
        raise Malformed("'branches' is not an array")
    valid: dict[int, int] = {}
    missing: dict[int, set[str]] = {}
    for b in branches:
        if type(b) is not dict or type(b.get("start_line")) is not int:
            raise Malformed(f"branch {str(b)[:60]!r} has no start_line")
        taken = b.get("coverage")
        if taken == _IGNORED:
            continue
        if type(taken) is not int:
            raise Malformed(f"branch {str(b)[:60]!r} has no coverage count")
        line = bounds.line_number(b["start_line"])
        valid[line] = valid.get(line, 0) + 1
        if bounds.count(taken) == 0:
            names = missing.setdefault(line, set())
            name = f"{b.get('type')}@{line}"
            names.add(again(name, names) if name in names else name)
    return {n: (v, frozenset(missing.get(n, ()))) for n, v in valid.items()}


def _detail(entry: Any, formatter: bool) -> LineDetail:
    if type(entry) is list:  # SimpleCov < 0.18: the lines array alone
        return LineDetail(_hits(entry))
    if type(entry) is not dict or "lines" not in entry:
        raise Malformed("has no 'lines'")
    branches = entry.get("branches")
    if branches is None:
        return LineDetail(_hits(entry["lines"]))
    read = _formatter_branches if formatter else _resultset_branches
    return LineDetail(_hits(entry["lines"]), read(branches))


def _counts(entry: Any, formatter: bool) -> Counts:
    """What ``_detail(entry, formatter).counts()`` is, after the same checks, without
    building the line and branch tables where the entry is as SimpleCov writes it."""
    if type(entry) is list:
        return Counts(*_line_counts(entry))
    if type(entry) is not dict or "lines" not in entry:
        raise Malformed("has no 'lines'")
    lines = _line_counts(entry["lines"])
    branches = entry.get("branches")
    if branches is None:
        return Counts(*lines)
    if formatter:
        return LineDetail(_hits(entry["lines"]), _formatter_branches(branches)).counts()
    checked = _resultset_arms(branches)
    if checked is None:
        return Counts(*lines)
    _, names, taken = checked
    if len(set(names)) != len(names):  # a key twice: a line's missing branches are a set
        counted = LineDetail({}, _resultset_branches(branches)).counts()
        return Counts(*lines, counted.branches_valid, counted.branches_covered)
    return Counts(*lines, len(taken), len(taken) - taken.count(0))


def _line_counts(lines: Any) -> tuple[int, int]:
    """Relevant lines and covered ones, as ``_hits`` reads them."""
    if type(lines) is list and len(lines) <= bounds.MAX_LINE:
        values = list(compress(lines, map(is_not, lines, repeat(None))))
        if set(map(type, values)) <= _INT:
            if values and (min(values) < 0 or max(values) > bounds.MAX_COUNT):
                bounds.count(min(values))
                bounds.count(max(values))
            return len(values), len(values) - values.count(0)
    hits = _hits(lines)
    return len(hits), len(hits) - countOf(hits.values(), 0)


def _files(r: Reader, formatter: bool, counts_only: bool) -> Iterator[RawFile | CountedFile]:
    if r.peek() != "{":
        raise Malformed("'coverage' is not an object")
    for name, _ in entries(r):
        entry = r.value()
        try:
            path = checked_path(str(name))
            if counts_only:
                counts = _counts(entry, formatter)
                yield CountedFile(path, counts, (), partial(_detail, entry, formatter))
                continue
            detail = _detail(entry, formatter)
        except (Malformed, ValueError) as e:
            raise Malformed(f"file {str(name)[:200]!r}: {e}") from None
        yield RawFile(path, detail)


def _read(r: Reader, counts_only: bool) -> Iterator[RawFile | CountedFile]:
    seen = False
    for key, _ in entries(r):
        if key == "coverage":  # the JSON formatter's coverage.json
            seen = True
            yield from _files(r, True, counts_only)
        elif key in ("meta", "groups", "errors", "timestamp"):
            r.value()
        else:  # a suite of the result set
            if r.peek() != "{":
                raise Malformed(f"suite {str(key)[:60]!r} is not an object")
            for member, _ in entries(r):
                if member == "coverage":
                    seen = True
                    yield from _files(r, False, counts_only)
                else:
                    r.value()
    r.finish()
    if not seen:
        raise Malformed("no 'coverage' object: not a SimpleCov result")


def parse(
    path: Path, *, counts_only: bool = False, chunk_size: int = _CHUNK
) -> Iterator[RawFile | CountedFile]:
    """The files of each suite of a result set, or of a JSON formatter's report, in order.
    ``counts_only``: each file's counts, its line tables built only if asked."""
    try:
        with path.open("rb") as f:
            yield from _read(Reader(f, chunk_size), counts_only)
    except Malformed as e:
        raise RatchetError(str(e), source=str(path)) from None
    except (TypeError, ValueError) as e:
        raise RatchetError(f"not a SimpleCov result: {e}", source=str(path)) from None
    except RecursionError:
        raise RatchetError(
            "JSON nested too deeply: not a SimpleCov result", source=str(path)
        ) from None
