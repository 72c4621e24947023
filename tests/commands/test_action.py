"""``ratchet action`` (``ratchet.commands.action``) in-process: which command the inputs in
``RATCHET_*`` run, and what it refuses before running any. The Action end to end, through
action.yml and its launcher: tests/github/test_action.py."""

from __future__ import annotations

import pytest

from ratchet.commands import action
from ratchet.errors import EXIT_FAIL, EXIT_PASS, RatchetError
from tests.github.conftest import coverage_json

pytestmark = pytest.mark.integration

CHECK = {
    "RATCHET_COVERAGE_FILES": "cov/*.json",
    "RATCHET_BASELINE_REF": "none",
    "RATCHET_COMMENT": "never",
    "RATCHET_COMMIT_STATUS": "false",
}


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[tool.ratchet]\nthreshold = 60\n")
    (tmp_path / "a.py").write_text("x = 1\n" * 10)
    (tmp_path / "cov").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(("covered", "code"), [(6, EXIT_PASS), (5, EXIT_FAIL)])
def test_run__check_mode_is_checks_exit_code_on_the_reports_the_patterns_name(
    project, capsys, covered, code
):
    (project / "cov" / "one.json").write_text(coverage_json({"a.py": (covered, 10 - covered)}))
    assert action.run(project, CHECK) == code
    out = capsys.readouterr().out
    assert f"{covered * 10}.00%" in out
    assert "holding the change to the bar" not in out  # baseline-ref none: nothing to hold


def test_run__no_report_matching_is_refused_naming_the_pattern(project):
    with pytest.raises(RatchetError, match=r"cov/\*\.json"):
        action.run(project, CHECK)


@pytest.mark.parametrize("result_dir", [None, "", "   "])
def test_run__comment_mode_needs_a_result_dir(project, result_dir):
    env = {"RATCHET_MODE": "comment"}
    if result_dir is not None:
        env["RATCHET_RESULT_DIR"] = result_dir
    with pytest.raises(RatchetError, match=r"^mode comment needs result-dir$"):
        action.run(project, env)
