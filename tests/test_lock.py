"""The lock files agree with what they lock: every dependency pyproject.toml (and demo_app)
names is pinned, by exact version and hash, and the uv that bootstraps the install is the
uv the lock holds. `make lock` and `make upgrade` write all three; this catches a hand edit
or a half-run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ratchet.core.config import parse_toml

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
REQ = ROOT / "requirements"
_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def names(requirements: list[str]) -> set[str]:
    out = set()
    for r in requirements:
        m = _NAME.match(r.strip())
        if m:
            out.add(canonical(m[1]))
    return out


def pins(path: Path) -> dict[str, set[str]]:
    """name -> the versions pinned (a universal lock may pin one per Python)."""
    text = path.read_text()
    pin = r"^([A-Za-z0-9][^=\s]*)==(\S+)[^\n]*\\\n    --hash=sha256:[0-9a-f]{64}"
    out: dict[str, set[str]] = {}
    for name, ver in re.findall(pin, text, re.M):
        out.setdefault(canonical(name), set()).add(ver)
    # Every requirement line is a pin with at least one hash (pip's --require-hashes rule).
    reqs = [line for line in text.splitlines() if _NAME.match(line)]
    assert len(reqs) == sum(map(len, out.values())), f"{path.name}: a line without ==/hash"
    return out


def pyproject() -> dict:
    return parse_toml((ROOT / "pyproject.toml").read_text(), "pyproject.toml")


def test_lock__dev_pins_every_dev_test_and_demo_dependency():
    data = pyproject()
    wanted = names(data["dependency-groups"]["dev"]) | names(data["project"]["dependencies"])
    demo = (ROOT / "demo_app" / "requirements.txt").read_text().splitlines()
    wanted |= names([r for r in demo if not r.startswith("#")])
    missing = wanted - set(pins(REQ / "dev.txt"))
    assert not missing, f"not in requirements/dev.txt (run `make lock`): {sorted(missing)}"


def test_lock__action_pins_exactly_the_runtime_dependencies_and_no_dev_tool():
    data = pyproject()
    locked = set(pins(REQ / "action.txt"))
    assert names(data["project"]["dependencies"]) <= locked
    assert not {"pytest", "ruff", "mypy", "diff-cover", "uv"} & locked


def test_lock__bootstrap_uv_is_the_locked_uv():
    assert pins(REQ / "uv.txt") == {"uv": pins(REQ / "dev.txt")["uv"]}


def test_lock__runtime_dependencies_keep_ranges_for_library_users():
    # The package itself must not pin: users install it beside their own versions.
    for req in pyproject()["project"]["dependencies"]:
        assert "==" not in req and ">=" in req, req
