"""LCOV tracefiles (``coverage lcov``, geninfo, istanbul, c8, llvm-cov), streamed by line."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ratchet.core.models import LineDetail, placeholder_missing
from ratchet.errors import RatchetError
from ratchet.readers import EXIT, RawFile, again, checked_path, line_problem

_KEY = re.compile(r"[A-Z][A-Z_]*:")
_JUMP = re.compile(r"jump to line (\d+)")
# coverage.py's descriptions of arcs that leave a code object (its parser's action messages).
_EXIT = re.compile(
    r"(?:return from function|except from function|exit class) '.*'"
    r"|exit the module|jump to the function exit"
)
# Caps on the per-parse memo tables in ``parse``, so memory stays bounded whatever the input.
_NUMBERS_MAX = 4096
_BRANCHES_MAX = 4096
_COUNTS_MAX = 256
# A summary-only record (LF/LH, no DA) becomes one placeholder per line: refuse a count
# no source file has rather than build it (LF:100000000000 would take all memory).
_SUMMARY_LINES_MAX = 1_000_000


class _Malformed(Exception):
    pass


def _ints(value: str, n: int) -> list[int]:
    parts = value.split(",")
    if len(parts) < n:
        raise _Malformed(f"expected {n} comma-separated fields, got {value!r}")
    return [int(p) for p in parts[:n]]


def _check_line(n: int) -> None:
    problem = line_problem(n)
    if problem is not None:
        raise _Malformed(problem)


def _check_da(n: int, count: int) -> None:
    _check_line(n)
    if count < 0:
        raise _Malformed(f"negative execution count {count} for line {n}")


def _check_summary(summary: dict[str, int]) -> None:
    """The counts of a summary-only record, which are all there is of it."""
    for total, hit in (("LF", "LH"), ("BRF", "BRH")):
        if summary.get(hit, 0) > summary.get(total, 0):
            raise _Malformed(
                f"{hit} ({summary[hit]}) is more than {total} ({summary.get(total, 0)})"
            )
    if summary.get("LF", 0) > _SUMMARY_LINES_MAX or summary.get("BRF", 0) > _SUMMARY_LINES_MAX:
        raise _Malformed(f"a record with more than {_SUMMARY_LINES_MAX:,} lines or branches")


def parse(path: Path) -> Iterator[RawFile]:
    with path.open("r", encoding="utf-8", errors="surrogateescape") as f:
        yield from _read(f, str(path))


def read_record(path: Path, start: int, end: int) -> LineDetail:
    """The line detail of the record at bytes ``start:end`` of a tracefile that
    ``lcov_scan`` has already checked, read the exact way."""
    with path.open("rb") as f:
        f.seek(start)
        data = f.read(end - start)
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape")
    raws = list(_read(lines, str(path)))
    if len(raws) != 1:  # the file changed since it was scanned
        raise RatchetError("changed while it was being read", source=str(path))
    return raws[0].detail


def _read(lines: Iterable[str], name: str) -> Iterator[RawFile]:
    """Each record of ``lines`` as it ends. Errors name the tracefile and the line."""
    reader = _Reader()
    hits, heads, tails = reader.hits, reader.da_heads, reader.da_tails
    lineno = 0
    try:
        for raw in lines:
            lineno += 1
            # A plain DA line of known halves (see _Reader), read here: most lines are.
            head, _, tail = raw.partition(",")
            n = heads.get(head)
            if n is not None and reader.sf is not None and (count := tails.get(tail)) is not None:
                hits[n] = hits.get(n, 0) + count
                continue
            line = raw.strip()
            if line == "end_of_record":
                yield reader.end()
            elif line:
                m = _KEY.match(line)
                if not m:
                    raise _Malformed(f"not an LCOV line: {line[:80]!r}")
                reader.read(line[: m.end() - 1], line[m.end() :], raw)
    except _Malformed as e:
        raise RatchetError(f"line {lineno}: {e}", source=name) from None
    except ValueError as e:
        raise RatchetError(f"line {lineno}: bad number ({e})", source=name) from None
    if reader.sf is not None:
        raise RatchetError(
            f"truncated: the record for {reader.sf!r} has no end_of_record", source=name
        )
    if not reader.records:
        raise RatchetError("no SF/end_of_record records: not an LCOV report", source=name)


class _Reader:
    """The record being read (``sf`` is None between records), one method per key.

    DA and BRDA are nearly every line of a tracefile, and ``int()`` of a str is their
    dearest step: the same few thousand number strings recur in every file, so they are
    memoised (in bounded tables, so memory stays bounded whatever the input)."""

    def __init__(self) -> None:
        self.sf: str | None = None
        self.records = 0
        self.hits: dict[int, int] = {}
        self.branch_valid: dict[int, int] = {}
        self.branch_missing: dict[int, set[str]] = {}
        self.summary: dict[str, int] = {}
        self.numbers: dict[str, int] = {"0": 0, "1": 1}
        # BRDA branch field -> the branch's name: coverage.py's "jump to line N" is N, its
        # exits are EXIT (the names every reader gives, see readers.EXIT); None for others.
        self.jumps: dict[str, str | None] = {}
        # The two halves of plain DA lines read so far ("DA:17" | "1\n"): a line made of a
        # known head and a known tail reads the same, so two lookups read it.
        self.da_heads: dict[str, int] = {}
        self.da_tails: dict[str, int] = {}
        self._keys: dict[str, Callable[[str, str, str], None]] = {
            "SF": self.start, "DA": self.da, "BRDA": self.brda,
            "LF": self.total, "LH": self.total, "BRF": self.total, "BRH": self.total,
        }  # fmt: skip

    def number(self, text: str) -> int:
        n = self.numbers.get(text)
        if n is None:
            n = int(text)
            if len(self.numbers) < _NUMBERS_MAX:
                self.numbers[text] = n
        return n

    def read(self, key: str, value: str, raw: str) -> None:
        """One line of a record other than its end; keys nobody reads are ignored."""
        handler = self._keys.get(key)
        if handler is None:
            return
        if self.sf is None and key != "SF":
            raise _Malformed(f"{key} outside a file record (no SF)")
        handler(key, value, raw)

    def start(self, _key: str, value: str, _raw: str) -> None:
        if self.sf is not None:
            raise _Malformed("SF before end_of_record of the previous file")
        try:
            self.sf = checked_path(value)
        except ValueError as e:
            raise _Malformed(str(e)) from None
        self.hits.clear()  # the same dict throughout: _read holds it
        self.branch_valid, self.branch_missing, self.summary = {}, {}, {}

    def da(self, _key: str, value: str, raw: str) -> None:
        fields = value.split(",")
        if len(fields) == 2:  # plain (no checksum): learn its halves, see _read
            n, count = self.number(fields[0]), self.number(fields[1])
            _check_da(n, count)
            head, _, tail = raw.partition(",")
            if len(self.da_heads) < _NUMBERS_MAX:
                self.da_heads[head] = n
            if len(self.da_tails) < _COUNTS_MAX:
                self.da_tails[tail] = count
        else:
            n, count = _ints(value, 2)
            _check_da(n, count)
        self.hits[n] = self.hits.get(n, 0) + count

    def brda(self, _key: str, value: str, _raw: str) -> None:
        parts = value.split(",", 3)
        if len(parts) != 4:
            raise _Malformed(f"BRDA needs 4 fields, got {value!r}")
        n = self.number(parts[0])
        _check_line(n)
        self.branch_valid[n] = self.branch_valid.get(n, 0) + 1
        taken = parts[3]
        if taken != "-" and (times := self.number(taken)) != 0:
            if times < 0:
                raise _Malformed(f"negative taken count {times} for a branch of line {n}")
            return
        name = self.branch_name(parts[2])
        ident = name if name is not None else f"{parts[1]},{parts[2]}"
        names = self.branch_missing.setdefault(n, set())
        names.add(again(ident, names) if ident in names else ident)

    def branch_name(self, branch: str) -> str | None:
        if branch in self.jumps:
            return self.jumps[branch]
        jump = _JUMP.fullmatch(branch)
        name = jump.group(1) if jump else EXIT if _EXIT.fullmatch(branch) else None
        if len(self.jumps) < _BRANCHES_MAX:
            self.jumps[branch] = name
        return name

    def total(self, key: str, value: str, _raw: str) -> None:
        self.summary[key] = int(value)
        if self.summary[key] < 0:
            raise _Malformed(f"negative {key}: {value}")

    def end(self) -> RawFile:
        if self.sf is None:
            raise _Malformed("end_of_record without SF")
        hits, summary = self.hits, self.summary
        branches = {
            line: (valid, frozenset(self.branch_missing.get(line, ())))
            for line, valid in self.branch_valid.items()
        }
        if (not hits and "LF" in summary) or (not branches and "BRF" in summary):
            _check_summary(summary)
        if not hits and "LF" in summary:
            # A summary-only record: counts without line numbers. Placeholders keep the
            # counts; such a record cannot take part in line-level merges.
            lf, lh = summary["LF"], summary.get("LH", 0)
            hits = {-(i + 1): (1 if i < lh else 0) for i in range(lf)}
        if not branches and summary.get("BRF"):
            brf, brh = summary["BRF"], summary.get("BRH", 0)
            branches[0] = (brf, placeholder_missing(brf, brh))
        raw_file = RawFile(self.sf, LineDetail(dict(hits), branches))
        self.records += 1
        self.sf = None
        return raw_file
