"""The Action's first and only process: a private venv holding the pinned runtime
dependencies, then ``ratchet action`` in it, run from the action's own checkout.

action.yml runs it with the Python that actions/setup-python set up, as a script, on every
runner OS::

    "$RATCHET_PYTHON" -I "$GITHUB_ACTION_PATH/ratchet/github/bootstrap.py"

So it uses the standard library only. Nothing is built: the dependencies install as wheels
from ``requirements/action.txt``, every one checked against its hash, by ``uv pip sync``
(uv itself pinned by hash in ``requirements/uv.txt``, installed with the interpreter's pip
when no uv of that version is on PATH); ratchet is imported from the checkout
(``PYTHONPATH``).

Cold, that costs about a second (benchmarks/README.md, "The Action"). The venv is keyed by
the lock's content and the interpreter and kept in the runner's tool cache, so a second call
in the same job reuses it, and so does every later job on a runner that keeps its tool cache
(a self-hosted one): the warm path. A venv is only ever used once complete; one being built
elsewhere at the same time costs a second build, never a broken venv.
"""

from __future__ import annotations

import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import venv
from collections.abc import Callable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the action's checkout
LOCK = ROOT / "requirements" / "action.txt"
UV_LOCK = ROOT / "requirements" / "uv.txt"
CACHE = "coverage-ratchet"
COMPLETE = ".complete"  # written last: a directory without it is never used
TITLE = "coverage-ratchet"
EXIT_ERROR = 2
EXIT_INTERNAL = 3
MIN_PYTHON = (3, 10)


class SetupError(Exception):
    """The runtime could not be set up: exit 2 with this message, never a traceback."""


def annotate(message: str) -> None:
    text = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    print(f"::error title={TITLE}::{text}", flush=True)


def digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()[:16]


def interpreter() -> bytes:
    """What makes a venv of this interpreter different from another's."""
    return "\0".join(
        (sys.implementation.cache_tag or "", sys.version, sys.executable, platform.machine())
    ).encode()


def cache_dir(env: Mapping[str, str]) -> Path:
    """Where venvs are kept: the runner's tool cache (kept between jobs on self-hosted
    runners), else its temp directory (emptied after each job), else the system's."""
    for name in ("RUNNER_TOOL_CACHE", "RUNNER_TEMP"):
        if env.get(name):
            path = Path(env[name]) / CACHE
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError:
                continue
            if os.access(path, os.W_OK):
                return path
    path = Path(tempfile.gettempdir()) / CACHE
    path.mkdir(parents=True, exist_ok=True)
    return path


def venv_python(directory: Path) -> Path:
    if os.name == "nt":
        return directory / "Scripts" / "python.exe"
    return directory / "bin" / "python"


def ensure(final: Path, build: Callable[[Path], None]) -> bool:
    """``final`` built by ``build`` unless already complete; True when it was built now.
    Built aside and renamed into place, so no reader sees half a directory."""
    if (final / COMPLETE).is_file():
        return False
    work = Path(tempfile.mkdtemp(prefix=f"{final.name}.", dir=final.parent))
    try:
        build(work)
        (work / COMPLETE).touch()
        if (final / COMPLETE).is_file():
            return True  # another job on this runner finished the same build first
        if final.exists():  # a build that died half-way
            shutil.rmtree(final, ignore_errors=True)
        try:
            work.rename(final)
        except OSError:
            if not (final / COMPLETE).is_file():
                raise
            # Another job finished it between the look and the rename: use its copy.
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return True


def clean_env(env: Mapping[str, str]) -> dict[str, str]:
    """The job's environment without what would make a Python other than the one we chose
    (or modules other than ours) run."""
    drop = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONINSPECT", "VIRTUAL_ENV")
    return {k: v for k, v in env.items() if k not in drop}


def run_tool(args: list[str], env: Mapping[str, str], what: str) -> None:
    proc = subprocess.run(
        args,
        env=dict(env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
        cwd=tempfile.gettempdir(),  # no project configuration (pip.conf, uv.toml) from here
    )
    if proc.returncode != 0:
        said = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SetupError(f"could not install {what}: {said[-1] if said else proc.returncode}")


def pinned_uv(lock: Path = UV_LOCK) -> str:
    m = re.search(r"^uv==(\S+)", lock.read_text(encoding="utf-8"), re.M)
    if m is None:
        raise SetupError(f"{lock} pins no uv version")
    return m.group(1)


def uv_version(exe: str) -> str | None:
    try:
        proc = subprocess.run(
            [exe, "--version"], capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    parts = proc.stdout.split()
    return parts[1] if proc.returncode == 0 and len(parts) >= 2 else None


def find_uv(cache: Path, env: Mapping[str, str]) -> str:
    """The pinned uv: on PATH if that is its version, else installed by pip (from its hashed
    wheel) into the cache, once per runner."""
    version = pinned_uv()
    on_path = shutil.which("uv", path=env.get("PATH"))
    if on_path and uv_version(on_path) == version:
        return on_path
    home = cache / f"uv-{version}-{digest(UV_LOCK.read_bytes(), interpreter())}"

    def build(target: Path) -> None:
        pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile"]
        pip += ["--require-hashes", "--only-binary", ":all:", "--target", str(target)]
        pip_env = {
            **clean_env(env),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
            "PIP_ROOT_USER_ACTION": "ignore",
            "PIP_NO_WARN_SCRIPT_LOCATION": "1",
        }
        run_tool([*pip, "-r", str(UV_LOCK)], pip_env, f"uv {version} with pip")

    ensure(home, build)
    for candidate in ("bin/uv", "bin/uv.exe", "Scripts/uv.exe"):
        if (home / candidate).is_file():
            return str(home / candidate)
    raise SetupError(f"pip installed uv {version}, but its executable is not in {home}")


def ensure_venv(cache: Path, env: Mapping[str, str]) -> tuple[Path, bool]:
    """The venv with the locked dependencies, and whether it was made now."""
    home = cache / f"venv-{digest(LOCK.read_bytes(), interpreter())}"

    def build(target: Path) -> None:
        venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(target)
        uv = find_uv(cache, env)
        # sync, not install: exactly the lock, nothing resolved (so no metadata fetched).
        args = [uv, "pip", "sync", "--quiet", "--no-config", "--python"]
        args += [str(venv_python(target)), "--require-hashes", "--only-binary", ":all:"]
        uv_env = clean_env(env)
        uv_env.setdefault("UV_LINK_MODE", "copy")  # the cache may be on another file system
        # The platform's certificates, as pip uses them: a runner behind a proxy that re-signs
        # TLS trusts its CA there, not in uv's built-in roots (the variable's old and new name).
        uv_env.setdefault("UV_NATIVE_TLS", "1")
        uv_env.setdefault("UV_SYSTEM_CERTS", "1")
        run_tool([*args, str(LOCK)], uv_env, f"coverage-ratchet's dependencies ({LOCK})")

    built = ensure(home, build)
    return venv_python(home), built


def launch_env(env: Mapping[str, str]) -> dict[str, str]:
    """ratchet from the checkout, first on the path; the working directory never ahead of it
    (3.11+: a ``ratchet`` package in the user's repository is not imported instead); UTF-8
    output on every OS (Windows would write the console's code page into the log)."""
    out = clean_env(env)
    out.update(
        {"PYTHONPATH": str(ROOT), "PYTHONSAFEPATH": "1", "PYTHONUTF8": "1", "PYTHONNOUSERSITE": "1"}
    )
    return out


def main(env: Mapping[str, str] | None = None) -> int:
    env = dict(os.environ) if env is None else dict(env)
    try:
        if sys.version_info < MIN_PYTHON:
            raise SetupError(
                f"coverage-ratchet needs Python {'.'.join(map(str, MIN_PYTHON))} or newer, "
                f"not {platform.python_version()}: change python-version"
            )
        start = time.monotonic()
        python, built = ensure_venv(cache_dir(env), env)
        what = "set up" if built else "reused"
        print(
            f"coverage-ratchet: {what} {python.parent.parent} in {time.monotonic() - start:.2f} s"
        )
        sys.stdout.flush()
    except SetupError as e:
        annotate(str(e))
        print(f"ratchet: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as e:
        annotate(f"could not set up coverage-ratchet: {e}")
        print(f"ratchet: error: could not set up coverage-ratchet: {e}", file=sys.stderr)
        return EXIT_ERROR
    except Exception:  # a bug: Python's own exit code would be 1, a "regression"
        traceback.print_exc()
        print(
            "ratchet: internal error (a bug in coverage-ratchet; please report it)", file=sys.stderr
        )
        return EXIT_INTERNAL
    proc = subprocess.run(
        [str(python), "-m", "ratchet", "action"], env=launch_env(env), check=False
    )
    # A signal's death (negative on POSIX) is no verdict: never 0 or 1.
    return proc.returncode if proc.returncode in range(256) else EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
