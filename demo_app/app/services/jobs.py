"""Names and payloads of the background jobs, shared by the API (enqueue) and the worker."""

from __future__ import annotations

from arq.connections import ArqRedis

GENERATE_THUMBNAIL = "generate_thumbnail"
NOTIFY_NEW_POST = "notify_new_post"


async def enqueue_thumbnail(pool: ArqRedis, *, user_id: int, key: str) -> None:
    await pool.enqueue_job(GENERATE_THUMBNAIL, user_id=user_id, key=key)


async def enqueue_new_post_notification(
    pool: ArqRedis, *, post_id: int, title: str, author_email: str
) -> None:
    await pool.enqueue_job(NOTIFY_NEW_POST, post_id=post_id, title=title, author_email=author_email)
