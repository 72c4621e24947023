from __future__ import annotations

from typing import Any

import pytest

from app.core.config import Settings
from app.services import jobs
from app.worker import (
    WorkerSettings,
    generate_thumbnail,
    notify_new_post,
    startup,
    thumbnail_key,
)

pytestmark = pytest.mark.unit


def test_worker__registers_every_job_the_api_enqueues() -> None:
    registered = {function.__name__ for function in WorkerSettings.functions}

    assert registered == {jobs.GENERATE_THUMBNAIL, jobs.NOTIFY_NEW_POST}


async def test_startup__builds_the_clients_once_per_worker(s3_client: Any, mailer: Any) -> None:
    ctx: dict[str, Any] = {}

    await startup(ctx)

    assert isinstance(ctx["settings"], Settings)
    assert ctx["s3"] is s3_client
    assert ctx["mailer"] is mailer


def test_thumbnail_key__mirrors_the_avatar_key() -> None:
    assert thumbnail_key("avatars/7/abc.png") == "thumbnails/7/abc.png"


async def test_generate_thumbnail__writes_next_to_the_avatar(
    s3_client: Any, settings: Settings
) -> None:
    ctx = {"settings": settings, "s3": s3_client}

    key = await generate_thumbnail(ctx, user_id=7, key="avatars/7/abc.png")

    assert key == "thumbnails/7/abc.png"
    s3_client.copy_object.assert_called_once_with(
        Bucket="test-avatars",
        Key="thumbnails/7/abc.png",
        CopySource={"Bucket": "test-avatars", "Key": "avatars/7/abc.png"},
        Metadata={"user-id": "7"},
        MetadataDirective="REPLACE",
    )


async def test_notify_new_post__emails_the_author(mailer: Any) -> None:
    result = await notify_new_post(
        {"mailer": mailer}, post_id=3, title="Hello", author_email="ada@example.com"
    )

    assert result == 3
    (message,) = mailer.send_message.await_args.args
    assert [r.email for r in message.recipients] == ["ada@example.com"]
    assert message.subject == "Your post is live: Hello"
