from __future__ import annotations

from collections.abc import Callable

import pytest
from pwdlib import PasswordHash
from sqlalchemy.orm import Session

from app.core.errors import ConflictError
from app.models import User
from app.schemas import UserCreate
from app.services import user_service
from tests.conftest import DEFAULT_PASSWORD

pytestmark = pytest.mark.integration


def test_create_user__stores_a_hash_not_the_password(
    db_session: Session, password_hasher: PasswordHash
) -> None:
    data = UserCreate(email="Ada@Example.com", password="s3cret-passw0rd", full_name="Ada")

    user = user_service.create_user(db_session, data=data, hasher=password_hasher)

    assert user.id is not None
    assert user.email == "ada@example.com"
    assert user.hashed_password != "s3cret-passw0rd"
    assert password_hasher.verify("s3cret-passw0rd", user.hashed_password)


def test_create_user__refuses_an_email_in_use_whatever_its_case(
    db_session: Session, password_hasher: PasswordHash, make_user: Callable[..., User]
) -> None:
    make_user(email="ada@example.com")
    data = UserCreate(email="ADA@example.com", password="s3cret-passw0rd")

    with pytest.raises(ConflictError):
        user_service.create_user(db_session, data=data, hasher=password_hasher)


def test_create_user__turns_a_lost_race_into_a_conflict(
    db_session: Session,
    password_hasher: PasswordHash,
    make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_user(email="ada@example.com")
    # The other request inserted between our check and our insert.
    monkeypatch.setattr(user_service, "get_by_email", lambda session, email: None)
    data = UserCreate(email="ada@example.com", password="s3cret-passw0rd")

    with pytest.raises(ConflictError):
        user_service.create_user(db_session, data=data, hasher=password_hasher)
    # The session is usable again: the failed insert was rolled back to its savepoint.
    assert db_session.query(User).count() == 1


def test_authenticate__returns_the_user_for_the_right_password(
    db_session: Session, password_hasher: PasswordHash, make_user: Callable[..., User]
) -> None:
    user = make_user(email="ada@example.com")

    found = user_service.authenticate(
        db_session, email="ADA@example.com", password=DEFAULT_PASSWORD, hasher=password_hasher
    )

    assert found is user


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("ada@example.com", "wrong password"),
        ("nobody@example.com", DEFAULT_PASSWORD),
        ("ada@example.com\x00", DEFAULT_PASSWORD),
    ],
    ids=["wrong-password", "unknown-email", "nul-in-email"],
)
def test_authenticate__returns_none_for_bad_credentials(
    db_session: Session,
    password_hasher: PasswordHash,
    make_user: Callable[..., User],
    email: str,
    password: str,
) -> None:
    make_user(email="ada@example.com")

    assert (
        user_service.authenticate(
            db_session, email=email, password=password, hasher=password_hasher
        )
        is None
    )


def test_set_avatar_key__records_the_key(
    db_session: Session, make_user: Callable[..., User]
) -> None:
    user = make_user()

    user_service.set_avatar_key(db_session, user=user, key="avatars/1/abc.png")

    assert db_session.get(User, user.id).avatar_key == "avatars/1/abc.png"  # type: ignore[union-attr]
