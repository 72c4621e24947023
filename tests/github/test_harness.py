"""The harness's expression engine and output parser: the action tests stand on them."""

from __future__ import annotations

import pytest

from tests.github.conftest import condition, interpolate, parse_output_file

pytestmark = pytest.mark.unit

CTX = {
    "inputs": {"coverage-files": "a.xml b.xml", "id": ""},
    "github": {
        "base_ref": "main",
        "event_name": "pull_request",
        "event": {"pull_request": {"head": {"sha": "abc"}}},
    },
    "steps": {"install": {"outputs": {"bin": "/venv/bin"}}},
    "__status__": "success",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${{ inputs.coverage-files }}", "a.xml b.xml"),
        ("${{ github.event.pull_request.head.sha }}", "abc"),
        ("${{ github.event['pull_request'].head.sha }}", "abc"),
        ("bin=${{ steps.install.outputs.bin }}/x", "bin=/venv/bin/x"),
        (
            "${{ github.base_ref && format('origin/{0}', github.base_ref) || 'none' }}",
            "origin/main",
        ),
        ("${{ inputs.id || 'default' }}", "default"),
        ("${{ steps.missing.outputs.bin }}", ""),
        ("${{ contains(fromJSON('[\"a\", \"B\"]'), 'b') }}", "true"),
        ("${{ 'it''s' }}", "it's"),
        ("plain", "plain"),
    ],
)
def test_interpolate(text, expected):
    assert interpolate(text, CTX) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("github.event_name == 'PULL_REQUEST'", True),  # GitHub compares strings case-insensitively
        ("${{ !cancelled() && inputs.id != '' }}", False),
        ("failure()", False),
        ("always()", True),
        ("inputs.id", False),
    ],
)
def test_condition(text, expected):
    assert condition(text, CTX) is expected


def test_parse_output_file__both_forms(tmp_path):
    path = tmp_path / "out"
    path.write_text("a=1\nb<<EOF\nx=y\nz\nEOF\nc=d=e\n")
    assert parse_output_file(path) == {"a": "1", "b": "x=y\nz", "c": "d=e"}
