from __future__ import annotations

from typing import Any

import pytest

from app.services import jobs

pytestmark = pytest.mark.unit


async def test_enqueue_thumbnail__sends_the_key_to_generate_thumbnail(arq_pool: Any) -> None:
    await jobs.enqueue_thumbnail(arq_pool, user_id=7, key="avatars/7/abc.png")

    arq_pool.enqueue_job.assert_awaited_once_with(
        "generate_thumbnail", user_id=7, key="avatars/7/abc.png"
    )


async def test_enqueue_new_post_notification__sends_the_post(arq_pool: Any) -> None:
    await jobs.enqueue_new_post_notification(
        arq_pool, post_id=3, title="Hello", author_email="ada@example.com"
    )

    arq_pool.enqueue_job.assert_awaited_once_with(
        "notify_new_post", post_id=3, title="Hello", author_email="ada@example.com"
    )
