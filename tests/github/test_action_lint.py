"""action.yml and the workflows pass the offline validators, as CI would run them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, unmeasured_env
from tests.github.conftest import ACTION, VENV_BIN

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
MINE = [
    ACTION,
    REPO / ".github/workflows/coverage-comment.yml",
    REPO / ".github/workflows/ratchet-update.yml",
]


def tool(name: str, *args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    exe = VENV_BIN / name
    assert exe.exists(), f"{name} is not installed in the venv (`make test` installs the lock)"
    env = unmeasured_env(
        dict(os.environ), PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    )
    proc = subprocess.run(
        [str(exe), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    print(proc.stdout, proc.stderr)
    return proc


@pytest.mark.integration
@pytest.mark.slow
def test_schema__action_yml():
    assert (
        tool(
            "check-jsonschema", "--builtin-schema", "vendor.github-actions", str(ACTION)
        ).returncode
        == 0
    )


@pytest.mark.integration
@pytest.mark.slow
def test_schema__workflows():
    assert WORKFLOWS
    proc = tool(
        "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)
    )
    assert proc.returncode == 0


@pytest.mark.integration
def test_actionlint__workflows_with_shellcheck():
    assert (VENV_BIN / "shellcheck").exists()
    proc = tool("actionlint", "-no-color", "-oneline")
    assert (proc.returncode, proc.stdout) == (0, "")


@pytest.mark.integration
def test_actionlint__would_catch_a_wrong_input_name(tmp_path):
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ACTION, tmp_path / "action.yml")
    (tmp_path / ".github" / "workflows" / "x.yml").write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: ./\n        with:\n          coverage_files: c.xml\n"
        "      - run: echo ${{ github.event.head_commit.message }}\n"
    )
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    proc = tool("actionlint", "-no-color", "-oneline", cwd=tmp_path)
    assert proc.returncode == 1
    assert 'input "coverage_files" is not defined' in proc.stdout
    assert "potentially untrusted" in proc.stdout


@pytest.mark.integration
def test_zizmor__no_high_findings():
    proc = tool(
        "zizmor",
        "--offline",
        "--format",
        "json",
        "--min-severity",
        "high",
        str(ACTION),
        ".github/workflows",
    )
    assert proc.returncode == 0
    assert json.loads(proc.stdout) == []


@pytest.mark.unit
@pytest.mark.parametrize("path", MINE + WORKFLOWS, ids=lambda p: p.name)
def test_pins__every_third_party_action_by_full_sha_with_its_version(path):
    for line in path.read_text().splitlines():
        m = re.match(r"\s*(?:-\s*)?uses:\s*(\S+)(.*)", line)
        if not m or m.group(1).startswith("./"):
            continue
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", m.group(1)), line
        assert re.match(r"\s*# v\d+(\.\d+){0,2}\b", m.group(2)), line


@pytest.mark.unit
def test_action__interface_and_no_expressions_in_scripts():
    spec = yaml.safe_load(ACTION.read_text())
    inputs, outputs = spec["inputs"], spec["outputs"]
    required_inputs = "coverage-files config baseline-ref github-token comment commit-status"
    required_inputs += " working-directory pr-number id mode"
    assert set(required_inputs.split()) <= set(inputs)
    required_outputs = (
        "status coverage baseline threshold new-threshold delta comment-id comment-file"
    )
    assert set(required_outputs.split()) <= set(outputs)
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", n) for n in [*inputs, *outputs])
    assert inputs["github-token"]["default"] == "${{ github.token }}"
    steps = spec["runs"]["steps"]
    assert spec["runs"]["using"] == "composite"
    used = " ".join(
        str(s.get("env", {})) + str(s.get("with", {})) + str(s.get("working-directory", ""))
        for s in steps
    )
    for name in inputs:
        assert f"inputs.{name} }}" in used, f"input {name} reaches no step"
    for s in steps:
        assert "${{" not in s.get("run", "")
        assert "INPUT_" not in s.get("run", "")
    setup = next(s for s in steps if "uses" in s)
    assert setup["with"]["update-environment"] is False


@pytest.mark.unit
def test_action__uv_pinned_and_no_cache_or_side_effect_of_setup_uv():
    """setup-uv hands out uv and nothing else: its version exact (one whose checksums that
    release of setup-uv checks), no GitHub Actions cache (restored from what another run
    saved: never trusted), the job's PATH and problem matchers left alone, and no config file
    of the user's read to choose anything."""
    steps = yaml.safe_load(ACTION.read_text())["runs"]["steps"]
    (uv,) = [s for s in steps if str(s.get("uses", "")).startswith("astral-sh/setup-uv@")]
    assert re.fullmatch(r"\d+\.\d+\.\d+", uv["with"]["version"])
    assert uv["with"]["enable-cache"] == "false"
    assert uv["with"]["add-problem-matchers"] == "false"
    assert uv["with"]["working-directory"] == "${{ github.action_path }}"
    assert uv["env"] == {"UV_NO_MODIFY_PATH": "1"}
    (run,) = [s for s in steps if "run" in s]
    assert run["env"]["RATCHET_UV"] == f"${{{{ steps.{uv['id']}.outputs.uv-path }}}}"
    assert run["run"] == '"$RATCHET_PYTHON" -I "$GITHUB_ACTION_PATH/ratchet/github/launch.py"'


@pytest.mark.unit
def test_workflows__the_comment_workflow_posts_under_the_id_of_the_job_it_comments_for():
    """Same-repo PRs run both halves: another id would mean two comments and two statuses."""

    def ratchet_step(steps):
        return next(s for s in steps if s.get("uses") == "./")

    ci = yaml.safe_load((REPO / ".github/workflows/ci.yml").read_text())
    uploads = {}
    for job in ci["jobs"].values():
        for step in job["steps"]:
            if str(step.get("uses", "")).startswith("actions/upload-artifact@"):
                uploads[step["with"]["name"]] = ratchet_step(job["steps"])["with"].get("id", "")
    wf = yaml.safe_load((REPO / ".github/workflows/coverage-comment.yml").read_text())
    (job,) = wf["jobs"].values()
    download = next(s for s in job["steps"] if "download-artifact@" in str(s.get("uses")))
    posting = ratchet_step(job["steps"])["with"]
    assert posting["mode"] == "comment"
    assert posting.get("id", "") == uploads[download["with"]["name"]]
