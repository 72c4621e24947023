"""Shared fixtures.

Three layers keep every test away from real services:

1. Autouse fakes for S3, the mailer and the ARQ pool. They are built with `create_autospec`,
   so a call the real API would reject fails here too, and they are installed by patching
   the factories *where `app.main` and `app.worker` use them*, so the lifespan never builds
   a real client.
2. A network guard (autouse) that fails any TCP connection a test did not plan for.
3. The database session is swapped through `app.dependency_overrides`: each integration test
   runs inside one transaction that is rolled back, and the app's commits become SAVEPOINTs.
"""

from __future__ import annotations

import itertools
import os
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from unittest.mock import create_autospec

import boto3
import httpx2
import pytest
from arq import create_pool
from arq.connections import ArqRedis
from botocore.awsrequest import AWSResponse
from botocore.client import BaseClient
from fastapi import FastAPI
from fastapi.testclient import TestClient
from fastapi_mail import FastMail
from pwdlib import PasswordHash
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import app.main
import app.worker
from app.api.deps import get_session
from app.core.clients import make_mailer, make_s3_client
from app.core.config import Settings
from app.core.db import make_engine
from app.core.security import create_access_token, make_password_hasher
from app.main import create_app
from app.models import Base, Post, User

AVATAR_MAX_BYTES = 1024
DEFAULT_PASSWORD = "correct horse battery staple"

# --------------------------------------------------------------------------- test tiers


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    where = make_url(url).render_as_string(hide_password=True) if url else "SQLite in memory"
    return f"test database: {where}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Markers are a contract: exactly one tier per test, and `unit` means no database."""
    for item in items:
        tiers = {mark.name for mark in item.iter_markers()} & {"unit", "integration"}
        if len(tiers) != 1:
            raise pytest.UsageError(f"{item.nodeid}: mark it with exactly one of unit/integration")
        if "unit" in tiers and "db_session" in getattr(item, "fixturenames", ()):
            raise pytest.UsageError(f"{item.nodeid}: a unit test must not use the database")


# ------------------------------------------------------------------ settings and helpers


@pytest.fixture
def settings() -> Settings:
    # _env_file=None: a developer's .env must not change what the tests see.
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url="sqlite://",
        create_tables=False,
        secret_key=SecretStr("test-secret-key-that-is-long-enough-for-hs256"),
        password_hash_time_cost=1,
        password_hash_memory_cost=1024,
        avatar_max_bytes=AVATAR_MAX_BYTES,
        redis_url="redis://redis.invalid:6379/0",
        s3_bucket="test-avatars",
        mail_from="noreply@example.com",
    )


@pytest.fixture
def password_hasher(settings: Settings) -> PasswordHash:
    return make_password_hasher(settings)


def _autospec_surface(cls: type, *names: str) -> Any:
    """`create_autospec` over just the attributes of `cls` the app uses.

    The methods are the library's own, so their signatures are enforced (and async ones
    become awaitable mocks); any other attribute is an AttributeError. Same guarantees as
    `create_autospec(cls, instance=True)` for the code under test, at a fraction of the cost:
    autospeccing all of ArqRedis walks hundreds of Redis commands, 0.2 s per test.
    """
    surface = type(f"{cls.__name__}Surface", (), {name: getattr(cls, name) for name in names})
    return create_autospec(surface, instance=True, spec_set=True)


# ------------------------------------------------------------- external services (autouse)


# What the fake S3 answers, per operation; shapes as boto3 returns them.
S3_RESPONSES: dict[str, dict[str, Any]] = {
    "PutObject": {"ETag": '"fake-etag"'},
    "CopyObject": {"CopyObjectResult": {"ETag": '"fake-etag"'}},
}


@pytest.fixture(scope="session")
def offline_s3() -> BaseClient:
    """A real boto3 S3 client that builds and validates every request, then sends nothing.

    A `before-call` hook answers each call locally with a canned response. It holds no
    per-test state, so one per session is enough (building a client costs ~10-30 ms).
    """
    client = boto3.client(
        "s3", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )

    def answer_locally(model: Any, **_kwargs: Any) -> tuple[AWSResponse, dict[str, Any]]:
        return AWSResponse(None, 200, {}, None), S3_RESPONSES[model.name]

    client.meta.events.register("before-call.s3.*", answer_locally)
    return client


@pytest.fixture(autouse=True)
def s3_client(monkeypatch: pytest.MonkeyPatch, offline_s3: BaseClient) -> Any:
    """The boto3 S3 client the app gets: records calls, checks them like boto3, sends nothing.

    boto3 generates its methods as `(self, *args, **kwargs)`, so autospec alone cannot check
    parameter names. Each call is therefore passed on to `offline_s3`, which validates it
    against the S3 model: a misspelt or missing parameter raises `ParamValidationError`,
    as it would in production.
    """
    fake = _autospec_surface(type(offline_s3), "put_object", "copy_object")
    fake.put_object.side_effect = offline_s3.put_object
    fake.copy_object.side_effect = offline_s3.copy_object
    factory = create_autospec(make_s3_client, return_value=fake)
    monkeypatch.setattr(app.main, "make_s3_client", factory)
    monkeypatch.setattr(app.worker, "make_s3_client", factory)
    return fake


@pytest.fixture(autouse=True)
def mailer(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The FastMail instance the app gets; `send_message` keeps its real signature."""
    fake = _autospec_surface(FastMail, "send_message")
    factory = create_autospec(make_mailer, return_value=fake)
    monkeypatch.setattr(app.main, "make_mailer", factory)
    monkeypatch.setattr(app.worker, "make_mailer", factory)
    return fake


@pytest.fixture(autouse=True)
def arq_pool(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The ARQ pool the lifespan would open on Redis."""
    fake = _autospec_surface(ArqRedis, "enqueue_job", "aclose")
    monkeypatch.setattr(app.main, "create_pool", create_autospec(create_pool, return_value=fake))
    return fake


@pytest.fixture(autouse=True)
def _aws_test_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy AWS credentials, so building a boto3 client never looks for real ones.

    Without them botocore walks its credential chain, which ends at the EC2 metadata
    endpoint on the network (the guard below caught exactly that) or at a developer's
    real ~/.aws profile.
    """
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def _allowed_hosts() -> set[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    host = make_url(url).host if url else None
    return {host} if host else set()


@pytest.fixture(autouse=True)
def _network_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any TCP connection except to the test database.

    A safety net under the fakes above: a client someone forgot to fake fails loudly
    instead of reaching a real service. The test database's host stays open for drivers
    that connect from Python; psycopg's libpq connects from C and never gets here.
    """
    allowed = _allowed_hosts()
    real_connect = socket.socket.connect

    def guarded_connect(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in allowed:
            raise RuntimeError(f"test tried to open a network connection to {address!r}")
        real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


# ---------------------------------------------------------------------------- database


@pytest.fixture(scope="session")
def db_engine() -> Iterator[Engine]:
    """SQLite in memory, or the PostgreSQL that TEST_DATABASE_URL names; schema made once."""
    url = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    if url == os.environ.get("DATABASE_URL"):
        pytest.exit("TEST_DATABASE_URL must not be the app's DATABASE_URL: tests drop its tables")
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def db_session(db_engine: Engine) -> Iterator[Session]:
    """A fresh database per test: one outer transaction, rolled back at the end.

    `join_transaction_mode="create_savepoint"` turns the app's own `commit()` and
    `rollback()` into RELEASE / ROLLBACK TO SAVEPOINT, so they cannot end the outer one.
    """
    with db_engine.connect() as connection:
        transaction = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield session
        finally:
            session.close()
            transaction.rollback()


# --------------------------------------------------------------------------- factories


@pytest.fixture
def make_user(db_session: Session, password_hasher: PasswordHash) -> Callable[..., User]:
    counter = itertools.count(1)

    def make(
        *,
        email: str | None = None,
        password: str = DEFAULT_PASSWORD,
        full_name: str | None = "Ada Lovelace",
    ) -> User:
        user = User(
            email=email or f"user{next(counter)}@example.com",
            full_name=full_name,
            hashed_password=password_hasher.hash(password),
        )
        db_session.add(user)
        db_session.commit()
        return user

    return make


@pytest.fixture
def make_post(db_session: Session, make_user: Callable[..., User]) -> Callable[..., Post]:
    def make(*, author: User | None = None, title: str = "Hello", body: str = "First!") -> Post:
        post = Post(title=title, body=body, author_id=(author or make_user()).id)
        db_session.add(post)
        db_session.commit()
        return post

    return make


@pytest.fixture
def auth_headers(settings: Settings) -> Callable[[User], dict[str, str]]:
    def headers(user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {create_access_token(user.id, settings)}"}

    return headers


IMAGE_MAGIC = {
    "png": b"\x89PNG\r\n\x1a\n",
    "jpg": b"\xff\xd8\xff\xe0",
    "gif": b"GIF89a",
    "webp": b"RIFF\x00\x00\x00\x00WEBPVP8 ",
}


@pytest.fixture
def make_image() -> Callable[..., bytes]:
    """Bytes that start like a real image of `kind`, padded to `size`."""

    def make(kind: str = "png", *, size: int = 64) -> bytes:
        magic = IMAGE_MAGIC[kind]
        return magic + b"\x00" * (size - len(magic))

    return make


# ------------------------------------------------------------------------ app + clients


@pytest.fixture
def application(settings: Settings, db_session: Session) -> FastAPI:
    application = create_app(settings)
    application.dependency_overrides[get_session] = lambda: db_session
    return application


@pytest.fixture
def client(application: FastAPI) -> Iterator[TestClient]:
    """Synchronous client; entering it runs the lifespan (with the fakes above)."""
    with TestClient(application) as test_client:
        yield test_client


@pytest.fixture
async def async_client(application: FastAPI) -> AsyncIterator[httpx2.AsyncClient]:
    """Async client over ASGITransport, which does not run the lifespan: we do."""
    async with application.router.lifespan_context(application):
        transport = httpx2.ASGITransport(app=application)
        async with httpx2.AsyncClient(transport=transport, base_url="http://test") as ac:
            yield ac
