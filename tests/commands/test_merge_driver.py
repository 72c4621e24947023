"""``ratchet merge-driver``: the bar's values merged key by key and line by line, the rest of
pyproject.toml as git merges it (``git merge-file``, markers and all). Through the command
as git runs it, and through ``git merge`` itself."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ratchet.commands import merge_driver
from ratchet.core.models import Counts
from ratchet.store import filebaseline
from tests.conftest import git, run_in_process

pytestmark = pytest.mark.integration

BASE = """\
[project]
name = "shop"
dependencies = []

[tool.ratchet]
# the bar: update raises it
threshold = 70
baseline = {percent = 72, covered = 72, measured = 100, branches = 0, uncovered = 28}
baseline_file = "coverage-baseline.tsv"

[tool.ratchet.components.api]
paths = ["api/**"]
threshold = 60

[tool.coverage.report]
fail_under = 70
"""


def edit(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text


RAISED = (
    ("threshold = 70", "threshold = 80"),
    ("percent = 72, covered = 72", "percent = 81, covered = 81"),
    ("uncovered = 28", "uncovered = 19"),
    ("fail_under = 70", "fail_under = 80"),
)
ACCEPTED = (
    ("threshold = 70", "threshold = 60"),
    ("percent = 72, covered = 72", "percent = 64, covered = 64"),
    ("uncovered = 28", "uncovered = 36"),
    ("threshold = 60\n\n[tool.coverage", "threshold = 50\n\n[tool.coverage"),  # api's
)


def test_pyproject__two_raises_the_stricter_and_the_rest_as_git_merges_it():
    ours = edit(BASE, *RAISED)
    theirs = edit(
        BASE,
        ("threshold = 70", "threshold = 75"),
        ("percent = 72, covered = 72", "percent = 76, covered = 76"),
        ("uncovered = 28", "uncovered = 24"),
        ("dependencies = []", 'dependencies = ["attrs"]'),  # outside the bar: git's merge
        ("threshold = 60\n", "threshold = 65\n"),  # api raised there only
    )
    text, conflicts = merge_driver.merge(BASE, ours, theirs, name="pyproject.toml")
    assert conflicts == 0
    assert text == edit(
        ours,
        ("dependencies = []", 'dependencies = ["attrs"]'),
        ("threshold = 60\n", "threshold = 65\n"),
    )


def test_pyproject__an_accept_wins_where_it_lowered_and_nowhere_else():
    ours = edit(BASE, *RAISED)
    theirs = edit(BASE, *ACCEPTED)
    text, conflicts = merge_driver.merge(BASE, ours, theirs, name="pyproject.toml")
    assert conflicts == 0
    # threshold, baseline and api's threshold: the accept's; fail_under (not the bar's
    # value but a gate update keeps in step) as git merges it: the raise.
    assert text == edit(theirs, ("fail_under = 70", "fail_under = 80"))


def test_pyproject__a_conflict_outside_the_bar_is_left_to_a_person_the_bar_merged():
    ours = edit(BASE, *RAISED, ('name = "shop"', 'name = "shop-a"'))
    theirs = edit(BASE, ("threshold = 70", "threshold = 75"), ('name = "shop"', 'name = "shop-b"'))
    text, conflicts = merge_driver.merge(BASE, ours, theirs, name="pyproject.toml", marker_size=9)
    assert conflicts == 1
    assert '<<<<<<<<< ours\nname = "shop-a"\n========= \nname = "shop-b"\n' not in text
    assert '<<<<<<<<< ours\nname = "shop-a"\n=========\nname = "shop-b"\n>>>>>>>>> theirs\n' in text
    assert "\nthreshold = 80\n" in text and "threshold = 75" not in text


def test_pyproject__not_toml_or_no_bar_is_git_merge_alone():
    broken = BASE.replace("[tool.ratchet]\n", "[tool.ratchet\n")
    text, conflicts = merge_driver.merge(BASE, broken, edit(BASE, *RAISED), name="pyproject.toml")
    assert (text, conflicts) == (edit(broken, *RAISED), 0)  # as git merges lines
    plain = '[project]\nname = "x"\n'
    text, conflicts = merge_driver.merge(plain, plain, plain + "version = '1'\n", name="a.toml")
    assert (text, conflicts) == (plain + "version = '1'\n", 0)


def tsv(**lines: tuple[int, int]) -> str:
    return filebaseline.render({f"{k}.py": Counts(*v) for k, v in lines.items()})


def test_tsv__line_by_line_and_a_broken_side_is_git_merge_alone():
    base = tsv(a=(10, 8), b=(10, 5), c=(4, 4))
    ours = tsv(a=(10, 9), b=(10, 9), c=(4, 4))  # two raises
    theirs = tsv(a=(10, 4), b=(10, 6), c=(4, 4), d=(2, 2))  # a accepted, b raised, d new
    text, conflicts = merge_driver.merge(base, ours, theirs, name="coverage-baseline.tsv")
    assert (text, conflicts) == (tsv(a=(10, 4), b=(10, 9), c=(4, 4), d=(2, 2)), 0)
    marked = ours + "<<<<<<< HEAD\n"
    text, conflicts = merge_driver.merge(base, marked, theirs, name="coverage-baseline.tsv")
    assert conflicts >= 1


def test_command__writes_the_merge_into_ours_and_exits_as_git_expects(tmp_path: Path):
    files = {}
    for name, text in (("O", BASE), ("A", edit(BASE, *RAISED)), ("B", edit(BASE, *ACCEPTED))):
        files[name] = tmp_path / name
        files[name].write_text(text)
    r = run_in_process(
        "merge-driver", *map(str, files.values()), "7", "pyproject.toml", cwd=tmp_path
    )
    assert (r.code, r.stderr) == (0, "")
    assert "threshold = 60" in files["A"].read_text()
    files["A"].write_text(edit(BASE, ('name = "shop"', 'name = "a"')))
    files["B"].write_text(edit(BASE, ('name = "shop"', 'name = "b"')))
    r = run_in_process("merge-driver", *map(str, files.values()), cwd=tmp_path)
    assert r.code == 1
    assert r.stderr == f"ratchet merge-driver: {files['A']}: 1 conflict(s) left for you\n"
    assert "<<<<<<< ours" in files["A"].read_text()


def test_git_merge__two_branches_that_both_moved_the_bar_merge_without_a_person(tmp_path: Path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    driver = f"{sys.executable} -m ratchet merge-driver %O %A %B %L %P"
    git(repo, "config", "merge.ratchet.driver", driver)
    (repo / ".gitattributes").write_text(
        "/pyproject.toml merge=ratchet\n/coverage-baseline.tsv merge=ratchet\n"
    )
    (repo / "pyproject.toml").write_text(BASE)
    (repo / "coverage-baseline.tsv").write_text(tsv(a=(10, 8), b=(10, 5)))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "bar")
    git(repo, "checkout", "-qb", "accept")
    (repo / "pyproject.toml").write_text(edit(BASE, *ACCEPTED))
    (repo / "coverage-baseline.tsv").write_text(tsv(a=(10, 4), b=(10, 5)))
    git(repo, "commit", "-qam", "accept")
    git(repo, "checkout", "-q", "main")
    (repo / "pyproject.toml").write_text(edit(BASE, *RAISED))
    (repo / "coverage-baseline.tsv").write_text(tsv(a=(10, 9), b=(10, 9)))
    git(repo, "commit", "-qam", "raise")
    git(repo, "merge", "-q", "--no-edit", "accept")
    assert git(repo, "status", "--porcelain") == ""
    assert (repo / "pyproject.toml").read_text() == edit(
        BASE, *ACCEPTED, ("fail_under = 70", "fail_under = 80")
    )
    assert (repo / "coverage-baseline.tsv").read_text() == tsv(a=(10, 4), b=(10, 9))


def test_command__a_file_git_did_not_give_is_bad_input(tmp_path: Path):
    (tmp_path / "O").write_text(BASE)
    r = run_in_process("merge-driver", "O", "A", "B", cwd=tmp_path)
    assert (r.code, r.stderr) == (2, "ratchet: error: A: git gave the driver no such file\n")


def test_carries__a_line_merge_that_lost_a_value_the_driver_set_is_a_conflict():
    ours = "[tool.ratchet]\nthreshold = 90\n\n[tool.ratchet.components.api]\npaths = ['a']\n"
    assert merge_driver._carries(ours, ours, "p.toml")
    assert not merge_driver._carries(ours.replace("90", "80"), ours, "p.toml")
    assert not merge_driver._carries(ours.replace("paths", "threshold = 1\npaths"), ours, "p.toml")
    assert not merge_driver._carries("[tool.ratchet\n", ours, "p.toml")


def test_pyproject__the_section_added_on_both_sides():
    plain = '[project]\nname = "shop"\n'
    ours = plain + "\n[tool.ratchet]\nthreshold = 80\n"
    theirs = plain + "\n[tool.ratchet]\nthreshold = 75\n"
    assert merge_driver.merge(plain, ours, theirs, name="pyproject.toml") == (ours, 0)
