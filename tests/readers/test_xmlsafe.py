"""The expat driver under the JaCoCo and Clover readers: files handed on as they end, across
chunks; entity declarations refused; a broken or incomplete document one line naming the
file, never a traceback."""

from __future__ import annotations

from pathlib import Path
from xml.parsers import expat

import pytest

from ratchet.core.models import LineDetail
from ratchet.errors import RatchetError
from ratchet.readers import RawFile
from ratchet.readers.xmlsafe import Refused, stream

pytestmark = pytest.mark.unit


class Names:
    """A reader of ``<f name="...">`` elements: each a file with no lines."""

    def __init__(self, parser: expat.XMLParserType) -> None:
        self.done: list[RawFile] = []
        self.parser = parser

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "f":
            self.done.append(RawFile(attrs["name"], LineDetail({}, {})))
        elif name == "bad":
            raise Refused("a <bad> element")

    def end(self, name: str) -> None:
        pass

    def finish(self) -> None:
        pass


def _stream(tmp_path: Path, text: str, chunk_size: int = 8) -> list[str]:
    p = tmp_path / "r.xml"
    p.write_text(text)
    return [f.path for f in stream(p, Names, "Test", chunk_size=chunk_size)]


@pytest.mark.parametrize("chunk_size", [1, 8, 1 << 20])
def test_stream__every_file_whatever_the_chunks(tmp_path, chunk_size):
    text = '<?xml version="1.0"?><r>' + "".join(f'<f name="m{i}.py"/>' for i in range(5)) + "</r>"
    assert _stream(tmp_path, text, chunk_size) == [f"m{i}.py" for i in range(5)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '<!DOCTYPE r [<!ENTITY x "xxxxxxxx">]><r>&x;</r>',
            "entity declarations are not allowed in a coverage report (line 1)",
        ),
        ("<r>\n<f name='a'>\n</r>", "invalid XML at line 3, column 2: mismatched tag"),
        ("<r><f name='a'/>", "invalid XML at line 1, column 16: no element found"),
        ("<r><f/></r>", "malformed Test XML near line 1: no attribute 'name'"),
        ("<r>\n\n<bad/></r>", "a <bad> element (line 3)"),
    ],
)
def test_stream__refused_in_one_line_naming_the_file(tmp_path, text, message):
    with pytest.raises(RatchetError) as e:
        _stream(tmp_path, text)
    assert str(e.value) == f"{tmp_path / 'r.xml'}: {message}"
