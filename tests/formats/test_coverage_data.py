"""coverage.py's ``.coverage`` data file: read, never written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ratchet.errors import RatchetError
from ratchet.load import load

pytestmark = pytest.mark.unit


def test_other_sqlite_database__refused_and_left_byte_for_byte(tmp_path: Path):
    db = tmp_path / "junk.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE notes (body TEXT)")
    con.execute("INSERT INTO notes VALUES ('not coverage data')")
    con.commit()
    con.close()
    before = db.read_bytes()
    with pytest.raises(RatchetError) as e:
        load([db], root=tmp_path)
    # coverage.py, handed any SQLite file, adds its schema to it: it must never get one.
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk.db"]
    assert (
        str(e.value)
        == f"{db}: an SQLite database, but not coverage.py data (no coverage_schema table)"
    )


def test_sqlite_header_then_garbage__one_clear_error(tmp_path: Path):
    db = tmp_path / ".coverage"
    db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = db.read_bytes()
    with pytest.raises(RatchetError, match=r"coverage data file|SQLite") as e:
        load([db], root=tmp_path)
    assert str(e.value).startswith(str(db))
    assert db.read_bytes() == before
