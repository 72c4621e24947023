"""JaCoCo XML (``jacoco:report``, Gradle's ``jacocoTestReport``, gcovr ``--jacoco``).

A ``<sourcefile>`` inside a ``<package>`` lists its lines as ``<line nr mi ci mb cb>``:
missed and covered instructions, missed and covered branches. A line counts as JaCoCo's
LINE counter counts it: measurable when it holds an instruction, covered when one of them
ran (``ci > 0``; a partly covered line is covered). Its branches are ``mb + cb``, of which
``cb`` were taken; JaCoCo does not name them, so they merge by count.

The file is ``package name`` + ``/`` + ``sourcefile name`` (``com/example/Calc.java``),
relative to a source root: the roots tried are ``src/main/java`` (and ``kotlin``,
``scala``, ``groovy``) and ``src``, in the report's directory and each directory above it
up to the config root, below a ``<group>`` (a multi-module aggregate report) first; the
first that holds the file wins. With none of them on disk the path is taken as it is
(beside the report, or from the config root), and ``[tool.ratchet.paths]`` maps it.

gcovr's JaCoCo writes no ``mi``/``ci``: which lines ran is not in the report, only how many
per file (the ``LINE`` counter), kept as counts that list no line.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from xml.parsers import expat

from ratchet.core.models import LineDetail, placeholder_missing
from ratchet.readers import RawFile, bounds, report_dirs
from ratchet.readers.xmlsafe import Refused, stream

# Where build tools keep main sources under a module directory, most likely first.
SOURCE_ROOTS = (
    "src/main/java",
    "src/main/kotlin",
    "src/main/scala",
    "src/main/groovy",
    "src",
)
_MAX_GROUP_DEPTH = 64


@lru_cache(maxsize=4096)
def _number(text: str) -> int:
    return bounds.count(bounds.parse_int(text, "count"))


@lru_cache(maxsize=4096)
def _line(text: str) -> int:
    return bounds.line_number(bounds.parse_int(text, "line number"))


_UNMEASURED = -1  # a <line> without mi/ci (gcovr)


@lru_cache(maxsize=4096)
def _kind(
    mi: str | None, ci: str | None, mb: str, cb: str
) -> tuple[int | None, tuple[int, frozenset[str]] | None]:
    """What a ``<line>`` with these counts adds: its hit (1 covered, 0 missed, None for no
    instruction, _UNMEASURED without mi/ci) and its branches. A few hundred distinct
    combinations make up a report's millions of lines, so it is cached."""
    missed_b, covered_b = _number(mb), _number(cb)
    branches = (
        (missed_b + covered_b, placeholder_missing(missed_b + covered_b, covered_b))
        if missed_b or covered_b
        else None
    )
    if mi is None and ci is None:
        return _UNMEASURED, branches
    missed, covered = _number(mi or "0"), _number(ci or "0")
    if not missed and not covered:
        return None, branches
    return (1 if covered else 0), branches


class _Handlers:
    def __init__(self, parser: expat.XMLParserType, roots_for: _Roots) -> None:
        self.parser = parser
        self.roots_for = roots_for
        self.groups: list[str] = []
        self.package: str | None = None
        self.file: str | None = None  # inside a <sourcefile>
        self.hits: dict[int, int] = {}
        self.branches: dict[int, tuple[int, frozenset[str]]] = {}
        self.unmeasured_lines = False  # a <line> without mi/ci (gcovr)
        self.line_counter: tuple[int, int] | None = None
        self.files = 0
        self.done: list[RawFile] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        """The root element; every later one goes to ``element``."""
        if name != "report":
            raise Refused(f"XML root is <{name}>, not JaCoCo's <report>")
        self.parser.StartElementHandler = self.element

    def element(self, name: str, attrs: dict[str, str]) -> None:
        if name == "line":
            if self.file is None:
                return
            nr = _line(attrs["nr"])
            get = attrs.get
            hit, branches = _kind(get("mi"), get("ci"), get("mb", "0"), get("cb", "0"))
            if hit is _UNMEASURED:
                self.unmeasured_lines = True
            elif hit is not None:
                self.hits[nr] = self.hits.get(nr, 0) + hit
            if branches is not None:
                self.branches[nr] = branches
        elif name == "counter":
            if self.file is not None and attrs.get("type") == "LINE":
                self.line_counter = (_number(attrs["missed"]), _number(attrs["covered"]))
        elif name == "sourcefile":
            if self.package is None:
                raise Refused("<sourcefile> outside a <package>")
            base = attrs["name"]
            self.file = posixpath.join(self.package, base) if self.package else base
            self.hits, self.branches = {}, {}
            self.unmeasured_lines, self.line_counter = False, None
        elif name == "package":
            self.package = attrs["name"].strip("/")
        elif name == "group":
            if len(self.groups) >= _MAX_GROUP_DEPTH:
                raise Refused(f"<group>s nested more than {_MAX_GROUP_DEPTH} deep")
            self.groups.append(attrs.get("name", ""))

    def end(self, name: str) -> None:
        if name == "sourcefile" and self.file is not None:
            self.emit(self.file)
            self.file = None
        elif name == "package":
            self.package = None
        elif name == "group":
            self.groups.pop()

    def emit(self, file: str) -> None:
        hits = self.hits
        if self.unmeasured_lines:
            if self.line_counter is None:
                raise Refused(f"{file}: lines without mi/ci, and no LINE counter")
            # Counted, never listed: the report does not say which lines ran.
            missed, covered = self.line_counter
            if missed + covered > bounds.MAX_LINE:
                raise Refused(f"{file}: a LINE counter of more than {bounds.MAX_LINE:,} lines")
            hits = {-(i + 1): (1 if i < covered else 0) for i in range(missed + covered)}
        # expat hands back valid Unicode only (a lone surrogate cannot be written in XML),
        # so the path needs no checked_path.
        roots = self.roots_for(tuple(self.groups))
        self.done.append(RawFile(file, LineDetail(hits, self.branches), roots))
        self.files += 1

    def finish(self) -> None:  # expat has refused a document without a root by now
        if not self.files:
            raise Refused(
                "a JaCoCo report without <sourcefile> lines: compile with debug information "
                "(javac -g, the Maven and Gradle default) so that JaCoCo can map lines"
            )


class _Roots:
    """The source roots a ``<sourcefile>`` under some ``<group>``s may be relative to: those
    that exist, nearest the report first (see the module's docstring)."""

    def __init__(self, report: Path, config_root: Path) -> None:
        self.dirs = report_dirs(report, config_root)
        self.memo: dict[tuple[str, ...], tuple[str, ...]] = {}

    def __call__(self, groups: tuple[str, ...]) -> tuple[str, ...]:
        found = self.memo.get(groups)
        if found is None:
            found = self.memo[groups] = self._find(groups)
        return found

    def _find(self, groups: tuple[str, ...]) -> tuple[str, ...]:
        found: list[str] = []
        # The innermost group is the module's directory in an aggregate report.
        modules = [groups[-1]] if groups and groups[-1] else []
        for d in self.dirs:
            for module in [*modules, ""]:
                for sub in SOURCE_ROOTS:
                    candidate = d / module / sub
                    if candidate.is_dir() and str(candidate) not in found:
                        found.append(str(candidate))
        return tuple(found)


def parse(path: Path, *, config_root: Path, chunk_size: int = 1 << 20) -> Iterator[RawFile]:
    """The source files of a JaCoCo report, in order."""
    roots = _Roots(path, config_root)
    yield from stream(path, lambda p: _Handlers(p, roots), "JaCoCo", chunk_size=chunk_size)
