"""coverage.py's ``.coverage`` data file: read, never written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ratchet.errors import RatchetError
from ratchet.readers.load import load

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


@pytest.mark.parametrize(("value", "ok"), [("0", True), ("true", False), (None, False)])
def test_meta_has_arcs__what_coverage_py_cannot_read_is_bad_input(tmp_path: Path, value, ok):
    """coverage.py writes has_arcs as '0' or '1' and reads it with int(): 7.18.0 shows a
    ValueError traceback (`coverage report`, exit 1) for 'true'. ratchet names the file."""
    from coverage import CoverageData

    (tmp_path / "a.py").write_text("x = 1\ny = 2\n")
    data = CoverageData(str(tmp_path / ".coverage"))
    data.add_lines({str(tmp_path / "a.py"): [1]})
    data.write()
    con = sqlite3.connect(tmp_path / ".coverage")
    con.execute("UPDATE meta SET value = ? WHERE key = 'has_arcs'", (value,))
    con.commit()
    con.close()
    if ok:
        (only,) = load([tmp_path / ".coverage"], root=tmp_path).files
        assert (only.counts.valid, only.counts.covered) == (2, 1)
        return
    with pytest.raises(RatchetError) as e:
        load([tmp_path / ".coverage"], root=tmp_path)
    assert str(e.value) == (
        f"{tmp_path / '.coverage'}: corrupt coverage data: meta has_arcs is {value!r}, not 0 or 1"
    )
