"""coverage.py's JSON report (``coverage json``), streamed one file entry at a time.

The standard library has no streaming JSON parser, so this walks the top-level object by
hand and hands each ``files`` entry to ``json``'s C decoder: memory holds one file's entry,
not the whole report (a 10,000-file report with contexts runs to hundreds of megabytes
once decoded at once).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ratchet.errors import RatchetError
from ratchet.formats import RawFile
from ratchet.models import LineDetail

_CHUNK = 1 << 20
_WS = " \t\r\n"
_TOP_KEYS = {"meta", "files", "totals"}


class _Malformed(Exception):
    pass


class _Reader:
    """A text buffer over a binary file that refills on demand."""

    def __init__(self, f: IO[bytes]) -> None:
        self._f = f
        self._dec = codecs.getincrementaldecoder("utf-8-sig")()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self._json = json.JSONDecoder()

    def _more(self) -> bool:
        if self.eof:
            return False
        chunk = self._f.read(_CHUNK)
        if self.pos > _CHUNK:
            self.buf, self.pos = self.buf[self.pos :], 0
        if not chunk:
            self.eof = True
            self.buf += self._dec.decode(b"", True)
            return False
        self.buf += self._dec.decode(chunk)
        return True

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _WS:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                raise _Malformed("unexpected end of file (truncated?)")

    def finish(self) -> None:
        try:
            ch = self.peek()
        except _Malformed:
            return
        raise _Malformed(f"unexpected {ch!r} after the end of the JSON document")

    def expect(self, chars: str) -> str:
        ch = self.peek()
        if ch not in chars:
            want = " or ".join(repr(c) for c in chars)
            raise _Malformed(f"expected {want} at offset {self.pos}, found {ch!r}")
        self.pos += 1
        return ch

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                val, end = self._json.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as e:
                if self._more():
                    continue
                raise _Malformed(f"invalid JSON: {e.msg} (truncated?)") from None
            # A number that ends exactly at the buffer's end may continue in the next chunk.
            if end == len(self.buf) and self._more():
                continue
            self.pos = end
            return val


def _entries(r: _Reader) -> Iterator[tuple[str, Any]]:
    r.expect("{")
    if r.peek() == "}":
        r.pos += 1
        return
    while True:
        key = r.value()
        r.expect(":")
        yield key, r
        if r.expect(",}") == "}":
            return


def _detail(entry: Any) -> LineDetail:
    if not isinstance(entry, dict) or "executed_lines" not in entry or "missing_lines" not in entry:
        raise _Malformed("a 'files' entry lacks executed_lines/missing_lines")
    hits = dict.fromkeys(entry["missing_lines"], 0)
    hits.update(dict.fromkeys(entry["executed_lines"], 1))
    per_line: dict[int, int] = {}  # line -> branches from it
    missing: dict[int, set[str]] = {}
    for src, _dst in entry.get("executed_branches", ()):
        per_line[src] = per_line.get(src, 0) + 1
    for src, dst in entry.get("missing_branches", ()):
        per_line[src] = per_line.get(src, 0) + 1
        if src in missing:
            missing[src].add(str(dst))
        else:
            missing[src] = {str(dst)}
    none: frozenset[str] = frozenset()
    branches = {
        line: (n, frozenset(missing[line]) if line in missing else none)
        for line, n in per_line.items()
    }
    return LineDetail(hits, branches)


def parse(path: Path) -> Iterator[RawFile]:
    name = str(path)
    seen_files = False
    try:
        with path.open("rb") as f:
            r = _Reader(f)
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
                    yield RawFile(str(file_key), _detail(r.value()))
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
