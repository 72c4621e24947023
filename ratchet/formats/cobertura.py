"""Cobertura XML, as written by coverage.py, istanbul/nyc/c8, gcovr, JaCoCo converters...

Streamed with expat: memory holds one ``<class>`` at a time. Hostile input is refused
the way defusedxml refuses it: any entity declaration is an error, external entities are
never resolved, so neither a billion-laughs bomb nor an XXE fetch can happen. A
``<!DOCTYPE coverage SYSTEM "http://...">`` line (istanbul writes one) is accepted and
never fetched.

Speed: nearly every element is a ``<line>``, so the cost of a report is the cost of one
expat callback per line plus what the handler does with it. Two things keep that low:

- The handler's line case is first and short, and memoises the ``int()`` of line-number
  strings (the dearest step) and the parse of ``condition-coverage``.
- Inside a class's ``<lines>`` the end-element callback is switched off: expat would call
  it once per ``<line/>`` only for the parser to learn nothing. When the next element other
  than a ``<line>`` starts, the end tags since ``<lines>`` are read back from the input
  bytes, and a ``</class>`` among them is acted on then, in order. Markup that a plain byte
  search cannot account for (a comment, CDATA, a processing instruction, a ``<line>`` after
  its class ended) makes the parse start again, reading every end tag the slow way: the
  result is always the one the element-by-element reading gives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from xml.parsers import expat

from ratchet.errors import RatchetError
from ratchet.formats import RawFile, again
from ratchet.models import LineDetail, placeholder_missing

_CHUNK = 1 << 20
_CONDITION = re.compile(r"\((\d+)\s*/\s*(\d+)\)")
_NO_MATCH = (-1, -1)
# Caps on the per-parse memo tables below, so that memory stays bounded whatever the input.
_CONDITIONS_MAX = 1024  # distinct condition-coverage strings (a handful in practice)
_NUMBERS_MAX = 4096  # distinct line-number strings: every line of files up to 4096 lines

# Encodings in which markup is ASCII bytes, so "</class>" can be found with bytes.find.
_DECLARED = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_BYTE_SEARCHABLE = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"}
_CLASS_END = b"</class"


class _Refused(Exception):
    pass


class _Restart(Exception):
    """The fast reading met markup it cannot account for: read again, element by element."""


def _condition(text: str) -> tuple[int, int]:
    """``"50% (1/2)"`` -> (covered, valid); ``_NO_MATCH`` when there is no ``(n/m)``."""
    m = _CONDITION.search(text)
    if not m:
        return _NO_MATCH
    covered, valid = int(m.group(1)), int(m.group(2))
    if covered > valid:
        raise ValueError(f"condition-coverage {text!r} covers more branches than there are")
    return covered, valid


def _missing(named: str) -> frozenset[str]:
    """coverage.py's ``missing-branches="3,exit"``: the names every reader gives (see
    ``formats.EXIT``), a second exit of the line being ``exit#2``."""
    names = named.split(",")
    missing = frozenset(names)
    if len(missing) == len(names):
        return missing
    seen: set[str] = set()
    for name in names:
        seen.add(again(name, seen) if name in seen else name)
    return frozenset(seen)


def _byte_searchable(head: bytes) -> bool:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]:
        return False  # UTF-16 or UTF-32
    declared = _DECLARED.match(head)
    return declared is None or declared.group(1).decode("ascii", "replace").lower() in (
        _BYTE_SEARCHABLE
    )


def _class_ends(data: bytes, lo: int, hi: int) -> Iterator[int]:
    """Where ``</class>`` end tags start in ``data[lo:hi]`` (not ``</classes>``)."""
    i = data.find(_CLASS_END, lo, hi)
    while i >= 0:
        after = i + len(_CLASS_END)
        if data[after : after + 1] in (b" ", b"\t", b"\r", b"\n", b">"):
            yield i
        i = data.find(_CLASS_END, after, hi)


def parse(path: Path, *, chunk_size: int = _CHUNK) -> Iterator[RawFile]:
    """The files of a Cobertura report, in order. ``chunk_size``: bytes read at a time
    (the result never depends on it; tests vary it to move chunk boundaries around)."""
    yielded = 0
    try:
        for raw in _parse(path, fast=True, chunk_size=chunk_size):
            yield raw
            yielded += 1
    except _Restart:
        for i, raw in enumerate(_parse(path, fast=False, chunk_size=chunk_size)):
            if i >= yielded:
                yield raw


def parse_exact(path: Path, *, chunk_size: int = _CHUNK) -> Iterator[RawFile]:
    """The element-by-element reading that ``parse`` must always agree with (tests, and a
    fallback should the fast path ever be in doubt)."""
    return _parse(path, fast=False, chunk_size=chunk_size)


def _parse(path: Path, *, fast: bool, chunk_size: int) -> Iterator[RawFile]:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    roots: tuple[str, ...] = ()
    done: list[RawFile] = []
    pending: list[
        RawFile
    ] = []  # the last class, held back to merge a split file (Java inner classes)
    source_text: list[str] = []
    method_depth = 0
    root_name = ""
    cur_path: str | None = None
    counting = False  # inside a <class>, outside any <method>: its <line>s count
    hits: dict[int, int] = {}
    branches: dict[int, tuple[int, frozenset[str]]] = {}
    # int() of a str is the dearest step per <line>; the same few thousand number strings
    # recur in every file, so a lookup replaces it. Likewise the few condition-coverage
    # strings ("50% (1/2)") of all branch lines.
    numbers: dict[str, int] = {}
    conditions: dict[str, tuple[int, int]] = {}
    # Inside a class's <lines> with no end-element callback (see the module docstring):
    skipping = False
    entry = 0  # byte index of that <lines> start tag
    window: list[bytes] = []  # the input from byte index `base` on, kept while skipping
    base = 0

    def refuse_entity(*_args: object) -> None:
        raise _Refused("entity declarations are not allowed in a coverage report")

    def refuse_external(*_args: object) -> int:
        raise _Refused("external entities are not allowed in a coverage report")

    def on_source_text(data: str) -> None:
        source_text.append(data)

    def branch(number: int, attrs: dict[str, str]) -> None:
        text = attrs.get("condition-coverage", "")
        cond = conditions.get(text)
        if cond is None:
            cond = _condition(text)
            if len(conditions) < _CONDITIONS_MAX:
                conditions[text] = cond
        if cond is _NO_MATCH:
            return
        covered, valid = cond
        named = attrs.get("missing-branches")
        if named and len(missing := _missing(named)) == valid - covered:
            branches[number] = (valid, missing)
        else:
            branches[number] = (valid, placeholder_missing(valid, covered))

    def catch_up(stop: int) -> None:
        """Act on the end tags between the skipped ``<lines>`` and byte index ``stop``."""
        nonlocal skipping
        skipping = False
        parser.EndElementHandler = end
        if entry < base:  # a start tag longer than a chunk: its bytes are gone
            raise _Restart
        # The chunks the bytes entry..stop lie in (almost always one).
        at, i = base, 0
        while at + len(window[i]) <= entry:
            at += len(window[i])
            i += 1
        j, upto = i, at + len(window[i])
        while upto < stop and j + 1 < len(window):
            j += 1
            upto += len(window[j])
        data = window[i] if i == j else b"".join(window[i : j + 1])
        lo, hi = entry - at, stop - at
        # Only tags start with "<" outside comments, CDATA and processing instructions.
        # (A one-byte find is a memchr; "!" and "?" are rare in <line> attributes.)
        for mark in (b"!", b"?"):
            if data.find(mark, lo, hi) >= 0 and data.find(b"<" + mark, lo, hi) >= 0:
                raise _Restart
        ends = _class_ends(data, lo, hi)
        first = next(ends, -1)
        if first < 0:
            return
        # A <line> after its class ended is one the exact reading ignores, yet it counted.
        if data.count(b"<", first, hi) != data.count(b"</", first, hi):
            raise _Restart
        end("class")
        for _ in ends:
            end("class")

    # The hot path: one call per element, and <line> is nearly every element. Keep the
    # line case first and cheap; everything else is rare.
    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal cur_path, hits, branches, method_depth, counting, skipping, entry
        if name == "line":
            if not counting:
                return
            text = attrs["number"]
            number = numbers.get(text)
            if number is None:
                number = int(text)
                if number < 1:
                    raise ValueError(f"line number {number}; line numbers start at 1")
                if len(numbers) < _NUMBERS_MAX:
                    numbers[text] = number
            try:  # a subscript is cheaper than .get(); "hits" is always there in practice
                text = attrs["hits"]
            except KeyError:
                text = "0"
            if text == "0":
                h = 0
            elif text == "1":
                h = 1
            elif (h := int(text)) < 0:
                raise ValueError(f"negative hits {text!r}")
            if number in hits:
                hits[number] += h
            else:
                hits[number] = h
            if "branch" in attrs and attrs["branch"] == "true":
                branch(number, attrs)
            return
        if skipping:
            catch_up(parser.CurrentByteIndex)
        if name == "lines":
            if fast and counting and parser.CharacterDataHandler is None:
                skipping = True
                entry = parser.CurrentByteIndex
                parser.EndElementHandler = None
        elif name == "class":
            cur_path = attrs.get("filename") or attrs.get("name")
            if not cur_path:
                raise _Refused("<class> without a filename attribute")
            hits = {}
            branches = {}
            counting = not method_depth
        elif name == "method":
            method_depth += 1
            counting = False
        elif name == "source":
            source_text.clear()
            parser.CharacterDataHandler = on_source_text

    def end(name: str) -> None:
        nonlocal cur_path, method_depth, counting, roots
        if name == "line":
            return
        if name == "class" and cur_path is not None:
            raw = RawFile(cur_path, LineDetail(hits, branches), roots)
            if pending and pending[0].path == raw.path:
                pending[0] = RawFile(raw.path, pending[0].detail.merge(raw.detail), raw.roots)
            else:
                done.extend(pending)
                pending[:] = [raw]
            cur_path = None
            counting = False
        elif name == "method":
            method_depth -= 1
            counting = cur_path is not None and not method_depth
        elif name == "source":
            parser.CharacterDataHandler = None
            text = "".join(source_text).strip()
            if text:
                roots = (*roots, text)

    def first(name: str, attrs: dict[str, str]) -> None:
        nonlocal root_name
        root_name = name
        if name != "coverage":
            hint = " (JaCoCo XML is not supported)" if name == "report" else ""
            raise _Refused(f"XML root is <{name}>, not Cobertura's <coverage>{hint}")
        parser.StartElementHandler = start

    parser.StartElementHandler = first
    parser.EndElementHandler = end
    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_external

    name = str(path)
    try:
        with path.open("rb") as f:
            while chunk := f.read(chunk_size):
                if not window:
                    fast = fast and _byte_searchable(chunk)
                window.append(chunk)
                parser.Parse(chunk, False)
                # Keep the bytes a catch_up may read: from the skipped <lines> on, or else
                # the last chunk (a start tag may straddle into the next one).
                keep = entry if skipping else base + sum(map(len, window)) - len(chunk)
                while len(window) > 1 and base + len(window[0]) <= keep:
                    base += len(window.pop(0))
                if done:
                    yield from done
                    done.clear()
            parser.Parse(b"", True)
            if skipping:
                catch_up(base + sum(map(len, window)))
    except _Refused as e:
        raise RatchetError(f"{e} (line {parser.CurrentLineNumber})", source=name) from None
    except expat.ExpatError as e:
        if skipping:
            raise _Restart from None
        raise RatchetError(
            f"invalid XML at line {e.lineno}, column {e.offset}: {expat.ErrorString(e.code)}",
            source=name,
        ) from None
    except (KeyError, ValueError) as e:
        if skipping:  # perhaps a <line> the exact reading ignores: let it decide
            raise _Restart from None
        raise RatchetError(
            f"malformed Cobertura <line> near line {parser.CurrentLineNumber}: {e}", source=name
        ) from None
    if not root_name:
        raise RatchetError("no XML element found", source=name)
    yield from done
    yield from pending
