"""Clover XML (PHPUnit, OpenClover, istanbul's ``clover`` reporter, gcovr ``--clover``).

``<project>`` holds ``<file>``s (directly or in ``<package>``s), each listing ``<line num
type count>``: a ``stmt`` or ``cond`` line is a measurable line, covered when its
``count`` is above 0 (``method`` lines feed Clover's method count, which ratchet does not
read). The file is its ``path`` attribute (istanbul), else its ``name`` (PHPUnit writes the
absolute path there, gcovr the path from its root). A ``<testproject>`` (gcovr writes a
dummy one) is not read.

A ``cond`` line's branches are written two ways, and each file's own ``<metrics>`` say
which: OpenClover's ``truecount``/``falsecount`` are how often the condition was true and
false (two branches, each covered when its count is above 0), istanbul's are the number of
the line's branches taken and not taken. Where a file's ``conditionals`` and
``coveredconditionals`` match istanbul's reading and not OpenClover's, istanbul's is used.
Clover does not name branches, so they merge by count.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from xml.parsers import expat

from ratchet.core.models import LineDetail, placeholder_missing
from ratchet.readers import RawFile, bounds
from ratchet.readers.xmlsafe import Refused, stream

_MEASURED = frozenset({"stmt", "cond"})


@lru_cache(maxsize=4096)
def _number(text: str) -> int:
    return bounds.count(bounds.parse_int(text, "count"))


@lru_cache(maxsize=4096)
def _line(text: str) -> int:
    return bounds.line_number(bounds.parse_int(text, "line number"))


class _Handlers:
    def __init__(self, parser: expat.XMLParserType) -> None:
        self.parser = parser
        self.in_project = False
        self.file: str | None = None
        self.depth = 0  # inside a <file>: how deep (its own <metrics> are at 1)
        self.hits: dict[int, int] = {}
        # cond line -> (truecount, falsecount)
        self.conds: dict[int, tuple[int, int]] = {}
        self.metrics: tuple[int, int] | None = None  # the file's conditionals, covered
        self.files = 0
        self.done: list[RawFile] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name != "coverage":
            raise Refused(f"XML root is <{name}>, not Clover's <coverage>")
        self.parser.StartElementHandler = self.element

    def element(self, name: str, attrs: dict[str, str]) -> None:
        if self.file is not None:
            self.depth += 1
            if name == "line":
                self.line(attrs)
            elif name == "metrics" and self.depth == 1:
                self.metrics = (
                    _number(attrs.get("conditionals", "0")),
                    _number(attrs.get("coveredconditionals", "0")),
                )
        elif name == "file":
            if self.in_project:
                # expat hands back valid Unicode only: no checked_path needed.
                self.file = attrs.get("path") or attrs["name"]
                self.depth, self.hits, self.conds, self.metrics = 0, {}, {}, None
        elif name == "project":
            self.in_project = True

    def line(self, attrs: dict[str, str]) -> None:
        kind = attrs.get("type")
        if kind not in _MEASURED:
            return
        num = _line(attrs["num"])
        self.hits[num] = self.hits.get(num, 0) + _number(attrs.get("count", "0"))
        if kind == "cond":
            true, false = (
                _number(attrs.get("truecount", "0")),
                _number(attrs.get("falsecount", "0")),
            )
            t0, f0 = self.conds.get(num, (0, 0))
            self.conds[num] = (t0 + true, f0 + false)

    def end(self, name: str) -> None:
        if self.file is None:
            if name == "project":
                self.in_project = False
            return
        if name == "file" and self.depth == 0:
            self.emit(self.file)
            self.file = None
        else:
            self.depth -= 1

    def emit(self, file: str) -> None:
        conds = self.conds
        # OpenClover's reading, and istanbul's (see the module's docstring).
        clover = {n: (2, (t > 0) + (f > 0)) for n, (t, f) in conds.items()}
        istanbul = {n: (t + f, t) for n, (t, f) in conds.items()}
        chosen = clover
        if self.metrics not in (None, _total(clover)) and self.metrics == _total(istanbul):
            chosen = istanbul
        branches = {
            n: (valid, placeholder_missing(valid, covered))
            for n, (valid, covered) in chosen.items()
            if valid
        }
        self.done.append(RawFile(file, LineDetail(self.hits, branches)))
        self.files += 1

    def finish(self) -> None:  # expat has refused a document without a root by now
        pass


def _total(conds: dict[int, tuple[int, int]]) -> tuple[int, int]:
    return sum(v for v, _ in conds.values()), sum(c for _, c in conds.values())


def parse(path: Path, *, chunk_size: int = 1 << 20) -> Iterator[RawFile]:
    """The files of a Clover report's ``<project>``, in order."""
    yield from stream(path, _Handlers, "Clover", chunk_size=chunk_size)
