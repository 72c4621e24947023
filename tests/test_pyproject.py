"""Edits of the user's config files change only the values the ratchet owns."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ratchet.pyproject import set_ratchet_values, sync_ini_fail_under, sync_pyproject_fail_under

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
