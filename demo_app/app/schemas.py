"""Request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field

MAX_PAGE_SIZE = 100


def _reject_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refuse it here rather than fail in the driver.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


CleanStr = Annotated[str, AfterValidator(_reject_nul)]


class UserCreate(BaseModel):
    email: EmailStr
    password: str = Field(min_length=8, max_length=128)
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
