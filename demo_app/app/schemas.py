"""Request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field

MAX_PAGE_SIZE = 100


def _clean_text(value: str) -> str:
    # Refuse here, as a 422, what the database driver would fail on with a 500: PostgreSQL
    # text cannot hold NUL, and no database stores a lone UTF-16 surrogate (JSON's "\ud800"
    # parses to one; it is not text).
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


CleanStr = Annotated[str, AfterValidator(_clean_text)]


class UserCreate(BaseModel):
    email: EmailStr
    password: CleanStr = Field(min_length=8, max_length=128)
    full_name: CleanStr | None = Field(default=None, max_length=120)


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: EmailStr
    full_name: str | None
    avatar_key: str | None


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class PostCreate(BaseModel):
    title: CleanStr = Field(min_length=1, max_length=200)
    body: CleanStr = Field(min_length=1, max_length=10_000)


class PostUpdate(BaseModel):
    title: CleanStr | None = Field(default=None, min_length=1, max_length=200)
    body: CleanStr | None = Field(default=None, min_length=1, max_length=10_000)


class PostPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    body: str
    author_id: int
    created_at: datetime
    updated_at: datetime | None


class PostPage(BaseModel):
    items: list[PostPublic]
    total: int
    limit: int
    offset: int
