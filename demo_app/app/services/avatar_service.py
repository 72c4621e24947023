"""Avatar validation and storage in S3."""

from __future__ import annotations

import uuid
from typing import BinaryIO

from botocore.client import BaseClient
from botocore.exceptions import BotoCoreError, ClientError

from app.core.errors import (
    InvalidInputError,
    PayloadTooLargeError,
    StorageError,
    UnsupportedMediaTypeError,
)
from app.core.images import ImageType, sniff_image_type


def read_limited(stream: BinaryIO, *, max_bytes: int) -> bytes:
    """Read at most `max_bytes`; one byte more means the upload is too large."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PayloadTooLargeError(f"avatar is larger than {max_bytes} bytes")
    return data


def avatar_key(user_id: int, image: ImageType) -> str:
    return f"avatars/{user_id}/{uuid.uuid4().hex}.{image.extension}"


def store_avatar(s3: BaseClient, *, bucket: str, user_id: int, data: bytes) -> str:
    """Validate `data` as an image and upload it; return the object key."""
    if not data:
        raise InvalidInputError("the uploaded file is empty")
    image = sniff_image_type(data)
    if image is None:
        raise UnsupportedMediaTypeError("avatar must be a PNG, JPEG, GIF or WebP image")
    key = avatar_key(user_id, image)
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType=image.content_type)
    except (BotoCoreError, ClientError) as exc:
        raise StorageError("could not store the avatar") from exc
    return key
