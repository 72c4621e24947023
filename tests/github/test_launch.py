"""The Action's launcher (ratchet/github/launch.py): a venv of the hashed lock made by uv in
a directory of the job's own, then ``ratchet action`` in it, from the checkout; and no cache
it did not make itself in this job is ever run.

uv is this venv's (requirements/uv.txt's version; action.yml pins another through setup-uv:
``uv venv`` and ``uv pip sync --require-hashes`` behave the same in both), offline, from
the wheels ``make`` downloaded (``UV_FIND_LINKS``)."""

from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ratchet.github import launch
from tests.conftest import REPO, clean_env
from tests.github.conftest import TOKEN, VENV_BIN, Harness, Workspace, offline_wheels

SCRIPT = REPO / "ratchet" / "github" / "launch.py"
UV = str(VENV_BIN / "uv")


def run_launcher(cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """The launcher as action.yml runs it: a script under ``python -I``."""
    env = clean_env(
        **{
            "RATCHET_UV": UV,
            "PYTHONPATH": "/nowhere",  # the job's own: never reaches ratchet
            **offline_wheels(),
            **extra,
        }
    )
    proc = subprocess.run(
        [sys.executable, "-I", str(SCRIPT)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    print(proc.stdout, proc.stderr)
    return proc


PINS = """
import json
from importlib.metadata import distributions
print(json.dumps({d.metadata["Name"]: d.version for d in distributions()}))
"""


def installed(python: Path) -> dict[str, str]:
    """What a venv holds: name -> version."""
    out = subprocess.run(
        [str(python), "-I", "-c", PINS], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout))


def locked_here() -> dict[str, str]:
    """The lock's pins for this Python (its only markers: python_full_version vs 3.11)."""
    pins = {}
    for line in launch.LOCK.read_text().splitlines():
        m = re.match(r"([\w.-]+)==(\S+)(?: ; python_full_version ([<>=]+) '3\.11')?", line)
        if m and (m[3] is None or (sys.version_info >= (3, 11)) == (m[3] == ">=")):
            pins[m[1]] = m[2]
    return pins


@pytest.mark.integration
@pytest.mark.slow
def test_launch__builds_the_lock_in_a_directory_of_the_job_and_reuses_it_in_the_job(tmp_path):
    temp, work = tmp_path / "runner_temp", tmp_path / "work"
    temp.mkdir()
    work.mkdir()
    github_env = tmp_path / "github_env"
    if sys.version_info >= (3, 11):  # PYTHONSAFEPATH: a `ratchet` of the user's is not run
        (work / "ratchet").mkdir()
        (work / "ratchet" / "__init__.py").write_text("raise SystemExit('the wrong ratchet')\n")
    job = {"RUNNER_TEMP": str(temp), "GITHUB_ENV": str(github_env), "RATCHET_MODE": "deploy"}
    first = run_launcher(work, **job)
    assert first.returncode == 2  # ratchet action's own answer, passed on
    assert "::error title=coverage-ratchet::mode must be check, update or comment" in first.stdout
    assert first.stdout.startswith("coverage-ratchet: set up ")
    assert " with uv from action.txt in " in first.stdout
    assert "the wrong ratchet" not in first.stderr

    (home,) = temp.iterdir()
    assert home.name.startswith(launch.PREFIX)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700  # mkdtemp's: the job's alone
    assert (home / "uv-cache").is_dir()  # uv's cache is the job's own too
    assert installed(launch.venv_python(home / "venv")) == locked_here()  # no pip, no ratchet
    assert github_env.read_text() == f"{launch.REUSE}={home}\n"

    second = run_launcher(work, **job, **{launch.REUSE: str(home)})
    assert second.stdout.startswith(f"coverage-ratchet: reused {home} in ")
    assert second.returncode == 2
    assert list(temp.iterdir()) == [home]


@pytest.mark.integration
def test_launch__outside_a_runner_a_private_directory_removed_afterwards(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    proc = run_launcher(tmp_path, TMPDIR=str(temp), RATCHET_MODE="deploy")
    assert proc.returncode == 2
    m = re.match(r"coverage-ratchet: set up (\S+) with uv", proc.stdout)
    assert m is not None
    assert Path(m[1]).parent == temp
    assert Path(m[1]).name.startswith(launch.PREFIX)  # mkdtemp's random name, never a fixed one
    assert list(temp.iterdir()) == []


@pytest.mark.integration
def test_launch__uv_that_cannot_install_the_lock_is_exit_2_and_leaves_nothing(tmp_path):
    temp = tmp_path / "runner_temp"
    temp.mkdir()
    empty = tmp_path / "no-wheels"
    empty.mkdir()
    proc = run_launcher(tmp_path, RUNNER_TEMP=str(temp), UV_FIND_LINKS=str(empty))
    assert proc.returncode == 2
    assert proc.stdout.startswith(
        "::error title=coverage-ratchet::could not install action.txt (the hashed lock) with uv: "
    )
    assert "ratchet: error: could not install action.txt" in proc.stderr
    assert list(temp.iterdir()) == []  # nothing half-built is left


@pytest.mark.unit
def test_main__no_uv_is_exit_2_with_the_reason(capsys):
    assert launch.main({"RUNNER_TEMP": "/nonexistent"}) == 2
    out, err = capsys.readouterr()
    assert out == (
        "::error title=coverage-ratchet::no uv: RATCHET_UV names none "
        "(action.yml's setup-uv step gives it)\n"
    )
    assert err.startswith("ratchet: error: no uv")


@pytest.mark.unit
def test_main__a_runner_temp_that_cannot_be_written_is_exit_2(tmp_path, capsys):
    missing = tmp_path / "gone"
    assert launch.main({"RUNNER_TEMP": str(missing), "RATCHET_UV": UV}) == 2
    assert "could not set up coverage-ratchet: [Errno 2]" in capsys.readouterr().out


@pytest.mark.unit
def test_main__what_nobody_foresaw_is_exit_3_never_1(capsys):
    # A NUL byte in a path is a ValueError, not an OSError: no handled case covers it.
    assert launch.main({"RUNNER_TEMP": "/tmp/a\0b", "RATCHET_UV": UV}) == launch.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "ValueError" in err
    assert "ratchet: internal error" in err


@pytest.mark.unit
def test_reusable__only_what_this_job_named_for_this_lock_and_interpreter(tmp_path):
    home = tmp_path / "runtime"
    python = launch.venv_python(home / "venv")
    python.parent.mkdir(parents=True)
    python.write_text("")
    (home / launch.KEY).write_text(launch.key(launch.LOCK))
    named = {launch.REUSE: str(home)}
    assert launch.reusable(named, launch.LOCK) == home
    assert launch.reusable({}, launch.LOCK) is None  # found, but not named by the job: never
    other = tmp_path / "other.txt"
    other.write_text(launch.LOCK.read_text() + "\n# another lock\n")
    assert launch.reusable(named, other) is None
    (home / launch.KEY).unlink()  # a build that did not finish
    assert launch.reusable(named, launch.LOCK) is None


@pytest.mark.unit
def test_environments__the_token_never_reaches_uv_and_the_job_s_python_never_reaches_ratchet(
    tmp_path,
):
    job = {
        "GITHUB_TOKEN": TOKEN,
        "PYTHONPATH": "/evil",
        "PYTHONHOME": "/evil",
        "VIRTUAL_ENV": "/evil",
        "UV_CACHE_DIR": "/shared/uv",
        "UV_NO_CACHE": "1",
        "UV_DEFAULT_INDEX": "https://mirror.example/simple",
        "PATH": "/usr/bin",
    }
    uv = launch.uv_env(job, tmp_path)
    assert "GITHUB_TOKEN" not in uv
    assert not {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "UV_NO_CACHE"} & set(uv)
    assert uv["UV_CACHE_DIR"] == str(tmp_path / "uv-cache")  # the job's own, never the shared
    assert uv["UV_DEFAULT_INDEX"] == "https://mirror.example/simple"  # the hashes still rule
    assert uv["UV_PYTHON_DOWNLOADS"] == "never"
    pip_only = launch.uv_env({"PIP_INDEX_URL": "https://pip.example/simple"}, tmp_path)
    assert pip_only["UV_DEFAULT_INDEX"] == "https://pip.example/simple"
    ratchet = launch.launch_env(job)
    assert ratchet["PYTHONPATH"] == str(launch.ROOT)
    assert ratchet["PYTHONSAFEPATH"] == "1"
    assert ratchet["GITHUB_TOKEN"] == TOKEN  # ratchet posts the comment with it
    assert not {"PYTHONHOME", "VIRTUAL_ENV"} & set(ratchet)


@pytest.mark.unit
def test_executable__setup_uv_s_name_gets_its_exe_on_windows_only(tmp_path):
    uv = tmp_path / "uv"
    assert launch.executable(str(uv), windows=True) == str(uv)  # no uv.exe there
    (tmp_path / "uv.exe").write_text("")
    assert launch.executable(str(uv), windows=True) == str(uv) + ".exe"
    assert launch.executable(str(uv), windows=False) == str(uv)
    assert launch.executable(str(uv) + ".exe", windows=True) == str(uv) + ".exe"


@pytest.mark.unit
def test_hand_on__names_the_directory_in_github_env_only_where_there_is_one(tmp_path):
    launch.hand_on({}, tmp_path / "runtime")  # no GITHUB_ENV: nothing to write, no error
    github_env = tmp_path / "github_env"
    github_env.write_text("EARLIER=1\n")
    launch.hand_on({"GITHUB_ENV": str(github_env)}, tmp_path / "runtime")
    assert github_env.read_text() == f"EARLIER=1\n{launch.REUSE}={tmp_path / 'runtime'}\n"
    launch.hand_on({"GITHUB_ENV": str(github_env)}, tmp_path / "a\nB=2")  # never a 2nd line
    assert github_env.read_text().count("\n") == 2


# -- poisoned caches: what another job (a pull request's tests) could leave on the runner --------


def poisoned_uv_cache(tmp_path: Path, stolen: Path) -> Path:
    """A uv cache holding the lock's packages, with click (which ratchet imports first)
    changed to write the token it finds to ``stolen``; proved live: a venv uv makes from it
    runs the payload."""
    cache = tmp_path / "shared-uv-cache"
    env = {**clean_env(**offline_wheels()), "UV_CACHE_DIR": str(cache)}
    for n in (1, 2):
        venv = tmp_path / f"venv{n}"
        subprocess.run([UV, "venv", "-q", "--no-config", str(venv)], env=env, check=True)
        sync = [UV, "pip", "sync", "-q", "--no-config", "--python", str(venv / "bin" / "python")]
        subprocess.run([*sync, "--require-hashes", str(launch.LOCK)], env=env, check=True)
        if n == 1:
            (init,) = cache.glob("archive-v0/*/click/__init__.py")
            payload = f"import os\nopen({str(stolen)!r}, 'w').write(os.environ['GITHUB_TOKEN'])\n"
            init.write_text(init.read_text() + payload)
    check = [str(tmp_path / "venv2" / "bin" / "python"), "-c", "import click"]
    subprocess.run(check, env={**env, "GITHUB_TOKEN": "control"}, check=True)
    assert stolen.read_text() == "control"  # uv does install from it unchecked: a live poison
    stolen.unlink()
    return cache


def plant_python(directory: Path, stolen: Path) -> None:
    """A venv's interpreter that steals the token and says all is well."""
    for where in ("bin/python", "Scripts/python.exe"):
        exe = directory / where
        exe.parent.mkdir(parents=True, exist_ok=True)
        exe.write_text(f'#!/bin/sh\nprintf %s "$GITHUB_TOKEN" > {stolen}\nexit 0\n')
        exe.chmod(0o755)


@pytest.mark.integration
@pytest.mark.slow
def test_action__a_planted_cache_never_runs(tmp_path, workspace: Workspace, fake_github):
    stolen = tmp_path / "stolen"
    harness = Harness(workspace.root, tmp_path / "runner_temp", fake_github.url, None)
    harness.temp.mkdir()
    # The venv cache of the hand-written bootstrap this launcher replaced: its directory name
    # was predictable, and a complete-looking one was used as found.
    old = harness.tool_cache / "coverage-ratchet" / "venv-0123456789abcdef"
    plant_python(old, stolen)
    (old / ".complete").touch()
    # What an artifact unpacked into RUNNER_TEMP could hold: a runtime directory with the
    # right key, but one no call of this job made (nor named in GITHUB_ENV).
    planted = harness.temp / f"{launch.PREFIX}planted"
    plant_python(planted / "venv", stolen)
    (planted / launch.KEY).write_text(launch.key(launch.LOCK))
    # The shared uv cache, as the job names it and as uv would find it by default.
    cache = poisoned_uv_cache(tmp_path, stolen)
    xdg = tmp_path / "xdg"
    xdg.mkdir()
    (xdg / "uv").symlink_to(cache)

    workspace.configure(threshold=50)
    workspace.write_report({"a.py": (60, 40)})
    workspace.commit()
    run = harness.run(
        {"coverage-files": "coverage.json", "baseline-ref": "none"},
        env={"UV_CACHE_DIR": str(cache), "XDG_CACHE_HOME": str(xdg)},
    )
    assert run.code == 0, run
    assert run.outputs["status"] == "pass"  # the real ratchet ran
    assert not stolen.exists()
    assert "coverage-ratchet: set up " in run.stdout
