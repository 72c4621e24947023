"""ratchet.store.git: what git says, read exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from ratchet.errors import RatchetError
from ratchet.store import git as ratchet_git
from tests.conftest import git


@pytest.mark.unit
def test_renamed_in__renames_only_each_status_with_its_paths():
    out = "\0".join(
        ["M", "a.py", "R087", "old/b.py", "new/b.py", "C075", "c.py", "c2.py", "A", "d.py", ""]
    )
    assert ratchet_git.renamed_in(out) == {"old/b.py": "new/b.py"}
    assert ratchet_git.renamed_in("") == {}


@pytest.mark.integration
def test_renames__from_a_ref_to_the_work_tree_below_the_directory_asked(git_repo, tmp_path: Path):
    top = git_repo(tmp_path / "repo")
    (top / "pkg").mkdir()
    body = "".join(f"line {i}\n" for i in range(20))
    for name in ("pkg/a.py", "pkg/b.py", "outside.py"):
        (top / name).write_text(body + name)
    git(top, "add", "-A")
    git(top, "commit", "-qm", "base")
    git(top, "mv", "pkg/a.py", "pkg/a2.py")  # staged, and then edited: still a rename
    (top / "pkg" / "a2.py").write_text(body + "changed\n")
    git(top, "mv", "outside.py", "outside2.py")  # not below pkg/
    assert ratchet_git.renames("main", top / "pkg") == {"a.py": "a2.py"}
    assert ratchet_git.renames("main", top) == {
        "pkg/a.py": "pkg/a2.py",
        "outside.py": "outside2.py",
    }


@pytest.mark.integration
def test_commit__reads_each_file_at_the_commit_the_ref_named_when_resolved(
    git_repo, tmp_path: Path
):
    top = git_repo(tmp_path / "repo")
    (top / "sub").mkdir()
    (top / "a.txt").write_text("one\n")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "one")
    first = git(top, "rev-parse", "HEAD").strip()
    at = ratchet_git.commit("main", top / "sub")
    (top / "a.txt").write_text("two\n")
    git(top, "commit", "-qam", "two")  # main moves on: `at` still reads the first commit
    assert (at.ref, at.commit, at.top) == ("main", first, top)
    assert at.show(top / "a.txt") == "one\n"
    assert at.show(top / "missing.txt") is None
    assert ratchet_git.show("main", top / "a.txt", top) == "two\n"
    with pytest.raises(RatchetError, match=r"outside the git work tree .* cannot be read at main"):
        at.show(tmp_path / "elsewhere.txt")
    with pytest.raises(RatchetError, match="'nope' not found in this repository"):
        ratchet_git.commit("nope", top)


@pytest.mark.integration
def test_merge_base__the_fork_point_or_the_error_that_names_what_is_missing(
    git_repo, tmp_path: Path
):
    top = git_repo(tmp_path / "repo")
    with pytest.raises(RatchetError, match="HEAD names no commit"):
        ratchet_git.merge_base("main", top)
    (top / "a.txt").write_text("one\n")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "one")
    base = git(top, "rev-parse", "HEAD").strip()
    git(top, "checkout", "-qb", "topic")
    git(top, "commit", "-q", "--allow-empty", "-m", "two")
    assert ratchet_git.merge_base("main", top) == base
    with pytest.raises(RatchetError, match="invalid git ref '--all'"):
        ratchet_git.merge_base("--all", top)
    with pytest.raises(RatchetError, match="'nope' not found in this repository"):
        ratchet_git.merge_base("nope", top)
