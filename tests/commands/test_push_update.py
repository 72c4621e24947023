"""``ratchet push-update`` (the Action's ``mode: update``): record the raised bar with a push
that survives concurrent pushes, tested with a bare remote and real clones. What
``ratchet.store.pushupdate`` decides on its own: tests/store/test_pushupdate.py."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import tomlkit

from ratchet.store import pushupdate
from tests.conftest import clean_env, git, ratchet_in_process
from tests.github.conftest import coverage_json

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PYPROJECT = '[project]\nname = "demo"\n\n[tool.ratchet]\n# the bar\nthreshold = 50\nbaseline = 55\n'


def bot_env() -> dict[str, str]:
    """The runner's environment: no git identity configured anywhere."""
    env = clean_env()
    for k in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        env.pop(k)
    return env


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(origin), str(seed))
    (seed / "pyproject.toml").write_text(PYPROJECT)
    (seed / ".gitignore").write_text("coverage.json\n")
    (seed / "README.txt").write_text("docs\n")
    (seed / "a.py").write_text("x = 1\n" * 100)  # what the reports measure
    (seed / "pkg").mkdir()
    (seed / "pkg" / "pyproject.toml").write_text(PYPROJECT)
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "seed")
    git(seed, "push", "-q", "origin", "HEAD:main")
    return origin


def clone(remote: Path, name: str, covered: int, *, also: tuple[str, ...] = ()) -> Path:
    """A clone whose tests measured ``a.py`` (and wrote files ``also`` first)."""
    path = remote.parent / name
    git(remote.parent, "clone", "-q", str(remote), str(path))
    for extra in also:
        (path / extra).write_text("x = 1\n" * 100)
    (path / "coverage.json").write_text(coverage_json({"a.py": (covered, 100 - covered)}))
    return path


def push_update(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``ratchet push-update coverage.json *args`` in the runner's environment, in-process
    (two processes at once: test_race__two_runs_at_once_both_land)."""
    r = ratchet_in_process(
        ("push-update", "coverage.json", *args), cwd=cwd, stdin=None, env={**bot_env(), **env}
    )
    print(r.stdout, r.stderr)
    return subprocess.CompletedProcess(r.args, r.code, r.stdout, r.stderr)


def bar_on(remote: Path) -> dict:
    text = git(remote, "show", "main:pyproject.toml")
    return tomlkit.parse(text).unwrap()["tool"]["ratchet"]


def exact(covered: int) -> dict:
    """The baseline update records for a report of ``covered`` of 100 lines."""
    return {
        "percent": covered,
        "covered": covered,
        "measured": 100,
        "branches": 0,
        "uncovered": 100 - covered,
    }


def test_push__records_the_raised_bar_as_the_bot(remote):
    a = clone(remote, "a", 72)
    proc = push_update(a)
    assert proc.returncode == 0
    assert "pushed after 1 attempt(s)" in proc.stdout
    assert bar_on(remote) == {"threshold": 70, "baseline": exact(72)}
    assert "# the bar" in git(remote, "show", "main:pyproject.toml")  # the user's layout stays
    log = git(remote, "log", "-1", "--format=%an <%ae>%n%s", "main")
    assert log.startswith(f"{pushupdate.BOT_NAME} <{pushupdate.BOT_EMAIL}>\n")
    assert "Raise the coverage bar: threshold 50% -> 70%" in log


def test_push__step_outputs_written_and_an_unwritable_output_file_only_warns(remote, tmp_path):
    a = clone(remote, "a", 72)
    output = tmp_path / "github-output"
    proc = push_update(a, GITHUB_OUTPUT=str(output))
    assert proc.returncode == 0
    assert "update-result<<" in output.read_text()
    # The push has happened by the time the output is written: failing to write it is a
    # warning, never an error that would make the job look as if nothing was recorded.
    b = clone(remote, "b", 80)
    proc = push_update(b, GITHUB_OUTPUT=str(tmp_path))  # a directory: cannot be appended to
    assert proc.returncode == 0, proc.stderr
    assert bar_on(remote)["baseline"] == exact(80)
    assert f"::warning::Could not write {tmp_path}" in proc.stdout


def test_race__the_loser_updates_on_the_new_tip_and_both_bars_hold(remote):
    low, high = clone(remote, "low", 72), clone(remote, "high", 86)
    first = push_update(low)
    assert "pushed after 1 attempt(s)" in first.stdout
    second = push_update(high)  # its clone predates the first push: rejected, then redone
    assert second.returncode == 0, second.stderr
    assert "moved on" in second.stdout and "pushed after 2 attempt(s)" in second.stdout
    assert bar_on(remote)["threshold"] == 85
    subjects = git(remote, "log", "--format=%s", "main").splitlines()
    assert len(subjects) == 3 and subjects[1].startswith(
        "Raise the coverage bar: threshold 50% -> 70%"
    )


def test_race__a_lower_run_finishing_last_does_not_lower_the_bar(remote):
    low, high = clone(remote, "low", 72), clone(remote, "high", 86)
    assert push_update(high).returncode == 0
    late = push_update(low)
    assert late.returncode == 0
    assert "superseded after 2 attempt(s)" in late.stdout
    assert bar_on(remote) == {"threshold": 85, "baseline": exact(86)}


def test_race__two_runs_at_once_both_land(remote):
    a, b = clone(remote, "a", 72), clone(remote, "b", 91)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "ratchet", "push-update", "coverage.json"],
            cwd=c,
            env=bot_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for c in (a, b)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert bar_on(remote)["threshold"] == 90
    assert bar_on(remote)["baseline"] == exact(91)


def test_regression_on_the_branch_is_not_recorded(remote):
    a = clone(remote, "a", 40)
    before = git(remote, "rev-parse", "main")
    proc = push_update(a)
    assert proc.returncode == 1
    assert "not recording a regression" in proc.stderr
    assert git(remote, "rev-parse", "main") == before


def test_nothing_new_pushes_nothing(remote):
    a = clone(remote, "a", 72)
    assert push_update(a).returncode == 0
    head = git(remote, "rev-parse", "main")
    again = push_update(a)
    assert again.returncode == 0 and "unchanged after 1 attempt(s)" in again.stdout
    assert git(remote, "rev-parse", "main") == head


def changed_files(remote: Path, rev: str = "main") -> list[str]:
    return git(remote, "show", "--name-only", "--format=", rev).split()


def test_push__commits_only_what_update_wrote(remote):
    a = clone(remote, "a", 72)
    (a / "README.txt").write_text("changed by a CI step\n")  # tracked, modified
    (a / "pkg" / "pyproject.toml").write_text(PYPROJECT + "# staged by a CI step\n")
    git(a, "add", "pkg/pyproject.toml")
    (a / "stray.txt").write_text("untracked\n")
    assert push_update(a).returncode == 0
    # The bar, and the first line of its history (with the .gitattributes line that lets
    # two branches' history lines merge).
    assert changed_files(remote) == [".gitattributes", "coverage-history.jsonl", "pyproject.toml"]
    # Nothing of the job's own changes is lost either.
    assert (a / "README.txt").read_text() == "changed by a CI step\n"
    assert "pkg/pyproject.toml" in git(a, "diff", "--cached", "--name-only")
    assert (a / "stray.txt").exists()


def test_push__a_configuration_below_the_top_commits_its_own_file(remote):
    a = clone(remote, "a", 72, also=("pkg/a.py",))  # the report measures pkg/'s a.py
    (a / "pyproject.toml").write_text(PYPROJECT + "# edited, not ours to commit\n")
    proc = push_update(a, "--config", "pkg/pyproject.toml")
    assert proc.returncode == 0, proc.stderr
    assert "ratchet: wrote pyproject.toml" in proc.stdout  # relative to pkg/
    assert changed_files(remote) == [
        "pkg/.gitattributes",
        "pkg/coverage-history.jsonl",
        "pkg/pyproject.toml",
    ]
    assert "# edited" not in git(remote, "show", "main:pyproject.toml")


def test_race__the_jobs_other_changes_survive_the_retry(remote):
    low, high = clone(remote, "low", 72), clone(remote, "high", 86)
    (high / "README.txt").write_text("changed by a CI step\n")
    assert push_update(low).returncode == 0
    second = push_update(high)
    assert second.returncode == 0, second.stderr
    assert "pushed after 2 attempt(s)" in second.stdout
    assert changed_files(remote) == ["coverage-history.jsonl", "pyproject.toml"]
    assert (high / "README.txt").read_text() == "changed by a CI step\n"


def push_commit(remote: Path, files: dict[str, str], message: str) -> str:
    """Someone else's push to main: the files written in a fresh clone, one commit."""
    path = Path(tempfile.mkdtemp(prefix="pusher-", dir=remote.parent))
    git(remote.parent, "clone", "-q", str(remote), str(path))
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    git(path, "add", "--", *files)
    git(path, "commit", "-q", "-m", message)
    git(path, "push", "-q", "origin", "HEAD:main")
    return git(path, "rev-parse", "HEAD").strip()


def test_race__a_newer_code_commit_defers_the_stale_measurement(remote):
    high = clone(remote, "high", 86)  # the run for C1 measured 86%
    measured = git(high, "rev-parse", "HEAD").strip()
    c2 = push_commit(remote, {"a.py": "new code, fewer tests\n"}, "C2: code change")
    proc = push_update(high)
    assert proc.returncode == 4, proc.stderr  # deferred: a status of its own
    assert f"main moved on to {c2[:12]}, which changes a.py;" in proc.stdout
    assert "deferred after 2 attempt(s)" in proc.stdout
    assert (
        "The bar it reached is for the job of " + c2[:12] + " (or of a later commit) to record"
    ) in proc.stdout
    # Nothing was recorded on C2, a commit this run never measured.
    assert git(remote, "rev-parse", "main").strip() == c2
    assert bar_on(remote) == {"threshold": 50, "baseline": 55}
    # The job's clone is back on the commit it measured, the update's edit kept uncommitted.
    assert git(high, "rev-parse", "HEAD").strip() == measured
    assert "pyproject.toml" in git(high, "diff", "--cached", "--name-only", "HEAD")

    # C2's own run then records C2's bar: 80%, no false regression against 86.
    own = clone(remote, "c2run", 80)
    proc = push_update(own)
    assert proc.returncode == 0, proc.stderr
    assert "pushed after 1 attempt(s)" in proc.stdout
    assert bar_on(remote) == {"threshold": 80, "baseline": exact(80)}


def test_race__a_newer_pyproject_change_outside_the_bar_defers(remote):
    high = clone(remote, "high", 86)
    deps = PYPROJECT.replace('name = "demo"', 'name = "demo"\ndependencies = ["attrs"]')
    push_commit(remote, {"pyproject.toml": deps}, "Depend on attrs")
    proc = push_update(high)
    assert proc.returncode == 4, proc.stderr  # deferred: a status of its own
    assert "which changes pyproject.toml;" in proc.stdout
    assert "deferred after 2 attempt(s)" in proc.stdout
    assert bar_on(remote) == {"threshold": 50, "baseline": 55}


GATED = PYPROJECT + (
    'baseline_file = "coverage-baseline.tsv"\n\n[tool.coverage.report]\nfail_under = 50\n'
)


def test_race__bookkeeping_in_between_is_no_reason_to_give_up(remote):
    """Another run's update (pyproject, per-file TSV, a synced gate) and a hand-edited
    [tool.ratchet]: the retry records this run's bar on the new tip."""
    push_commit(
        remote,
        {
            "pyproject.toml": GATED,
            "setup.cfg": "[coverage:report]\nfail_under = 50\n",
            "coverage-baseline.tsv": "",
        },
        "gates",
    )
    low, high = clone(remote, "low", 72), clone(remote, "high", 86)
    assert push_update(low).returncode == 0
    assert changed_files(remote) == [
        ".gitattributes",
        "coverage-baseline.tsv",
        "coverage-history.jsonl",
        "pyproject.toml",
        "setup.cfg",
    ]
    edited = git(remote, "show", "main:pyproject.toml").replace("# the bar", "step = 5")
    push_commit(remote, {"pyproject.toml": edited}, "The step, set by hand")
    second = push_update(high)
    assert second.returncode == 0, second.stderr
    assert "pushed after 2 attempt(s)" in second.stdout
    assert bar_on(remote)["threshold"] == 85 and bar_on(remote)["baseline"] == exact(86)
    assert "fail_under = 85" in git(remote, "show", "main:setup.cfg")


def test_race__rewritten_history_defers(remote):
    high = clone(remote, "high", 86)
    # Someone force-pushes main: the commit this run measured is no longer in its history.
    rewriter = clone(remote, "rewriter", 0)
    git(rewriter, "commit", "-q", "--amend", "-m", "seed, reworded")
    git(rewriter, "push", "-q", "--force", "origin", "HEAD:main")
    proc = push_update(high)
    assert proc.returncode == 4, proc.stderr  # deferred: a status of its own
    assert "history that does not contain" in proc.stdout
    assert "deferred after 2 attempt(s)" in proc.stdout
    assert bar_on(remote) == {"threshold": 50, "baseline": 55}


def test_race__a_newer_unreadable_pyproject_defers(remote):
    high = clone(remote, "high", 86)
    push_commit(remote, {"pyproject.toml": PYPROJECT + "[broken\n"}, "Break the TOML")
    proc = push_update(high)
    assert proc.returncode == 4, proc.stderr  # deferred: a status of its own
    assert "which changes pyproject.toml;" in proc.stdout
    assert "deferred after 2 attempt(s)" in proc.stdout


def test_detached_head_needs_a_branch(remote):
    work = clone(remote, "work", 80)
    git(work, "checkout", "-q", "--detach")
    proc = push_update(work)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "ratchet: error: HEAD is detached: name the branch to push to with --branch"
    )


def test_race__a_newer_docs_commit_is_no_reason_to_defer(remote, tmp_path):
    """A README commit pushed between the raising merge and its job: the raise is recorded on
    top of it (issue 21, item 4), not left for a job that [skip ci] may never run."""
    high = clone(remote, "high", 86)
    docs = push_commit(remote, {"README.txt": "more docs\n", "docs/guide.md": "# Guide\n"}, "docs")
    output = tmp_path / "github-output"
    proc = push_update(high, GITHUB_OUTPUT=str(output))
    assert proc.returncode == 0, proc.stderr
    assert (
        "coverage-ratchet: origin/main moved on by commits that change none of what this run "
        "measured (README.txt, docs/guide.md); recording on its new tip\n"
    ) in proc.stdout
    assert "pushed after 2 attempt(s)" in proc.stdout
    assert git(remote, "rev-parse", "main~1").strip() == docs
    assert bar_on(remote) == {"threshold": 85, "baseline": exact(86)}
    assert "update-result<<" in output.read_text() and "\npushed\n" in output.read_text()


@pytest.mark.parametrize(
    ("files", "shown"),
    [
        ({"test_a.py": "def test(): pass\n"}, "test_a.py"),  # a test: the report's kind
        ({"setup.cfg": "[coverage:run]\nbranch = true\n"}, "setup.cfg"),  # coverage's config
        ({".github/workflows/ci.yml": "on: push\n"}, ".github/workflows/ci.yml"),  # CI's
        ({"README.txt": "x\n", "a.py": "y = 2\n"}, "a.py"),  # docs and code: the code
    ],
)
def test_race__a_newer_commit_that_may_move_coverage_defers_with_status_4(
    remote, tmp_path, files, shown
):
    high = clone(remote, "high", 86)
    tip = push_commit(remote, files, "may move coverage")
    output = tmp_path / "github-output"
    proc = push_update(high, GITHUB_OUTPUT=str(output), GITHUB_ACTIONS="true")
    assert proc.returncode == 4, proc.stderr
    assert f"main moved on to {tip[:12]}, which changes {shown};" in proc.stdout
    assert "::warning::coverage-ratchet: origin/main moved on to" in proc.stdout
    assert "\ndeferred\n" in output.read_text()
    assert git(remote, "rev-parse", "main").strip() == tip
