from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from unittest.mock import create_autospec

import httpx2
import pytest
from botocore.exceptions import ClientError
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.api.deps import get_s3_client
from app.core.clients import make_s3_client
from app.core.config import Settings
from app.models import User
from tests.conftest import AVATAR_MAX_BYTES

pytestmark = pytest.mark.integration

AVATAR = "/api/v1/users/me/avatar"
Headers = Callable[[User], dict[str, str]]


def _upload(data: bytes, content_type: str = "image/png") -> dict[str, Any]:
    return {"file": ("avatar.png", data, content_type)}


def test_upload_avatar__stores_it_under_the_users_prefix_and_queues_a_thumbnail(
    client: TestClient,
    make_user: Callable[..., User],
    auth_headers: Headers,
    make_image: Callable[..., bytes],
    s3_client: Any,
    arq_pool: Any,
) -> None:
    user = make_user()
    data = make_image("jpg")

    response = client.put(AVATAR, headers=auth_headers(user), files=_upload(data, "image/png"))

    assert response.status_code == 200
    s3_client.put_object.assert_called_once()
    call = s3_client.put_object.call_args.kwargs
    assert call["Bucket"] == "test-avatars"
    assert call["Key"].startswith(f"avatars/{user.id}/")
    assert re.fullmatch(rf"avatars/{user.id}/[0-9a-f]{{32}}\.jpg", call["Key"])
    # The bytes decide the type, not the Content-Type the client claimed.
    assert call["ContentType"] == "image/jpeg"
    assert call["Body"] == data
    assert response.json()["avatar_key"] == call["Key"]
    arq_pool.enqueue_job.assert_awaited_once_with(
        "generate_thumbnail", user_id=user.id, key=call["Key"]
    )


async def test_upload_avatar__works_over_the_async_client(
    async_client: httpx2.AsyncClient,
    make_user: Callable[..., User],
    auth_headers: Headers,
    make_image: Callable[..., bytes],
    s3_client: Any,
) -> None:
    user = make_user()

    response = await async_client.put(
        AVATAR, headers=auth_headers(user), files=_upload(make_image("webp"))
    )

    assert response.status_code == 200
    assert s3_client.put_object.call_args.kwargs["ContentType"] == "image/webp"


def test_upload_avatar__exactly_at_the_size_limit_is_accepted(
    client: TestClient,
    make_user: Callable[..., User],
    auth_headers: Headers,
    make_image: Callable[..., bytes],
    s3_client: Any,
) -> None:
    data = make_image("png", size=AVATAR_MAX_BYTES)

    response = client.put(AVATAR, headers=auth_headers(make_user()), files=_upload(data))

    assert response.status_code == 200
    assert len(s3_client.put_object.call_args.kwargs["Body"]) == AVATAR_MAX_BYTES


def test_upload_avatar__one_byte_over_the_limit_is_413(
    client: TestClient,
    make_user: Callable[..., User],
    auth_headers: Headers,
    make_image: Callable[..., bytes],
    s3_client: Any,
    arq_pool: Any,
) -> None:
    data = make_image("png", size=AVATAR_MAX_BYTES + 1)

    response = client.put(AVATAR, headers=auth_headers(make_user()), files=_upload(data))

    assert response.status_code == 413
    s3_client.put_object.assert_not_called()
    arq_pool.enqueue_job.assert_not_called()


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"<?php echo 'not an image'; ?>", 415),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", 415),
        (b"", 422),
    ],
    ids=["php", "svg", "empty"],
)
def test_upload_avatar__rejects_files_that_are_not_images(
    client: TestClient,
    make_user: Callable[..., User],
    auth_headers: Headers,
    s3_client: Any,
    data: bytes,
    status: int,
) -> None:
    response = client.put(AVATAR, headers=auth_headers(make_user()), files=_upload(data))

    assert response.status_code == status
    s3_client.put_object.assert_not_called()


def test_upload_avatar__without_a_file_is_422(
    client: TestClient, make_user: Callable[..., User], auth_headers: Headers
) -> None:
    assert client.put(AVATAR, headers=auth_headers(make_user())).status_code == 422


def test_upload_avatar__requires_a_token(
    client: TestClient, make_image: Callable[..., bytes], s3_client: Any
) -> None:
    assert client.put(AVATAR, files=_upload(make_image())).status_code == 401
    s3_client.put_object.assert_not_called()


def test_upload_avatar__s3_outage_is_502_and_keeps_the_old_avatar(
    application: FastAPI,
    client: TestClient,
    make_user: Callable[..., User],
    auth_headers: Headers,
    make_image: Callable[..., bytes],
    arq_pool: Any,
    settings: Settings,
) -> None:
    # One test, one special client: swap the dependency the route injects.
    failing = create_autospec(make_s3_client(settings), instance=True)
    failing.put_object.side_effect = ClientError(
        {"Error": {"Code": "ServiceUnavailable", "Message": "try later"}}, "PutObject"
    )
    application.dependency_overrides[get_s3_client] = lambda: failing
    user = make_user()

    response = client.put(AVATAR, headers=auth_headers(user), files=_upload(make_image()))

    assert response.status_code == 502
    assert client.get("/api/v1/users/me", headers=auth_headers(user)).json()["avatar_key"] is None
    arq_pool.enqueue_job.assert_not_called()
