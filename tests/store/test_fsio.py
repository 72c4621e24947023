"""Journaled writes of several files (ratchet/store/fsio.py): all or nothing when a write fails,
and ``recover`` finishing, undoing or refusing what a killed writer left.

A killed ``ratchet update`` itself is in tests/store/test_writelock.py; here the journal's cases
are made directly, on real files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from ratchet.errors import RatchetError
from ratchet.store import fsio

pytestmark = pytest.mark.unit


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    (tmp_path / "git").mkdir()
    return tmp_path / "git" / "coverage-ratchet.journal"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def left(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.name.endswith((".tmp", ".journal")))


def write_journal(journal: Path, *entries: tuple[Path, str | None, str]) -> None:
    """A journal as write_atomic leaves it: (file, old text or None, new text)."""
    files = [
        {
            "path": str(p),
            "tmp": str(p.with_name(f".{p.name}.ratchet.tmp")),
            "old": None if old is None else sha(old),
            "new": sha(new),
        }
        for p, old, new in entries
    ]
    journal.write_text(json.dumps({"version": 1, "files": files}))


def test_write_atomic__journaled_writes_every_file_and_leaves_nothing(
    tmp_path: Path, journal: Path
):
    a, b = tmp_path / "pyproject.toml", tmp_path / "coverage-baseline.tsv"
    a.write_text("old\n")
    a.chmod(0o640)
    fsio.write_atomic({a: "new\n", b: "b\n"}, journal=journal)
    assert (a.read_text(), b.read_text()) == ("new\n", "b\n")
    assert a.stat().st_mode & 0o777 == 0o640  # the file's own mode, kept
    assert left(tmp_path) == []


def test_write_atomic__a_file_that_cannot_be_read_is_named(tmp_path: Path, journal: Path):
    target = tmp_path / "pyproject.toml"
    target.mkdir()
    with pytest.raises(RatchetError) as e:
        fsio.write_atomic({target: "x = 1\n"}, journal=journal)
    assert str(e.value) == f"{target}: cannot read: Is a directory"
    assert left(tmp_path) == []


def test_write_atomic__a_failure_while_staging_changes_nothing(tmp_path: Path, journal: Path):
    kept = tmp_path / "pyproject.toml"
    kept.write_text("old\n")
    elsewhere = tmp_path / "gone" / "coverage-baseline.tsv"  # its directory is not there
    with pytest.raises(RatchetError) as e:
        fsio.write_atomic({kept: "new\n", elsewhere: "b\n"}, journal=journal)
    assert str(e.value) == f"{elsewhere}: cannot write: No such file or directory"
    assert kept.read_text() == "old\n"
    assert left(tmp_path) == []  # the staged file and the journal removed


def test_write_atomic__a_failure_after_a_rename_keeps_the_journal(tmp_path: Path, journal: Path):
    # One file under two names (itself and a link to it) stages twice to one temporary
    # file, so the second rename finds it gone: a real failure after the first rename.
    real = tmp_path / "coverage-baseline.tsv"
    real.write_text("old\n")
    link = tmp_path / "link.tsv"
    link.symlink_to(real)
    with pytest.raises(RatchetError) as e:
        fsio.write_atomic({real: "one\n", link: "two\n"}, journal=journal)
    assert str(e.value) == (
        f"{real}: cannot write: No such file or directory; 1 of the 2 files were written and "
        "the rest are staged: the next ratchet command finishes the write "
        f"(journal {journal})"
    )
    assert journal.exists()


def test_write_atomic__the_journal_cannot_be_written(tmp_path: Path):
    target = tmp_path / "pyproject.toml"
    journal = tmp_path / "no-such-dir" / "coverage-ratchet.journal"
    with pytest.raises(RatchetError) as e:
        fsio.write_atomic({target: "x\n"}, journal=journal)
    assert str(e.value) == f"{journal}: cannot write the journal: No such file or directory"
    assert not target.exists()


def test_recover__no_journal_nothing_to_do(journal: Path):
    assert fsio.recover(journal) is None


def test_recover__finishes_the_renames_a_killed_writer_left(tmp_path: Path, journal: Path):
    a, b, c = (tmp_path / n for n in ("pyproject.toml", "coverage-baseline.tsv", "h.jsonl"))
    a.write_text("new a\n")  # renamed before the kill
    b.write_text("old b\n")
    (tmp_path / ".coverage-baseline.tsv.ratchet.tmp").write_text("new b\n")
    (tmp_path / ".h.jsonl.ratchet.tmp").write_text("new c\n")  # c did not exist yet
    write_journal(
        journal, (a, "old a\n", "new a\n"), (b, "old b\n", "new b\n"), (c, None, "new c\n")
    )
    assert fsio.recover(journal) == fsio.Recovered((b, c), discarded=False)
    assert [p.read_text() for p in (a, b, c)] == ["new a\n", "new b\n", "new c\n"]
    assert left(tmp_path) == []


def test_recover__killed_after_the_last_rename_only_the_journal_goes(tmp_path: Path, journal: Path):
    a = tmp_path / "pyproject.toml"
    a.write_text("new\n")
    write_journal(journal, (a, "old\n", "new\n"))
    assert fsio.recover(journal) == fsio.Recovered((), discarded=False)
    assert left(tmp_path) == []


def test_recover__killed_while_staging_removes_what_was_staged(tmp_path: Path, journal: Path):
    a, b = tmp_path / "pyproject.toml", tmp_path / "coverage-baseline.tsv"
    a.write_text("old a\n")
    b.write_text("old b\n")
    (tmp_path / ".pyproject.toml.ratchet.tmp").write_text("new a\n")
    (tmp_path / ".coverage-baseline.tsv.ratchet.tmp").write_text("new")  # cut short
    write_journal(journal, (a, "old a\n", "new a\n"), (b, "old b\n", "new b\n"))
    assert fsio.recover(journal) == fsio.Recovered((), discarded=True)
    assert (a.read_text(), b.read_text()) == ("old a\n", "old b\n")
    assert left(tmp_path) == []


@pytest.mark.parametrize(
    ("state", "why"),
    [
        ("edited", "{a} changed since"),
        ("unstaged after a rename", "{b} was written but {tmp} is not"),
        ("not a directory", "{c}: Not a directory"),
    ],
)
def test_recover__refuses_what_it_cannot_finish_and_touches_nothing(
    tmp_path: Path, journal: Path, state: str, why: str
):
    a, b = tmp_path / "pyproject.toml", tmp_path / "coverage-baseline.tsv"
    c = tmp_path / "pyproject.toml" / "x"  # under a file
    a.write_text("new a\n" if state != "edited" else "edited by hand\n")
    b.write_text("old b\n")
    entries = [(a, "old a\n", "new a\n"), (b, "old b\n", "new b\n")]
    if state == "not a directory":
        entries = [(c, "old\n", "new\n")]
    write_journal(journal, *entries)
    before = {p: p.read_text() for p in (a, b)}
    with pytest.raises(RatchetError) as e:
        fsio.recover(journal)
    tmp = tmp_path / ".coverage-baseline.tsv.ratchet.tmp"
    assert str(e.value) == (
        "a write of the bar was interrupted and cannot be finished: "
        + why.format(a=a, b=b, c=c, tmp=tmp)
        + ". Nothing was changed now. Check pyproject.toml, the per-file baseline and the "
        "history against git (`git status`, `git diff`), restore or fix them, then delete "
        f"{journal} and the staged files it names (.NAME.ratchet.tmp beside each)"
    )
    assert {p: p.read_text() for p in (a, b)} == before
    assert journal.exists()


@pytest.mark.parametrize(
    "text",
    [
        "{",
        '{"version": 2, "files": []}',
        '{"version": 1, "files": [1]}',
        '{"version": 1, "files": [{"path": "a"}]}',
        '{"version": 1, "files": [{"path": "a", "tmp": "b", "old": 3, "new": "c"}]}',
        "[]",
    ],
)
def test_recover__a_journal_it_cannot_read_is_refused(journal: Path, text: str):
    journal.write_text(text)
    with pytest.raises(RatchetError, match=r"cannot be finished: it cannot be read \("):
        fsio.recover(journal)


def test_recover__a_journal_that_is_a_directory(journal: Path):
    journal.mkdir()
    with pytest.raises(RatchetError) as e:
        fsio.recover(journal)
    assert str(e.value) == f"{journal}: cannot read the journal: Is a directory"


def test_write_atomic__any_failure_leaves_no_temporary_file(tmp_path: Path):
    kept = tmp_path / "coverage-baseline.tsv"
    kept.write_text("old\n")
    with pytest.raises(UnicodeEncodeError):  # a bug upstream, not the disk: still cleaned up
        fsio.write_atomic({kept: "new\n", tmp_path / "other.tsv": "a\udcff.py\n"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coverage-baseline.tsv"]
    assert kept.read_text() == "old\n"


def test_write_atomic__error_names_the_users_file_not_the_temporary_one(tmp_path: Path):
    target = tmp_path / "pyproject.toml"
    target.mkdir()  # replacing a directory with a file fails, even for root
    with pytest.raises(RatchetError) as e:
        fsio.write_atomic({target: "x = 1\n"})
    assert str(e.value) == f"{target}: cannot write: Is a directory"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pyproject.toml"]
