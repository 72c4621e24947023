"""The streaming JSON reader under the coverage.py JSON and SimpleCov readers: members one
at a time across chunk boundaries, errors at the file's own character offsets."""

from __future__ import annotations

import io

import pytest

from ratchet.readers.jsonstream import Malformed, Reader, entries

pytestmark = pytest.mark.unit


def _read(text: str, chunk: int = 3) -> dict[str, object]:
    r = Reader(io.BytesIO(text.encode()), chunk)
    got = {key: reader.value() for key, reader in entries(r)}
    r.finish()
    return got


@pytest.mark.parametrize("chunk", [1, 2, 7, 1 << 20])
def test_entries__the_same_members_whatever_the_chunk_size(chunk):
    text = '\ufeff{"a": [1, 2, 3], "b": {"c": "d\\u00e9"}, "n": 12345678901234567890}'
    assert _read(text, chunk) == {"a": [1, 2, 3], "b": {"c": "dé"}, "n": 12345678901234567890}


def test_entries__an_empty_object_has_none():
    assert _read("  {}  ") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1', r"unexpected end of file \(truncated\?\)"),
        ('{"a": 1 "b": 2}', "expected ',' or '}' at character 8, found '\"'"),  # the file's offset
        ('{"a": 1,}', "expected '\"' at character 8, found '}'"),
        ("[1]", "expected '{' at character 0, found '\\['"),
        ('{"a": tru, "b": "' + "x" * 40 + '"}', "invalid JSON: Expecting value at character 6$"),
        ('{"a": tru}', r"invalid JSON: Expecting value \(truncated\?\)"),  # cut short, maybe
        ('{"a": "unterminated', r"invalid JSON: Unterminated string .*\(truncated\?\)"),
        ('{"a": 1} x', "unexpected 'x' after the end of the JSON document"),
        ("", "unexpected end of file"),
    ],
)
def test_entries__malformed_input_says_what_and_where(text, message):
    with pytest.raises(Malformed, match=message):
        _read(text)
