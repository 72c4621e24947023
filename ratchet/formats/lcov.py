"""LCOV tracefiles (``coverage lcov``, geninfo, istanbul, c8, llvm-cov), streamed by line."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from ratchet.errors import RatchetError
from ratchet.formats import EXIT, RawFile, again, checked_path
from ratchet.models import LineDetail, placeholder_missing

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
    if n < 1:
        raise _Malformed(f"line number {n}; line numbers start at 1")


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
    lineno = 0
    sf: str | None = None
    hits: dict[int, int] = {}
    branch_valid: dict[int, int] = {}
    branch_missing: dict[int, set[str]] = {}
    summary: dict[str, int] = {}
    records = 0
    # DA and BRDA are nearly every line of a tracefile, and int() of a str is their dearest
    # step: the same few thousand number strings recur in every file, so memoise them.
    numbers: dict[str, int] = {"0": 0, "1": 1}
    # BRDA branch field -> the branch's name: coverage.py's "jump to line N" is N, its exits
    # are EXIT (the names every reader gives, see formats.EXIT); None for other producers.
    jumps: dict[str, str | None] = {}
    # The two halves of plain DA lines the general path has read ("DA:17" | "1\n"): a line
    # made of a known head and a known tail reads the same, so two lookups read it.
    da_heads: dict[str, int] = {}
    da_tails: dict[str, int] = {}

    def number(text: str) -> int:
        n = numbers.get(text)
        if n is None:
            n = int(text)
            if len(numbers) < _NUMBERS_MAX:
                numbers[text] = n
        return n

    def close() -> RawFile:
        assert sf is not None
        branches = {
            line: (valid, frozenset(branch_missing.get(line, ())))
            for line, valid in branch_valid.items()
        }
        if (not hits and "LF" in summary) or (not branches and "BRF" in summary):
            _check_summary(summary)
        if not hits and "LF" in summary:
            # A summary-only record: counts without line numbers. Synthesize placeholders so
            # the counts survive; such a record cannot take part in line-level merges.
            lf, lh = summary["LF"], summary.get("LH", 0)
            hits.update({-(i + 1): (1 if i < lh else 0) for i in range(lf)})
        if not branches and "BRF" in summary:
            brf, brh = summary["BRF"], summary.get("BRH", 0)
            if brf:
                branches[0] = (brf, placeholder_missing(brf, brh))
        return RawFile(sf, LineDetail(dict(hits), branches))

    try:
        for raw in lines:
            lineno += 1
            head, _, tail = raw.partition(",")
            n = da_heads.get(head)
            if n is not None and sf is not None:
                count = da_tails.get(tail)
                if count is not None:
                    if n in hits:
                        hits[n] += count
                    else:
                        hits[n] = count
                    continue
            line = raw.strip()
            if not line:
                continue
            if line == "end_of_record":
                if sf is None:
                    raise _Malformed("end_of_record without SF")
                yield close()
                records += 1
                sf = None
                continue
            m = _KEY.match(line)
            if not m:
                raise _Malformed(f"not an LCOV line: {line[:80]!r}")
            key, value = line[: m.end() - 1], line[m.end() :]
            if key == "SF":
                if sf is not None:
                    raise _Malformed("SF before end_of_record of the previous file")
                try:
                    sf = checked_path(value)
                except ValueError as e:
                    raise _Malformed(str(e)) from None
                hits, branch_valid, branch_missing, summary = {}, {}, {}, {}
            elif sf is None and key in ("DA", "BRDA", "LF", "LH", "BRF", "BRH"):
                raise _Malformed(f"{key} outside a file record (no SF)")
            elif key == "DA":
                fields = value.split(",")
                if len(fields) == 2:  # plain (no checksum): learn its halves, see above
                    n, count = number(fields[0]), number(fields[1])
                    _check_da(n, count)
                    if len(da_heads) < _NUMBERS_MAX:
                        da_heads[head] = n
                    if len(da_tails) < _COUNTS_MAX:
                        da_tails[tail] = count
                else:
                    n, count = _ints(value, 2)
                    _check_da(n, count)
                hits[n] = hits.get(n, 0) + count
            elif key == "BRDA":
                parts = value.split(",", 3)
                if len(parts) != 4:
                    raise _Malformed(f"BRDA needs 4 fields, got {value!r}")
                n = number(parts[0])
                _check_line(n)
                branch, taken = parts[2], parts[3]
                if branch in jumps:
                    target = jumps[branch]
                else:
                    jump = _JUMP.fullmatch(branch)
                    target = jump.group(1) if jump else EXIT if _EXIT.fullmatch(branch) else None
                    if len(jumps) < _BRANCHES_MAX:
                        jumps[branch] = target
                ident = target if target is not None else f"{parts[1]},{branch}"
                branch_valid[n] = branch_valid.get(n, 0) + 1
                if taken == "-" or (times := number(taken)) == 0:
                    names = branch_missing.setdefault(n, set())
                    names.add(again(ident, names) if ident in names else ident)
                elif times < 0:
                    raise _Malformed(f"negative taken count {times} for a branch of line {n}")
            elif key in ("LF", "LH", "BRF", "BRH"):
                summary[key] = int(value)
                if summary[key] < 0:
                    raise _Malformed(f"negative {key}: {value}")
    except _Malformed as e:
        raise RatchetError(f"line {lineno}: {e}", source=name) from None
    except ValueError as e:
        raise RatchetError(f"line {lineno}: bad number ({e})", source=name) from None
    if sf is not None:
        raise RatchetError(f"truncated: the record for {sf!r} has no end_of_record", source=name)
    if not records:
        raise RatchetError("no SF/end_of_record records: not an LCOV report", source=name)
