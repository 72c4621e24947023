"""Streaming XML for the JaCoCo and Clover readers, hardened as ``cobertura`` is: any entity
declaration is refused and external entities are never resolved, so neither an
entity-expansion bomb nor an XXE fetch can happen; a DOCTYPE naming a DTD (JaCoCo's
``report.dtd``) is accepted and never fetched. expat keeps no Python stack per element, so
deep nesting costs nothing but the readers' own bounded state."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol
from xml.parsers import expat

from ratchet.errors import RatchetError
from ratchet.readers import RawFile

CHUNK = 1 << 20


class Refused(Exception):
    """The report is not what its reader reads; the message says why."""


class Handlers(Protocol):
    """What a reader hands expat: the files finished so far are taken from ``done``."""

    done: list[RawFile]

    def start(self, name: str, attrs: dict[str, str]) -> None: ...
    def end(self, name: str) -> None: ...
    def finish(self) -> None: ...


def stream(
    path: Path,
    make: Callable[[expat.XMLParserType], Handlers],
    kind: str,
    *,
    chunk_size: int = CHUNK,
) -> Iterator[RawFile]:
    """The files ``make``'s handlers build from the report at ``path``, as they end.
    ``kind`` names the format in errors ("JaCoCo")."""
    with path.open("rb") as f:
        yield from read(iter(lambda: f.read(chunk_size), b""), str(path), make, kind)


def read(
    chunks: Iterable[bytes],
    name: str,
    make: Callable[[expat.XMLParserType], Handlers],
    kind: str,
) -> Iterator[RawFile]:
    parser = hardened()
    handlers = make(parser)
    parser.StartElementHandler = handlers.start
    parser.EndElementHandler = handlers.end
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
            yield from handlers.done
            handlers.done.clear()
        parser.Parse(b"", True)
        handlers.finish()
        yield from handlers.done
    except Refused as e:
        raise RatchetError(f"{e} (line {parser.CurrentLineNumber})", source=name) from None
    except expat.ExpatError as e:
        raise RatchetError(
            f"invalid XML at line {e.lineno}, column {e.offset}: {expat.ErrorString(e.code)}",
            source=name,
        ) from None
    except (KeyError, ValueError) as e:
        missing = f"no attribute {e}" if isinstance(e, KeyError) else str(e)
        raise RatchetError(
            f"malformed {kind} XML near line {parser.CurrentLineNumber}: {missing}", source=name
        ) from None


def hardened() -> expat.XMLParserType:
    """An expat parser for an untrusted report (every XML reader's): parameter entities are
    never parsed, an entity declaration raises ``Refused`` (no expansion bomb) and an
    external entity is never resolved (no XXE); a DOCTYPE alone is accepted."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_external
    return parser


def _refuse_entity(*_args: object) -> None:
    raise Refused("entity declarations are not allowed in a coverage report")


def _refuse_external(*_args: object) -> int:  # pragma: no cover - a declaration comes first
    raise Refused("external entities are not allowed in a coverage report")
