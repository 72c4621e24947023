from __future__ import annotations

import pytest

from ratchet.github import outputs
from tests.github.conftest import parse_output_file

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("50%", "50%25", "50%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("%0A", "%250A", "%250A"),  # an escape sequence in the input stays literal
        ("src/a:b,c.py", "src/a:b,c.py", "src/a%3Ab%2Cc.py"),
    ],
)
def test_escape__percent_first_then_newlines_and_property_separators(raw, data, prop):
    assert outputs.escape_data(raw) == data
    assert outputs.escape_property(raw) == prop


def test_annotation__a_hostile_file_name_cannot_start_another_command():
    line = outputs.annotation(
        "error", "dropped\n::set-output name=x::y", file="a,title=x\n::warning::b.py", line=3
    )
    assert "\n" not in line
    assert line.startswith("::error file=a%2Ctitle=x%0A%3A%3Awarning%3A%3Ab.py,line=3::")
    assert line.endswith("::dropped%0A::set-output name=x::y")


def test_annotation__omits_empty_properties():
    assert outputs.annotation("warning", "m") == "::warning::m"
    with pytest.raises(ValueError, match="debug"):
        outputs.annotation("debug", "m")


def test_outputs__multiline_values_round_trip_through_random_delimiters(tmp_path):
    path = tmp_path / "out"
    values = {"status": "pass", "comment-file": "/tmp/x", "body": "line 1\nline 2\n\nEOF"}
    outputs.write_outputs(path, values)
    outputs.write_outputs(path, {"delta": "-0.5"})
    text = path.read_text()
    assert text.count("ghadelimiter_") == 8
    assert parse_output_file(path) == {**values, "delta": "-0.5"}


def test_outputs__a_value_cannot_forge_another_output(tmp_path):
    path = tmp_path / "out"
    outputs.write_outputs(path, {"status": "pass\nstatus=fail"})
    assert parse_output_file(path) == {"status": "pass\nstatus=fail"}


def test_outputs__outside_a_runner_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not even a file of some default name, here
    outputs.write_outputs(None, {"status": "pass"})  # no GITHUB_OUTPUT: a local run
    assert list(tmp_path.iterdir()) == []


def test_outputs__invalid_name_is_a_bug():
    with pytest.raises(ValueError, match="invalid output name"):
        outputs.format_outputs({"a b": "x"})


def test_summary__capped_under_the_runners_limit(tmp_path):
    path = tmp_path / "summary"
    outputs.append_summary(path, "é" * 800_000)
    text = path.read_text(encoding="utf-8")
    assert len(text.encode()) <= outputs.MAX_SUMMARY + 1
    assert "summary truncated" in text
    outputs.append_summary(None, "ignored")  # outside a runner: nothing to write
