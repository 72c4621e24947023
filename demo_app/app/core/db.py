"""Engine construction, with the SQLite specifics in one place."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool


def make_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    return _make_sqlite_engine(url)


def _make_sqlite_engine(url: str) -> Engine:
    kwargs: dict[str, Any] = {
        # Sync routes run in a thread pool, so a connection may move between threads.
        "connect_args": {"check_same_thread": False},
    }
    if make_url(url).database in (None, "", ":memory:"):
        # An in-memory database lives and dies with its connection: share exactly one.
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)

    # pysqlite's legacy transaction handling never emits BEGIN before SAVEPOINT, so a
    # released savepoint would escape the enclosing rollback. Let SQLAlchemy emit BEGIN.
    # https://docs.sqlalchemy.org/en/20/dialects/sqlite.html#serializable-isolation-savepoints-transactional-ddl
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine
