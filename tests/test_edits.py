"""Applying the edits of init, update and accept: only what changes is written, a dry run
shows it as a diff, and every path is shown as the user would type it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ratchet.commands.edits import apply, show_diff

pytestmark = pytest.mark.unit


def test_apply__writes_only_what_changes_and_names_it(tmp_path: Path, capsys):
    root = tmp_path / "proj"
    (root / "ci").mkdir(parents=True)
    (root / "same.txt").write_text("same\n")
    elsewhere = tmp_path / "elsewhere.txt"  # not under the root: shown as it is
    edits = {
        root / "same.txt": "same\n",
        root / "ci" / "new.tsv": "a\n",
        elsewhere: "b\n",
    }
    assert apply(edits, root, dry_run=False) == [root / "ci" / "new.tsv", elsewhere]
    assert capsys.readouterr().out == f"ratchet: wrote ci/new.tsv\nratchet: wrote {elsewhere}\n"
    assert (root / "ci" / "new.tsv").read_text() == "a\n" and elsewhere.read_text() == "b\n"
    assert apply(edits, root, dry_run=False) == []
    assert capsys.readouterr().out == "ratchet: nothing to change.\n"


def test_apply__a_dry_run_shows_the_diff_and_writes_nothing(tmp_path: Path, capsys):
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.ratchet]\nthreshold = 80\n")
    outside = tmp_path / "other.toml"
    edits = {root / "pyproject.toml": "[tool.ratchet]\nthreshold = 85", outside: "x = 1\n"}
    assert apply(edits, root, dry_run=True) == []
    assert capsys.readouterr().out == (
        "--- a/pyproject.toml\n+++ b/pyproject.toml\n@@ -1,2 +1,2 @@\n [tool.ratchet]\n"
        "-threshold = 80\n+threshold = 85\n"  # the new text's missing last newline is added
        f"--- a/{outside}\n+++ b/{outside}\n@@ -0,0 +1 @@\n+x = 1\n"
        "ratchet: dry run, nothing written.\n"
    )
    assert (root / "pyproject.toml").read_text() == "[tool.ratchet]\nthreshold = 80\n"
    assert not outside.exists()
    assert show_diff({}, root) == ""
