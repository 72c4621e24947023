from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from app.core.db import make_engine
from app.models import Base, Post, User


@pytest.mark.unit
def test_make_engine__postgres_url_is_left_to_sqlalchemy_defaults() -> None:
    # Building an engine does not connect, so this needs no server.
    engine = make_engine("postgresql+psycopg://demo:pw@127.0.0.1:5432/demo")

    assert engine.dialect.name == "postgresql"
    assert engine.dialect.driver == "psycopg"
    assert engine.pool._pre_ping  # type: ignore[attr-defined]


@pytest.mark.unit
def test_make_engine__in_memory_sqlite_shares_one_connection() -> None:
    assert isinstance(make_engine("sqlite://").pool, StaticPool)


@pytest.mark.integration
def test_make_engine__sqlite_enforces_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fk.db'}")
    Base.metadata.create_all(engine)

    with Session(engine) as session:
        session.add(Post(title="t", body="b", author_id=999))
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            session.commit()
    engine.dispose()


@pytest.mark.integration
def test_make_engine__sqlite_rolls_back_released_savepoints(tmp_path: Path) -> None:
    # The property the per-test database relies on; plain pysqlite gets it wrong.
    engine = make_engine(f"sqlite:///{tmp_path / 'sp.db'}")
    Base.metadata.create_all(engine)

    with engine.connect() as connection:
        outer = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        session.add(User(email="ada@example.com", hashed_password="x"))
        session.commit()  # releases a savepoint only
        session.close()
        outer.rollback()

    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM users")).scalar_one() == 0
    engine.dispose()
