"""What ``publish`` derives from an Outcome: annotations, outputs, when to comment, status."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ratchet.core.results import Failure
from ratchet.core.rules import FILE_REGRESSION
from ratchet.errors import RatchetError
from ratchet.github import publish
from ratchet.github.settings import Settings
from tests.github.test_render_comment import result_for
from tests.github.test_resultjson import BEFORE, NOW, outcome_for

pytestmark = pytest.mark.unit


def test_annotations__paths_relative_to_the_workspace(tmp_path):
    outcome = outcome_for(NOW, BEFORE)
    cfg = dataclasses.replace(outcome.config, pyproject=tmp_path / "pkg" / "pyproject.toml")
    lines = publish.annotation_lines(dataclasses.replace(outcome, config=cfg), tmp_path)
    assert (
        "::error file=pkg/a.py,title=Coverage ratchet::a.py: 80.0000%25 -> 66.6667%25" in lines[0]
    )
    outside = publish.annotation_lines(dataclasses.replace(outcome, config=cfg), tmp_path / "x")
    assert outside[0].startswith("::error file=a.py,")


def test_annotations__capped_with_a_pointer_to_the_summary():
    outcome = outcome_for(NOW, BEFORE)
    many = tuple(Failure(FILE_REGRESSION, f"f{i}.py", f"f{i}.py: worse") for i in range(80))
    lines = publish.annotation_lines(
        dataclasses.replace(outcome, verdict=dataclasses.replace(outcome.verdict, failures=many)),
        None,
    )
    assert len(lines) == publish.MAX_ANNOTATIONS
    assert lines[-1] == "::notice::…and 31 more; see the job summary."


@pytest.mark.parametrize(
    ("now", "kwargs", "mode", "expected"),
    [
        ({"a.py": (9, 1)}, {"baseline": "90", "baseline_uncovered": 1}, "auto", False),
        ({"a.py": (9, 1)}, {"baseline": "90", "baseline_uncovered": 1}, "always", True),
        ({"a.py": (9, 1)}, {"baseline": "90", "baseline_uncovered": 2}, "auto", True),
        ({"a.py": (9, 1)}, {}, "auto", True),  # no baseline yet
        (
            {"a.py": (1, 9)},
            {"threshold": 50, "baseline": "10", "baseline_uncovered": 9},
            "auto",
            True,
        ),
    ],
)
def test_should_create__only_with_news_in_auto_mode(now, kwargs, mode, expected):
    assert publish.should_create(result_for(now, **kwargs), mode) is expected


def test_outputs__values_for_the_action(tmp_path):
    result = result_for({"a.py": (9, 1)}, threshold=50, baseline="92.5")
    values = publish.output_values(result, None, tmp_path / "comment.md", tmp_path)
    assert values == {
        "status": "fail",  # 2.5 points under the baseline
        "coverage": "90.0000",
        "baseline": "92.5",
        "threshold": "50",
        "new-threshold": "90",
        "delta": "-2.5000",
        "comment-id": "",
        "comment-action": "skipped",
        "comment-file": str(tmp_path / "comment.md"),
        "result-dir": str(tmp_path),
        "components": "[]",  # no components configured
    }


def test_publish_with__no_token_saves_and_warns(tmp_path):
    result = result_for({"a.py": (9, 1)})
    settings = Settings(
        result_dir=tmp_path / "r",
        pr_number=3,
        output_file=tmp_path / "out",
        summary_file=tmp_path / "sum",
    )
    lines: list[str] = []
    done = publish.publish_with(
        result, {"x": 1}, "# summary\n", settings, None, notes=["::error::n"], echo=lines.append
    )
    assert lines[0] == "::error::n"
    assert lines[1].startswith("::warning title=Coverage ratchet::No github-token or repository")
    assert lines[1].endswith(f"The comment was saved to {tmp_path / 'r' / 'comment.md'}.")
    assert done.comment_file == tmp_path / "r" / "comment.md"
    assert (tmp_path / "r" / "pr-number").read_text() == "3\n"
    assert Path(tmp_path / "sum").read_text() == "# summary\n"
    assert "status<<ghadelimiter_" in (tmp_path / "out").read_text()


def test_publish_with__files_that_cannot_be_written_are_warnings(tmp_path):
    (tmp_path / "file").write_text("")
    settings = Settings(
        result_dir=tmp_path / "file" / "r",  # under a file: NotADirectoryError
        pr_number=3,
        output_file=tmp_path,  # a directory: IsADirectoryError
        summary_file=tmp_path / "no" / "such" / "dir" / "sum",
    )
    lines: list[str] = []
    done = publish.publish_with(
        result_for({"a.py": (9, 1)}), {}, "# s\n", settings, None, notes=[], echo=lines.append
    )
    assert done.comment_file is None
    warnings = [line.split("::", 2)[2] for line in lines]
    assert [w.split(" ", 3)[:3] for w in warnings] == [
        ["Could", "not", "write"],  # the job summary
        ["Could", "not", "write"],  # the result directory
        ["No", "github-token", "or"],
        ["Could", "not", "write"],  # the step outputs
    ]
    assert "job summary" in warnings[0] and "step outputs" in warnings[3]
    assert all(line.startswith("::warning title=Coverage ratchet::") for line in lines)


@pytest.mark.parametrize(("given", "saved"), [("", None), ("", ""), ("api", "api")])
def test_ident_for__the_steps_own(given, saved):
    assert publish.ident_for(given, saved) == given


@pytest.mark.parametrize(
    ("given", "saved"), [("", "api"), ("api", None), ("api", ""), ("api", "web")]
)
def test_ident_for__a_result_made_with_another_id_is_refused(given, saved):
    with pytest.raises(RatchetError, match="the result was made with id"):
        publish.ident_for(given, saved)
