"""Application factory. The lifespan is the only place that builds real clients."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from arq import create_pool
from arq.connections import RedisSettings
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.api.router import api_router
from app.core.clients import make_mailer, make_s3_client
from app.core.config import API_PREFIX, Settings
from app.core.db import make_engine
from app.core.errors import (
    ConflictError,
    DomainError,
    InvalidInputError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    StorageError,
    UnsupportedMediaTypeError,
)
from app.core.security import make_password_hasher
from app.models import Base

# The one place where domain errors become HTTP status codes.
# Plain numbers: Starlette renamed the 413 and 422 constants between releases.
ERROR_STATUS: dict[type[DomainError], int] = {
    NotFoundError: 404,
    PermissionDeniedError: 403,
    ConflictError: 409,
    PayloadTooLargeError: 413,
    UnsupportedMediaTypeError: 415,
    InvalidInputError: 422,
    StorageError: 502,
}


async def handle_domain_error(_request: Request, exc: Exception) -> JSONResponse:
    code = next(
        (ERROR_STATUS[cls] for cls in type(exc).__mro__ if cls in ERROR_STATUS),
        500,
    )
    return JSONResponse(status_code=code, content={"detail": str(exc)})


def _encodable(value: Any) -> Any:
    """``value`` with every string made encodable as UTF-8 (lone surrogates escaped)."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encodable(v) for v in value]
    return value


async def handle_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    # FastAPI's own handler, except that it cannot fail: it echoes the offending input back,
    # and an input that is not valid Unicode (JSON's "\ud800") would make the 422 a 500.
    assert isinstance(exc, RequestValidationError)
    errors = _encodable(jsonable_encoder(exc.errors()))
    return JSONResponse(status_code=422, content={"detail": errors})


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    engine = make_engine(settings.database_url)
    try:
        if settings.create_tables:
            Base.metadata.create_all(engine)
        app.state.engine = engine
        app.state.password_hasher = make_password_hasher(settings)
        app.state.s3 = make_s3_client(settings)
        app.state.mailer = make_mailer(settings)
        app.state.arq_pool = await create_pool(RedisSettings.from_dsn(settings.redis_url))
        try:
            yield
        finally:
            await app.state.arq_pool.aclose()
    finally:
        engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    app = FastAPI(title="Demo", lifespan=lifespan)
    app.state.settings = settings or Settings()
    app.include_router(api_router, prefix=API_PREFIX)
    app.add_exception_handler(DomainError, handle_domain_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    return app


app = create_app()
