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


class _Refused(Exception):
    pass


def parse(path: Path) -> Iterator[RawFile]:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    roots: list[str] = []
    done: list[RawFile] = []
    pending: list[
        RawFile
    ] = []  # the last class, held back to merge a split file (Java inner classes)
    source_text: list[str] = []
    method_depth = 0
    root_name = ""
    cur_path: str | None = None
    hits: dict[int, int] = {}
    branches: dict[int, tuple[int, frozenset[str]]] = {}

    def refuse_entity(*_args: object) -> None:
        raise _Refused("entity declarations are not allowed in a coverage report")

    def refuse_external(*_args: object) -> int:
        raise _Refused("external entities are not allowed in a coverage report")

    def on_source_text(data: str) -> None:
        source_text.append(data)

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal cur_path, hits, branches, method_depth
        if name == "line":
            if cur_path is None or method_depth:
                return
            number = int(attrs["number"])
            h = int(attrs.get("hits", "0"))
            hits[number] = hits.get(number, 0) + h
            if attrs.get("branch") == "true":
                cond = _CONDITION.search(attrs.get("condition-coverage", ""))
                if cond:
                    covered, valid = int(cond.group(1)), int(cond.group(2))
                    named = attrs.get("missing-branches")
                    if named and len(missing := frozenset(named.split(","))) == valid - covered:
                        branches[number] = (valid, missing)
                    else:
                        branches[number] = (valid, placeholder_missing(valid, covered))
        elif name == "class":
            cur_path = attrs.get("filename") or attrs.get("name")
            if not cur_path:
                raise _Refused("<class> without a filename attribute")
            hits = {}
            branches = {}
        elif name == "method":
            method_depth += 1
        elif name == "source":
            source_text.clear()
            parser.CharacterDataHandler = on_source_text

    def end(name: str) -> None:
        nonlocal cur_path, method_depth
        if name == "class" and cur_path is not None:
            raw = RawFile(cur_path, LineDetail(hits, branches), tuple(roots))
            if pending and pending[0].path == raw.path:
                pending[0] = RawFile(raw.path, pending[0].detail.merge(raw.detail), raw.roots)
            else:
                done.extend(pending)
                pending[:] = [raw]
            cur_path = None
        elif name == "method":
            method_depth -= 1
        elif name == "source":
            parser.CharacterDataHandler = None
            text = "".join(source_text).strip()
            if text:
                roots.append(text)

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
