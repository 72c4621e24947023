"""The CLI end to end: exit codes, bad input, the ratchet climbing.

``run_ratchet`` runs it in this process; the tests whose subject is the process itself (its
exit status through a shell, a closed pipe) start a real one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Project, RunRatchet, clean_env, copy_sample, git
from tests.wrapped import flat

pytestmark = pytest.mark.integration

# 20 functions of 1 def + 4 body statements: covering k of them is (20 + 4k)% exactly.
CLIMB_MODULE = "".join(
    f"def f{i}():\n    a = {i}\n    b = a + 1\n    c = b * 2\n    return c\n\n\n" for i in range(20)
)


@pytest.fixture
def climb(make_project) -> Project:
    proj = make_project()
    proj.write("pkg/sample.py", CLIMB_MODULE)
    return proj


def baseline_line(percent, covered: int, measured: int = 100, branches: int = 0) -> str:
    """The line `ratchet init` and `update` write: exact counts, a percent for reading."""
    return (
        f"baseline = {{percent = {percent}, covered = {covered}, measured = {measured}, "
        f"branches = {branches}, uncovered = {measured - covered}}}\n"
    )


def cover(proj: Project, k: int) -> None:
    calls = "; ".join(f"f{i}()" for i in range(k)) or "pass"
    proj.write("run_sample.py", f"from pkg.sample import *\n{calls}\n")
    proj.run_tests()


def test_worked_example__threshold_climbs_70_75_80(climb: Project, run_ratchet: RunRatchet):
    cover(climb, 13)  # 72%
    r = run_ratchet("init", "coverage.xml", cwd=climb.root)
    assert r.code == 0
    text = (climb.root / "pyproject.toml").read_text()
    assert "threshold = 70\n" in text
    assert baseline_line(72, 72) in text

    cover(climb, 14)  # 76%
    r = run_ratchet("check", "coverage.xml", cwd=climb.root)
    assert r.code == 0
    assert r.stdout.startswith(
        "coverage-ratchet: PASS 76.00% (+4.00) — the threshold rises to 75%\n"
    )
    assert "ratchet update would record: threshold -> 75%, baseline -> 76.00%" in r.stdout
    assert run_ratchet("update", "coverage.xml", cwd=climb.root).code == 0
    assert "threshold = 75\n" in (climb.root / "pyproject.toml").read_text()

    cover(climb, 15)  # exactly 80%
    assert run_ratchet("update", "coverage.json", cwd=climb.root).code == 0
    assert "threshold = 80\n" in (climb.root / "pyproject.toml").read_text()

    cover(climb, 14)  # back to 76%: below the threshold now
    r = run_ratchet("check", "coverage.xml", cwd=climb.root)
    assert r.code == 1
    assert flat(r.stdout).startswith(
        "coverage-ratchet: FAIL 76.00% — 4.00 points under the 80.00% baseline and 4.00 under "
        "the 80% threshold; 1 file fell FAIL pkg/sample.py 80.00% -> 76.00% -4.00 +4 uncovered; "
        "not run: 100-103, 107-110, 114-117, 121-124, 128-131, 135-138 "
    )
    r = run_ratchet("check", "-v", "coverage.xml", cwd=climb.root)  # the rules' own words
    assert "below the threshold 80% by 4.0000 points" in flat(r.stdout)
    r = run_ratchet("update", "coverage.xml", cwd=climb.root)
    assert r.code == 1
    assert "threshold = 80\n" in (climb.root / "pyproject.toml").read_text()


def test_check__file_regression_names_file_before_after(climb: Project, run_ratchet: RunRatchet):
    climb.write("pkg/other.py", "def g():\n    return 1\n")
    climb.write("run_sample.py", "from pkg.sample import *\nfrom pkg.other import g\nf0(); g()\n")
    climb.run_tests()
    assert run_ratchet("init", "coverage.xml", cwd=climb.root).code == 0
    assert (climb.root / "coverage-baseline.tsv").read_text().count("\n") == 5  # 2 header + 3 files
    climb.write("run_sample.py", "from pkg.sample import *\nfrom pkg.other import g\nf0(); f1()\n")
    climb.run_tests()
    r = run_ratchet("check", "--format", "json", "coverage.xml", cwd=climb.root)
    assert r.code == 1
    data = json.loads(r.stdout)
    assert data["status"] == "fail"
    (f,) = [f for f in data["failures"] if f["kind"] == "file_regression"]
    assert f["path"] == "pkg/other.py"
    assert "100.0000% -> 50.0000%" in f["message"]
    # ...and what it no longer runs, in coverage.py's notation, for every report format.
    for report in ("coverage.xml", "coverage.json", "coverage.lcov", ".coverage"):
        r = run_ratchet("check", report, cwd=climb.root)
        row = "  FAIL pkg/other.py   100.00% -> 50.00%  -50.00  +1 uncovered; not run: 2\n"
        assert row in r.stdout, report


def test_update__a_file_drop_keeps_its_old_line_and_the_bar_still_rises(
    climb: Project, run_ratchet: RunRatchet
):
    climb.write("pkg/other.py", "def g():\n    return 1\n")
    climb.write("run_sample.py", "from pkg.sample import *\nfrom pkg.other import g\nf0(); g()\n")
    climb.run_tests()
    assert run_ratchet("init", "coverage.xml", cwd=climb.root).code == 0
    tsv = climb.root / "coverage-baseline.tsv"
    other = next(line for line in tsv.read_text().splitlines() if line.startswith("pkg/other.py"))
    calls = "; ".join(f"f{i}()" for i in range(16))  # far more covered, but g() no longer runs
    climb.write("run_sample.py", f"from pkg.sample import *\nfrom pkg.other import g\n{calls}\n")
    climb.run_tests()
    r = run_ratchet("update", "coverage.xml", cwd=climb.root)
    assert r.code == 0
    assert "kept the old per-file line of 1 file whose coverage fell: pkg/other.py" in r.stdout
    assert other in tsv.read_text().splitlines()
    assert "threshold = 80\n" in (climb.root / "pyproject.toml").read_text()


def test_check_json__documented_keys(sample_reports: Project, run_ratchet: RunRatchet, tmp_path):
    proj = sample_reports
    r = run_ratchet("init", "--dry-run", "coverage.xml", cwd=proj.root)
    assert r.code == 0
    assert (
        not (proj.root / "pyproject.toml").exists()
        or "ratchet" not in (proj.root / "pyproject.toml").read_text()
    )
    here = copy_sample(proj, tmp_path / "here")
    cfg = here / "pyproject.toml"
    cfg.write_text("[tool.ratchet]\nthreshold = 50\n")
    r = run_ratchet("check", "--config", str(cfg), "--format", "json", "coverage.xml", cwd=here)
    assert r.code == 0
    data = json.loads(r.stdout)
    assert set(data) >= {"status", "totals", "threshold", "baseline", "new_threshold", "failures"}
    assert set(data["totals"]) >= {
        "percent",
        "lines_valid",
        "lines_covered",
        "branches_valid",
        "branches_covered",
    }
    assert data["status"] == "pass"
    assert data["threshold"] == 50
    assert data["baseline"] is None
    assert data["failures"] == []


def test_check_markdown__summary_table(climb: Project, run_ratchet: RunRatchet):
    cover(climb, 13)
    run_ratchet("init", "coverage.xml", cwd=climb.root)
    r = run_ratchet("check", "--format", "markdown", "coverage.xml", cwd=climb.root)
    assert r.code == 0
    # The verdict first, no hidden comment lines, no table with an empty header row.
    assert r.stdout.startswith("### ✅ Coverage 72.00% (+0.00) — holds the 72.00% baseline\n")
    assert "<!--" not in r.stdout
    assert "| |" not in r.stdout
    assert "Uncovered lines+branches 28 → 28, measured 100 → 100." in r.stdout
    assert r.stdout.endswith(
        "<sub>Bar: threshold 70%, baseline 72.00% (72/100) from the working copy "
        "(pyproject\\.toml) · coverage-ratchet</sub>\n"
    )


def test_check__deleting_covered_code_passes(climb: Project, run_ratchet: RunRatchet):
    cover(climb, 14)  # 76/100
    run_ratchet("init", "--no-file-baselines", "coverage.xml", cwd=climb.root)
    # Delete one covered statement: 75/99 = 75.76% < the 76% baseline, but still 24 uncovered.
    climb.write(
        "pkg/sample.py", CLIMB_MODULE.replace("    c = b * 2\n    return c", "    return b", 1)
    )
    cover(climb, 14)
    r = run_ratchet("check", "coverage.xml", cwd=climb.root)
    assert r.code == 0
    assert "75.7576%" in r.stdout
    assert "no line became uncovered (24 uncovered, baseline 24)" in flat(r.stdout)


# -- bad input: one line, exit 2, no traceback, nothing of the user's changed --------------


def _assert_clean_error(r, *needles: str) -> None:
    assert r.code == 2
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("ratchet: error: ")
    for n in needles:
        assert n in lines[0]


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("missing.xml", None, "no such file"),
        ("empty.xml", "", "empty file"),
        ("trunc.xml", "<coverage><packages><package>", "invalid XML"),
        ("notcov.json", '{"hello": 1}', "not a coverage.py report"),
        ("garbage.info", "SF:a.py\n%%%%\nend_of_record\n", "not an LCOV line"),
        (
            "zero.xml",
            "<coverage><packages><package><classes><class filename='a.py'><lines/>"
            "</class></classes></package></packages></coverage>",
            "measures no lines",
        ),
        (
            "bomb.xml",
            '<!DOCTYPE c [<!ENTITY a "a"><!ENTITY b "&a;&a;">]><coverage/>',
            "entity declarations are not allowed",
        ),
        ("dotcov", "SQLite format 3\x00" + "x" * 200, "coverage"),
    ],
    ids=[
        "missing",
        "empty",
        "truncated-xml",
        "json-not-coverage",
        "lcov-garbage",
        "zero-lines",
        "entity-bomb",
        "corrupt-sqlite",
    ],
)
@pytest.mark.parametrize("command", ["report", "check"])
def test_bad_report__one_line_exit_2(
    tmp_path: Path,
    run_ratchet: RunRatchet,
    command: str,
    name: str,
    content: str | None,
    needle: str,
):
    (tmp_path / "pyproject.toml").write_text("[tool.ratchet]\nthreshold = 80\n")
    if content is not None:
        (tmp_path / name).write_text(content)
    before = (tmp_path / "pyproject.toml").read_bytes()
    r = run_ratchet(command, name, cwd=tmp_path)
    _assert_clean_error(r, name, needle)
    assert (tmp_path / "pyproject.toml").read_bytes() == before


@pytest.mark.parametrize(
    ("pyproject", "needle"),
    [
        ("[tool.ratchet\nthreshold = 80\n", "invalid TOML"),
        (
            "[tool.ratchet]\ntreshold = 80\n",
            "unknown key 'treshold' in [tool.ratchet] (did you mean 'threshold'?)",
        ),
        ("[tool.ratchet]\nthreshold = '80'\n", "threshold must be a number"),
        ("[tool.ratchet]\nthreshold = 120\n", "between 0 and 100"),
        ("[tool.ratchet]\nstep = 0\n", "step must be greater than 0"),
        ("[project]\nname = 'x'\n", "run `ratchet init` first"),
        ("tool = 1\n", "[tool] must be a table"),
        ("[tool.ratchet]\nthreshold = 80\nbaseline_file = 'b.tsv'\n", "b.tsv"),
        ("[tool.ratchet]\nbaseline_file = '../b.tsv'\n", "'../b.tsv' is outside the project"),
        ("[tool.ratchet]\nbaseline_file = '/tmp/b.tsv'\n", "'/tmp/b.tsv' is outside the project"),
    ],
    ids=[
        "broken-toml",
        "unknown-key",
        "string",
        "out-of-range",
        "zero-step",
        "no-section",
        "tool-int",
        "bad-baseline-file",
        "baseline-file-above-root",
        "baseline-file-absolute",
    ],
)
def test_bad_config__one_line_exit_2(
    sample_reports: Project, tmp_path: Path, run_ratchet: RunRatchet, pyproject: str, needle: str
):
    (tmp_path / "pyproject.toml").write_text(pyproject)
    (tmp_path / "b.tsv").write_text("a.py\tnot-a-number\t1\t0\t0\n")
    before = (tmp_path / "pyproject.toml").read_bytes()
    for command in ("check", "update"):
        r = run_ratchet(command, str(sample_reports.root / "coverage.xml"), cwd=tmp_path)
        _assert_clean_error(r, needle)
        assert (tmp_path / "pyproject.toml").read_bytes() == before


@pytest.mark.parametrize("command", ["check", "update", "init", "report"])
def test_config_option__a_directory_is_one_line(
    sample_reports: Project, tmp_path: Path, run_ratchet: RunRatchet, command: str
):
    (tmp_path / "conf").mkdir()
    r = run_ratchet(
        command, "--config", "conf", str(sample_reports.root / "coverage.xml"), cwd=tmp_path
    )
    _assert_clean_error(r, "conf: is a directory, not a pyproject.toml")
    assert list(tmp_path.iterdir()) == [tmp_path / "conf"]


def test_usage_error__exit_2(tmp_path: Path, run_ratchet: RunRatchet):
    assert run_ratchet("check", "--format", "yaml", cwd=tmp_path).code == 2
    assert run_ratchet("frobnicate", cwd=tmp_path).code == 2


@pytest.mark.parametrize("github", [False, True], ids=["terminal", "github-run"])
def test_error_line__a_hostile_file_name_stays_one_inert_line(
    tmp_path: Path, run_ratchet: RunRatchet, github: bool
):
    name = "x\n::error file=a.py::pwned ##[group]y.xml"
    env = {"GITHUB_ACTIONS": "true"} if github else {}
    r = run_ratchet("report", name, cwd=tmp_path, env=env)
    assert r.code == 2
    [line] = r.stderr.splitlines()
    assert line.startswith("ratchet: error: x\\n::error file=a.py::pwned ##")
    assert line.endswith("y.xml: no such file")
    assert ("##[" in line) is not github  # the runner's legacy command form, anywhere


# -- the process itself: a real one (the rest of the suite runs the CLI in-process) ---------


def test_process__exit_status_reaches_the_shell_from_the_console_script(
    climb: Project, run_ratchet: RunRatchet
):
    cover(climb, 13)  # 72%
    assert run_ratchet("init", "coverage.xml", cwd=climb.root).code == 0
    (climb.root / "coverage.xml").rename(climb.root / "pass.xml")
    cover(climb, 12)  # 68% < 70%
    script = (
        "ratchet check pass.xml >/dev/null; a=$?\n"
        "ratchet check coverage.xml >/dev/null; b=$?\n"
        "ratchet check missing.xml 2>/dev/null; c=$?\n"
        "ratchet check --format yaml pass.xml 2>/dev/null; d=$?\n"
        'echo "$a $b $c $d"\n'
    )
    env = clean_env(PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    proc = subprocess.run(
        ["bash", "-c", script], cwd=climb.root, capture_output=True, text=True, env=env, check=True
    )
    assert proc.stdout == "0 1 2 2\n", proc.stderr


def _run_with_closed_stdout(cwd: Path, *args: str) -> tuple[int, str]:
    """Run the CLI with nobody reading its stdout, as ``ratchet ... | head -0`` would: the
    read end of the pipe is closed before ratchet starts, so its first write fails. (Closed
    after the start, a busy machine could let ratchet write everything first.)"""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "ratchet", *args],
            cwd=cwd,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(),
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    return proc.returncode, proc.stderr


@pytest.mark.parametrize(
    ("k", "args", "expected"),
    [
        (13, ("report", "coverage.xml"), 0),
        (13, ("report", "--format", "json", "coverage.xml"), 0),
        (13, ("check", "coverage.xml"), 0),
        (12, ("check", "coverage.xml"), 1),  # 68% < 70%: the closed pipe must not hide it
        (12, ("check", "--format", "markdown", "coverage.xml"), 1),
    ],
    ids=["report", "report-json", "check-pass", "check-fail", "check-fail-markdown"],
)
def test_closed_stdout__quiet_and_the_verdict_stands(
    climb: Project, run_ratchet: RunRatchet, k: int, args: tuple[str, ...], expected: int
):
    cover(climb, 13)
    assert run_ratchet("init", "coverage.xml", cwd=climb.root).code == 0
    cover(climb, k)
    code, err = _run_with_closed_stdout(climb.root, *args)
    assert (code, err) == (expected, "")


def test_no_report_found__exit_2(tmp_path: Path, run_ratchet: RunRatchet):
    (tmp_path / "pyproject.toml").write_text("[tool.ratchet]\nthreshold = 80\n")
    _assert_clean_error(run_ratchet("check", cwd=tmp_path), "no coverage report given")


def test_failed_write__nothing_half_written(climb: Project, run_ratchet: RunRatchet):
    cover(climb, 13)
    assert run_ratchet("init", "coverage.xml", cwd=climb.root).code == 0
    pyproject = climb.root / "pyproject.toml"
    # The badge now points into a directory that does not exist: its write fails.
    pyproject.write_text(pyproject.read_text() + 'badge_file = "no/such/dir/b.svg"\n')
    before = pyproject.read_bytes()
    cover(climb, 15)
    r = run_ratchet("update", "coverage.xml", cwd=climb.root)
    _assert_clean_error(r, "cannot write")
    assert pyproject.read_bytes() == before
    assert not [p for p in climb.root.iterdir() if p.name.endswith(".tmp")]


def test_init__refuses_to_overwrite(climb: Project, run_ratchet: RunRatchet):
    cover(climb, 13)
    assert run_ratchet("init", "coverage.xml", cwd=climb.root).code == 0
    _assert_clean_error(run_ratchet("init", "coverage.xml", cwd=climb.root), "already exists")


# -- the bar at a git ref -------------------------------------------------------------------


def test_baseline_ref__branch_cannot_lower_its_own_bar(climb: Project, run_ratchet: RunRatchet):
    cover(climb, 15)  # 80%
    git(climb.root, "init", "-q", "-b", "main")
    assert run_ratchet("init", "coverage.xml", cwd=climb.root).code == 0
    git(climb.root, "add", "pyproject.toml", "coverage-baseline.tsv")
    git(climb.root, "commit", "-qm", "ratchet")
    git(climb.root, "checkout", "-qb", "feature")
    cover(climb, 14)  # 76%: the branch lowers the threshold to get through
    pyproject = climb.root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text()
        .replace("threshold = 80", "threshold = 75")
        .replace(baseline_line(80, 80), baseline_line(76, 76))
    )
    assert run_ratchet("check", "--no-diff", "coverage.xml", cwd=climb.root).code == 1  # per-file
    (climb.root / "coverage-baseline.tsv").unlink()  # a per-file bar named but not there
    r = run_ratchet("check", "coverage.xml", cwd=climb.root)
    assert r.code == 2, r
    assert "names baseline_file 'coverage-baseline.tsv', which does not exist" in r.stderr
    pyproject.write_text(
        pyproject.read_text().replace('baseline_file = "coverage-baseline.tsv"', "")
    )
    r = run_ratchet("check", "coverage.xml", cwd=climb.root)
    assert r.code == 0  # the working copy alone, per-file rules off, lets it through...
    r = run_ratchet("check", "--baseline-ref", "main", "coverage.xml", cwd=climb.root)
    assert r.code == 1  # ...the bar at main does not
    assert "loosens the bar" in r.stdout
    assert "4.00 under the 80% threshold" in flat(r.stdout)


def test_baseline_ref__diff_against_is_the_refs(climb: Project, run_ratchet: RunRatchet):
    # main gates changed lines at 90%; the branch adds untested code and points diff_against
    # at itself, so that its diff is empty and its patch gate has nothing to judge.
    cover(climb, 15)
    git(climb.root, "init", "-q", "-b", "main")
    assert run_ratchet("init", "--no-file-baselines", "coverage.xml", cwd=climb.root).code == 0
    pyproject = climb.root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            "[tool.ratchet]\n", '[tool.ratchet]\ndiff_against = "main"\npatch_threshold = 90\n'
        )
    )
    git(climb.root, "add", "pyproject.toml", "pkg", "run_sample.py")
    git(climb.root, "commit", "-qm", "ratchet")
    git(climb.root, "checkout", "-qb", "feature")
    climb.write("pkg/extra.py", "def g(x):\n    if x:\n        return 1\n    return 2\n")
    pyproject.write_text(pyproject.read_text().replace('"main"', '"HEAD"'))
    git(climb.root, "add", "pyproject.toml", "pkg/extra.py")
    git(climb.root, "commit", "-qm", "untested code")
    cover(climb, 20)  # the total rises...
    climb.write("run_sample.py", "import pkg.extra\n" + (climb.root / "run_sample.py").read_text())
    climb.run_tests()  # ...but g(), the change itself, never runs
    ci = {"CI": "true"}

    r = run_ratchet("check", "coverage.xml", cwd=climb.root, env=ci)
    assert r.code == 0  # the working copy alone: an empty diff, nothing to judge
    assert "changed lines: none measurable, nothing to judge" in r.stdout
    r = run_ratchet("check", "--baseline-ref", "main", "coverage.xml", cwd=climb.root, env=ci)
    assert r.code == 1  # held to main: the diff against main, and its 90% gate
    assert "diff_against is held to main: main (the working copy says HEAD)" in r.stderr
    assert "pkg/extra.py" in r.stdout
    r = run_ratchet(
        "check", "--baseline-ref", "main", "--no-diff", "coverage.xml", cwd=climb.root, env=ci
    )
    assert "pkg/extra.py" not in r.stdout  # the command line still decides


def test_baseline_ref__unknown_ref_names_the_fetch(climb: Project, run_ratchet: RunRatchet):
    cover(climb, 13)
    git(climb.root, "init", "-q", "-b", "main")
    run_ratchet("init", "coverage.xml", cwd=climb.root)
    r = run_ratchet("check", "--baseline-ref", "origin/main", "coverage.xml", cwd=climb.root)
    _assert_clean_error(r, "'origin/main' not found", "no remote to fetch it from")
    git(climb.root, "remote", "add", "origin", str(climb.root / "no-such-remote"))
    r = run_ratchet("check", "--baseline-ref", "origin/main", "coverage.xml", cwd=climb.root)
    _assert_clean_error(r, "git fetch", "origin")


def test_init__new_files_get_normal_permissions_and_symlinks_survive(
    climb: Project, run_ratchet: RunRatchet
):
    cover(climb, 13)
    real = climb.root / "config" / "pyproject.toml"
    real.parent.mkdir()
    (climb.root / "pyproject.toml").rename(real)
    (climb.root / "pyproject.toml").symlink_to(real)
    assert run_ratchet("init", "coverage.xml", cwd=climb.root).code == 0
    assert (climb.root / "pyproject.toml").is_symlink()
    assert "threshold = 70" in real.read_text()
    assert (climb.root / "coverage-baseline.tsv").stat().st_mode & 0o777 == 0o644  # umask 022


def test_init_force__keeps_settings_and_drops_an_unwanted_baseline_file(
    climb: Project, run_ratchet: RunRatchet
):
    cover(climb, 13)  # 72%
    pyproject = climb.root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + "\n[tool.ratchet]\nprecision = 0\nmax_threshold = 60\n"
        'baseline_file = "old.tsv"\n'
    )
    r = run_ratchet("init", "--force", "--no-file-baselines", "coverage.xml", cwd=climb.root)
    assert r.code == 0
    text = pyproject.read_text()
    assert "threshold = 60\n" in text  # capped by the kept max_threshold
    assert baseline_line(72, 72) in text  # precision 0 kept
    assert "baseline_file" not in text
    assert run_ratchet("check", "coverage.xml", cwd=climb.root).code == 0


# -- the bar at a ref: every gate, every file -------------------------------------------------


def _commit_bar(proj: Project, *files: str) -> None:
    git(proj.root, "init", "-q", "-b", "main")
    git(proj.root, "add", "pyproject.toml", *files)
    git(proj.root, "commit", "-qm", "ratchet")
    git(proj.root, "checkout", "-qb", "feature")


def test_baseline_ref__an_inflated_uncovered_count_cannot_buy_a_regression(
    climb: Project, run_ratchet: RunRatchet
):
    cover(climb, 16)  # 84%, 16 uncovered
    assert run_ratchet("init", "--no-file-baselines", "coverage.xml", cwd=climb.root).code == 0
    _commit_bar(climb)
    pyproject = climb.root / "pyproject.toml"
    text = pyproject.read_text()
    assert baseline_line(84, 84) in text
    # A higher baseline looks stricter; the count beside it is what the branch is after.
    # A count no run could have left is refused outright...
    impossible = "baseline = {percent = 99, covered = 99, measured = 100, uncovered = 99999}\n"
    pyproject.write_text(text.replace(baseline_line(84, 84), impossible))
    r = run_ratchet("check", "--baseline-ref", "main", "coverage.xml", cwd=climb.root)
    assert r.code == 2 and "baseline.uncovered 99999 is more than the 1" in r.stderr
    # ...and a possible one (99% of a larger count, 100 uncovered) buys nothing either.
    inflated = "baseline = {percent = 99, covered = 9900, measured = 10000, uncovered = 100}\n"
    pyproject.write_text(text.replace(baseline_line(84, 84), inflated))
    cover(climb, 15)  # 80%: 20 uncovered, 4 more than main recorded
    r = run_ratchet("check", "-v", "--baseline-ref", "main", "coverage.xml", cwd=climb.root)
    assert r.code == 1
    assert (
        "FAIL total 80.0000% (80/100) is 4.0000 points below the baseline 84.0000% (84/100) "
        "(uncovered 16 -> 20)" in flat(r.stdout)
    )
    assert "no line became uncovered" not in r.stdout


def _two_files(proj: Project, calls: str) -> None:
    proj.write("pkg/other.py", "def g():\n    return 1\n")
    proj.write("run_sample.py", f"from pkg.sample import *\nfrom pkg.other import g\n{calls}\n")
    proj.run_tests()


def test_baseline_ref__a_paths_remap_cannot_hide_per_file_regressions(
    climb: Project, run_ratchet: RunRatchet
):
    _two_files(climb, "f0(); g()")
    assert run_ratchet("init", "coverage.xml", cwd=climb.root).code == 0
    _commit_bar(climb, "coverage-baseline.tsv")
    # The branch drops g()'s coverage and renames every measured path away from the TSV's.
    pyproject = climb.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.ratchet.paths]\nlib = ["lib/", "pkg/"]\n')
    _two_files(climb, "f0()")
    # No file of the report is where the bar's files are: the report is refused outright
    # (exit 2), before any per-file line could be missed.
    for fmt in ("json", "text", "markdown"):
        r = run_ratchet(
            "check", "--baseline-ref", "main", "--format", fmt, "coverage.xml", cwd=climb.root
        )
        _assert_clean_error(
            r, "the report does not describe this repository: 0 of 3 files found under"
        )
    # Measured where the bar says (the remap gone), the same drop fails as a file's own.
    pyproject.write_text(pyproject.read_text().split("\n[tool.ratchet.paths]")[0] + "\n")
    r = run_ratchet("check", "--baseline-ref", "main", "coverage.xml", cwd=climb.root)
    assert r.code == 1
    assert "  FAIL pkg/other.py  100.00% -> 50.00%  -50.00  +1 uncovered" in r.stdout


def test_check__a_baselined_file_deleted_from_the_tree_is_a_note_and_update_drops_it(
    climb: Project, run_ratchet: RunRatchet
):
    _two_files(climb, "; ".join(f"f{i}()" for i in range(16)) + "; g()")  # 86/102
    assert run_ratchet("init", "coverage.xml", cwd=climb.root).code == 0
    tsv = climb.root / "coverage-baseline.tsv"
    assert "pkg/other.py\t" in tsv.read_text()
    (climb.root / "pkg" / "other.py").unlink()
    cover(climb, 16)  # 84/100: covered code deleted, nothing newly uncovered
    r = run_ratchet("check", "--format", "json", "coverage.xml", cwd=climb.root)
    assert r.code == 0, r
    data = json.loads(r.stdout)
    assert data["notes"][-1] == (
        "1 file(s) with a per-file baseline were removed from the tree (pkg/other.py): "
        "`ratchet update` drops their lines"
    )
    assert [x["path"] for x in data["update"]["lines"] if x["new"] is None] == ["pkg/other.py"]
    r = run_ratchet("update", "coverage.xml", cwd=climb.root)
    assert r.code == 0
    assert "1 removed from the tree" in r.stdout
    assert "pkg/other.py" not in tsv.read_text()


def test_update__refuses_while_a_baselined_file_is_not_measured(
    climb: Project, run_ratchet: RunRatchet
):
    # An added `omit` stops measuring a file: the report no longer describes what the bar
    # was recorded on, so update records nothing (it used to raise the total past it).
    _two_files(climb, "; ".join(f"f{i}()" for i in range(16)) + "; g()")  # 86/102
    assert run_ratchet("init", "coverage.xml", cwd=climb.root).code == 0
    owned = ("pyproject.toml", "coverage-baseline.tsv", "coverage-history.jsonl")
    before = {name: (climb.root / name).read_bytes() for name in owned}
    climb.coverage("run", "--branch", "--source=pkg", "--omit=pkg/other.py", "run_sample.py")
    climb.coverage("xml", "-o", "coverage.xml")
    r = run_ratchet("check", "coverage.xml", cwd=climb.root)
    assert r.code == 1
    assert "  FAIL pkg/other.py  100.00% -> not measured\n" in r.stdout
    r = run_ratchet("update", "coverage.xml", cwd=climb.root)
    assert r.code == 2
    assert (
        "1 file(s) with a per-file baseline still exist but are not in the report "
        "(pkg/other.py): re-run the tests so that the report measures them, or stop tracking "
        "them on purpose (delete their lines from coverage-baseline.tsv, or `ratchet accept "
        "--reason ...`)" in r.stderr
    )
    assert {name: (climb.root / name).read_bytes() for name in owned} == before


def test_update__records_a_tighter_uncovered_count_at_an_unchanged_baseline(
    climb: Project, run_ratchet: RunRatchet
):
    cover(climb, 16)  # exactly 84%, 16 uncovered
    climb.write(
        "pyproject.toml",
        '[project]\nname = "sample"\n\n[tool.ratchet]\nthreshold = 80\nbaseline = 84\n'
        "baseline_uncovered = 160  # stale: far more than there are now\n",
    )
    r = run_ratchet("update", "coverage.xml", cwd=climb.root)
    assert r.code == 0
    # A pyproject.toml of an older version: the run that reaches its percent records the
    # exact counts, the uncovered count with them.
    assert "baseline 84% -> 84.0000% (84/100) (records the exact counts" in r.stdout
    text = (climb.root / "pyproject.toml").read_text()
    assert baseline_line(84, 84) in text and "baseline_uncovered" not in text
    cover(climb, 15)  # 80%, 20 uncovered: 4 lines became uncovered
    r = run_ratchet("check", "-v", "coverage.xml", cwd=climb.root)
    assert r.code == 1
    assert "below the baseline 84.0000% (84/100) (uncovered 16 -> 20)" in flat(r.stdout)
    # The same report again changes nothing, and more uncovered never loosens the count.
    cover(climb, 16)
    assert "nothing to change" in run_ratchet("update", "coverage.xml", cwd=climb.root).stdout


@pytest.mark.parametrize(
    "other_tools",
    [
        "[tool]\ncoverage = 1\npytest = 'x'\n",
        "[tool.coverage]\nreport = 1\n[tool.pytest]\nini_options = 'addopts'\n",
        "[[tool.coverage.report]]\nfail_under = 10\n",
    ],
    ids=["tool-keys", "sub-keys", "array-of-tables"],
)
def test_update__another_tools_section_that_is_not_a_table_is_left_alone(
    climb: Project, run_ratchet: RunRatchet, other_tools: str
):
    cover(climb, 16)
    climb.write("pyproject.toml", f"{other_tools}\n[tool.ratchet]\nthreshold = 70\n")
    r = run_ratchet("update", "coverage.xml", cwd=climb.root)
    assert r.code == 0, r
    text = (climb.root / "pyproject.toml").read_text()
    assert text.startswith(other_tools)
    assert "threshold = 80\n" in text


def test_check_markdown__a_file_drop_alone_says_update_still_raises_the_bar(
    climb: Project, run_ratchet: RunRatchet
):
    _two_files(climb, "f0(); g()")
    assert run_ratchet("init", "coverage.xml", cwd=climb.root).code == 0
    _two_files(climb, "; ".join(f"f{i}()" for i in range(16)))  # up, but g() no longer runs
    r = run_ratchet("check", "--format", "markdown", "coverage.xml", cwd=climb.root)
    assert r.code == 1
    assert "would not record" not in r.stdout
    assert (
        "`ratchet update` would record: threshold → 80%, baseline → 83.33%, 1 per-file line, "
        "keeping the old line of 1 file whose coverage fell." in r.stdout
    )
    r = run_ratchet("update", "coverage.xml", cwd=climb.root)  # ...and so it does
    assert r.code == 0
    text = (climb.root / "pyproject.toml").read_text()
    assert "threshold = 80\n" in text and baseline_line(83.33, 85, 102) in text


def test_baseline_file__duplicate_path_is_refused_with_its_line(
    climb: Project, run_ratchet: RunRatchet
):
    cover(climb, 13)
    assert run_ratchet("init", "coverage.xml", cwd=climb.root).code == 0
    tsv = climb.root / "coverage-baseline.tsv"
    line = next(x for x in tsv.read_text().splitlines() if x.startswith("pkg/sample.py"))
    tsv.write_text(tsv.read_text() + line.replace("\t13\t", "\t0\t", 1) + "\n")
    for command in ("check", "update"):
        r = run_ratchet(command, "coverage.xml", cwd=climb.root)
        _assert_clean_error(
            r, "coverage-baseline.tsv: line 5: 'pkg/sample.py' is listed twice (first on line 4)"
        )


def test_init__baseline_file_outside_the_project_is_refused(
    climb: Project, run_ratchet: RunRatchet
):
    cover(climb, 13)
    for name in ("../b.tsv", str(climb.root.parent / "b.tsv")):
        r = run_ratchet("init", "--baseline-file", name, "coverage.xml", cwd=climb.root)
        _assert_clean_error(r, "--baseline-file", "outside the project")
    assert not (climb.root.parent / "b.tsv").exists()
    assert "ratchet" not in (climb.root / "pyproject.toml").read_text()


def test_init_force__drops_an_unknown_key_with_a_note(climb: Project, run_ratchet: RunRatchet):
    cover(climb, 13)  # 72%
    pyproject = climb.root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + "\n[tool.ratchet]\ntreshold = 80  # typo\nthreshold = 'x'\n"
        "precision = 0\n"
    )
    assert run_ratchet("check", "coverage.xml", cwd=climb.root).code == 2
    r = run_ratchet("init", "--force", "coverage.xml", cwd=climb.root)
    assert r.code == 0, r
    assert "dropping the unknown key 'treshold' from [tool.ratchet]" in r.stderr
    text = pyproject.read_text()
    assert "treshold" not in text
    assert "threshold = 70\n" in text and baseline_line(72, 72) in text  # precision 0 kept
    assert run_ratchet("check", "coverage.xml", cwd=climb.root).code == 0
