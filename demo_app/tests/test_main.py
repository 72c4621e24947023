from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from sqlalchemy import inspect

import app.main
from app.core.config import Settings
from app.core.errors import DomainError, StorageError
from app.main import create_app, handle_domain_error


@pytest.mark.unit
async def test_lifespan__builds_clients_from_settings_and_closes_the_pool(
    settings: Settings, arq_pool: Any, s3_client: Any, mailer: Any
) -> None:
    application = create_app(settings)

    async with application.router.lifespan_context(application):
        assert application.state.arq_pool is arq_pool
        assert application.state.s3 is s3_client
        assert application.state.mailer is mailer
        arq_pool.aclose.assert_not_awaited()

    (redis_settings,) = app.main.create_pool.await_args.args  # type: ignore[attr-defined]
    assert (redis_settings.host, redis_settings.port) == ("redis.invalid", 6379)
    app.main.make_s3_client.assert_called_once_with(settings)  # type: ignore[attr-defined]
    arq_pool.aclose.assert_awaited_once_with()


@pytest.mark.integration
def test_lifespan__creates_the_tables_when_asked(settings: Settings, tmp_path: Path) -> None:
    db_file = tmp_path / "demo.db"
    settings = settings.model_copy(
        update={"database_url": f"sqlite:///{db_file}", "create_tables": True}
    )

    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/posts").json()["total"] == 0
        tables = inspect(client.app.state.engine).get_table_names()  # type: ignore[attr-defined]

    assert set(tables) == {"users", "posts"}


@pytest.mark.unit
def test_create_app__reads_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("S3_BUCKET", "from-env")

    assert create_app().state.settings.s3_bucket == "from-env"


def _request() -> Request:
    return Request({"type": "http", "method": "GET", "path": "/", "headers": []})


@pytest.mark.unit
async def test_handle_domain_error__maps_subclasses_to_their_status() -> None:
    response = await handle_domain_error(_request(), StorageError("s3 is down"))

    assert response.status_code == 502
    assert response.body == b'{"detail":"s3 is down"}'


@pytest.mark.unit
async def test_handle_domain_error__unmapped_error_is_a_500() -> None:
    # A new DomainError subclass nobody mapped is a bug on our side, not the client's.
    class NewError(DomainError):
        pass

    assert (await handle_domain_error(_request(), NewError("x"))).status_code == 500
