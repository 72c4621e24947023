"""Edits of the user's config files change only the values the ratchet owns."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ratchet.core.models import Baseline
from ratchet.errors import RatchetError
from ratchet.store.pyproject import (
    fail_under_edits,
    set_component_values,
    set_ratchet_values,
    sync_ini_fail_under,
    sync_pyproject_fail_under,
)
from ratchet.store.recording import baseline_value

pytestmark = pytest.mark.unit


def test_set_values__creates_section_at_the_end_and_keeps_the_rest():
    text = "[project]\nname = 'x'  # mine\n"
    out = set_ratchet_values(text, {"threshold": Decimal("75")}, create=True, source="p")
    assert out == "[project]\nname = 'x'  # mine\n\n[tool.ratchet]\nthreshold = 75\n"


def test_set_values__none_removes_a_key_and_decimals_become_numbers():
    text = '[tool.ratchet]\nthreshold = 70 # floor\nbaseline_file = "x.tsv"\n'
    out = set_ratchet_values(
        text,
        {"threshold": Decimal("72.50"), "baseline_file": None},
        create=False,
        source="p",
    )
    assert out == "[tool.ratchet]\nthreshold = 72.5 # floor\n"


def test_set_values__unchanged_text_when_values_equal():
    text = "[tool.ratchet]\nthreshold   =   70   # odd spacing stays\n"
    assert set_ratchet_values(text, {"threshold": 70}, create=False, source="p") == text


@pytest.mark.parametrize(("old", "new"), [("70", "75"), ("80", "80"), ("74.9", "75"), ("75", "75")])
def test_fail_under__raised_never_lowered(old: str, new: str):
    text = f"[tool.coverage.report]\nfail_under = {old}\n"
    assert (
        sync_pyproject_fail_under(text, Decimal(75))
        == f"[tool.coverage.report]\nfail_under = {new}\n"
    )


def test_fail_under__pytest_addopts_list_and_string():
    text = '[tool.pytest.ini_options]\naddopts = ["-ra", "--cov-fail-under=60"]\n'
    out = sync_pyproject_fail_under(text, Decimal(75))
    assert 'addopts = ["-ra", "--cov-fail-under=75"]' in out


def test_ini__only_the_named_sections():
    text = "[run]\nfail_under = 10\n[report]\nfail_under = 10 ; keep comment\n"
    out = sync_ini_fail_under(
        text, Decimal(80), coverage_sections={"report"}, pytest_sections=set()
    )
    assert out == "[run]\nfail_under = 10\n[report]\nfail_under = 80 ; keep comment\n"


@pytest.mark.parametrize(
    "text",
    [
        "[tool]\ncoverage = 1\npytest = 2\n",
        "[tool.coverage]\nreport = 1\n[tool.pytest]\nini_options = 'addopts'\n",
        "[tool.coverage]\nreport = [1]\n[tool.pytest]\nini_options = ['addopts']\n",
        "[[tool.coverage.report]]\nfail_under = 10\n",
    ],
)
def test_fail_under__another_tools_key_that_is_not_a_table_is_left_alone(text: str):
    assert sync_pyproject_fail_under(text, Decimal(75)) == text


def test_fail_under__inline_tables_are_tables_too():
    text = "[tool.coverage]\nreport = { fail_under = 50 }\n"
    assert sync_pyproject_fail_under(text, Decimal(75)) == (
        "[tool.coverage]\nreport = { fail_under = 75 }\n"
    )


def test_set_values__a_crlf_file_gets_crlf_keys():
    text = "[project]\r\nname = 'x'\r\n\r\n[tool.ratchet]\r\nthreshold = 70\r\n"
    out = set_ratchet_values(
        text, {"threshold": Decimal(75), "baseline": Decimal("75.5")}, create=False, source="p"
    )
    assert out == (
        "[project]\r\nname = 'x'\r\n\r\n[tool.ratchet]\r\nthreshold = 75\r\nbaseline = 75.5\r\n"
    )
    created = set_ratchet_values("[project]\r\n", {"step": 5}, create=True, source="p")
    assert created == "[project]\r\n\r\n[tool.ratchet]\r\nstep = 5\r\n"


def test_set_values__mixed_line_endings_are_left_as_tomlkit_writes_them():
    text = "[project]\r\nname = 'x'\n[tool.ratchet]\nthreshold = 70\n"
    out = set_ratchet_values(text, {"step": 5}, create=False, source="p")
    assert out == text + "step = 5\n"


@pytest.mark.parametrize(
    "text", ["[project]\nname = 'x'\n", "[tool.coverage.run]\nbranch = true\n"]
)
def test_set_values__without_create_a_missing_section_is_refused(text: str):
    with pytest.raises(RatchetError) as e:
        set_ratchet_values(text, {"threshold": 80}, create=False, source="p")
    assert str(e.value) == "no [tool.ratchet] section; run `ratchet init` first"


@pytest.mark.parametrize(
    "setter",
    [
        lambda text: set_ratchet_values(text, {"step": 5}, create=True, source="pyproject.toml"),
        lambda text: set_component_values(text, "api", {"step": 5}, source="pyproject.toml"),
    ],
    ids=["ratchet", "component"],
)
def test_set_values__invalid_toml_is_named(setter):
    with pytest.raises(RatchetError, match=r"^pyproject.toml: invalid TOML: "):
        setter("[tool.ratchet]\nthreshold = = 1\n")


COMPONENT = """\
[tool.ratchet]
threshold = 80

[tool.ratchet.components.api]
# the user's own comment
paths = ["packages/api/**"]  # globs
threshold = 85
baseline = { percent = 85, covered = 85, measured = 100, uncovered = 15 }

[tool.ratchet.components.web]
paths = ["packages/web/"]
"""


def test_set_component_values__only_that_components_keys_change():
    table = baseline_value(Baseline(90, 100, None, 10), precision=2)
    out = set_component_values(
        COMPONENT, "api", {"threshold": Decimal("90.0"), "baseline": table}, source="p"
    )
    assert out == COMPONENT.replace("threshold = 85", "threshold = 90").replace(
        "{ percent = 85, covered = 85, measured = 100, uncovered = 15 }",
        "{percent = 90, covered = 90, measured = 100, uncovered = 10}",
    )
    # A new key lands in the component's own table, not in the next one.
    out = set_component_values(COMPONENT, "web", {"threshold": Decimal(60)}, source="p")
    assert out == COMPONENT + "threshold = 60\n"


def test_set_component_values__equal_values_leave_the_text_as_written():
    text = COMPONENT.replace("threshold = 85", "threshold   =   85.0   # odd spacing")
    assert set_component_values(text, "api", {"threshold": Decimal(85)}, source="p") == text


def test_set_component_values__a_crlf_file_stays_crlf():
    text = COMPONENT.replace("\n", "\r\n")
    out = set_component_values(text, "web", {"threshold": Decimal(60)}, source="p")
    assert out == text + "threshold = 60\r\n"


@pytest.mark.parametrize(
    "text",
    [
        "[project]\nname = 'x'\n",
        "[tool.ratchet]\nthreshold = 80\n",
        "[tool.ratchet.components.web]\npaths = ['w']\n",
        "[tool.ratchet]\ncomponents = 1\n",
        "[tool.ratchet.components]\napi = 'not a table'\n",
    ],
)
def test_set_component_values__a_component_is_declared_by_the_user_first(text: str):
    with pytest.raises(RatchetError) as e:
        set_component_values(text, "api", {"threshold": 90}, source="pyproject.toml")
    assert str(e.value) == "pyproject.toml: no [tool.ratchet.components.api] to record into"


@pytest.mark.parametrize(
    "addopts",
    [
        '"-ra --cov-fail-under=80"',  # already above
        '"-ra"',  # no gate at all
        '["-ra", 5, "--cov-fail-under=90"]',  # not every item is a string
        "5",  # neither a string nor a list: pytest's to complain about
    ],
)
def test_fail_under__addopts_without_a_lower_gate_stay_as_written(addopts: str):
    text = f"[tool.pytest.ini_options]\naddopts = {addopts}  # mine\n"
    assert sync_pyproject_fail_under(text, Decimal(75)) == text


def test_fail_under__a_list_item_that_is_not_a_string_is_skipped_not_dropped():
    text = '[tool.pytest.ini_options]\naddopts = [5, "--cov-fail-under=60"]\n'
    out = sync_pyproject_fail_under(text, Decimal(75))
    assert out == '[tool.pytest.ini_options]\naddopts = [5, "--cov-fail-under=75"]\n'


def test_fail_under_edits__each_ini_file_that_gates_follows_the_threshold(tmp_path):
    (tmp_path / "setup.cfg").write_text("[coverage:report]\nfail_under = 60\n")
    (tmp_path / "tox.ini").write_text("[coverage:report]\nfail_under = 90\n")  # already above
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = --cov-fail-under 70 -ra\n")
    pyproject = tmp_path / "pyproject.toml"
    edits = fail_under_edits(tmp_path, pyproject, "[project]\n", Decimal(75))
    assert edits == {
        pyproject: "[project]\n",
        tmp_path / "setup.cfg": "[coverage:report]\nfail_under = 75\n",
        tmp_path / "pytest.ini": "[pytest]\naddopts = --cov-fail-under 75 -ra\n",
    }
