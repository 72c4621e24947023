"""Applying the edits of init, update and accept: only what changes is written, a dry run
shows it as a diff, every path is shown as the user would type it, and every key each file
changed is named (coverage.py's fail_under and pytest-cov's --cov-fail-under too)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ratchet.commands.edits import apply, changes, show_diff
from ratchet.core.models import Counts
from ratchet.store import filebaseline

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
        "ratchet: would write pyproject.toml\n"
        "  [tool.ratchet] threshold 80 -> 85\n"
        f"ratchet: would write {outside}\n"
        "ratchet: dry run, nothing written.\n"
    )
    assert (root / "pyproject.toml").read_text() == "[tool.ratchet]\nthreshold = 80\n"
    assert not outside.exists()
    assert show_diff({}, root) == ""


def test_apply__names_every_key_each_file_changed_fail_under_too(tmp_path: Path, capsys):
    root = tmp_path
    old = (
        "[tool.ratchet]\nthreshold = 70\n"
        "baseline = {percent = 72, covered = 72, measured = 100, branches = 0, uncovered = 28}\n"
        "\n[tool.coverage.report]\nfail_under = 70\n"
        '\n[tool.pytest.ini_options]\naddopts = "--cov --cov-fail-under=70"\n'
    )
    (root / "pyproject.toml").write_text(old)
    (root / "setup.cfg").write_text("[coverage:report]\nfail_under = 60\n[tool:pytest]\n")
    (root / ".coveragerc").write_text("[report]\nfail_under = 90\n")  # stricter: untouched
    new = (
        old.replace("threshold = 70", "threshold = 75")
        .replace("percent = 72, covered = 72", "percent = 76, covered = 76")
        .replace("uncovered = 28", "uncovered = 24")
        .replace("fail_under = 70", "fail_under = 75")
        .replace("--cov-fail-under=70", "--cov-fail-under=75")
    )
    edits = {
        root / "pyproject.toml": new,
        root / "setup.cfg": "[coverage:report]\nfail_under = 75\n[tool:pytest]\n",
        root / ".coveragerc": "[report]\nfail_under = 90\n",
    }
    apply(edits, root, dry_run=False)
    assert capsys.readouterr().out == (
        "ratchet: wrote pyproject.toml\n"
        "  [tool.ratchet] threshold 70 -> 75\n"
        "  [tool.ratchet] baseline 72% (72/100) -> 76% (76/100)\n"
        "  [tool.coverage.report] fail_under 70 -> 75\n"
        "  [tool.pytest.ini_options] addopts --cov-fail-under 70 -> 75\n"
        "ratchet: wrote setup.cfg\n"
        "  [coverage:report] fail_under 60 -> 75\n"
    )


def test_changes__a_new_pyproject_per_file_lines_history_and_gitattributes():
    assert changes("sub/pyproject.toml", None, "[tool.ratchet]\nthreshold = 70\nstep = 5\n") == [
        "[tool.ratchet] threshold none -> 70",
        "[tool.ratchet] step none -> 5",
    ]
    assert changes(
        "pyproject.toml", "[tool.ratchet]\nbadge_file = 'b.svg'\n", "[tool.ratchet]\n"
    ) == ['[tool.ratchet] badge_file "b.svg" -> removed']
    before = filebaseline.render({"a.py": Counts(10, 5), "gone.py": Counts(1, 1)})
    after = filebaseline.render({"a.py": Counts(10, 6), "b.py": Counts(2, 2)})
    assert changes("coverage-baseline.tsv", before, after) == [
        "per-file lines: 1 changed, 1 new, 1 removed (2 files)"
    ]
    assert changes("coverage-baseline.tsv", None, after) == ["per-file lines: 2 new (2 files)"]
    line = '{"v": 1, "event": "update", "date": "2026-01-01T00:00:00Z"}\n'
    assert changes("h.jsonl", line, line + line) == ["1 event appended: update"]
    assert changes(".gitattributes", "*.py text\n", "*.py text\n# why\nh.jsonl merge=union\n") == [
        "added: h.jsonl merge=union"
    ]
    assert changes("coverage.svg", None, "<svg>\n</svg>\n") == []


def test_changes__a_rewrite_that_is_no_append_is_left_to_the_diff(tmp_path: Path, capsys):
    assert changes("coverage.svg", "<svg>72%</svg>\n", "<svg>76%</svg>\n") == []
    assert changes("h.jsonl", '{"event": "update"}\n', "something else\n") == []
    (tmp_path / "same.txt").write_text("same\n")
    assert apply({tmp_path / "same.txt": "same\n"}, tmp_path, dry_run=False, quiet=True) == []
    assert capsys.readouterr().out == ""  # quiet: not even "nothing to change"
