"""One writer of the bar at a time, and no write of it left half done (ratchet/store/writelock.py,
the journal of ratchet/store/fsio.py).

The process boundary is the subject here: real ``ratchet update`` processes racing each
other, and one killed with SIGKILL between two renames (the ``RATCHET_TEST_KILL_AT`` hook of
ratchet/store/fsio.py picks the point). What runs after them runs in-process.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from ratchet.errors import RatchetError
from ratchet.store import writelock
from tests.conftest import SAMPLE_MODULE, Project, clean_env, git
from tests.inprocess import ratchet

CALLS = {
    "low": "classify(-1)",
    "mid": "classify(-1); classify(3)",
    "hi": "classify(-1); classify(3); classify(0); Box(2).double()",
}
STATE = ("pyproject.toml", "coverage-baseline.tsv", "coverage-history.jsonl", ".gitattributes")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project with three real coverage.py runs: low.xml, and mid.xml and
    hi.xml, both above it, hi the higher (paths relative, so a copy reads them too)."""
    proj = Project(tmp_path_factory.mktemp("runs") / "proj")
    proj.write("pkg/__init__.py", "")
    proj.write("pkg/sample.py", SAMPLE_MODULE)
    proj.write("pyproject.toml", '[project]\nname = "sample"\n')
    proj.write(".coveragerc", "[run]\nrelative_files = true\n")
    for name, calls in CALLS.items():
        proj.write("run_sample.py", f"from pkg.sample import *\n{calls}\n")
        proj.coverage("erase")
        proj.coverage("run", "--branch", "--source=pkg", "run_sample.py")
        proj.coverage("xml", "-o", f"{name}.xml")
    (proj.root / ".coverage").unlink()
    return proj.root


@pytest.fixture
def repo(runs: Path, tmp_path: Path) -> Project:
    """A git repository of the runs' checkout whose bar ``init`` recorded from low.xml."""
    proj = Project(tmp_path / "repo")
    shutil.copytree(runs, proj.root)  # modification times kept: the reports stay fresh
    git(proj.root, "init", "-q", "-b", "main")
    assert ratchet("init", "low.xml", cwd=proj.root).code == 0
    git(proj.root, "add", "-A")
    git(proj.root, "commit", "-qm", "bar")
    return proj


def state(root: Path) -> dict[str, str]:
    return {name: (root / name).read_text() for name in STATE}


def baseline(root: Path) -> str:
    line = next(x for x in (root / "pyproject.toml").read_text().splitlines() if "baseline =" in x)
    return line.split("=", 1)[1].strip()


def history(root: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in (root / "coverage-history.jsonl").read_text().splitlines()]


def leftovers(root: Path) -> list[str]:
    """Temporary files of a write, anywhere in the tree, and the journal."""
    found = [p.name for p in root.rglob("*.tmp") if ".git" not in p.parts]
    return found + [p.name for p in (root / ".git").glob("coverage-ratchet.journal*")]


def start(root: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ratchet", *args],
        cwd=root,
        env=clean_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    print(proc.args, proc.returncode, out, err, sep="\n")  # shown when the test fails
    return proc.returncode, out, err


def recorded_alone(repo: Project, report: str, tmp_path: Path) -> dict[str, str]:
    """The bar an uninterrupted, unraced ``update REPORT`` records (then put back)."""
    before = state(repo.root)
    assert ratchet("update", report, cwd=repo.root).code == 0
    after = state(repo.root)
    for name, text in before.items():
        (repo.root / name).write_text(text)
    return after


# -- the lock ----------------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.slow
def test_lock__inside_the_git_directory_and_the_journal_too(repo: Project):
    assert writelock.lock_path(repo.root) == repo.root / ".git" / "coverage-ratchet.lock"
    assert writelock.journal_path(repo.root) == repo.root / ".git" / "coverage-ratchet.journal"
    sub = repo.root / "svc"
    sub.mkdir()
    assert writelock.lock_path(sub) == repo.root / ".git" / "coverage-ratchet.lock"
    assert git(repo.root, "status", "--porcelain") == ""  # never shown, never committed


@pytest.mark.integration
@pytest.mark.slow
def test_lock__a_linked_worktree_has_its_own(repo: Project, tmp_path: Path):
    git(repo.root, "worktree", "add", "-q", str(tmp_path / "wt"))
    gitdir = Path(git(tmp_path / "wt", "rev-parse", "--absolute-git-dir").strip())
    assert writelock.lock_path(tmp_path / "wt") == gitdir / "coverage-ratchet.lock"
    assert gitdir != repo.root / ".git"


@pytest.mark.unit
def test_lock__outside_git_in_the_temporary_directory_journal_beside_pyproject(tmp_path: Path):
    assert writelock.journal_path(tmp_path) == tmp_path / ".coverage-ratchet.journal"
    lock = writelock.lock_path(tmp_path)
    assert lock.parent != tmp_path and lock.name.startswith("coverage-ratchet-")
    assert lock != writelock.lock_path(tmp_path / "other")


@pytest.mark.integration
@pytest.mark.slow
def test_concurrent_updates__the_higher_recorded_and_every_event_kept(
    repo: Project, tmp_path: Path
):
    hi = recorded_alone(repo, "hi.xml", tmp_path)
    initial = state(repo.root)
    for _ in range(2):  # without the lock, the first round already fails (3 of 3 runs)
        for name, text in initial.items():
            (repo.root / name).write_text(text)
        procs = {r: start(repo.root, "update", f"{r}.xml") for r in ("hi", "mid")}
        codes = {r: finish(p)[0] for r, p in procs.items()}
        assert codes["hi"] == 0
        assert codes["mid"] in (0, 1)  # 1: it came second, below the bar hi had recorded
        assert baseline(repo.root) == baseline_of(hi)
        assert (repo.root / "coverage-baseline.tsv").read_text() == hi["coverage-baseline.tsv"]
        events = history(repo.root)
        assert len(events) == 1 + sum(code == 0 for code in codes.values())  # init + each update
        assert leftovers(repo.root) == []


def baseline_of(files: dict[str, str]) -> str:
    line = next(x for x in files["pyproject.toml"].splitlines() if "baseline =" in x)
    return line.split("=", 1)[1].strip()


@pytest.mark.integration
@pytest.mark.slow
def test_lock__a_waiting_update_reads_the_bar_again_once_it_has_the_lock(
    repo: Project, tmp_path: Path
):
    hi = recorded_alone(repo, "hi.xml", tmp_path)
    lock = FileLock(writelock.lock_path(repo.root))
    with lock:
        proc = start(repo.root, "update", "mid.xml")
        # It says when it waits for the lock: from then on, the bar it reads is the one
        # another writer records meanwhile.
        assert proc.stderr is not None
        assert proc.stderr.readline() == (
            "ratchet: waiting for another ratchet command to finish writing the bar "
            f"({writelock.lock_path(repo.root)})\n"
        )
        # Meanwhile another writer records hi's bar.
        for name, text in hi.items():
            (repo.root / name).write_text(text)
    code, _, err = finish(proc)
    assert code == 1  # mid is below the bar it found once it had the lock
    assert "ratchet: not recording a regression" in err
    assert state(repo.root) == hi


# -- an interrupted write ----------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.slow
def test_killed_between_renames__the_next_run_finishes_the_write(repo: Project, tmp_path: Path):
    hi = recorded_alone(repo, "hi.xml", tmp_path)
    before = state(repo.root)
    code, _, _ = finish(start(repo.root, "update", "hi.xml", RATCHET_TEST_KILL_AT="renamed:1"))
    assert code == -9  # SIGKILL, after pyproject.toml was renamed into place
    assert baseline(repo.root) == baseline_of(hi)  # raised...
    assert (repo.root / "coverage-baseline.tsv").read_text() == before["coverage-baseline.tsv"]
    assert len(history(repo.root)) == 1  # ...the rest not yet: half applied
    assert sorted(leftovers(repo.root)) == [
        ".coverage-baseline.tsv.ratchet.tmp",
        ".coverage-history.jsonl.ratchet.tmp",
        "coverage-ratchet.journal",
    ]
    r = ratchet("check", "hi.xml", cwd=repo.root)  # any command finishes it first
    assert r.code == 0
    assert r.stderr == (
        "ratchet: finished a write of the bar that was interrupted: wrote "
        "coverage-baseline.tsv, coverage-history.jsonl\n"
    )
    after = state(repo.root)
    assert after["pyproject.toml"] == hi["pyproject.toml"]
    assert after["coverage-baseline.tsv"] == hi["coverage-baseline.tsv"]
    assert [e["event"] for e in history(repo.root)] == ["init", "update"]
    assert leftovers(repo.root) == []
    assert ratchet("update", "hi.xml", cwd=repo.root).stdout.endswith("nothing to change.\n")


@pytest.mark.integration
@pytest.mark.slow
def test_killed_while_staging__the_next_run_removes_what_was_staged(repo: Project, tmp_path: Path):
    before = state(repo.root)
    code, _, _ = finish(start(repo.root, "update", "hi.xml", RATCHET_TEST_KILL_AT="staged:2"))
    assert code == -9
    assert state(repo.root) == before  # nothing renamed yet
    assert ".pyproject.toml.ratchet.tmp" in leftovers(repo.root)
    r = ratchet("update", "hi.xml", cwd=repo.root)
    assert r.code == 0
    assert r.stderr.startswith(
        "ratchet: a write of the bar was interrupted before it changed any file; "
        "removed what it had staged\n"
    )
    assert [e["event"] for e in history(repo.root)] == ["init", "update"]
    assert leftovers(repo.root) == []


@pytest.mark.integration
@pytest.mark.slow
def test_killed_then_a_file_changed__refused_nothing_touched(repo: Project, tmp_path: Path):
    code, _, _ = finish(start(repo.root, "update", "hi.xml", RATCHET_TEST_KILL_AT="renamed:1"))
    assert code == -9
    tsv = repo.root / "coverage-baseline.tsv"
    tsv.write_text(tsv.read_text() + "# edited by hand\n")
    halfway = state(repo.root)
    r = ratchet("update", "hi.xml", cwd=repo.root)
    assert r.code == 2
    journal = repo.root / ".git" / "coverage-ratchet.journal"
    assert r.stderr == (
        "ratchet: error: a write of the bar was interrupted and cannot be finished: "
        f"{tsv} changed since. Nothing was changed now. Check pyproject.toml, the per-file "
        "baseline and the history against git (`git status`, `git diff`), restore or fix "
        f"them, then delete {journal} and the staged files it names (.NAME.ratchet.tmp "
        "beside each)\n"
    )
    assert state(repo.root) == halfway
    assert ratchet("check", "hi.xml", cwd=repo.root).code == 2  # readers refuse it too


@pytest.mark.integration
@pytest.mark.slow
def test_staged_files_an_older_version_left__removed_by_the_next_write(repo: Project):
    # ratchet before the journal staged with random names, and a kill left them behind.
    strays = [".coverage-baseline.tsv.k2j4_x9q.tmp", ".pyproject.toml.abcdefgh.tmp"]
    for name in strays:
        (repo.root / name).write_text("half\n")
    (repo.root / ".pyproject.toml.mine.tmp").write_text("not a staged file's name\n")
    assert ratchet("update", "hi.xml", cwd=repo.root).code == 0
    assert sorted(p.name for p in repo.root.glob(".*.tmp")) == [".pyproject.toml.mine.tmp"]


# -- in-process: where the lock is, and what holding it does -----------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("dot_git", "where"),
    [
        ("gitdir: {elsewhere}\n", "elsewhere"),  # a linked worktree, a submodule
        ("gitdir: {missing}\n", "temp"),
        ("", "temp"),  # not a git directory: outside git
        ("something else\n", "temp"),
    ],
)
def test_lock__a_dot_git_file(tmp_path: Path, dot_git: str, where: str):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = tmp_path / "proj"
    root.mkdir()
    (root / ".git").write_text(dot_git.format(elsewhere=elsewhere, missing=tmp_path / "gone"))
    lock = writelock.lock_path(root)
    if where == "elsewhere":
        assert lock == elsewhere / "coverage-ratchet.lock"
    else:
        assert lock.parent != root and lock.name.startswith("coverage-ratchet-")


@pytest.mark.unit
def test_hold__waits_says_so_and_gives_up_with_a_clear_message(tmp_path: Path):
    said: list[str] = []
    other = FileLock(writelock.lock_path(tmp_path))  # another writer holds it
    with (
        other,
        pytest.raises(RatchetError) as e,
        writelock.hold(tmp_path, said.append, timeout=0.01),
    ):
        pass
    path = writelock.lock_path(tmp_path)
    assert said == [
        f"ratchet: waiting for another ratchet command to finish writing the bar ({path})"
    ]
    assert str(e.value) == (
        f"another ratchet command has been writing the bar for 0.01 s (it holds {path}); "
        "run this again once it has finished"
    )
    with writelock.hold(tmp_path, said.append):  # free again: taken at once
        assert len(said) == 1


@pytest.mark.unit
def test_hold__a_lock_that_cannot_be_taken_is_bad_input(tmp_path: Path):
    (tmp_path / ".git" / "coverage-ratchet.lock").mkdir(parents=True)
    taken = pytest.raises(RatchetError, match=r"coverage-ratchet\.lock: cannot take the lock: ")
    with taken, writelock.hold(tmp_path, print):
        pass


@pytest.mark.unit
def test_recover__says_which_files_it_finished(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    assert writelock.recover(tmp_path, print) is False  # nothing to do
    outside = tmp_path.parent / f"{tmp_path.name}-elsewhere.toml"  # a symlinked pyproject's
    inside = tmp_path / "coverage-baseline.tsv"
    for p, text in ((outside, "old\n"), (inside, "old\n")):
        p.write_text(text)
        p.with_name(f".{p.name}.ratchet.tmp").write_text("new\n")
    files = [
        {
            "path": str(p),
            "tmp": str(p.with_name(f".{p.name}.ratchet.tmp")),
            "old": sha("old\n"),
            "new": sha("new\n"),
        }
        for p in (outside, inside)
    ]
    writelock.journal_path(tmp_path).write_text(json.dumps({"version": 1, "files": files}))
    said: list[str] = []
    assert writelock.recover(tmp_path, said.append) is True
    assert said == [
        f"ratchet: finished a write of the bar that was interrupted: wrote {outside}, "
        "coverage-baseline.tsv"
    ]
    assert outside.read_text() == inside.read_text() == "new\n"
    outside.unlink()


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
