"""Cobertura XML, as written by coverage.py, istanbul/nyc/c8, gcovr, JaCoCo converters...

The exact reader: expat handlers that look at every element, whatever the layout. Streamed,
so memory holds one ``<class>`` at a time. Hostile input is refused the way defusedxml
refuses it: any entity declaration is an error, external entities are never resolved, so
neither a billion-laughs bomb nor an XXE fetch can happen. A
``<!DOCTYPE coverage SYSTEM "http://...">`` line (istanbul writes one) is accepted and
never fetched.

``check``, ``update``, ``init`` and ``report`` read a single report in coverage.py's or
istanbul's layout with ``cobertura_scan`` instead, which counts (and lists the missing
lines) without a Python call per line and hands anything else back to this reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from xml.parsers import expat

from ratchet.core.models import LineDetail, placeholder_missing
from ratchet.errors import RatchetError
from ratchet.readers import RawFile, again, line_problem, xmlsafe
from ratchet.readers.xmlsafe import Refused

_CHUNK = 1 << 20
_CONDITION = re.compile(r"\((\d+)\s*/\s*(\d+)\)")


# Every line of a report asks for these, and a few thousand distinct strings recur in
# every file, so they are cached (bounded: memory stays small whatever the input).
@lru_cache(maxsize=4096)
def _line_number(text: str) -> int:
    number = int(text)
    problem = line_problem(number)
    if problem is not None:
        raise ValueError(problem)
    return number


@lru_cache(maxsize=4096)
def _hits(text: str) -> int:
    hits = int(text)
    if hits < 0:
        raise ValueError(f"negative hits {text!r}")
    return hits


@lru_cache(maxsize=1024)
def _condition_coverage(text: str) -> tuple[int, int] | None:
    """``"50% (1/2)"`` -> (covered, valid); None when there is no ``(n/m)``."""
    m = _CONDITION.search(text)
    if not m:
        return None
    covered, valid = int(m.group(1)), int(m.group(2))
    if covered > valid:
        raise ValueError(f"condition-coverage {text!r} covers more branches than there are")
    return covered, valid


def missing_names(named: str) -> frozenset[str]:
    """coverage.py's ``missing-branches="3,exit"``: the names every reader gives (see
    ``readers.EXIT``), a second exit of the line being ``exit#2``."""
    seen: set[str] = set()
    for name in named.split(","):
        seen.add(again(name, seen) if name in seen else name)
    return frozenset(seen)


class _Handlers:
    """What expat calls, element by element. A ``<line>`` counts when it is inside a
    ``<class>`` and not inside one of its ``<method>``s (istanbul lists a method's lines
    there as well as in the class's own ``<lines>``)."""

    def __init__(self, parser: expat.XMLParserType, roots: tuple[str, ...] = ()) -> None:
        self.parser = parser
        self.seen_root = False
        self.roots = roots  # the <source>s so far: what relative filenames are relative to
        self.source_text: list[str] = []  # the text of the last <source>
        self.path: str | None = None  # inside a <class>: its file
        self.method_depth = 0
        self.hits: dict[int, int] = {}
        self.branches: dict[int, tuple[int, frozenset[str]]] = {}
        # Classes read, in order. The last is held back until the next one starts: a file
        # split into consecutive classes (Java inner classes) is one file.
        self.done: list[RawFile] = []
        self.last: RawFile | None = None

    def root(self, name: str, attrs: dict[str, str]) -> None:
        if name != "coverage":
            hint = " (JaCoCo XML is not supported)" if name == "report" else ""
            raise Refused(f"XML root is <{name}>, not Cobertura's <coverage>{hint}")
        self.seen_root = True
        self.parser.StartElementHandler = self.start

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "line":  # nearly every element: this case first, and short
            if self.path is None or self.method_depth:
                return
            number = _line_number(attrs["number"])
            hits = self.hits
            hits[number] = hits.get(number, 0) + _hits(attrs.get("hits", "0"))
            if attrs.get("branch") == "true":
                self.branch(number, attrs)
        elif name == "class":
            path = attrs.get("filename") or attrs.get("name")
            if not path:
                raise Refused("<class> without a filename attribute")
            self.path, self.hits, self.branches = path, {}, {}
        elif name == "method":
            self.method_depth += 1
        elif name == "source":
            self.source_text.clear()
            # Text reaches Python only inside a <source>: elsewhere it is the whitespace
            # between elements, a call per line for nothing.
            self.parser.CharacterDataHandler = self.source_text.append

    def end(self, name: str) -> None:
        if name == "line":
            return
        if name == "class" and self.path is not None:
            self.add(RawFile(self.path, LineDetail(self.hits, self.branches), self.roots))
            self.path = None
        elif name == "method":
            self.method_depth -= 1
        elif name == "source":
            self.parser.CharacterDataHandler = None
            text = "".join(self.source_text).strip()
            if text:
                self.roots = (*self.roots, text)

    def branch(self, number: int, attrs: dict[str, str]) -> None:
        cond = _condition_coverage(attrs.get("condition-coverage", ""))
        if cond is None:
            return
        covered, valid = cond
        named = attrs.get("missing-branches")
        if named and len(missing := missing_names(named)) == valid - covered:
            self.branches[number] = (valid, missing)
        else:  # counted but not named (istanbul, gcovr), or named inconsistently
            self.branches[number] = (valid, placeholder_missing(valid, covered))

    def add(self, raw: RawFile) -> None:
        if self.last is not None and self.last.path == raw.path:
            raw = RawFile(raw.path, self.last.detail.merge(raw.detail), raw.roots)
        elif self.last is not None:
            self.done.append(self.last)
        self.last = raw


def parse(path: Path, *, chunk_size: int = _CHUNK) -> Iterator[RawFile]:
    """The files of a Cobertura report, in order. ``chunk_size``: bytes read at a time
    (the result never depends on it)."""
    with path.open("rb") as f:
        yield from _read(iter(lambda: f.read(chunk_size), b""), str(path))


def read_class(path: Path, start: int, end: int, roots: tuple[str, ...]) -> LineDetail:
    """The line detail of the ``<class>`` element at bytes ``start:end`` of a report that
    ``cobertura_scan`` has already checked, read the exact way."""
    with path.open("rb") as f:
        f.seek(start)
        element = f.read(end - start)
    raws = list(_read([b"<coverage>", element, b"</coverage>"], str(path), roots))
    if len(raws) != 1:  # the file changed since it was scanned
        raise RatchetError("changed while it was being read", source=str(path))
    return raws[0].detail


def _read(chunks: Iterable[bytes], name: str, roots: tuple[str, ...] = ()) -> Iterator[RawFile]:
    parser = xmlsafe.hardened()
    handlers = _Handlers(parser, roots)
    parser.StartElementHandler = handlers.root
    parser.EndElementHandler = handlers.end
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
            yield from handlers.done
            handlers.done.clear()
        parser.Parse(b"", True)
    except Refused as e:
        raise RatchetError(f"{e} (line {parser.CurrentLineNumber})", source=name) from None
    except expat.ExpatError as e:
        raise RatchetError(
            f"invalid XML at line {e.lineno}, column {e.offset}: {expat.ErrorString(e.code)}",
            source=name,
        ) from None
    except (KeyError, ValueError) as e:
        raise RatchetError(
            f"malformed Cobertura <line> near line {parser.CurrentLineNumber}: {e}", source=name
        ) from None
    if not handlers.seen_root:
        raise RatchetError("no XML element found", source=name)
    if handlers.last is not None:
        yield handlers.last
