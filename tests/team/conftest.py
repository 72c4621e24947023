"""A team's repository: a bare "origin", clones for each developer and for CI, the project
of ``model`` in them, the bar recorded by ``ratchet init`` and pushed to main. Each test gets
a copy of one template (made once per module); git and ratchet are real, ratchet runs
in-process, and the reports are the model's (what coverage.py writes for the tree:
``test_model.py``)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ratchet.commands import push_update
from tests.conftest import Result, clean_env, git, run_in_process
from tests.team import model

REPORT = "coverage.lcov"
DRIVER = f"{sys.executable} -m ratchet merge-driver %O %A %B %L %P"
PYPROJECT = '[project]\nname = "shop"\n'

# core: 19 of 23 lines (core_c never called); util: 14 of 14. The total 33/37, 89.19%.
MAIN = model.Tree(
    modules={
        "core": [("core_a", 8), ("core_b", 8), ("core_c", 4)],
        "util": [("util_a", 6), ("util_b", 6)],
    },
    tests={"core": ["core.core_a", "core.core_b"], "util": ["util.util_a", "util.util_b"]},
)


@contextlib.contextmanager
def pinned(cwd: Path) -> Iterator[None]:
    """The environment ``run_ratchet`` pins (no user git config, no CI variables), and
    ``cwd``, for a command function called directly."""
    env = clean_env()
    with pytest.MonkeyPatch.context() as m:
        for k in list(os.environ):
            if k.startswith(("GITHUB_", "RUNNER_")) or k == "CI":
                m.delenv(k)
        for k, v in env.items():
            if k.startswith("GIT_"):
                m.setenv(k, v)
        m.chdir(cwd)
        yield


@dataclass
class Clone:
    path: Path

    def git(self, *args: str) -> str:
        return git(self.path, *args)

    def tree(self) -> model.Tree:
        return model.read(self.path)

    def save(self, tree: model.Tree, message: str) -> str:
        """The tree written and committed; the commit."""
        model.write(self.path, tree)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def measure(self) -> None:
        """What the tests measure on the checked-out tree, as coverage.py writes it."""
        (self.path / REPORT).write_text(model.lcov(self.tree()))

    def ratchet(self, *args: str, env: dict[str, str] | None = None) -> Result:
        return run_in_process(*args, cwd=self.path, env=env)

    def check_pr(self, *, base: str = "origin/main", fmt: str = "text") -> Result:
        """A pull request's job: measure, then hold the change to the base's bar as origin has
        it now (CI fetches it)."""
        self.git("fetch", "-q", "origin")
        self.measure()
        args = ("--baseline-ref", base, "--diff", base, "--format", fmt)
        return self.ratchet("check", *args, REPORT)

    def check_own(self) -> Result:
        """main's own check: its report against the bar it records."""
        self.measure()
        return self.ratchet("check", REPORT)

    def push_update(self, **env: str) -> int:
        """main's update job on the checked-out commit (``push-update`` in-process, with no
        back-off between attempts); its exit code."""
        self.measure()
        with pinned(self.path), pytest.MonkeyPatch.context() as m:
            for k, v in env.items():
                m.setenv(k, v)
            return push_update.run((Path(REPORT),), config_path=None, sleep=lambda _: None)

    def sync(self, branch: str = "main") -> None:
        """Fetch, and check out origin's ``branch`` afresh (as a CI job does)."""
        self.git("fetch", "-q", "origin")
        self.git("checkout", "-q", "-f", "-B", branch, f"origin/{branch}")
        self.git("clean", "-q", "-fd")


@dataclass
class Team:
    root: Path
    origin: Path

    def clone(self, name: str) -> Clone:
        path = self.root / name
        git(self.root, "clone", "-q", str(self.origin), str(path))
        git(path, "config", "merge.ratchet.driver", DRIVER)
        return Clone(path)

    def main(self) -> str:
        return git(self.origin, "rev-parse", "main").strip()

    def show(self, path: str, rev: str = "main") -> str:
        return git(self.origin, "show", f"{rev}:{path}")


def make_template(
    root: Path, tree: model.Tree, *, init_args: tuple[str, ...] = (), pyproject: str = PYPROJECT
) -> Team:
    origin = root / "origin.git"
    git(root, "init", "-q", "--bare", "-b", "main", str(origin))
    seed = Clone(root / "seed")
    git(root, "clone", "-q", str(origin), str(seed.path))
    (seed.path / "pyproject.toml").write_text(pyproject)
    (seed.path / ".gitignore").write_text(f"{REPORT}\n")
    (seed.path / "README.md").write_text("# shop\n")
    model.write(seed.path, tree)
    seed.measure()
    r = seed.ratchet("init", REPORT, *init_args)
    assert r.code == 0, r
    seed.git("add", "-A")
    seed.git("commit", "-q", "-m", "the bar")
    seed.git("push", "-q", "origin", "HEAD:main")
    shutil.rmtree(seed.path)
    return Team(root, origin)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Team:
    return make_template(tmp_path_factory.mktemp("team"), MAIN)


@pytest.fixture
def team(template: Team, tmp_path: Path) -> Team:
    shutil.copytree(template.origin, tmp_path / "origin.git", symlinks=True)
    return Team(tmp_path, tmp_path / "origin.git")


MakeTeam = Callable[..., Team]
