"""Recognise image formats by their magic bytes, never by a client-supplied header."""

from __future__ import annotations

from typing import NamedTuple


class ImageType(NamedTuple):
    extension: str
    content_type: str


PNG = ImageType("png", "image/png")
JPEG = ImageType("jpg", "image/jpeg")
GIF = ImageType("gif", "image/gif")
WEBP = ImageType("webp", "image/webp")


def sniff_image_type(data: bytes) -> ImageType | None:
    """Return the image type `data` starts with, or None if it is not a supported image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    # RIFF container: 4-byte tag, 4-byte little-endian size, then the form type.
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None
