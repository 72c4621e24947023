"""ratchet.store.git: what git says, read exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

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
