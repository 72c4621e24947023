"""The Action's entry: a private venv of the hashed lock, made by uv, then ``ratchet action``
in it, run from the action's own checkout.

action.yml runs it as a script with the Python actions/setup-python set up, after
astral-sh/setup-uv handed out the pinned uv (both by commit SHA, with their versions)::

    "$RATCHET_PYTHON" -I "$GITHUB_ACTION_PATH/ratchet/github/launch.py"

So it uses the standard library only, and installs nothing itself: ``uv venv`` makes the
venv, ``uv pip sync --require-hashes`` fills it with exactly ``requirements/action.txt``
(every file checked against the lock's sha256), and ratchet is imported from the checkout
(``PYTHONPATH``): nothing is built.

What it trusts and what it does not (docs/action.md, "Threat model"): the interpreter and
uv the runner handed out, and the lock in this checkout; never a cache. Each job starts from
a directory of its own that it creates under ``RUNNER_TEMP`` with a random name (``mkdtemp``:
nothing can be planted there ahead of it), with uv's cache inside it; the job's own uv cache
(``UV_CACHE_DIR``, ``~/.cache/uv``) and any venv left by another job are never used. A second
call in the same job reuses that directory: its path is handed on through ``GITHUB_ENV``,
which only the job's own steps write. Outside a runner the directory is removed afterwards.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the action's checkout
LOCK = ROOT / "requirements" / "action.txt"
TITLE = "coverage-ratchet"
REUSE = "COVERAGE_RATCHET_RUNTIME"  # the job's runtime directory, for its next call
PREFIX = ".coverage-ratchet-runtime-"  # a result dir is coverage-ratchet[-<id>]: no clash
KEY = "key"  # written last: which lock and interpreter the venv holds
EXIT_ERROR = 2
EXIT_INTERNAL = 3
MIN_PYTHON = (3, 10)
# What would make a Python other than the venv's, or modules other than ours, run.
PYTHON_VARIABLES = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONINSPECT", "VIRTUAL_ENV")


class SetupError(Exception):
    """The runtime could not be set up: exit 2 with this message, never a traceback."""


def annotate(message: str) -> None:
    text = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    print(f"::error title={TITLE}::{text}", flush=True)


def key(lock: Path) -> str:
    """The lock's content and the interpreter: what makes one venv differ from another."""
    h = hashlib.sha256(lock.read_bytes())
    for part in (sys.version, sys.executable, platform.machine()):
        h.update(b"\0" + part.encode())
    return h.hexdigest()


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def executable(path: str, windows: bool = os.name == "nt") -> str:
    """setup-uv names uv without its ``.exe`` on Windows, which CreateProcess does not add
    to a name with a directory in it."""
    if windows and not Path(path).suffix and Path(path + ".exe").is_file():
        return path + ".exe"
    return path


def uv_env(env: Mapping[str, str], home: Path) -> dict[str, str]:
    """uv's environment: the job's (an index or mirror it names is fine: the hashes are the
    lock's), less the token and the Python variables, with a cache of this job's own."""
    out = {k: v for k, v in env.items() if k not in (*PYTHON_VARIABLES, "GITHUB_TOKEN")}
    out["UV_CACHE_DIR"] = str(home / "uv-cache")
    out["UV_PYTHON_DOWNLOADS"] = "never"  # the interpreter is the one given, or nothing
    out.pop("UV_NO_CACHE", None)
    if not (env.get("UV_DEFAULT_INDEX") or env.get("UV_INDEX_URL")) and env.get("PIP_INDEX_URL"):
        out["UV_DEFAULT_INDEX"] = env["PIP_INDEX_URL"]  # a job that names pip's mirror only
    # The platform's certificates, as pip uses them: a runner behind a proxy that re-signs
    # TLS trusts its CA there, not in uv's built-in roots (the variable's old and new name).
    out.setdefault("UV_NATIVE_TLS", "1")
    out.setdefault("UV_SYSTEM_CERTS", "1")
    return out


def run_uv(args: list[str], env: Mapping[str, str], what: str) -> None:
    proc = subprocess.run(
        args,
        env=dict(env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        said = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        raise SetupError(f"could not {what}: {said[-1] if said else f'uv exit {proc.returncode}'}")


def build(home: Path, uv: str, env: Mapping[str, str], lock: Path) -> None:
    """The venv at ``home/venv``: exactly the lock, for this interpreter."""
    venv = home / "venv"
    environment = uv_env(env, home)
    # --no-config: no uv.toml or pyproject.toml of the user's (or of this directory) applies.
    run_uv(
        [uv, "venv", "--quiet", "--no-config", "--python", sys.executable, str(venv)],
        environment,
        f"make a venv with {uv}",
    )
    # sync, not install: exactly the lock, nothing resolved. --only-binary: nothing is built.
    sync = [uv, "pip", "sync", "--quiet", "--no-config", "--python", str(venv_python(venv))]
    sync += ["--require-hashes", "--only-binary", ":all:", str(lock)]
    run_uv(sync, environment, f"install {lock.name} (the hashed lock) with uv")
    (home / KEY).write_text(key(lock), encoding="utf-8")


def reusable(env: Mapping[str, str], lock: Path) -> Path | None:
    """The directory an earlier call of this job built for the same lock and interpreter."""
    named = env.get(REUSE, "")
    if not named:
        return None
    home = Path(named)
    try:
        same = (home / KEY).read_text(encoding="utf-8") == key(lock)
    except OSError:
        return None
    return home if same and venv_python(home / "venv").is_file() else None


def hand_on(env: Mapping[str, str], home: Path) -> None:
    """Name the directory to the job's next steps (GITHUB_ENV), so a second call reuses it."""
    path = env.get("GITHUB_ENV", "")
    if path and "\n" not in str(home):
        with Path(path).open("a", encoding="utf-8") as f:
            f.write(f"{REUSE}={home}\n")


def launch_env(env: Mapping[str, str]) -> dict[str, str]:
    """ratchet from the checkout, first on the path; the working directory never ahead of it
    (3.11+: a ``ratchet`` package in the user's repository is not imported instead); UTF-8
    output on every OS (Windows would write the console's code page into the log)."""
    out = {k: v for k, v in env.items() if k not in PYTHON_VARIABLES}
    out.update(
        {"PYTHONPATH": str(ROOT), "PYTHONSAFEPATH": "1", "PYTHONUTF8": "1", "PYTHONNOUSERSITE": "1"}
    )
    return out


def main(env: Mapping[str, str] | None = None, lock: Path = LOCK) -> int:
    env = dict(os.environ) if env is None else dict(env)
    on_runner = bool(env.get("RUNNER_TEMP"))
    home: Path | None = None
    try:
        if sys.version_info < MIN_PYTHON:
            raise SetupError(
                f"coverage-ratchet needs Python {'.'.join(map(str, MIN_PYTHON))} or newer, "
                f"not {platform.python_version()}: change python-version"
            )
        uv = executable(env.get("RATCHET_UV", ""))
        if not uv:
            raise SetupError("no uv: RATCHET_UV names none (action.yml's setup-uv step gives it)")
        start = time.monotonic()
        home = reusable(env, lock)
        if home is not None:
            done = f"reused {home}"
        else:
            # A directory of our own, made now, with a name no one could guess ahead of us.
            home = Path(tempfile.mkdtemp(prefix=PREFIX, dir=env.get("RUNNER_TEMP") or None))
            try:
                build(home, uv, env, lock)
            except BaseException:
                shutil.rmtree(home, ignore_errors=True)  # nothing half-built is left
                raise
            if on_runner:
                hand_on(env, home)
            done = f"set up {home} with uv from {lock.name}"
        print(f"coverage-ratchet: {done} in {time.monotonic() - start:.2f} s", flush=True)
        proc = subprocess.run(
            [str(venv_python(home / "venv")), "-m", "ratchet", "action"],
            env=launch_env(env),
            check=False,
        )
    except SetupError as e:
        annotate(str(e))
        print(f"ratchet: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as e:
        annotate(f"could not set up coverage-ratchet: {e}")
        print(f"ratchet: error: could not set up coverage-ratchet: {e}", file=sys.stderr)
        return EXIT_ERROR
    except Exception:  # a bug: Python's own exit code would be 1, a "regression"
        import traceback

        traceback.print_exc()
        print(
            "ratchet: internal error (a bug in coverage-ratchet; please report it)", file=sys.stderr
        )
        return EXIT_INTERNAL
    finally:
        if home is not None and not on_runner:
            shutil.rmtree(home, ignore_errors=True)
    # A signal's death (negative on POSIX) is no verdict: never 0 or 1.
    return proc.returncode if proc.returncode in range(256) else EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
