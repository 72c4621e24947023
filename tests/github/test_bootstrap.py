"""The Action's launcher (ratchet/github/bootstrap.py): a private venv from the hashed lock,
built once per interpreter and lock, then ``ratchet action`` in it, from the checkout."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ratchet.github import bootstrap
from tests.conftest import REPO, clean_env
from tests.github.conftest import VENV_BIN

SCRIPT = REPO / "ratchet" / "github" / "bootstrap.py"


# -- pieces --------------------------------------------------------------------------------------


@pytest.mark.unit
def test_digest__parts_cannot_run_into_each_other():
    assert bootstrap.digest(b"ab", b"c") != bootstrap.digest(b"a", b"bc")
    assert bootstrap.digest(b"ab", b"c") == bootstrap.digest(b"ab", b"c")
    assert len(bootstrap.digest(b"")) == 16


@pytest.mark.unit
def test_ensure__builds_once_then_reuses(tmp_path):
    built: list[Path] = []

    def build(path: Path) -> None:
        built.append(path)
        (path / "thing").write_text("made")

    final = tmp_path / "venv-x"
    assert bootstrap.ensure(final, build) is True
    assert bootstrap.ensure(final, build) is False
    assert len(built) == 1
    assert built[0] != final  # built aside, then renamed into place
    assert (final / "thing").read_text() == "made"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["venv-x"]  # nothing left over


@pytest.mark.unit
def test_ensure__a_half_built_directory_is_built_again(tmp_path):
    final = tmp_path / "venv-x"
    final.mkdir()
    (final / "junk").write_text("a build that died")  # no COMPLETE marker
    assert bootstrap.ensure(final, lambda p: (p / "thing").touch()) is True
    assert sorted(p.name for p in final.iterdir()) == [bootstrap.COMPLETE, "thing"]


@pytest.mark.unit
def test_ensure__a_failed_build_leaves_nothing(tmp_path):
    def build(path: Path) -> None:
        (path / "half").write_text("")
        raise bootstrap.SetupError("no network")

    with pytest.raises(bootstrap.SetupError):
        bootstrap.ensure(tmp_path / "venv-x", build)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.unit
def test_ensure__another_job_that_finished_first_wins(tmp_path):
    final = tmp_path / "venv-x"

    def build(path: Path) -> None:
        (path / "mine").write_text("")
        final.mkdir()  # meanwhile, another job on this runner completed the same build
        (final / "theirs").write_text("")
        (final / bootstrap.COMPLETE).touch()

    assert bootstrap.ensure(final, build) is True
    assert sorted(p.name for p in final.iterdir()) == [bootstrap.COMPLETE, "theirs"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["venv-x"]


@pytest.mark.unit
def test_cache_dir__the_tool_cache_else_the_temp_directory(tmp_path):
    tools, temp = tmp_path / "tools", tmp_path / "temp"
    env = {"RUNNER_TOOL_CACHE": str(tools), "RUNNER_TEMP": str(temp)}
    assert bootstrap.cache_dir(env) == tools / "coverage-ratchet"
    (tmp_path / "file").write_text("not a directory")
    env["RUNNER_TOOL_CACHE"] = str(tmp_path / "file")
    assert bootstrap.cache_dir(env) == temp / "coverage-ratchet"


@pytest.mark.unit
def test_launch_env__ratchet_from_the_checkout_and_nothing_else(tmp_path):
    env = bootstrap.launch_env(
        {"PATH": "/bin", "PYTHONPATH": "/elsewhere", "PYTHONHOME": "/x", "VIRTUAL_ENV": "/v"}
    )
    assert env == {
        "PATH": "/bin",
        "PYTHONPATH": str(REPO),
        "PYTHONSAFEPATH": "1",
        "PYTHONUTF8": "1",
        "PYTHONNOUSERSITE": "1",
    }


@pytest.mark.unit
def test_pinned_uv__the_version_of_the_lock():
    assert bootstrap.pinned_uv() == bootstrap.uv_version(str(VENV_BIN / "uv"))


# -- the launcher as the runner runs it ---------------------------------------------------------


def launch(cwd: Path, cache: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = clean_env(
        **{
            "RUNNER_TOOL_CACHE": str(cache),
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
            "UV_OFFLINE": "1",  # the pinned wheels are in uv's cache: `make` installed them
            "PYTHONPATH": "/nowhere",  # the job's own: never reaches ratchet
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


def venv_python(cache: Path) -> Path:
    (venv,) = (cache / "coverage-ratchet").glob("venv-*")
    return bootstrap.venv_python(venv)


@pytest.mark.integration
@pytest.mark.slow
def test_launch__builds_the_locked_venv_once_and_runs_ratchet_from_the_checkout(tmp_path):
    cache, work = tmp_path / "tools", tmp_path / "work"
    work.mkdir()
    if sys.version_info >= (3, 11):  # PYTHONSAFEPATH: a `ratchet` of the user's is not run
        (work / "ratchet").mkdir()
        (work / "ratchet" / "__init__.py").write_text("raise SystemExit('the wrong ratchet')\n")
    first = launch(work, cache, RATCHET_MODE="deploy")
    assert first.returncode == 2  # ratchet action's own answer, passed on
    assert "::error title=coverage-ratchet::mode must be check, update or comment" in first.stdout
    assert first.stdout.startswith("coverage-ratchet: set up ")
    assert "the wrong ratchet" not in first.stderr

    python = venv_python(cache)
    pins = subprocess.run(
        [str(python), "-I", "-c", PINS], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(pins) == locked_here()  # exactly the lock: no ratchet, no pip, no uv

    second = launch(work, cache, RATCHET_MODE="deploy")
    assert second.stdout.startswith("coverage-ratchet: reused ")
    assert second.returncode == 2
    assert [p.name for p in (cache / "coverage-ratchet").iterdir()] == [python.parent.parent.name]


def locked_here() -> dict[str, str]:
    """The lock's pins for this Python (its only markers: python_full_version vs 3.11)."""
    pins = {}
    for line in bootstrap.LOCK.read_text().splitlines():
        m = re.match(r"([\w.-]+)==(\S+)(?: ; python_full_version ([<>=]+) '3\.11')?", line)
        if m and (m[3] is None or (sys.version_info >= (3, 11)) == (m[3] == ">=")):
            pins[m[1]] = m[2]
    return pins


PINS = """
import json
from importlib.metadata import distributions
print(json.dumps({d.metadata["Name"]: d.version for d in distributions()}))
"""


@pytest.mark.integration
def test_launch__no_pinned_uv_to_be_had_is_exit_2_with_the_reason(tmp_path):
    other = tmp_path / "bin"
    other.mkdir()
    uv = other / "uv"
    uv.write_text("#!/bin/sh\necho 'uv 0.0.1'\n")  # another version: not used
    uv.chmod(0o755)
    proc = launch(
        tmp_path,
        tmp_path / "tools",
        PATH=f"{other}{os.pathsep}/usr/bin{os.pathsep}/bin",
        PIP_NO_INDEX="1",  # and pip cannot fetch the pinned one
        PIP_CONFIG_FILE=os.devnull,
        PIP_FIND_LINKS="",
    )
    assert proc.returncode == 2
    version = bootstrap.pinned_uv()
    assert f"::error title=coverage-ratchet::could not install uv {version} with pip: " in (
        proc.stdout
    )
    assert f"ratchet: error: could not install uv {version} with pip" in proc.stderr
    leftovers = list((tmp_path / "tools" / "coverage-ratchet").iterdir())
    assert leftovers == []  # nothing half-built is left to be mistaken for a venv


@pytest.mark.unit
def test_main__what_nobody_foresaw_is_exit_3_never_1(capsys):
    # A NUL byte in a path is a ValueError, not an OSError: no handled case covers it.
    assert bootstrap.main({"RUNNER_TOOL_CACHE": "/tmp/a\0b"}) == bootstrap.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "ValueError" in err
    assert "ratchet: internal error" in err
