"""What check, update and accept gather before deciding: the report's files on disk and its
age (the bar at a git ref: tests/store/test_atref.py; the branch's accepted lowering of it:
tests/core/test_hold.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ratchet import intake
from ratchet.core.models import Counts, FileCoverage, Report
from ratchet.errors import RatchetError
from tests.conftest import git

unit = pytest.mark.unit
integration = pytest.mark.integration


def report(*paths: str, sources: tuple[str, ...] = ("coverage.xml",)) -> Report:
    return Report(tuple(FileCoverage(p, Counts(1, 1)) for p in paths), sources)


def touch(path: Path, mtime: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x = 1\n")
    os.utime(path, (mtime, mtime))
    return path


@unit
def test_inspect_sources__each_file_found_missing_or_outside(tmp_path: Path):
    touch(tmp_path / "a.py", 1000)
    touch(tmp_path / "pkg" / "b.py", 2000)
    rep = report("a.py", "pkg/b.py", "pkg", "gone.py", "/abs/c.py", "..", "../up.py")
    s = intake.inspect_sources(rep, tmp_path)
    assert s == intake.Sources(
        total=7,
        found=2,
        not_found=("pkg", "gone.py"),  # a directory is no measured file
        outside=("/abs/c.py", "..", "../up.py"),
        newest=("pkg/b.py", 2000),
    )


@unit
@pytest.mark.parametrize(
    ("paths", "message"),
    [
        (
            ("a.py", "/elsewhere/b.py"),
            "the report does not describe this repository: 1 of its 2 files resolve outside "
            "{root} (e.g. /elsewhere/b.py)",
        ),
        (
            ("a.py", "gone.py", "pkg"),
            "the report does not describe this repository: 1 of 3 files found under {root} "
            "(e.g. gone.py)",
        ),
    ],
)
def test_describes_repository__a_foreign_report_is_refused(tmp_path: Path, paths, message):
    touch(tmp_path / "a.py", 1000)
    (tmp_path / "pkg").mkdir()
    rep = report(*paths, sources=("one.xml", "two.json"))
    with pytest.raises(RatchetError) as e:
        intake.describes_repository(rep, intake.inspect_sources(rep, tmp_path), tmp_path)
    assert e.value.source == "one.xml, two.json"
    assert e.value.message.startswith(message.format(root=tmp_path))


@unit
def test_describes_repository__half_found_is_enough_and_an_empty_report_is_no_foreigner(
    tmp_path: Path,
):
    touch(tmp_path / "a.py", 1000)
    for rep, found in ((report("a.py", "gone.py"), 1), (report(), 0)):
        sources = intake.inspect_sources(rep, tmp_path)
        assert (sources.found, sources.total) == (found, 2 * found)  # exactly half, or none
        intake.describes_repository(rep, sources, tmp_path)  # no error: it describes this one


@unit
def test_staleness__a_file_changed_after_the_oldest_report(tmp_path: Path):
    touch(tmp_path / "a.py", 2000)
    old, new = touch(tmp_path / "old.xml", 1500), touch(tmp_path / "new.xml", 2500)
    rep = report("a.py", sources=(str(new), str(old)))
    assert intake.staleness(rep, intake.inspect_sources(rep, tmp_path)) == (
        f"{old} is older than a.py, which changed after it was written: it may not measure "
        "this code"
    )
    fresh = report("a.py", sources=(str(new),))
    assert intake.staleness(fresh, intake.inspect_sources(fresh, tmp_path)) is None
    os.utime(new, (2000, 2000))  # written in the same second as the file: not stale
    assert intake.staleness(fresh, intake.inspect_sources(fresh, tmp_path)) is None


@unit
def test_staleness__nothing_to_compare_says_nothing(tmp_path: Path):
    touch(tmp_path / "a.py", 2000)
    touch(tmp_path / "old.xml", 1000)
    # No measured file found: no age to compare.
    rep = report("gone.py", sources=(str(tmp_path / "old.xml"),))
    assert intake.staleness(rep, intake.inspect_sources(rep, tmp_path)) is None
    # The report file itself is gone (read from a pipe, or removed since): cannot tell.
    rep = report("a.py", sources=(str(tmp_path / "removed.xml"),))
    assert intake.staleness(rep, intake.inspect_sources(rep, tmp_path)) is None


# Times as git reads them (``--before=@N`` takes a small N for something else).
T = 1_700_000_000


def _commit(repo: Path, message: str, at: int) -> None:
    """A commit whose committer date is ``at`` (a Unix time)."""
    import subprocess

    from tests.conftest import clean_env

    git(repo, "add", "-A")
    env = clean_env(GIT_COMMITTER_DATE=f"@{at} +0000", GIT_AUTHOR_DATE=f"@{at} +0000")
    subprocess.run(["git", "commit", "-qm", message], cwd=repo, env=env, check=True)


def _stale(rep: Report, root: Path) -> str | None:
    when = intake.written(rep)
    assert when is not None
    return intake.staleness(rep, intake.inspect_sources(rep, root, since=when[1]), root)


@integration
def test_staleness__by_content_where_git_can_tell(tmp_path: Path, git_repo):
    """A file written after the report with the content of the last commit before it
    (``git checkout -- src``, a ``touch``) is not a change; an edit is, and so is a file git
    cannot vouch for (untracked, or changed by a commit made after the report)."""
    repo = git_repo(tmp_path / "repo")
    (repo / "src").mkdir()
    (repo / "src" / "a.py").write_text("a = 1\n")
    (repo / "src" / "b.py").write_text("b = 1\n")
    _commit(repo, "code", T + 100)
    xml = touch(repo / "coverage.xml", T + 200)
    rep = report("src/a.py", "src/b.py", sources=(str(xml),))
    for name in ("a.py", "b.py"):
        os.utime(repo / "src" / name, (T + 300, T + 300))  # written again, same content
    assert _stale(rep, repo) is None
    assert intake.staleness(rep, intake.inspect_sources(rep, repo)) is not None  # by time
    (repo / "src" / "b.py").write_text("b = 2\n")
    # A time of its own, as an edit gets: git trusts a file whose size and time are those
    # it last saw (its index), and these times are made up.
    os.utime(repo / "src" / "b.py", (T + 310, T + 310))
    assert _stale(rep, repo) == (
        f"{xml} is older than src/b.py, which changed after it was written: it may not "
        "measure this code"
    )
    git(repo, "checkout", "--", "src")  # back to the commit's content: not stale again
    assert _stale(rep, repo) is None
    # A commit after the report that changed a file: the report measured the one before.
    (repo / "src" / "a.py").write_text("a = 2\n")
    _commit(repo, "after the report", T + 250)
    os.utime(repo / "src" / "a.py", (T + 300, T + 300))
    assert "than src/a.py, which changed" in (_stale(rep, repo) or "")
    # One after it that left the measured files alone changes nothing.
    git(repo, "checkout", "-q", "HEAD~1", "--", "src/a.py")
    (repo / "notes.txt").write_text("n\n")
    _commit(repo, "notes", T + 260)
    os.utime(repo / "src" / "a.py", (T + 300, T + 300))
    assert _stale(rep, repo) is None
    # An untracked file git cannot vouch for.
    (repo / "src" / "c.py").write_text("c = 1\n")
    os.utime(repo / "src" / "c.py", (T + 300, T + 300))
    both = report("src/a.py", "src/c.py", sources=(str(xml),))
    assert "than src/c.py, which changed" in (_stale(both, repo) or "")


@integration
def test_staleness__by_time_where_git_cannot_tell(tmp_path: Path, git_repo):
    # Not a work tree.
    touch(tmp_path / "plain" / "a.py", T + 300)
    xml = touch(tmp_path / "plain" / "coverage.xml", T + 200)
    rep = report("a.py", sources=(str(xml),))
    assert "than a.py, which changed" in (_stale(rep, tmp_path / "plain") or "")
    # No commit as old as the report (a shallow clone's history, say).
    repo = git_repo(tmp_path / "repo")
    (repo / "a.py").write_text("x = 1\n")
    _commit(repo, "code", T + 250)
    os.utime(repo / "a.py", (T + 300, T + 300))
    xml = touch(repo / "coverage.xml", T + 200)
    assert "than a.py, which changed" in (_stale(report("a.py", sources=(str(xml),)), repo) or "")


@integration
def test_staleness__in_a_subdirectory_of_the_work_tree(tmp_path: Path, git_repo):
    repo = git_repo(tmp_path / "repo")
    root = repo / "services" / "api"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "m.py").write_text("m = 1\n")
    _commit(repo, "code", T + 100)
    xml = touch(root / "coverage.xml", T + 200)
    os.utime(root / "pkg" / "m.py", (T + 300, T + 300))
    rep = report("pkg/m.py", sources=(str(xml),))
    assert _stale(rep, root) is None
    (root / "pkg" / "m.py").write_text("m = 2\n")
    assert "than pkg/m.py, which changed" in (_stale(rep, root) or "")


@unit
def test_in_tree__only_regular_files_and_never_an_error(tmp_path: Path):
    touch(tmp_path / "a.py", 1000)
    (tmp_path / "pkg").mkdir()
    exists = intake.in_tree(tmp_path)
    assert exists("a.py")
    assert not exists("pkg") and not exists("gone.py")
    assert not exists("x" * 300 + ".py")  # a name too long for the file system
