"""Factories for the clients of external services.

Only `app.main` (the lifespan) and `app.worker` call these; routes receive the clients
through `app.api.deps`, so tests can swap them without touching the network.
"""

from __future__ import annotations

import boto3
from botocore.client import BaseClient
from botocore.config import Config
from fastapi_mail import ConnectionConfig, FastMail

from app.core.config import Settings


def make_s3_client(settings: Settings) -> BaseClient:
    return boto3.client(
        "s3",
        region_name=settings.s3_region,
        endpoint_url=settings.s3_endpoint_url,
        config=Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 3}),
    )


def make_mailer(settings: Settings) -> FastMail:
    return FastMail(
        ConnectionConfig(
            MAIL_USERNAME=settings.mail_username,
            MAIL_PASSWORD=settings.mail_password,
            MAIL_FROM=settings.mail_from,
            MAIL_FROM_NAME=settings.project_name,
            MAIL_SERVER=settings.mail_server,
            MAIL_PORT=settings.mail_port,
            MAIL_STARTTLS=settings.mail_starttls,
            MAIL_SSL_TLS=settings.mail_ssl_tls,
            USE_CREDENTIALS=bool(settings.mail_username),
        )
    )
