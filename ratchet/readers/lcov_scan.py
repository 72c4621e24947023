"""Counts of an LCOV tracefile as coverage.py, istanbul/c8 and geninfo write it, with no
Python per line.

``check``, ``update`` and ``init`` need each file's four counts, not its lines. In those
tracefiles a record's ``DA`` lines come in one block, and its ``BRDA`` lines in another; the
rest of the record is a few lines (``SF``, ``LF``/``LH``, ``FN``...). So each record is found
with a bytes search, its two blocks with two more, and each block is read by C: one compiled
regex checks every ``DA`` line and hands back the line numbers (``re.split``),
``len(set(...))`` proves none is listed twice, ``bytes.count`` finds the ones hit 0 times;
another regex checks every ``BRDA`` line, and ``bytes.count`` finds the branches not taken.
The few other lines are read in Python, one by one, as ``lcov.parse`` reads them.

Only what it accounts for to the last byte is accepted: numbers in their plain decimal
form, no checksums, no carriage returns, no leading blanks, a path in UTF-8. Anything else
returns None, and ``lcov.parse`` reads the tracefile instead: so the counts are always the
exact reader's, and so are the errors. ``tests/readers/test_lcov_scan.py`` holds the two to
that on generated hostile tracefiles.

Memory: the file is read in chunks; what is held is the record being read and the counts
of the records so far.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import IO

from ratchet.core.models import Counts
from ratchet.readers import LINE_DIGITS, CountedFile
from ratchet.readers.lcov import read_record

_CHUNK = 1 << 16  # small enough that a chunk stays in cache while its lines are read
_END = b"\nend_of_record\n"
# A DA line: group 1 the line number, short enough for int() whatever its limits and without
# leading zeros, so that equal numbers are equal bytes; hits without leading zeros, so that
# ",0\n" ends exactly the lines hit 0 times.
_DA = re.compile(rb"DA:(" + LINE_DIGITS + rb"),(?:0|[1-9][0-9]{0,17})\n")
# A BRDA line: line, block, branch (no comma: the exact reader splits at the first three),
# taken: "-" or a count, so ",-\n" and ",0\n" end exactly the branches not taken.
_BRDA = re.compile(
    rb"(?:BRDA:" + LINE_DIGITS + rb",[0-9]{1,18},[^,\r\n]*,(?:-|0|[1-9][0-9]{0,17})\n)*"
)
# The record's other lines: each empty or "KEY:..." (the exact reader ignores the keys it
# does not know), and among them the ones it reads.
_OTHER = re.compile(rb"(?:(?:[A-Z][A-Z_]*:[^\n]*)?\n)*")
_READ = re.compile(rb"^(SF|DA|BRDA|LF|LH|BRF|BRH):(.*)$", re.MULTILINE)
_NUMBER = re.compile(rb"[0-9]{1,18}")
_MAX = 1_000_000  # lcov._SUMMARY_LINES_MAX: more is an error the exact reader words


class _Unknown(Exception):
    """Something this module does not account for: the exact reader decides."""


def _block(record: bytes, key: bytes) -> tuple[int, int]:
    """From the first line starting with ``key`` to the end of the last (``record`` starts
    with a line of another key); (0, 0) if there is none."""
    first = record.find(b"\n" + key)
    if first < 0:
        return 0, 0
    return first + 1, record.find(b"\n", record.rfind(b"\n" + key) + 1) + 1


def _lines(record: bytes, start: int, end: int) -> Counts:
    """The counts of a block of DA lines: nothing else may be among them."""
    parts = _DA.split(memoryview(record)[start:end])  # ["", number, "", number, ..., ""]
    lines = len(parts) // 2
    if parts.count(b"") != lines + 1 or len(set(parts)) != lines + 1:
        raise _Unknown  # another line among them, or a line listed twice (hits add up)
    return Counts(lines, lines - record.count(b",0\n", start, end))


def _branches(record: bytes, start: int, end: int) -> tuple[int, int]:
    """The branches and the branches taken of a block of BRDA lines."""
    if _BRDA.fullmatch(record, start, end) is None:
        raise _Unknown  # another line among them
    branches = record.count(b"\n", start, end)
    not_taken = record.count(b",-\n", start, end) + record.count(b",0\n", start, end)
    return branches, branches - not_taken


def _record(record: bytes) -> tuple[str, Counts]:
    """A record's path and counts: ``record`` runs from the line after the last record's
    ``end_of_record`` to its own, ending with ``\nend_of_record\n``."""
    if b"\r" in record:
        raise _Unknown  # the exact reader reads text, where "\r" ends a line
    da_start, da_end = _block(record, b"DA:")
    brda_start, brda_end = _block(record, b"BRDA:")
    # The other lines, in order: before, between and after the two blocks.
    (a, b), (c, d) = sorted([(da_start, da_end), (brda_start, brda_end)])
    path, summary = _other_lines(record[:a] + record[b:c] + record[d : -len(_END) + 1])
    sf = 0 if record.startswith(b"SF:") else record.find(b"\nSF:") + 1
    if (da_end and da_start < sf) or (brda_end and brda_start < sf):
        raise _Unknown  # DA or BRDA before the SF: an error
    if (not da_end and b"LF" in summary) or (not brda_end and b"BRF" in summary):
        # A summary-only record: its LF/LH or BRF/BRH are all there is (see lcov.parse).
        for total, hit in ((b"LF", b"LH"), (b"BRF", b"BRH")):
            if summary.get(hit, 0) > summary.get(total, 0) or summary.get(total, 0) > _MAX:
                raise _Unknown  # an error
    if da_end:
        lines = _lines(record, da_start, da_end)
    else:
        lines = Counts(summary.get(b"LF", 0), summary.get(b"LH", 0) if b"LF" in summary else 0)
    if brda_end:
        branches, taken = _branches(record, brda_start, brda_end)
    elif b"BRF" in summary:
        branches, taken = summary[b"BRF"], summary.get(b"BRH", 0)
    else:
        branches = taken = 0
    return path, Counts(lines.lines_valid, lines.lines_covered, branches, taken)


def _other_lines(rest: bytes) -> tuple[str, dict[bytes, int]]:
    """The path and the LF/LH/BRF/BRH of a record's lines other than DA and BRDA."""
    if _OTHER.fullmatch(rest) is None:
        raise _Unknown  # not an LCOV line, or blanks the exact reader strips
    path: str | None = None
    summary: dict[bytes, int] = {}
    for key, value in _READ.findall(rest):
        if key == b"SF" and path is None:
            try:
                path = value.decode("utf-8")
            except UnicodeDecodeError:
                raise _Unknown from None  # an error the exact reader words
        elif key in (b"SF", b"DA", b"BRDA") or path is None or not _NUMBER.fullmatch(value):
            raise _Unknown  # a second SF, DA or BRDA out of its block, LF... before the SF
        else:
            summary[key] = int(value)
    if path is None or path != path.strip():
        raise _Unknown
    return path, summary


class _Records:
    """The records of a tracefile, read a chunk at a time: each one's offset and bytes."""

    def __init__(self, f: IO[bytes], chunk_size: int) -> None:
        self._f = f
        self._chunk = chunk_size
        self.rest = b""  # what follows the last record, once the file has been read

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        data, base, pos, searched = b"", 0, 0, 0  # base: the file offset of data[0]
        while True:
            end = data.find(_END, searched)
            if end >= 0:
                end += len(_END)
                yield base + pos, data[pos:end]
                pos = searched = end
                continue
            more = self._f.read(max(self._chunk, len(data) - pos))
            if not more:
                if data.endswith(b"\nend_of_record"):  # no newline at the end of the file
                    more = b"\n"
                else:
                    self.rest = data[pos:]
                    return
            searched = max(pos, len(data) - len(_END) + 1) - pos
            base, data, pos = base + pos, data[pos:] + more, 0


def scan(path: Path, *, chunk_size: int = _CHUNK) -> list[CountedFile] | None:
    """The files of an LCOV tracefile with their counts, in order; None when the
    tracefile is not in a layout this module reads to the last byte (then ``lcov.parse``
    reads it). ``chunk_size``: bytes read at a time (the result never depends on it)."""
    files: list[CountedFile] = []
    with path.open("rb") as f:
        records = _Records(f, chunk_size)
        try:
            for offset, record in records:
                name, counts = _record(record)
                detail = partial(read_record, path, offset, offset + len(record))
                files.append(CountedFile(name, counts, (), detail, rereads=True))
        except _Unknown:
            return None
    if not files or records.rest.strip(b" \t\n"):
        return None  # no record (an error), or lines after the last one
    return files
