"""Cobertura ``<sources>``: a name relative to several roots is never two files merged.

coverage.py (7.18.0, the locked version) run with ``source = ["api", "core"]`` writes one
``<source>`` per root and each file's name relative to its root, in one ``<package>``:
``api/pkg/m.py`` and ``core/pkg/m.py`` are both ``filename="pkg/m.py"``, and nothing in the
XML says which is which; ``relative_files = true`` changes the ``<source>``s to relative
paths, not the names. The JSON and LCOV of the same run name each file from the project root.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Project
from tests.inprocess import ratchet

pytestmark = pytest.mark.integration

API = """\
def f(x):
    if x:
        return 1
    return 2
"""
CORE = """\
def g(x):
    a = 1
    b = 2
    if x:
        return a
    return b


def h():
    return 3
"""
RUN = """\
import importlib.util


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


api = load("api_m", "api/pkg/m.py")
api.f(1)
api.f(0)
load("core_m", "core/pkg/m.py").g(1)
"""


@pytest.fixture(scope="module", params=[False, True], ids=["absolute", "relative_files"])
def two_roots(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A real coverage.py run over two source roots that both hold ``pkg/m.py``."""
    proj = Project(tmp_path_factory.mktemp("roots") / "proj")
    proj.write("api/pkg/m.py", API)
    proj.write("core/pkg/m.py", CORE)
    proj.write("run.py", RUN)
    relative = "relative_files = true\n" if request.param else ""
    proj.write(
        "pyproject.toml",
        f'[project]\nname = "two"\n\n[tool.coverage.run]\nsource = ["api", "core"]\n'
        f"branch = true\n{relative}",
    )
    proj.coverage("run", "run.py")
    proj.coverage("xml", "-o", "coverage.xml")
    proj.coverage("json", "-o", "coverage.json")
    return proj


def test_the_fixture__two_files_of_one_name_in_the_xml(two_roots: Project):
    xml = (two_roots.root / "coverage.xml").read_text()
    assert xml.count('filename="pkg/m.py"') == 2
    assert xml.count("<source>") == 2


def sources(proj: Project) -> list[str]:
    xml = (proj.root / "coverage.xml").read_text()
    return [part.split("</source>")[0] for part in xml.split("<source>")[1:]]


@pytest.fixture
def proj(two_roots: Project) -> Iterator[Project]:
    """The run's project, put back as it was after the test (``init`` writes into it)."""
    pyproject = (two_roots.root / "pyproject.toml").read_text()
    yield two_roots
    (two_roots.root / "pyproject.toml").write_text(pyproject)
    for name in ("coverage-baseline.tsv", "coverage-history.jsonl", ".gitattributes"):
        (two_roots.root / name).unlink(missing_ok=True)


@pytest.mark.parametrize("command", ["report", "init", "check"])
def test_name_under_two_roots__exit_2_naming_it_both_roots_and_the_fix(proj: Project, command: str):
    # report reads with the exact reader; init and check count with the scanner.
    if command == "check":  # a bar recorded from the JSON of the same run
        assert ratchet("init", "coverage.json", cwd=proj.root).code == 0
    before = (proj.root / "pyproject.toml").read_text()
    r = ratchet(command, "coverage.xml", cwd=proj.root)
    assert r.code == 2
    api, core = sources(proj)
    assert r.stderr == (
        f"ratchet: error: coverage.xml: pkg/m.py is a file under two of the report's <source> "
        f"roots ({api} and {core}), and the XML does not say which file each entry measured: "
        "read as one, two files would merge. Use coverage.py's JSON or LCOV report (or the "
        ".coverage file), which name files from the project root, or measure one source root "
        'that holds both (`source = ["."]`, with `omit` for the rest)\n'
    )
    assert (proj.root / "pyproject.toml").read_text() == before  # nothing written


def test_the_json_of_the_same_run__both_files_and_coverage_s_total(two_roots: Project):
    r = ratchet("report", "coverage.json", cwd=two_roots.root)
    assert r.code == 0
    assert "api/pkg/m.py" in r.stdout and "core/pkg/m.py" in r.stdout
    total = two_roots.coverage("report", "--format=total", "--precision=2").stdout.strip()
    assert r.stdout.splitlines()[-1].split()[-1] == f"{total}%"
