"""A release people can install: the sdist and wheel `python -m build` makes pass the checks
PyPI and installers apply, the wheel holds the package only, the version lives in one
place, and the wheel runs under `pipx run` as users run it. Also what release.yml promises.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import trove_classifiers
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

import ratchet
from ratchet.core.config import parse_toml
from tests import release_env
from tests.conftest import REPO, Project, git
from tests.release_env import VENV_BIN, Dist, SourceTree, run

RELEASE_YML = REPO / ".github" / "workflows" / "release.yml"


def pyproject() -> dict:
    return parse_toml((REPO / "pyproject.toml").read_text(), "pyproject.toml")


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    return release_env.built_dist(tmp_path_factory)


@pytest.fixture(scope="session")
def source(tmp_path_factory: pytest.TempPathFactory) -> SourceTree:
    return release_env.source_tree(tmp_path_factory)


# --- the version, in one place --------------------------------------------------------------


@pytest.mark.unit
def test_version__lives_in_ratchet_init_only():
    project = pyproject()["project"]
    assert "version" not in project
    assert project["dynamic"] == ["version"]
    dynamic = pyproject()["tool"]["setuptools"]["dynamic"]
    assert dynamic["version"] == {"attr": "ratchet.__version__"}
    assert str(Version(ratchet.__version__)) == ratchet.__version__  # normalised PEP 440


@pytest.mark.unit
def test_changelog__unreleased_first_then_every_version_newest_first_with_its_link():
    text = (REPO / "CHANGELOG.md").read_text()
    headings = re.findall(r"^## \[([^\]]+)\](?: - \d{4}-\d{2}-\d{2})?$", text, re.M)
    assert len(headings) == len(re.findall(r"^## ", text, re.M)), "a heading of another form"
    assert headings[0] == "Unreleased"
    released = headings[1:]
    assert ratchet.__version__ in released, "CHANGELOG.md: no section for this version"
    assert released == sorted(released, key=Version, reverse=True)
    for name in headings:
        assert re.search(rf"^\[{re.escape(name)}\]: https://", text, re.M), name


# --- metadata -------------------------------------------------------------------------------


@pytest.mark.unit
def test_metadata__classifiers_are_pypis_and_name_every_supported_python():
    project = pyproject()["project"]
    classifiers = project["classifiers"]
    unknown = [c for c in classifiers if c not in trove_classifiers.classifiers]
    assert not unknown, f"PyPI would refuse the upload: {unknown}"
    assert not [c for c in classifiers if c.startswith("License ::")], "PEP 639: SPDX only"
    minimum = Version(project["requires-python"].removeprefix(">="))
    pythons = [
        Version(c.rsplit(" ", 1)[1])
        for c in classifiers
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    assert min(pythons) == minimum
    assert sorted(pythons) == [
        Version(f"3.{m}") for m in range(minimum.minor, max(pythons).minor + 1)
    ]


@pytest.mark.unit
def test_metadata__license_is_the_mit_file_and_urls_are_https():
    project = pyproject()["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert (REPO / "LICENSE").read_text().startswith("MIT License\n")
    urls = project["urls"]
    assert {"Homepage", "Repository", "Issues", "Changelog"} <= set(urls)
    assert all(u.startswith("https://") for u in urls.values())
    assert urls["Changelog"].endswith("/CHANGELOG.md")


# --- the built distributions ----------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.slow
def test_dist__twine_check_strict_passes(dist: Dist):
    proc = run(
        VENV_BIN / "twine", "check", "--strict", dist.sdist, dist.wheel, cwd=dist.wheel.parent
    )
    assert proc.returncode == 0
    assert proc.stdout.count("PASSED") == 2


@pytest.mark.integration
@pytest.mark.slow
def test_wheel__check_wheel_contents_passes(dist: Dist, source: SourceTree):
    proc = run(
        VENV_BIN / "check-wheel-contents",
        "--toplevel", "ratchet",
        # Every module of the package is in the wheel, and nothing that is not in it.
        "--package", source.path / "ratchet",
        dist.wheel,
        cwd=dist.wheel.parent,
    )  # fmt: skip
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"{dist.wheel}: OK"


@pytest.mark.integration
@pytest.mark.slow
def test_wheel__holds_the_package_only(dist: Dist, source: SourceTree):
    names = dist.wheel_names()
    info = f"coverage_ratchet-{dist.version}.dist-info/"
    assert {n.split("/")[0] + "/" for n in names} == {"ratchet/", info}
    modules = {str(p.relative_to(source.path)) for p in (source.path / "ratchet").rglob("*.py")}
    assert {n for n in names if n.startswith("ratchet/")} == modules
    assert f"{info}licenses/LICENSE" in names


@pytest.mark.integration
@pytest.mark.slow
def test_wheel__metadata_is_pyprojects(dist: Dist):
    project = pyproject()["project"]
    meta = dist.wheel_metadata()
    field = lambda name: re.findall(rf"^{name}: (.*)$", meta, re.M)  # noqa: E731
    assert field("Name") == ["coverage-ratchet"]
    assert field("Version") == [ratchet.__version__]
    assert dist.wheel.name == f"coverage_ratchet-{ratchet.__version__}-py3-none-any.whl"
    assert field("License-Expression") == ["MIT"]
    assert field("Requires-Python") == [project["requires-python"]]
    assert field("Classifier") == project["classifiers"]
    assert field("Project-URL") == [f"{k}, {v}" for k, v in project["urls"].items()]
    assert [Requirement(r) for r in field("Requires-Dist")] == [
        Requirement(r) for r in project["dependencies"]
    ]
    assert field("Description-Content-Type") == ["text/markdown"]


@pytest.mark.integration
@pytest.mark.slow
def test_sdist__is_the_source_tree(dist: Dist, source: SourceTree):
    """Everything git tracks, to build and to test from; nothing else but the metadata."""
    with tarfile.open(dist.sdist) as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
    top = f"coverage_ratchet-{ratchet.__version__}/"
    names = {m.name.removeprefix(top) for m in members}
    assert all(m.name.startswith(top) for m in members)
    tracked = set(git(source.path, "ls-files").splitlines())
    generated = {n for n in names - tracked if n.startswith("coverage_ratchet.egg-info/")}
    assert names - tracked - generated == {"PKG-INFO", "setup.cfg"}
    assert tracked - names == set(), "MANIFEST.in misses these"


# --- installed as users install it ----------------------------------------------------------


@pytest.fixture
def pipx_run(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory, dist: Dist):
    """``pipx_run("coverage-ratchet", "check", cwd=...)``: ``pipx run --spec <the wheel>``."""
    home = release_env.shared_dir(tmp_path_factory) / "pipx-home"
    env = release_env.install_env(
        pytestconfig,
        tmp_path_factory,
        PIPX_HOME=str(home),
        PIPX_BIN_DIR=str(home / "bin"),
        PIPX_MAN_DIR=str(home / "man"),
        # uv (it is in the lock) installs in a second; pipx picks it anyway when it is there.
        PIPX_DEFAULT_BACKEND="uv",
    )

    def pipx_run(*args: str, cwd: Path):
        return run(VENV_BIN / "pipx", "run", "--spec", dist.wheel, *args, cwd=cwd, env=env)

    return pipx_run


@pytest.mark.integration
@pytest.mark.slow
def test_pipx_run__version_is_the_wheels(tmp_path: Path, dist: Dist, pipx_run):
    proc = pipx_run("coverage-ratchet", "--version", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout == f"coverage-ratchet, version {dist.version}\n"
    assert dist.version == ratchet.__version__


@pytest.mark.integration
@pytest.mark.slow
def test_pipx_run__check_passes_then_fails_on_a_regression(pipx_run, make_project, run_ratchet):
    proj: Project = make_project(calls="classify(-1); classify(0); classify(3); Box(2).double()")
    proj.run_tests()
    assert run_ratchet("init", "coverage.xml", cwd=proj.root).code == 0

    ok = pipx_run("coverage-ratchet", "check", cwd=proj.root)
    assert ok.returncode == 0
    assert "PASS" in ok.stdout

    proj.write("run_sample.py", "from pkg.sample import *\nclassify(-1)\n")
    proj.run_tests()
    fail = pipx_run("coverage-ratchet", "check", "coverage.xml", cwd=proj.root)
    assert fail.returncode == 1
    assert "FAIL" in fail.stdout


@pytest.mark.integration
def test_cli__version_option_prints_the_package_version(tmp_path: Path):
    proc = subprocess.run(
        [sys.executable, "-m", "ratchet", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout == f"coverage-ratchet, version {ratchet.__version__}\n"


# --- release.yml ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(RELEASE_YML.read_text())


def github_filter(pattern: str) -> re.Pattern[str]:
    """GitHub's filter pattern syntax, as far as release.yml uses it: [..], +, *."""
    out = ""
    for ch in pattern:
        out += {"*": "[^/]*", "+": "+", ".": r"\."}.get(ch, ch)
    return re.compile(out)


@pytest.mark.unit
def test_release_yml__runs_on_version_tags_only(workflow):
    on = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert set(on) == {"push"} and set(on["push"]) == {"tags"}
    (pattern,) = on["push"]["tags"]
    tag = github_filter(pattern)
    for released in ("v0.1.0", "v1.2.3", "v10.20.30", "v1.0.0rc1"):
        assert tag.fullmatch(released), released
    # The Action's major tag moves with each release; moving it is not a release.
    for other in ("v1", "v1.2", "1.2.3", "vx.1.2"):
        assert not tag.fullmatch(other), other
    assert workflow["permissions"] == {}


@pytest.mark.unit
def test_release_yml__builds_once_and_publishes_that_artifact_by_trusted_publishing(workflow):
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    assert build["permissions"] == {"contents": "read"}
    runs = [s.get("run", "") for s in build["steps"]]
    assert "make .venv/.installed-stamp" in runs  # from the lock
    assert sum("-m build" in r for r in runs) == 1
    assert any("twine check --strict" in r and "check-wheel-contents" in r for r in runs)
    assert any("${TAG#v}" in r for r in runs), "the tag is checked against the version"
    upload = next(s for s in build["steps"] if "upload-artifact@" in s.get("uses", ""))

    assert publish["needs"] == "build"
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    uses = [s["uses"] for s in publish["steps"]]
    assert len(uses) == 2 and "run" not in str(publish["steps"])  # no repository code
    download = publish["steps"][0]
    assert "download-artifact@" in download["uses"]
    assert download["with"]["name"] == upload["with"]["name"]
    assert uses[1].startswith("pypa/gh-action-pypi-publish@")
    # Trusted publishing: no password, no token, no secret anywhere in the workflow.
    assert "with" not in publish["steps"][1]
    assert "secrets." not in RELEASE_YML.read_text()


@pytest.mark.integration
@pytest.mark.parametrize(
    ("tag", "heading", "error"),
    [
        ("v1.2.3", "## [1.2.3] - 2027-01-31", None),
        ("v1.2.4", "## [1.2.4] - 2027-01-31", "tag v1.2.4 is not the version"),
        ("v1.2.3", "## [1.2.3]", "CHANGELOG.md has no section '## [1.2.3] - YYYY-MM-DD'"),
        ("v1.2.3", "## [1.2.30] - 2027-01-31", "CHANGELOG.md has no section"),
        ("v1.2.3", "## [1x2x3] - 2027-01-31", "CHANGELOG.md has no section"),
    ],
    ids=["match", "other-version", "undated", "longer-version", "dots-are-dots"],
)
def test_release_yml__tag_check(tmp_path: Path, workflow, tag, heading, error):
    """The check is a shell script: run it on a dist/ holding a 1.2.3 wheel."""
    (step,) = (s for s in workflow["jobs"]["build"]["steps"] if "${TAG#v}" in s.get("run", ""))
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "coverage_ratchet-1.2.3-py3-none-any.whl").touch()
    (tmp_path / "CHANGELOG.md").write_text(f"# Changelog\n\n## [Unreleased]\n\n{heading}\n")
    proc = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=tmp_path,
        env={"TAG": tag, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    if error is None:
        assert (proc.returncode, proc.stdout) == (0, "")
    else:
        assert proc.returncode == 1
        assert proc.stdout.startswith(f"::error::{error}")
