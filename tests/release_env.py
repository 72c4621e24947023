"""The package as users get it, shared by test_release.py and test_precommit.py.

- ``source_tree``: a git repository holding the project's files as git sees them (tracked,
  plus new files not ignored): what a clone at a release tag holds, without the build
  output, venv and reports that lie around a working tree.
- ``built_dist``: the sdist and the wheel ``python -m build`` makes from that tree.
- ``wheelhouse``: the locked runtime dependencies (requirements/action.txt, by hash) and
  the locked setuptools as wheel files, so that pip in pre-commit's hook environment and uv
  under pipx install from it with no index.
- ``install_env``: a subprocess environment that points pip, uv, pre-commit and pipx at
  the wheelhouse and at folders of the test run, never at the user's.

Each is made once per test run by whichever xdist worker asks first (a file lock each),
except the wheelhouse: it is kept in pytest's cache, once per lock. It is the one thing
that needs the package index, and a failure to reach it says so.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

from tests.conftest import REPO, clean_env, git, unmeasured_env

VENV_BIN = Path(sys.executable).parent


def shared_dir(factory: pytest.TempPathFactory) -> Path:
    """A folder of this test run that every xdist worker sees (each worker's basetemp is a
    subfolder of the run's)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once(path: Path, make: Callable[[Path], None]) -> Path:
    """``path``, made by ``make(folder)`` in a fresh folder the first time anyone asks."""
    with FileLock(f"{path}.lock"):
        if not path.exists():
            work = path.with_name(f"{path.name}.partial")
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            make(work)
            work.rename(path)
    return path


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300):
    proc = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env or unmeasured_env(),
        timeout=timeout,
        check=False,
    )
    print(f"$ {' '.join(map(str, args))}\n-> {proc.returncode}\n{proc.stdout}{proc.stderr}")
    return proc


def _copy_source(dest: Path) -> None:
    listed = git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for rel in filter(None, listed.split("\0")):
        src = REPO / rel
        if src.is_file():  # a tracked file deleted in the working tree is gone
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A", "--force")
    git(dest, "commit", "-q", "-m", "the working tree of the project under test")


@dataclass(frozen=True)
class SourceTree:
    path: Path
    rev: str


def source_tree(factory: pytest.TempPathFactory) -> SourceTree:
    path = once(shared_dir(factory) / "source", _copy_source)
    return SourceTree(path, git(path, "rev-parse", "HEAD").strip())


@dataclass(frozen=True)
class Dist:
    sdist: Path
    wheel: Path

    def wheel_names(self) -> list[str]:
        with zipfile.ZipFile(self.wheel) as z:
            return z.namelist()

    def wheel_metadata(self) -> str:
        with zipfile.ZipFile(self.wheel) as z:
            (meta,) = (n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
            return z.read(meta).decode()

    @property
    def version(self) -> str:
        m = re.search(r"^Version: (\S+)$", self.wheel_metadata(), re.M)
        assert m, "the wheel's METADATA has no Version"
        return m[1]


def built_dist(factory: pytest.TempPathFactory) -> Dist:
    source = source_tree(factory).path

    def build(out: Path) -> None:
        # --no-isolation: the locked setuptools of the venv, nothing fetched (as release.yml).
        # A copy of the tree, so the build's egg-info stays out of the hook's repository.
        tree = out.parent / "build-tree"
        shutil.rmtree(tree, ignore_errors=True)
        shutil.copytree(source, tree, ignore=shutil.ignore_patterns(".git"))
        proc = run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, tree, cwd=tree)
        assert proc.returncode == 0, proc.stderr

    dist = once(shared_dir(factory) / "dist", build)
    (sdist,) = dist.glob("*.tar.gz")
    (wheel,) = dist.glob("*.whl")
    return Dist(sdist, wheel)


def _locked(path: Path, name: str) -> str:
    """One pinned requirement with its hashes, as the lock file spells it."""
    pin = rf"^{re.escape(name)}==\S+(?: ;[^\\\n]*)? \\\n(?:    --hash=\S+(?: \\)?\n)+"
    m = re.search(pin, path.read_text(), re.M)
    assert m, f"{name} is not pinned in {path.name}"
    return m[0]


def wheelhouse(root: Path) -> Path:
    """Kept in pytest's cache between runs, under a name that changes with the lock and
    the interpreter: the index is asked once per lock (on CI, once per run), and the hashes
    are checked then."""
    reqs = (REPO / "requirements" / "action.txt").read_text()
    # The hook's repository is built in an isolated environment: setuptools too.
    reqs += _locked(REPO / "requirements" / "dev.txt", "setuptools")
    # Wheels with compiled code (coverage) differ by Python and platform.
    root = root / f"{sys.implementation.cache_tag}-{sysconfig.get_platform()}"
    root.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(reqs.encode()).hexdigest()[:16]

    def download(out: Path) -> None:
        for old in root.iterdir():  # an older lock's wheels
            if not old.name.startswith(key):
                shutil.rmtree(old) if old.is_dir() else old.unlink()
        (out / "requirements.txt").write_text(reqs)
        # The user's pip configuration stays: it says how this machine reaches the index.
        proc = run(
            sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
            "--require-hashes", "--only-binary", ":all:", "--no-deps", "--timeout", "20",
            "--retries", "1", "--dest", out, "--requirement", out / "requirements.txt",
            cwd=out, env={**os.environ},
        )  # fmt: skip
        if proc.returncode != 0:
            pytest.fail(
                "could not download the locked runtime wheels (requirements/action.txt) from "
                "the package index; the pre-commit and pipx tests install from them, and "
                f"keep them in .pytest_cache:\n{proc.stderr[-2000:]}",
                pytrace=False,
            )

    return once(root / key, download)


_TOOL_PREFIXES = ("PIP_", "PIPX_", "UV_", "PRE_COMMIT", "VIRTUALENV_", "COVERAGE_")


def install_env(config: pytest.Config, factory: pytest.TempPathFactory, **extra: str):
    """Installs go to the wheelhouse only (no index), every cache and home into the run's
    folders. The hook's and pipx's ratchet are not measured: they are installed copies."""
    cache: pytest.Cache | None = getattr(config, "cache", None)  # None: -p no:cacheprovider
    shared = shared_dir(factory)
    wheels = str(wheelhouse(cache.mkdir("wheelhouse") if cache else shared / "wheelhouse"))
    env: dict[str, str] = {k: v for k, v in clean_env().items() if not k.startswith(_TOOL_PREFIXES)}
    env.update(
        {
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": wheels,
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "UV_NO_CONFIG": "1",
            "UV_OFFLINE": "1",
            "UV_FIND_LINKS": wheels,
            "UV_CACHE_DIR": str(shared / "uv-cache"),
            "UV_PYTHON_DOWNLOADS": "never",
            "VIRTUALENV_NO_PERIODIC_UPDATE": "1",
            # pre-commit's store locks itself, so the workers share one hook environment.
            "PRE_COMMIT_HOME": str(shared / "pre-commit-home"),
        }
    )
    env.update(extra)
    return env
