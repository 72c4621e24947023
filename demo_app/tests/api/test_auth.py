from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.security import create_access_token
from app.models import User
from app.services.mail import WELCOME_SUBJECT
from tests.conftest import DEFAULT_PASSWORD

pytestmark = [pytest.mark.integration, pytest.mark.auth]

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"
ME = "/api/v1/users/me"


def test_register__creates_the_user_and_sends_the_welcome_email(
    client: TestClient, mailer: Any
) -> None:
    response = client.post(
        REGISTER,
        json={"email": "ada@example.com", "password": "s3cret-passw0rd", "full_name": "Ada"},
    )

    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"],
        "email": "ada@example.com",
        "full_name": "Ada",
        "avatar_key": None,
    }
    mailer.send_message.assert_awaited_once()
    (message,) = mailer.send_message.await_args.args
    assert [r.email for r in message.recipients] == ["ada@example.com"]
    assert message.subject == WELCOME_SUBJECT
    assert "Hello Ada," in message.body


async def test_register__works_over_the_async_client(
    async_client: httpx2.AsyncClient, mailer: Any
) -> None:
    response = await async_client.post(
        REGISTER, json={"email": "grace@example.com", "password": "s3cret-passw0rd"}
    )

    assert response.status_code == 201
    (message,) = mailer.send_message.await_args.args
    assert [r.email for r in message.recipients] == ["grace@example.com"]


def test_register__taken_email_is_a_conflict_and_sends_nothing(
    client: TestClient, make_user: Callable[..., User], mailer: Any
) -> None:
    make_user(email="ada@example.com")

    response = client.post(REGISTER, json={"email": "ada@example.com", "password": "s3cret-pw"})

    assert response.status_code == 409
    mailer.send_message.assert_not_called()


@pytest.mark.parametrize(
    "payload",
    [
        {"email": "not-an-email", "password": "s3cret-passw0rd"},
        {"email": "ada@example.com", "password": "7-chars"},
        {"email": "ada@example.com", "password": "x" * 129},
        {"email": "ada@example.com", "password": "s3cret-passw0rd", "full_name": "A\x00da"},
        {"email": "ada@example.com"},
    ],
    ids=["bad-email", "short-password", "long-password", "nul-in-name", "no-password"],
)
def test_register__invalid_input_is_422(
    client: TestClient, mailer: Any, payload: dict[str, str]
) -> None:
    assert client.post(REGISTER, json=payload).status_code == 422
    mailer.send_message.assert_not_called()


# JSON can carry a lone UTF-16 surrogate (\ud800): Python parses it into a str that is not
# text. It must be a 422 (with the error document still encodable), never a 500 from the
# database driver or from echoing the input back.
@pytest.mark.parametrize(
    "raw_body",
    [
        b'{"email": "ada@example.com", "password": "s3cret-pw\\ud800"}',
        b'{"email": "ada@example.com", "password": "s3cret-pw", "full_name": "A\\udfffda"}',
        b'{"email": "\\ud800@example.com", "password": "s3cret-pw"}',
    ],
    ids=["password", "full-name", "email"],
)
def test_register__lone_surrogate_is_422_not_500(
    client: TestClient, mailer: Any, raw_body: bytes
) -> None:
    response = client.post(REGISTER, content=raw_body, headers={"content-type": "application/json"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"
    mailer.send_message.assert_not_called()


def test_register__password_of_exactly_eight_characters_is_accepted(client: TestClient) -> None:
    response = client.post(REGISTER, json={"email": "ada@example.com", "password": "8-chars!"})

    assert response.status_code == 201


def test_login__returns_a_token_that_opens_users_me(
    client: TestClient, make_user: Callable[..., User]
) -> None:
    user = make_user(email="ada@example.com")

    response = client.post(
        LOGIN, data={"username": "ada@example.com", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 200
    token = response.json()
    assert token["token_type"] == "bearer"
    me = client.get(ME, headers={"Authorization": f"Bearer {token['access_token']}"})
    assert me.status_code == 200
    assert me.json()["id"] == user.id


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("ada@example.com", "wrong password"),
        ("nobody@example.com", DEFAULT_PASSWORD),
        ("ada@example.com\x00", DEFAULT_PASSWORD),
    ],
    ids=["wrong-password", "unknown-user", "nul-in-username"],
)
def test_login__bad_credentials_are_401(
    client: TestClient, make_user: Callable[..., User], username: str, password: str
) -> None:
    make_user(email="ada@example.com")

    response = client.post(LOGIN, data={"username": username, "password": password})

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_login__missing_form_fields_are_422(client: TestClient) -> None:
    assert client.post(LOGIN, data={"username": "ada@example.com"}).status_code == 422


def test_users_me__without_a_token_is_401(client: TestClient) -> None:
    assert client.get(ME).status_code == 401


def _token(settings: Settings, claims: dict[str, Any]) -> str:
    return jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm="HS256")


@pytest.mark.parametrize(
    "make_token",
    [
        lambda s: "garbage",
        lambda s: create_access_token(1, s, now=datetime.now(UTC) - timedelta(days=1)),
        lambda s: _token(s, {"sub": "999999", "exp": datetime.now(UTC) + timedelta(hours=1)}),
        lambda s: _token(s, {"sub": "0", "exp": datetime.now(UTC) + timedelta(hours=1)}),
        lambda s: _token(s, {"sub": str(2**80), "exp": datetime.now(UTC) + timedelta(hours=1)}),
    ],
    ids=["garbage", "expired", "unknown-user", "zero-id", "huge-id"],
)
def test_users_me__with_an_unusable_token_is_401(
    client: TestClient, settings: Settings, make_token: Callable[[Settings], str]
) -> None:
    response = client.get(ME, headers={"Authorization": f"Bearer {make_token(settings)}"})

    assert response.status_code == 401


def test_users_me__token_of_a_deleted_user_is_401(
    client: TestClient,
    db_session: Session,
    make_user: Callable[..., User],
    auth_headers: Callable[[User], dict[str, str]],
) -> None:
    user = make_user()
    headers = auth_headers(user)
    db_session.delete(user)
    db_session.commit()

    assert client.get(ME, headers=headers).status_code == 401
