from __future__ import annotations

import pytest

from app.core.clients import make_mailer, make_s3_client
from app.core.config import Settings

pytestmark = pytest.mark.unit


def test_make_s3_client__uses_the_configured_region_and_endpoint(settings: Settings) -> None:
    configured = settings.model_copy(
        update={"s3_region": "eu-west-1", "s3_endpoint_url": "http://127.0.0.1:9000"}
    )

    client = make_s3_client(configured)  # the real factory: building a client sends nothing

    assert client.meta.region_name == "eu-west-1"
    assert client.meta.endpoint_url == "http://127.0.0.1:9000"
    assert client.meta.config.connect_timeout == 5


def test_make_mailer__sends_from_the_configured_address(settings: Settings) -> None:
    mailer = make_mailer(settings)

    assert mailer.config.MAIL_FROM == "noreply@example.com"
    assert settings.project_name == mailer.config.MAIL_FROM_NAME
    assert settings.mail_server == mailer.config.MAIL_SERVER


@pytest.mark.parametrize(("username", "expected"), [("", False), ("smtp-user", True)])
def test_make_mailer__logs_in_only_when_a_username_is_set(
    settings: Settings, username: str, expected: bool
) -> None:
    mailer = make_mailer(settings.model_copy(update={"mail_username": username}))

    assert mailer.config.USE_CREDENTIALS is expected
