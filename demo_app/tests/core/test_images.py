from __future__ import annotations

import pytest

from app.core.images import GIF, JPEG, PNG, WEBP, ImageType, sniff_image_type

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"rest", PNG),
        (b"\xff\xd8\xff\xe0" + b"rest", JPEG),
        (b"GIF87a" + b"rest", GIF),
        (b"GIF89a" + b"rest", GIF),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", WEBP),
    ],
    ids=["png", "jpeg", "gif87a", "gif89a", "webp"],
)
def test_sniff_image_type__recognises_supported_formats(data: bytes, expected: ImageType) -> None:
    assert sniff_image_type(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello, world",
        b"\x89PNG\r\n",  # truncated signature
        b"RIFF\x24\x00\x00\x00WAVEfmt ",  # RIFF, but audio
        b"RIFF\x24\x00\x00\x00WEB",  # too short to hold the form type
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",  # SVG can carry scripts: not allowed
    ],
    ids=["empty", "text", "truncated-png", "riff-wave", "short-riff", "svg"],
)
def test_sniff_image_type__rejects_everything_else(data: bytes) -> None:
    assert sniff_image_type(data) is None


def test_image_types__have_matching_extension_and_content_type() -> None:
    assert [(t.extension, t.content_type) for t in (PNG, JPEG, GIF, WEBP)] == [
        ("png", "image/png"),
        ("jpg", "image/jpeg"),
        ("gif", "image/gif"),
        ("webp", "image/webp"),
    ]
