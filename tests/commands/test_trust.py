"""The bar moves only on sound evidence, and the one sanctioned way down is on the record.

Every case is a real coverage.py run on a generated project, and the CLI as a subprocess.
"""

from __future__ import annotations

import json
import os
import time

import pytest

from tests.commands.conftest import tracked
from tests.conftest import Project, RunRatchet, git, statements
from tests.conftest import run_modules as run
from tests.wrapped import flat

pytestmark = pytest.mark.integration


# -- 1. the baseline is exact ----------------------------------------------------------------


def test_exact__a_fall_hidden_by_a_rounded_baseline_fails(proj: Project, run_ratchet: RunRatchet):
    run(proj, "sample")
    assert run_ratchet("init", "coverage.xml", cwd=proj.root).code == 0
    text = (proj.root / "pyproject.toml").read_text()
    assert "covered = 771, measured = 776" in text
    # A module of 148 covered lines and one uncovered: 919/925 = 99.3514%, 5 -> 6 uncovered.
    proj.write("pkg/more.py", statements(149, uncovered=1, name="g"))
    run(proj, "sample", "more")
    r = run_ratchet("check", "coverage.xml", cwd=proj.root)
    assert r.code == 1, r
    assert r.stdout.startswith(
        "coverage-ratchet: FAIL 99.35% — <0.01 points under the 99.36% baseline\n"
    )
    r = run_ratchet("check", "-v", "coverage.xml", cwd=proj.root)
    assert (
        "FAIL total 99.3514% (919/925) is 0.0043 points below the baseline 99.3557% (771/776) "
        "(uncovered 5 -> 6)" in flat(r.stdout)
    )
    assert run_ratchet("update", "coverage.xml", cwd=proj.root).code == 1


def test_exact__a_file_of_the_previous_version_keeps_working_and_update_upgrades_it(
    proj: Project, run_ratchet: RunRatchet
):
    run(proj, "sample")
    (proj.root / "pyproject.toml").write_text(
        "[tool.ratchet]\nthreshold = 95\nbaseline = 99.35  # as 0.1 wrote it\n"
        "baseline_uncovered = 5\n"
    )
    r = run_ratchet("check", "-v", "coverage.xml", cwd=proj.root)
    assert r.code == 0 and "baseline 99.35%, 5 uncovered" in r.stdout
    r = run_ratchet("update", "coverage.xml", cwd=proj.root)
    assert r.code == 0, r
    text = (proj.root / "pyproject.toml").read_text()
    assert (
        "baseline = {percent = 99.35, covered = 771, measured = 776, branches = 0, "
        "uncovered = 5}  # as 0.1 wrote it" in text
    )
    assert "baseline_uncovered" not in text


def test_exact__a_hand_lowered_percent_that_disagrees_with_the_counts_is_refused(
    proj: Project, run_ratchet: RunRatchet
):
    run(proj, "sample")
    assert run_ratchet("init", "coverage.xml", cwd=proj.root).code == 0
    pyproject = proj.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("percent = 99.35", "percent = 90"))
    r = run_ratchet("check", "coverage.xml", cwd=proj.root)
    assert r.code == 2
    assert "baseline percent 90 does not match its counts 771/776" in r.stderr
    assert "ratchet accept --reason" in r.stderr


# -- 2. a report that cannot be compared is not compared ---------------------------------------


def test_refuse__branch_measurement_vanished(make_project, run_ratchet: RunRatchet):
    proj = make_project()  # the sample module has branches
    proj.run_tests()
    assert run_ratchet("init", "coverage.xml", cwd=proj.root).code == 0
    before = tracked(proj)
    proj.coverage("run", "--source=pkg", "run_sample.py")  # no --branch
    proj.coverage("xml", "-o", "coverage.xml")
    for command in ("check", "update", "accept"):
        extra = ("--reason", "x") if command == "accept" else ()
        r = run_ratchet(command, *extra, "coverage.xml", cwd=proj.root)
        assert r.code == 2, r
        assert "the report measures no branches, but the baseline measured 8 branches" in r.stderr
        assert "--cov-branch" in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    assert tracked(proj) == before


def test_refuse__branch_measurement_appeared_until_accepted(make_project, ratchet_cli):
    """Turning branch coverage on reads as no regression: check and update say what changed
    and how to record it; accept records it, on the record; then check passes."""
    proj = make_project()
    proj.coverage("run", "--source=pkg", "run_sample.py")  # no --branch: lines only
    proj.coverage("xml", "-o", "coverage.xml")
    assert ratchet_cli("init", "coverage.xml", cwd=proj.root).code == 0
    assert "branches = 0" in (proj.root / "pyproject.toml").read_text()
    before = tracked(proj)
    proj.run_tests()  # with --branch
    for command in ("check", "update"):
        r = ratchet_cli(command, "coverage.xml", cwd=proj.root)
        assert r.code == 2, r
        assert r.stderr.startswith(
            "ratchet: error: coverage.xml: branch measurement is new since the bar was "
            "recorded: the bar measured no branches and this report measures"
        )
        assert 'ratchet accept --reason "measure branches"' in r.stderr
        assert r.stdout == ""
    assert tracked(proj) == before
    r = ratchet_cli("accept", "--reason", "measure branches", "coverage.xml", cwd=proj.root)
    assert r.code == 0, r
    assert ratchet_cli("check", "coverage.xml", cwd=proj.root).code == 0


def test_refuse__a_shard_without_branches(make_project, run_ratchet: RunRatchet):
    proj = make_project()
    proj.run_tests()
    assert run_ratchet("init", "coverage.json", cwd=proj.root).code == 0
    proj.coverage("run", "--source=pkg", "run_sample.py")
    proj.coverage("xml", "-o", "shard2.xml")
    r = run_ratchet("check", "coverage.json", "shard2.xml", cwd=proj.root)
    assert r.code == 2
    assert "shard2.xml measured no branches, but the baseline measured 8 branches" in r.stderr


def test_refuse__another_projects_report(make_project, run_ratchet: RunRatchet, tmp_path):
    ours = make_project(root=tmp_path / "ours")
    ours.run_tests()
    assert run_ratchet("init", "coverage.xml", cwd=ours.root).code == 0
    before = tracked(ours)
    other = Project(tmp_path / "other")  # another package altogether
    for name in ("__init__", "a", "b", "c"):
        other.write(f"lib/{name}.py", "A = 1\n")
    other.write("main.py", "import lib.a, lib.b, lib.c\n")
    other.coverage("run", "--branch", "--source=lib", "main.py")
    other.coverage("json", "-o", "coverage.json")
    other.coverage("xml", "-o", "coverage.xml")
    for command in ("check", "update"):
        r = run_ratchet(command, "../other/coverage.json", cwd=ours.root)
        assert r.code == 2, r
        assert (
            "the report does not describe this repository: 0 of 4 files found under "
            f"{ours.root} (e.g. lib/__init__.py)" in r.stderr
        )
    r = run_ratchet("update", "../other/coverage.xml", cwd=ours.root)
    assert r.code == 2  # its <source> is absolute: the files resolve outside this root
    assert "resolve outside" in r.stderr and str(other.root) in r.stderr
    assert tracked(ours) == before
    assert str(other.root) not in (ours.root / "coverage-baseline.tsv").read_text()


def test_refuse__a_stale_report(make_project, run_ratchet: RunRatchet):
    proj = make_project()
    proj.run_tests()
    assert run_ratchet("init", "coverage.xml", cwd=proj.root).code == 0
    # The next test run crashed at collection and wrote no report; the code changed since.
    sample = proj.root / "pkg" / "sample.py"
    sample.write_text(sample.read_text() + "\n")
    later = time.time() + 5
    os.utime(sample, (later, later))
    before = tracked(proj)
    r = run_ratchet("check", "coverage.xml", cwd=proj.root)
    assert r.code == 0  # a warning, in one line
    (warning,) = r.stderr.splitlines()
    assert warning == (
        "ratchet: warning: coverage.xml is older than pkg/sample.py, which changed after it "
        "was written: it may not measure this code; re-run the tests"
    )
    r = run_ratchet("update", "coverage.xml", cwd=proj.root)
    assert r.code == 2
    # Refused as an error, said once, before the verdict it refuses (stdout).
    assert r.stderr == (
        "ratchet: error: coverage.xml is older than pkg/sample.py, which changed after it was "
        "written: it may not measure this code: re-run the tests, or pass --allow-stale\n"
    )
    assert tracked(proj) == before
    r = run_ratchet("update", "--allow-stale", "coverage.xml", cwd=proj.root)
    assert r.code == 0, r


def test_stale__a_file_written_again_with_its_committed_content_is_not(make_project, ratchet_cli):
    """``git checkout -- src`` (or a ``touch``) after the tests leaves every file as the
    last commit before the report had it: check does not warn and update records."""
    proj = make_project()
    git(proj.root, "init", "-q", "-b", "main")
    git(proj.root, "add", "pkg", "run_sample.py", "pyproject.toml")
    git(proj.root, "commit", "-qm", "code")
    proj.run_tests()
    assert ratchet_cli("init", "coverage.xml", cwd=proj.root).code == 0
    later = time.time() + 5
    os.utime(proj.root / "pkg" / "sample.py", (later, later))
    git(proj.root, "checkout", "--", "pkg")
    r = ratchet_cli("check", "coverage.xml", cwd=proj.root)
    assert r.code == 0 and r.stderr == ""
    assert ratchet_cli("update", "coverage.xml", cwd=proj.root).code == 0
    sample = proj.root / "pkg" / "sample.py"
    sample.write_text(sample.read_text() + "\n")  # an edit git sees
    os.utime(sample, (later + 1, later + 1))
    r = ratchet_cli("update", "coverage.xml", cwd=proj.root)
    assert r.code == 2 and r.stderr.startswith("ratchet: error: coverage.xml is older than")


def test_refuse__no_report_named_takes_the_newest_and_says_which(
    make_project, run_ratchet: RunRatchet
):
    proj = make_project()
    proj.run_tests()
    assert run_ratchet("init", "coverage.xml", cwd=proj.root).code == 0
    old = time.time() - 3600
    for name in ("coverage.xml", "coverage.lcov", ".coverage"):
        os.utime(proj.root / name, (old, old))
    r = run_ratchet("check", cwd=proj.root)
    assert f"ratchet: using {proj.root / 'coverage.json'} (the newest" in r.stderr


# -- 5. history and badge ------------------------------------------------------------------------


def test_history__update_appends_and_two_branches_merge_without_a_person(
    make_project, run_ratchet: RunRatchet
):
    proj = make_project()
    proj.write("pkg/sample.py", statements(100, uncovered=30))
    git(proj.root, "init", "-q", "-b", "main")
    run(proj, "sample")
    assert run_ratchet("init", "coverage.xml", cwd=proj.root).code == 0
    attributes = (proj.root / ".gitattributes").read_text()
    assert "\ncoverage-history.jsonl merge=union\n" in attributes
    assert "\n/pyproject.toml merge=ratchet\n/coverage-baseline.tsv merge=ratchet\n" in attributes
    git(proj.root, "add", "-A")
    git(proj.root, "commit", "-qm", "bar")
    for branch, uncovered in (("a", 20), ("b", 10)):
        git(proj.root, "checkout", "-q", "-b", branch, "main")
        proj.write("pkg/sample.py", statements(100, uncovered=uncovered))
        run(proj, "sample")
        assert run_ratchet("update", "coverage.xml", cwd=proj.root).code == 0
        git(proj.root, "commit", "-qam", f"raise on {branch}")
    git(proj.root, "checkout", "-q", "main")
    git(proj.root, "merge", "-q", "a")
    proc = git(proj.root, "merge", "b", "-m", "b", "-X", "theirs", "--no-edit")
    assert "CONFLICT" not in proc
    events = [
        json.loads(x) for x in (proj.root / "coverage-history.jsonl").read_text().splitlines()
    ]
    assert [e["event"] for e in events] == ["init", "update", "update"]
    r = run_ratchet("check", "--format", "json", "coverage.xml", cwd=proj.root)
    assert [t["total"]["lines_covered"] for t in json.loads(r.stdout)["trend"]] == [70, 80, 90]


def test_messages__update_names_only_what_changes(proj: Project, run_ratchet: RunRatchet):
    run(proj, "sample")
    assert run_ratchet("init", "coverage.xml", cwd=proj.root).code == 0
    proj.write("pkg/sample.py", statements(776, uncovered=4))  # higher, same 95 step
    run(proj, "sample")
    r = run_ratchet("update", "coverage.xml", cwd=proj.root)
    assert r.code == 0
    assert "baseline 99.3557% (771/776) -> 99.4845% (772/776)" in r.stdout
    assert "threshold" not in r.stdout  # no "threshold 95% -> 95%"
