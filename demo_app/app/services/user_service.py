"""Users: registration, authentication, avatar bookkeeping."""

from __future__ import annotations

from pwdlib import PasswordHash
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.errors import ConflictError
from app.models import User
from app.schemas import UserCreate


def get_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.lower()))


def create_user(session: Session, *, data: UserCreate, hasher: PasswordHash) -> User:
    if get_by_email(session, data.email) is not None:
        raise ConflictError("a user with this e-mail already exists")
    user = User(
        email=data.email.lower(),
        full_name=data.full_name,
        hashed_password=hasher.hash(data.password),
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        # Lost a race with a concurrent registration of the same address.
        session.rollback()
        raise ConflictError("a user with this e-mail already exists") from None
    session.refresh(user)
    return user


def authenticate(
    session: Session, *, email: str, password: str, hasher: PasswordHash
) -> User | None:
    # The login form is not validated like a JSON body; a NUL would reach the driver.
    user = None if "\x00" in email else get_by_email(session, email)
    if user is None:
        # Spend as long as a real check would, so timing does not reveal which e-mails exist.
        hasher.hash(password)
        return None
    if not hasher.verify(password, user.hashed_password):
        return None
    return user


def set_avatar_key(session: Session, *, user: User, key: str) -> User:
    user.avatar_key = key
    session.commit()
    session.refresh(user)
    return user
