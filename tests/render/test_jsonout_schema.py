"""The JSON output against its committed schemas (docs/schema/, JSON Schema draft 2020-12),
validated with jsonschema (the lock's 4.26.0): real runs' output, both ways.

The published schemas allow properties they do not name (the output may gain fields, as
docs/json.md promises). The tests validate against a *strict* copy, every object closed
(``additionalProperties: false``), so a field the code adds without describing it fails
here: describe it in the schema (``properties``, and ``required`` when it is always there)
and in docs/json.md, and this passes again.

The outputs: the Action's result artifacts of the PR comment's four scenarios (real
``check --baseline-ref main --diff main --format json`` runs on real git repositories,
tests/fixtures/comment/generate.py), and fresh runs here of ``report`` on each report
format coverage.py writes and of ``check`` on a real coverage.py run.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import FIXTURES, REPO, copy_sample

SCHEMAS = REPO / "docs" / "schema"
SCENARIOS = ["raising", "failing", "accepted", "monorepo"]


def schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    return data


def strict(node: Any) -> Any:
    """``node`` with every object schema closed: no property it does not name."""
    if isinstance(node, list):
        return [strict(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: strict(v) for k, v in node.items()}
    if "properties" in node and "additionalProperties" not in node:
        out["additionalProperties"] = False
    return out


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(strict(schema(name)))


def errors(name: str, document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(name).iter_errors(document)
    ]


@pytest.mark.unit
@pytest.mark.parametrize("name", ["check", "report"])
def test_schema__is_a_valid_draft_2020_12_schema(name: str):
    Draft202012Validator.check_schema(schema(name))
    Draft202012Validator.check_schema(strict(schema(name)))
    assert schema(name)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.unit
@pytest.mark.parametrize("name", SCENARIOS)
def test_check__the_result_of_each_comment_scenario(name: str):
    document = json.loads((FIXTURES / "comment" / name / "result.json").read_text())
    assert errors("check", document) == []


@pytest.mark.unit
def test_strict__a_field_the_schema_does_not_name_is_caught():
    """What keeps the schema whole: an undescribed field fails the strict copy (and only
    it: the published schema lets a consumer read a newer version's output)."""
    document = json.loads((FIXTURES / "comment" / "failing" / "result.json").read_text())
    document["new_field"] = 1
    document["patch"]["files"][0]["extra"] = True
    assert sorted(errors("check", document)) == [
        ": Additional properties are not allowed ('new_field' was unexpected)",
        "patch/files/0: Additional properties are not allowed ('extra' was unexpected)",
    ]
    assert list(Draft202012Validator(schema("check")).iter_errors(document)) == []
    del document["new_field"], document["patch"]["files"][0]["extra"], document["precision"]
    assert errors("check", document) == [": 'precision' is a required property"]


@pytest.mark.integration
@pytest.mark.parametrize("report", ["coverage.xml", "coverage.json", "coverage.lcov", ".coverage"])
def test_report__each_format_coverage_py_writes(sample_reports, tmp_path, ratchet_cli, report):
    root = copy_sample(sample_reports, tmp_path / "proj")
    (root / "pyproject.toml").write_text('[project]\nname = "sample"\n')
    r = ratchet_cli("report", "--format", "json", report, cwd=root)
    assert r.code == 0, r
    document = json.loads(r.stdout)
    assert document["files"] and errors("report", document) == []


@pytest.mark.integration
def test_check__fresh_runs_passing_failing_and_with_components(
    sample_reports, tmp_path, ratchet_cli
):
    root = copy_sample(sample_reports, tmp_path / "proj")
    (root / "pyproject.toml").write_text('[project]\nname = "sample"\n')
    assert ratchet_cli("init", "coverage.json", cwd=root).code == 0
    runs = [ratchet_cli("check", "--format", "json", "coverage.json", cwd=root)]
    # A bar the report fails: a higher baseline, a component with a bar of its own.
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    text = re.sub(r"covered = 18, measured = 25, branches = 8, uncovered = 7",
                  "covered = 19, measured = 25, branches = 8, uncovered = 6", text)  # fmt: skip
    text = text.replace("percent = 72,", "percent = 76,")
    pyproject.write_text(text + '\n[tool.ratchet.components.core]\npaths = ["pkg/**"]\n'
                         "threshold = 90\n")  # fmt: skip
    runs.append(ratchet_cli("check", "--format", "json", "coverage.json", cwd=root))
    assert [r.code for r in runs] == [0, 1], runs
    for r in runs:
        assert errors("check", json.loads(r.stdout)) == []
    failing = json.loads(runs[1].stdout)
    assert {f["kind"] for f in failing["failures"]} >= {
        "total_regression",
        "component_below_threshold",
    }
    assert failing["update"]["status"] == "refused" and failing["bar_source"]["ref"] is None


@pytest.mark.unit
def test_docs__json_md_links_the_schemas_and_names_every_top_level_field():
    page = (REPO / "docs" / "json.md").read_text()
    assert "schema/check.schema.json" in page and "schema/report.schema.json" in page
    for name in ("check", "report"):
        for field in schema(name)["properties"]:
            assert f"`{field}`" in page or f'"{field}"' in page, (name, field)
