"""The ARQ worker: `arq app.worker.WorkerSettings`."""

from __future__ import annotations

from typing import Any, ClassVar

from arq.connections import RedisSettings

from app.core.clients import make_mailer, make_s3_client
from app.core.config import Settings
from app.services.mail import post_published_message


async def startup(ctx: dict[str, Any]) -> None:
    settings = Settings()
    ctx["settings"] = settings
    ctx["s3"] = make_s3_client(settings)
    ctx["mailer"] = make_mailer(settings)


def thumbnail_key(key: str) -> str:
    return key.replace("avatars/", "thumbnails/", 1)


async def generate_thumbnail(ctx: dict[str, Any], *, user_id: int, key: str) -> str:
    """Publish the thumbnail of a freshly uploaded avatar and return its key.

    A real worker would resize the image (e.g. with Pillow); the demo keeps its
    dependencies small and copies the object, which shows where the job reads and writes.
    """
    bucket = ctx["settings"].s3_bucket
    target = thumbnail_key(key)
    ctx["s3"].copy_object(
        Bucket=bucket,
        Key=target,
        CopySource={"Bucket": bucket, "Key": key},
        Metadata={"user-id": str(user_id)},
        MetadataDirective="REPLACE",
    )
    return target


async def notify_new_post(
    ctx: dict[str, Any], *, post_id: int, title: str, author_email: str
) -> int:
    await ctx["mailer"].send_message(post_published_message(email=author_email, title=title))
    return post_id


class WorkerSettings:
    # ARQ finds a job by its function's name; the API enqueues by the names in services.jobs,
    # and tests/test_worker.py checks that the two agree.
    functions: ClassVar[list[Any]] = [generate_thumbnail, notify_new_post]
    on_startup = startup
    redis_settings = RedisSettings.from_dsn(Settings().redis_url)
