"""File names are chosen by whoever opens a pull request, and the runner reads workflow
commands from every line a step prints (stdout and stderr). These tests read the output the
way the runner does and check that only the ratchet's own annotations come out of it."""

from __future__ import annotations

import json
import re

import pytest

from ratchet.github import outputs
from tests.github.conftest import pr_step_env

pytestmark = pytest.mark.integration

HOSTILE = [
    "src/x\n::error file=owned.py,line=1::INJECTED",
    "src/y\n::stop-commands::zz",
    "src/z##[error]LEGACY.py",
    "src/100%0A::warning::pct.py",
]


def runner_commands(text: str) -> list[tuple[str, str]]:
    """``(command, rest)`` for each workflow command the runner would run in ``text``: lines
    end at CR, LF or CRLF; ``::name ...::`` at a line's start after blanks, or the legacy
    ``##[name ...]`` anywhere; after ``::stop-commands::T`` nothing but ``::T::`` runs."""
    ran: list[tuple[str, str]] = []
    stop: str | None = None
    for line in re.split(r"\r\n|\r|\n", text):
        stripped = line.lstrip()
        name = rest = None
        if stripped.startswith("::") and "::" in stripped[2:]:
            info, _, rest = stripped[2:].partition("::")
            name = info.split(" ", 1)[0]
        elif "##[" in line and "]" in line[line.index("##[") :]:
            info, _, rest = line[line.index("##[") + 3 :].partition("]")
            name = info.split(" ", 1)[0]
        if name is None:
            continue
        if stop is not None:
            if name.lower() == stop.lower():
                stop = None
            continue
        if name == "stop-commands":
            stop = rest
            continue
        ran.append((name, line))
    return ran


@pytest.fixture
def hostile(tmp_path, workspace, fake_github):
    """A PR whose hostile files regressed, and the runner's variables for the check step."""
    base = {"src/a.py": (50, 50)}
    files = {"src/a.py": (50, 50)}
    for name in HOSTILE:
        base[name], files[name] = (9, 1), (1, 9)
    workspace.configure(threshold=10, baseline="10", baseline_uncovered=1, file_baseline=base)
    workspace.write_report(files)
    return pr_step_env(tmp_path, workspace, fake_github)


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_hostile_file_names__run_no_workflow_command(run_ratchet, workspace, hostile, fmt):
    res = run_ratchet(
        "check", "--github", "--format", fmt, "coverage.json", cwd=workspace.root, env=hostile
    )
    assert res.code == 1, res
    ran = runner_commands(res.stdout) + runner_commands(res.stderr)
    # Exactly one annotation per regressed file, each naming its file escaped, and nothing
    # else: no error on owned.py, no stop-commands that would silence the real ones.
    assert [name for name, _ in ran] == ["error"] * len(HOSTILE), ran
    assert all(line.startswith("::error file=src/") for _, line in ran), ran
    files = [re.findall(r" file=([^,:]*)", line) for _, line in ran]
    assert ["owned.py"] not in files
    assert any("src/x%0A%3A%3Aerror file=owned.py" in line for _, line in ran)
    if fmt == "json":
        assert json.loads(res.stdout)["status"] == "fail"  # still the same document


def test_text_report__wrapped_in_stop_commands_then_annotations(run_ratchet, workspace, hostile):
    res = run_ratchet("check", "coverage.json", cwd=workspace.root, env=hostile)
    assert res.code == 1, res
    first, *rest = res.stdout.splitlines()
    token = first.removeprefix("::stop-commands::")
    assert re.fullmatch(r"coverage-ratchet-[0-9a-f]{32}", token), first
    end = rest.index(f"::{token}::")
    assert rest[0].startswith("coverage-ratchet: FAIL ")
    assert rest[end + 1].startswith("::error file=")  # annotations after resuming


def test_text_report__control_characters_shown_not_printed(run_ratchet, workspace, hostile):
    res = run_ratchet("check", "--no-github", "coverage.json", cwd=workspace.root, env=hostile)
    assert res.code == 1, res
    assert "FAIL src/x\\n::error file=owned.py,line=1::INJECTED  90.00% -> 10.00%" in res.stdout
    assert not [line for line in res.stdout.splitlines() if line.lstrip().startswith("::")]


@pytest.mark.unit
@pytest.mark.parametrize(
    "text",
    [
        *HOSTILE,
        "  ::error::leading blanks",
        "a\rb::error::after a lone CR",
        "\u2028::error::x\x85y\x1b[31m",
    ],
)
def test_inert_line__no_command_whatever_the_text(text):
    line = outputs.inert_line(text)
    assert runner_commands(line) == []
    assert len(re.split(r"\r\n|\r|\n", line)) == 1
