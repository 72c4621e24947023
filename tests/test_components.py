"""A monorepo in one configuration (components), a verdict only when every shard is in
(expect), and where the bar came from (provenance): real coverage.py runs, the CLI as a
subprocess, real git."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Project, RunRatchet, git, statements

pytestmark = pytest.mark.integration

COMPONENTS = """
[tool.ratchet.components.api]
paths = ["packages/api/**"]
patch_threshold = 90

[tool.ratchet.components.web]
paths = ["packages/web/"]
step = 10
"""


def measure(proj: Project, *, api: int, web: int, name: str = "coverage.json") -> None:
    """packages/api: 100 statements, ``api`` uncovered; packages/web likewise."""
    for pkg, uncovered in (("api", api), ("web", web)):
        proj.write(f"packages/{pkg}/__init__.py", "")
        proj.write(f"packages/{pkg}/core.py", statements(100, uncovered=uncovered))
    proj.write("run_all.py", "import packages.api.core, packages.web.core\n")
    proj.coverage("erase")
    proj.coverage("run", "--branch", "--source=packages", "run_all.py")
    proj.coverage("json", "-o", name)


@pytest.fixture
def mono(tmp_path) -> Project:
    proj = Project(tmp_path / "mono")
    proj.write("packages/__init__.py", "")
    proj.write("pyproject.toml", '[project]\nname = "mono"\n')
    git(proj.root, "init", "-q", "-b", "main")
    measure(proj, api=15, web=35)  # api 85%, web 65%
    return proj


def start(proj: Project, run_ratchet: RunRatchet) -> None:
    assert run_ratchet("init", "coverage.json", cwd=proj.root).code == 0
    pyproject = proj.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + COMPONENTS)
    r = run_ratchet("update", "coverage.json", cwd=proj.root)
    assert r.code == 0, r


def config(proj: Project) -> str:
    return (proj.root / "pyproject.toml").read_text()


def test_components__update_records_each_bar_on_its_own(mono: Project, run_ratchet):
    start(mono, run_ratchet)
    text = config(mono)
    api = text[text.index("[tool.ratchet.components.api]") :]
    web = text[text.index("[tool.ratchet.components.web]") :]
    assert "threshold = 85\n" in api and "covered = 85, measured = 100" in api
    assert "threshold = 60\n" in web  # web's own step of 10
    assert 'paths = ["packages/web/"]' in web  # the user's keys stay as written
    assert "patch_threshold = 90" in api
    # The history says which component bars moved, old -> new, beside the total's.
    *_, last = (mono.root / "coverage-history.jsonl").read_text().splitlines()
    moved = {c["name"]: c for c in json.loads(last)["components"]}
    assert moved["api"]["threshold"] == [0, 85] and moved["web"]["threshold"] == [0, 60]
    assert moved["api"]["baseline"][1] == {
        "covered": 85,
        "measured": 100,
        "branches": 0,
        "uncovered": 15,
    }


def test_components__check_judges_and_names_each(mono: Project, run_ratchet):
    start(mono, run_ratchet)
    measure(mono, api=5, web=45)  # api up to 95%, web down to 55%: the total stays 75%
    r = run_ratchet("check", "--format", "json", "coverage.json", cwd=mono.root)
    assert r.code == 1, r
    data = json.loads(r.stdout)
    by_name = {c["name"]: c for c in data["components"]}
    assert by_name["api"]["status"] == "pass" and by_name["web"]["status"] == "fail"
    kinds = {(f["kind"], f["component"]) for f in data["failures"]}
    assert ("component_below_threshold", "web") in kinds
    assert ("component_regression", "web") in kinds
    assert ("file_regression", "web") in kinds  # a file's failure carries its component
    assert not [f for f in data["failures"] if f["component"] == "api"]
    text = run_ratchet("check", "coverage.json", cwd=mono.root).stdout
    assert "  FAIL component web  55.00% (-10.00)  threshold 60%, baseline 65.00%\n" in text
    text = run_ratchet("check", "-v", "coverage.json", cwd=mono.root).stdout
    assert "FAIL component web: coverage 55.0000% (55/100) is below its threshold 60%" in text
    assert "  PASS component api  95.00% (+10.00)  threshold 85%" in text
    md = run_ratchet("check", "--format", "markdown", "coverage.json", cwd=mono.root).stdout
    assert "| ❌ web | 55.00% | -10.00 | 60% | 65.00% |" in md
    # update: web keeps its bar (never recorded lower), api's rises on its own.
    assert run_ratchet("update", "coverage.json", cwd=mono.root).code == 0
    text = config(mono)
    assert "threshold = 95\n" in text[text.index("components.api]") :]
    assert "threshold = 60\n" in text[text.index("components.web]") :]


def test_components__none_of_a_components_files_measured_is_bad_input(
    mono: Project, run_ratchet: RunRatchet
):
    start(mono, run_ratchet)
    pyproject = mono.root / "pyproject.toml"
    pyproject.write_text(config(mono) + '\n[tool.ratchet.components.cli]\npaths = ["tools/**"]\n')
    for command in ("check", "update"):
        r = run_ratchet(command, "coverage.json", cwd=mono.root)
        assert r.code == 2
        assert "measures none of the files of component cli (tools/**)" in r.stderr


def test_components__a_branch_cannot_drop_or_lower_one(mono: Project, run_ratchet: RunRatchet):
    start(mono, run_ratchet)
    git(mono.root, "add", "-A")
    git(mono.root, "commit", "-qm", "bar")
    git(mono.root, "checkout", "-qb", "feature")
    pyproject = mono.root / "pyproject.toml"
    text = config(mono)
    web = text.index("[tool.ratchet.components.web]")
    pyproject.write_text(text[:web])  # web's bar gone
    r = run_ratchet("check", "--baseline-ref", "main", "coverage.json", cwd=mono.root)
    assert r.code == 1
    assert "loosens the bar set at the baseline ref (component web removed)" in r.stdout
    lowered = text[:web] + text[web:].replace("threshold = 60", "threshold = 50")
    pyproject.write_text(lowered)
    r = run_ratchet("check", "--baseline-ref", "main", "coverage.json", cwd=mono.root)
    assert r.code == 1
    assert "components.web.threshold 50 < 60" in r.stdout


def test_components__patch_threshold_on_the_components_own_changed_lines(
    mono: Project, run_ratchet: RunRatchet
):
    start(mono, run_ratchet)
    git(mono.root, "add", "-A")
    git(mono.root, "commit", "-qm", "bar")
    git(mono.root, "checkout", "-qb", "feature")
    mono.write("packages/api/extra.py", statements(10, uncovered=5, name="later"))
    mono.write("run_all.py", "import packages.api.core, packages.api.extra, packages.web.core\n")
    git(mono.root, "add", "-A")
    git(mono.root, "commit", "-qm", "untested api code")
    mono.coverage("run", "--branch", "--source=packages", "run_all.py")
    mono.coverage("json", "-o", "coverage.json")
    r = run_ratchet("check", "--diff", "main", "--format", "json", "coverage.json", cwd=mono.root)
    assert r.code == 1
    (gate,) = json.loads(r.stdout)["patch"]["failures"]
    assert gate["component"] == "api"
    assert gate["message"].startswith("component api: patch coverage 50.0000% (5/10")


def test_expect__a_missing_shard_is_not_a_verdict(mono: Project, run_ratchet: RunRatchet):
    start(mono, run_ratchet)
    measure(mono, api=15, web=35, name="shard-1.json")
    measure(mono, api=15, web=35, name="shard-2.json")
    r = run_ratchet("check", "--expect", "3", "shard-1.json", "shard-2.json", cwd=mono.root)
    assert r.code == 2
    assert (
        "expected 3 coverage report(s), found 2 (shard-1.json, shard-2.json): a verdict on "
        "part of the shards would judge part of the tests" in r.stderr
    )
    pyproject = mono.root / "pyproject.toml"
    pyproject.write_text(
        config(mono).replace("[tool.ratchet]\n", "[tool.ratchet]\nexpect_reports = 2\n")
    )
    assert run_ratchet("check", "shard-1.json", "shard-2.json", cwd=mono.root).code == 0
    assert run_ratchet("update", "shard-1.json", cwd=mono.root).code == 2
    assert run_ratchet("check", "--expect", "1", "shard-1.json", cwd=mono.root).code == 0


def test_provenance__every_output_says_where_the_bar_came_from(
    mono: Project, run_ratchet: RunRatchet
):
    start(mono, run_ratchet)
    r = run_ratchet("check", "coverage.json", cwd=mono.root)
    assert ", from the working copy (pyproject.toml)\n" in r.stdout
    git(mono.root, "add", "-A")
    git(mono.root, "commit", "-qm", "bar")
    sha = git(mono.root, "rev-parse", "main").strip()
    args = ("check", "--baseline-ref", "main", "coverage.json")
    r = run_ratchet(*args, cwd=mono.root)
    assert f", from main at {sha[:12]} (pyproject.toml)\n" in r.stdout
    data = json.loads(run_ratchet(*args, "--format", "json", cwd=mono.root).stdout)
    assert data["bar_source"] == {"config": "pyproject.toml", "ref": "main", "commit": sha}
    md = run_ratchet(*args, "--format", "markdown", cwd=mono.root).stdout
    assert md.endswith(f" from main at {sha[:7]} (pyproject\\.toml) · coverage-ratchet</sub>\n")


def test_components__accept_lowers_only_the_components_it_recorded(
    mono: Project, run_ratchet: RunRatchet
):
    start(mono, run_ratchet)  # api 85% (threshold 85), web 65% (threshold 60)
    git(mono.root, "add", "-A")
    git(mono.root, "commit", "-qm", "bar")
    git(mono.root, "checkout", "-qb", "feature")
    measure(mono, api=15, web=45)  # web falls to 55%, below its 60
    r = run_ratchet("accept", "--reason", "web's slow tests moved out", cwd=mono.root)
    assert r.code == 0, r
    *_, last = (mono.root / "coverage-history.jsonl").read_text().splitlines()
    assert [c["name"] for c in json.loads(last)["components"]] == ["web"]
    r = run_ratchet("check", "--baseline-ref", "main", "coverage.json", cwd=mono.root)
    assert r.code == 0, r  # web lowered as accepted, on the record
    # api was not part of it: lowering it by hand is still a loosening.
    pyproject = mono.root / "pyproject.toml"
    text = config(mono)
    api = text.index("[tool.ratchet.components.api]")
    pyproject.write_text(text[:api] + text[api:].replace("threshold = 85", "threshold = 50", 1))
    r = run_ratchet("check", "--baseline-ref", "main", "coverage.json", cwd=mono.root)
    assert r.code == 1
    assert "components.api.threshold 50 < 85" in r.stdout
