"""The JaCoCo, Clover, Go and SimpleCov reports recognised by their content (each reader's
rules, case by case: test_gocover, test_jacoco, test_clover, test_simplecov; the real
producers' reports: test_polyglot)."""

# Reports written inline read best on one line each.
# ruff: noqa: E501

from __future__ import annotations

from pathlib import Path

import pytest

from ratchet import readers
from tests.conftest import write_file as _write

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ('<?xml version="1.0"?><!DOCTYPE report PUBLIC "x" "report.dtd"><report name="a">', readers.JACOCO),
        ('<coverage generated="1"><project timestamp="1">', readers.CLOVER),
        ('<coverage clover="3.2.0" generated="1">\n  <project>', readers.CLOVER),
        ('<?xml version="1.0" ?>\n<!-- x -->\n<coverage version="7"><sources>', readers.COBERTURA),
        ("mode: atomic\n", readers.GO),
        ('{"RSpec": {"coverage": {"/a.rb": {"lines": [1]}}}}', readers.SIMPLECOV),
        ('{"meta": {"simplecov_version": "0.22.0"}, "coverage": {}}', readers.SIMPLECOV),
        ('{"meta": {"format": 3}, "files": {"coverage": {}}}', readers.COVERAGE_JSON),
        ('{"files": {"coverage": {"executed_lines": []}}}', readers.COVERAGE_JSON),
    ],
    ids=["jacoco", "clover-phpunit", "clover-istanbul", "cobertura", "go", "resultset", "simplecov-json", "coverage-json", "coverage-json-file-named-coverage"],
)  # fmt: skip
def test_detect__by_content_whatever_the_name(tmp_path: Path, text: str, fmt: str):
    assert readers.detect(_write(tmp_path, "report.dat", text)) == fmt


def test_detect__xml_too_short_to_name_its_root__read_as_cobertura(tmp_path: Path):
    assert readers.detect(_write(tmp_path, "r.xml", "<?xml version='1.0'?>")) == readers.COBERTURA
