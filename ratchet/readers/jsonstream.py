"""A JSON document walked by hand, one member at a time: the standard library has no
streaming parser. Each value is handed to ``json``'s C decoder as it comes, so memory holds
one value (a report's file entry), not the document. Used by the coverage.py JSON and
SimpleCov readers."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import IO, Any

# Characters held past a value's start before it is decoded, so that nearly every value
# decodes at the first attempt: a value cut short by the buffer's end costs a retry, and
# json's error for it a scan of the whole buffer (for a line number nobody reads).
_AHEAD = 1 << 18
_WS = " \t\r\n"


class Malformed(Exception):
    pass


class Reader:
    """A text buffer over a binary file that refills on demand."""

    def __init__(self, f: IO[bytes], chunk_size: int) -> None:
        self._f = f
        self._chunk = chunk_size
        self._dec = codecs.getincrementaldecoder("utf-8-sig")()
        self.buf = ""
        self.pos = 0
        self.dropped = 0  # characters read before buf[0]: error offsets are the file's
        self.eof = False
        self._json = json.JSONDecoder()

    def _more(self, size: int = 0) -> bool:
        if self.eof:
            return False
        chunk = self._f.read(size or self._chunk)
        if self.pos:
            self.dropped += self.pos
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
                raise Malformed("unexpected end of file (truncated?)")

    def finish(self) -> None:
        try:
            ch = self.peek()
        except Malformed:
            return
        raise Malformed(f"unexpected {ch!r} after the end of the JSON document")

    def expect(self, chars: str) -> str:
        ch = self.peek()
        if ch not in chars:
            want = " or ".join(repr(c) for c in chars)
            raise Malformed(f"expected {want} at character {self.dropped + self.pos}, found {ch!r}")
        self.pos += 1
        return ch

    def name(self) -> Any:
        """An object member's name: a JSON string, nothing else."""
        if self.peek() != '"':
            self.expect('"')  # not a string: the error says what stands there instead
        return self.value()

    def value(self) -> Any:
        self.peek()
        while len(self.buf) - self.pos < _AHEAD and self._more():
            pass
        while True:
            try:
                val, end = self._json.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as e:
                if not _truncated(e, len(self.buf)):
                    at = self.dropped + e.pos
                    raise Malformed(f"invalid JSON: {e.msg} at character {at}") from None
                # Each retry decodes the value from its start again: read three times what
                # is buffered of it, so that the retries of one large value cost about
                # half its decoding again, not its size squared over the chunk size.
                if self._more(max(self._chunk, 3 * (len(self.buf) - self.pos))):
                    continue
                raise Malformed(f"invalid JSON: {e.msg} (truncated?)") from None
            # A number that ends exactly at the buffer's end may continue in the next chunk.
            if end == len(self.buf) and self._more():
                continue
            self.pos = end
            return val


def _truncated(e: json.JSONDecodeError, end: int) -> bool:
    """Whether the decoder failed for want of input, rather than at an error in it.

    A value cut short fails at the buffer's end, or at the start of the token it cuts
    (a literal such as ``-Infinity``, a ``\\uXXXX`` escape) or of the string it is in.
    Anything else is an error where it stands: reading on would only fill memory."""
    return e.pos >= end - 16 or e.msg.startswith("Unterminated string")


def entries(r: Reader) -> Iterator[tuple[str, Any]]:
    r.expect("{")
    if r.peek() == "}":
        r.pos += 1
        return
    while True:
        key = r.name()
        r.expect(":")
        yield key, r
        if r.expect(",}") == "}":
            return
