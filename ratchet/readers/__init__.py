"""Report formats: one module each, each with ``parse(path) -> Iterator[RawFile]``.

The format is recognised from the content (``detect``), never from the file name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ratchet.core.models import EXIT as EXIT
from ratchet.core.models import Counts, FileCoverage, LineDetail
from ratchet.errors import RatchetError


@dataclass(frozen=True, slots=True)
class RawFile:
    """A file as a producer named it: ``path`` is not yet resolved or remapped.

    ``roots`` are the directories the producer says relative paths are relative to
    (Cobertura ``<sources>``); empty when the path is relative to the working directory.
    """

    path: str
    detail: LineDetail
    roots: tuple[str, ...] = ()

    def coverage(self, path: str, *, keep_detail: bool, keep_missing_lines: bool) -> FileCoverage:
        """This file's coverage under its resolved ``path``."""
        return FileCoverage.from_detail(
            path, self.detail, keep_detail=keep_detail, keep_missing_lines=keep_missing_lines
        )


class Listing(NamedTuple):
    """What ``report`` lists of a file, as ``FileCoverage`` holds it (the fields of the same
    names), read by a scanner without building the file's line table."""

    missing_lines: tuple[int, ...]
    missing_spans: tuple[tuple[int, int], ...]
    partial_branches: tuple[tuple[int, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class CountedFile:
    """A file as a counts-only scanner read it: its counts, and ``read_detail`` to read its
    lines the exact way should they be wanted (a changed file under ``--diff``, a file the
    report lists twice, a file that failed). ``rereads``: ``read_detail`` holds only where
    the file stands in the report and reads those bytes again, so it may be kept for every
    file of a report (a reader whose ``read_detail`` holds the file's entry leaves it
    False: kept, those would hold the report). ``listing``: what ``report`` lists of the
    file, when the scanner was asked for it and could read it (else its lines are read)."""

    path: str
    counts: Counts
    roots: tuple[str, ...]
    read_detail: Callable[[], LineDetail]
    rereads: bool = False
    listing: Listing | None = None

    def coverage(self, path: str, *, keep_detail: bool, keep_missing_lines: bool) -> FileCoverage:
        if not keep_detail and not keep_missing_lines:
            return FileCoverage(path, self.counts)
        if not keep_detail and self.listing is not None:
            return FileCoverage(path, self.counts, self.listing[0], None, *self.listing[1:])
        return FileCoverage.from_detail(
            path, self.read_detail(), keep_detail=keep_detail, keep_missing_lines=keep_missing_lines
        )


COBERTURA = "cobertura"
COVERAGE_JSON = "coverage.py json"
LCOV = "lcov"
COVERAGE_DATA = "coverage.py data"
JACOCO = "jacoco"
CLOVER = "clover"
GO = "go coverprofile"
SIMPLECOV = "simplecov"


def again(name: str, taken: set[str] | frozenset[str]) -> str:
    """The name for a second missing branch of one line called ``name`` (``exit#2``...).

    Only exits can collide (two exits from one line: a function's and a class body's). The
    XML cannot tell them apart, so neither does any reader: the second is ``exit#2``, and a
    merge then keeps the smaller number of missing exits, never fewer than either side's.
    """
    k = 2
    while f"{name}#{k}" in taken:
        k += 1
    return f"{name}#{k}"


# The largest line number a report may name. No source file has ten million lines; a number
# beyond is a broken or hostile report (10**20 in LCOV and 10**23 in XML were taken as
# read), refused as bad input by every reader, and by the scanners before they count: their
# patterns take a line number of at most LINE_DIGITS' digits as read and leave any other to
# their exact reader, which refuses it with line_problem's words.
MAX_LINE = 9_999_999
LINE_DIGITS = rb"[1-9][0-9]{0,%d}" % (len(str(MAX_LINE)) - 1)  # 1..MAX_LINE, no leading 0


def line_problem(n: int) -> str | None:
    """Why ``n`` is no line of any source file, or None when it may be one."""
    if n < 1:
        return f"line number {n}; line numbers start at 1"
    if n > MAX_LINE:
        shown = str(n) if n < 10**20 else f"{str(n)[:6]}... ({len(str(n))} digits)"
        return f"line number {shown}; no source file has more than {MAX_LINE:,} lines"
    return None


def checked_path(path: str) -> str:
    """A source path as read, refused if it cannot be written back: bytes that were not
    UTF-8 (read as surrogate escapes), or a lone surrogate from a JSON ``\\udcff``. Every
    output — the baseline file, JSON, Markdown — is UTF-8."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        try:  # the bytes as they were in the file: a\xff.py
            raw = path.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a surrogate no byte decodes to: a\ud800.py
            raw = path.encode("utf-8", "backslashreplace")
        shown = raw.decode("utf-8", "backslashreplace")[:200]
        raise ValueError(f"source path '{shown}' is not valid UTF-8") from None
    return path


def report_dirs(report: Path, config_root: Path) -> list[Path]:
    """The report's directory and each one above it up to the config root, nearest first:
    where a reader looks for what a report's paths are relative to (a Go module's go.mod,
    a Java module's source root). Only the config root for a report outside it."""
    root = config_root.resolve()
    here = report.resolve().parent
    dirs: list[Path] = []
    if here == root or root in here.parents:
        while here != root:
            dirs.append(here)
            here = here.parent
    dirs.append(root)
    return dirs


_SNIFF_BYTES = 4096
_LCOV_KEYS = (b"TN:", b"SF:", b"DA:", b"FN:", b"FNDA:", b"BRDA:", b"LF:", b"LH:", b"VER:")
# The root element, past the XML declaration, comments and the DOCTYPE.
_XML_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
# The first member's name and the first name inside its value: {"name": {"name2": ...
_JSON_HEAD = re.compile(rb'\{\s*"((?:[^"\\]|\\.)*)"\s*:\s*\{\s*"((?:[^"\\]|\\.)*)"')
_COVERAGE_JSON_KEYS = (b"meta", b"files", b"totals")


def _xml_format(text: bytes) -> str:
    """JaCoCo's root is <report>; Clover's is <coverage> like Cobertura's, told apart by
    what follows: Clover's first child is <project> (Cobertura's <sources> or <packages>)."""
    body = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>", b"", text, flags=re.S)
    root = _XML_ROOT.search(body)
    if root is None:
        return COBERTURA  # too little to tell: the reader says what is wrong with it
    if root.group(1) == b"report":
        return JACOCO
    if root.group(1) == b"coverage":
        child = _XML_ROOT.search(body, root.end())
        if child is not None and child.group(1) in (b"project", b"testproject"):
            return CLOVER
    return COBERTURA


def _json_format(text: bytes) -> str:
    """SimpleCov's .resultset.json is {"<suite>": {"coverage": ...}}; its JSON formatter's
    coverage.json starts {"meta": {"simplecov_version": ...}}; anything else is read as
    coverage.py's, whose reader says what is wrong with it."""
    head = _JSON_HEAD.match(text)
    if head is not None:
        first, inner = head.groups()
        if inner == b"coverage" and first not in _COVERAGE_JSON_KEYS:
            return SIMPLECOV
        if first == b"meta" and inner == b"simplecov_version":
            return SIMPLECOV
    return COVERAGE_JSON


def detect(path: Path) -> str:
    """Recognise a report's format from its first bytes."""
    try:
        with path.open("rb") as f:
            head = f.read(_SNIFF_BYTES)
    except FileNotFoundError:
        raise RatchetError("no such file", source=str(path)) from None
    except IsADirectoryError:
        raise RatchetError("is a directory, not a coverage report", source=str(path)) from None
    except OSError as e:
        raise RatchetError(f"cannot read: {e.strerror}", source=str(path)) from None
    if head.startswith(b"SQLite format 3\x00"):
        return COVERAGE_DATA
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        raise RatchetError("empty file, not a coverage report", source=str(path))
    if text.startswith(b"<"):
        return _xml_format(text)
    if text.startswith(b"{"):
        return _json_format(text)
    if text.startswith(b"mode:"):
        return GO
    if text.startswith(b"!coverage.py"):
        raise RatchetError(
            "coverage.py data file in the pre-5.0 JSON format; re-run with a current coverage.py",
            source=str(path),
        )
    if text.startswith(_LCOV_KEYS):
        return LCOV
    raise RatchetError(
        "not a coverage report "
        "(expected Cobertura, JaCoCo or Clover XML, coverage.py or SimpleCov JSON, LCOV, "
        "a Go coverprofile or a .coverage data file)",
        source=str(path),
    )


# istanbul writes clover="3.2.0", OpenClover its version; PHPUnit writes none, gcovr a time.
_CLOVER_VERSION = re.compile(rb"<coverage\b[^>]*\bclover=[\"']\d+\.\d+")


def can_measure_branches(path: Path, fmt: str) -> bool:
    """Whether the producer of a report of format ``fmt`` writes branches at all. One that
    could and wrote none ran without branch coverage: merged with reports that have
    branches, its branch misses would vanish, so the rules refuse it. One that never does
    (Go's coverprofile; PHPUnit's and gcovr's Clover) measured all it can, and sits beside
    other languages' reports in a union without losing anything."""
    if fmt == GO:
        return False
    if fmt == CLOVER:
        with path.open("rb") as f:
            return _CLOVER_VERSION.search(f.read(_SNIFF_BYTES)) is not None
    return True


def parse(
    path: Path,
    fmt: str,
    *,
    config_root: Path,
    counts_only: bool = False,
    listing: bool = False,
    rcfile: Path | None = None,
) -> Iterable[RawFile | CountedFile]:
    """The files of one report. ``counts_only``: the caller wants each file's counts and
    seldom its lines (``check``, ``update``, ``init`` on one report), which a scanner reads
    without a Python call per line from the layouts it knows (``cobertura_scan``,
    ``lcov_scan``; ``coverage_json.count`` for coverage.py's JSON). ``listing``: the caller
    lists each file's missing lines but needs no line table (``report`` on one report),
    which ``cobertura_scan`` lists from the layouts it knows (``CountedFile.listing``).
    ``rcfile``: the coverage.py configuration ``.coverage`` data is read with
    (``--rcfile``)."""
    # Imported here so that reading LCOV never pays for importing coverage.py's API.
    if fmt == COBERTURA:
        from ratchet.readers import cobertura, cobertura_scan

        scan = counts_only or listing
        scanned = cobertura_scan.scan(path, listing=listing) if scan else None
        return cobertura.parse(path) if scanned is None else scanned
    if fmt == COVERAGE_JSON:
        from ratchet.readers import coverage_json

        return coverage_json.count(path) if counts_only else coverage_json.parse(path)
    if fmt == LCOV:
        from ratchet.readers import lcov, lcov_scan

        scanned = lcov_scan.scan(path) if counts_only else None
        return lcov.parse(path) if scanned is None else scanned
    if fmt == COVERAGE_DATA:
        from ratchet.readers import coverage_data

        return coverage_data.parse(
            path, config_root=config_root, counts_only=counts_only, rcfile=rcfile
        )
    if fmt == JACOCO:
        from ratchet.readers import jacoco

        return jacoco.parse(path, config_root=config_root)
    if fmt == CLOVER:
        from ratchet.readers import clover

        return clover.parse(path)
    if fmt == GO:
        from ratchet.readers import gocover

        return gocover.parse(path, config_root=config_root, counts_only=counts_only)
    if fmt == SIMPLECOV:
        from ratchet.readers import simplecov

        return simplecov.parse(path, counts_only=counts_only)
    raise AssertionError(fmt)
