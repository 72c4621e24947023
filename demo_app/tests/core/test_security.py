from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from pwdlib import PasswordHash
from pydantic import SecretStr

from app.core.config import Settings
from app.core.security import (
    InvalidTokenError,
    create_access_token,
    decode_access_token,
    make_password_hasher,
)

pytestmark = [pytest.mark.unit, pytest.mark.auth]


def test_access_token__round_trips_the_user_id(settings: Settings) -> None:
    assert decode_access_token(create_access_token(42, settings), settings) == 42


def test_access_token__expires(settings: Settings) -> None:
    issued = datetime.now(UTC) - timedelta(minutes=settings.access_token_expire_minutes + 1)
    token = create_access_token(42, settings, now=issued)

    with pytest.raises(InvalidTokenError, match="expired"):
        decode_access_token(token, settings)


def test_access_token__signed_with_another_key_is_rejected(settings: Settings) -> None:
    other = settings.model_copy(update={"secret_key": SecretStr("another-key-" + "k" * 32)})
    token = create_access_token(42, other)

    with pytest.raises(InvalidTokenError):
        decode_access_token(token, settings)


def test_access_token__unsigned_alg_none_is_rejected(settings: Settings) -> None:
    exp = datetime.now(UTC) + timedelta(minutes=5)
    token = jwt.encode({"sub": "42", "exp": exp}, key=None, algorithm="none")

    with pytest.raises(InvalidTokenError):
        decode_access_token(token, settings)


@pytest.mark.parametrize(
    "claims",
    [{"sub": "42"}, {"exp": 4102444800}, {"sub": "not-a-number", "exp": 4102444800}],
    ids=["no-exp", "no-sub", "non-numeric-sub"],
)
def test_access_token__with_bad_claims_is_rejected(
    settings: Settings, claims: dict[str, object]
) -> None:
    token = jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm="HS256")

    with pytest.raises(InvalidTokenError):
        decode_access_token(token, settings)


def test_access_token__garbage_is_rejected(settings: Settings) -> None:
    with pytest.raises(InvalidTokenError):
        decode_access_token("not.a.jwt", settings)


def test_password_hasher__verifies_only_the_right_password(password_hasher: PasswordHash) -> None:
    hashed = password_hasher.hash("s3cret-passw0rd")

    assert hashed.startswith("$argon2id$")
    assert password_hasher.verify("s3cret-passw0rd", hashed)
    assert not password_hasher.verify("wrong-password", hashed)


def test_password_hasher__uses_the_configured_cost(settings: Settings) -> None:
    hashed = make_password_hasher(settings).hash("s3cret-passw0rd")

    assert "m=1024,t=1," in hashed


@pytest.mark.slow
def test_password_hasher__production_defaults_are_argon2id_at_full_cost() -> None:
    production = Settings(_env_file=None)  # type: ignore[call-arg]
    hashed = make_password_hasher(production).hash("s3cret-passw0rd")

    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,")
    assert make_password_hasher(production).verify("s3cret-passw0rd", hashed)
