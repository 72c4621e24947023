from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from app.core.errors import (
    InvalidInputError,
    PayloadTooLargeError,
    StorageError,
    UnsupportedMediaTypeError,
)
from app.services.avatar_service import read_limited, store_avatar

pytestmark = pytest.mark.unit

LIMIT = 16


def test_read_limited__accepts_exactly_the_limit() -> None:
    assert read_limited(io.BytesIO(b"x" * LIMIT), max_bytes=LIMIT) == b"x" * LIMIT


def test_read_limited__rejects_one_byte_over_the_limit() -> None:
    with pytest.raises(PayloadTooLargeError, match=str(LIMIT)):
        read_limited(io.BytesIO(b"x" * (LIMIT + 1)), max_bytes=LIMIT)


def test_read_limited__never_reads_more_than_one_byte_past_the_limit() -> None:
    stream = io.BytesIO(b"x" * 10_000)

    with pytest.raises(PayloadTooLargeError):
        read_limited(stream, max_bytes=LIMIT)
    assert stream.tell() == LIMIT + 1


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [("png", "image/png"), ("jpg", "image/jpeg"), ("gif", "image/gif"), ("webp", "image/webp")],
)
def test_store_avatar__puts_the_object_under_the_users_prefix(
    s3_client: Any, make_image: Callable[..., bytes], kind: str, content_type: str
) -> None:
    data = make_image(kind)

    key = store_avatar(s3_client, bucket="avatars-bucket", user_id=7, data=data)

    assert re.fullmatch(rf"avatars/7/[0-9a-f]{{32}}\.{kind}", key)
    s3_client.put_object.assert_called_once_with(
        Bucket="avatars-bucket", Key=key, Body=data, ContentType=content_type
    )


def test_store_avatar__gives_every_upload_a_new_key(
    s3_client: Any, make_image: Callable[..., bytes]
) -> None:
    first = store_avatar(s3_client, bucket="b", user_id=7, data=make_image())
    second = store_avatar(s3_client, bucket="b", user_id=7, data=make_image())

    assert first != second


def test_store_avatar__rejects_an_empty_file(s3_client: Any) -> None:
    with pytest.raises(InvalidInputError, match="empty"):
        store_avatar(s3_client, bucket="b", user_id=7, data=b"")
    s3_client.put_object.assert_not_called()


def test_store_avatar__rejects_bytes_that_are_not_an_image(s3_client: Any) -> None:
    with pytest.raises(UnsupportedMediaTypeError):
        store_avatar(s3_client, bucket="b", user_id=7, data=b"%PDF-1.7 definitely a pdf")
    s3_client.put_object.assert_not_called()


@pytest.mark.parametrize(
    "error",
    [
        ClientError({"Error": {"Code": "AccessDenied", "Message": "nope"}}, "PutObject"),
        EndpointConnectionError(endpoint_url="https://s3.example.com"),
    ],
    ids=["client-error", "connection-error"],
)
def test_store_avatar__wraps_s3_failures(
    s3_client: Any, make_image: Callable[..., bytes], error: Exception
) -> None:
    s3_client.put_object.side_effect = error

    with pytest.raises(StorageError) as excinfo:
        store_avatar(s3_client, bucket="b", user_id=7, data=make_image())
    assert excinfo.value.__cause__ is error
