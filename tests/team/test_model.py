"""The model's report is coverage.py's: a real ``coverage run`` and ``coverage lcov`` over the
same tree write the same text (coverage.py 7.18, the locked version)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Project
from tests.team import model

pytestmark = pytest.mark.integration

TREE = model.Tree(
    modules={
        "core": [("core_a", 3), ("core_b", 1), ("core_c", 2)],  # a, c called; b imported only
        "web": [("web_a", 2)],  # imported by no test: every line unrun
        "util": [("util_a", 4), ("util_b", 1)],  # called by two tests
        "empty": [],
    },
    tests={
        "core": ["core.core_a", "core.core_c", "util.util_a"],
        "util": ["util.util_a", "util.util_b", "util.util_a"],
        "nothing": [],
    },
)


def real_lcov(root: Path, tree: model.Tree) -> str:
    proj = Project(root)
    model.write(root, tree)
    (root / "run.py").write_text(model.RUNNER)
    names = [f"{model.TESTS}.test_{t}" for t in sorted(tree.tests)]
    proj.coverage("erase")
    proj.coverage("run", f"--source={model.PKG}", "run.py", *names)
    proj.coverage("lcov", "-o", "coverage.lcov")
    return (root / "coverage.lcov").read_text()


@pytest.mark.slow
def test_lcov__is_what_coverage_py_writes_for_the_same_tree(tmp_path: Path):
    assert model.lcov(TREE) == real_lcov(tmp_path, TREE)
    assert model.read(tmp_path) == TREE  # and the files read back as the tree


def test_lcov__a_test_calling_what_is_gone_breaks_the_run():
    broken = model.Tree(modules={"core": [("core_a", 1)]}, tests={"core": ["core.core_b"]})
    with pytest.raises(model.Broken, match=r"core\.core_b"):
        model.lcov(broken)
