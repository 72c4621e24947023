"""Cobertura XML, as written by coverage.py, istanbul/nyc/c8, gcovr, JaCoCo converters...

Streamed with expat: memory holds one ``<class>`` at a time. Hostile input is refused
the way defusedxml refuses it: any entity declaration is an error, external entities are
never resolved, so neither a billion-laughs bomb nor an XXE fetch can happen. A
``<!DOCTYPE coverage SYSTEM "http://...">`` line (istanbul writes one) is accepted and
never fetched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from xml.parsers import expat

from ratchet.errors import RatchetError
from ratchet.formats import RawFile
from ratchet.models import LineDetail, placeholder_missing

_CHUNK = 1 << 20
_CONDITION = re.compile(r"\((\d+)\s*/\s*(\d+)\)")
_NO_MATCH = (-1, -1)
# Caps on the per-parse memo tables below, so that memory stays bounded whatever the input.
_CONDITIONS_MAX = 1024  # distinct condition-coverage strings (a handful in practice)
_NUMBERS_MAX = 4096  # distinct line-number strings: every line of files up to 4096 lines


class _Refused(Exception):
    pass


def _condition(text: str) -> tuple[int, int]:
    """``"50% (1/2)"`` -> (covered, valid); ``_NO_MATCH`` when there is no ``(n/m)``."""
    m = _CONDITION.search(text)
    return (int(m.group(1)), int(m.group(2))) if m else _NO_MATCH


def parse(path: Path) -> Iterator[RawFile]:
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
        if named and len(missing := frozenset(named.split(","))) == valid - covered:
            branches[number] = (valid, missing)
        else:
            branches[number] = (valid, placeholder_missing(valid, covered))

    # The hot path: one call per element, and <line> is nearly every element. Keep the
    # line case first and cheap; everything else is rare.
    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal cur_path, hits, branches, method_depth, counting
        if name == "line":
            if not counting:
                return
            text = attrs["number"]
            number = numbers.get(text)
            if number is None:
                number = int(text)
                if len(numbers) < _NUMBERS_MAX:
                    numbers[text] = number
            try:  # a subscript is cheaper than .get(); "hits" is always there in practice
                text = attrs["hits"]
            except KeyError:
                text = "0"
            h = 0 if text == "0" else 1 if text == "1" else int(text)
            if number in hits:
                hits[number] += h
            else:
                hits[number] = h
            if "branch" in attrs and attrs["branch"] == "true":
                branch(number, attrs)
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
            while chunk := f.read(_CHUNK):
                parser.Parse(chunk, False)
                if done:
                    yield from done
                    done.clear()
            parser.Parse(b"", True)
    except _Refused as e:
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
    if not root_name:
        raise RatchetError("no XML element found", source=name)
    yield from done
    yield from pending
