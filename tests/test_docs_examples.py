"""The examples in the documentation work as written.

- Every coverage run that README.md and docs/ show (``pytest --cov ...``, ``coverage run
  ...``, in shell blocks, console transcripts and workflow ``run:`` steps), and every such
  command the code suggests in a message, measures branches as the quick start does: a
  report without branches is refused once the bar was measured with them.
- Every TOML, YAML and JSON block of the repository's Markdown parses.
- Every input that an example passes to the Action is one that action.yml declares.
- The quick start commits exactly the files ``ratchet init`` writes, and shows the update
  workflow beside the check one.

The extraction is a few pure functions over text (``code_blocks``, ``commands``,
``measures_branches``); the last tests read the repository.
"""

from __future__ import annotations

import itertools
import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import tomlkit
import yaml

from tests.conftest import REPO, Project, git
from tests.test_docs_links import FENCE, markdown_files

SHELL = {"bash", "sh", "shell", "console", "shell-session"}
# Where a line holds more than one command, or a comment that holds one.
SEPARATORS = re.compile(r"&&|\|\||[;|#]")


class Block(NamedTuple):
    path: str
    line: int  # of the opening fence
    lang: str
    body: str


class Command(NamedTuple):
    where: str  # path:line
    text: str


def code_blocks(path: str, text: str) -> Iterator[Block]:
    """The fenced code blocks of a Markdown text, with their info string's first word."""
    fence = ""
    start, lang = 0, ""
    body: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        m = FENCE.match(line)
        if not fence:
            if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
                fence, start, body = m.group(1), number, []
                lang = (m.group(2).split() or [""])[0].lower()
        elif m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
            if not m.group(2).strip():
                yield Block(path, start, lang, "\n".join(body))
                fence = ""
        else:
            body.append(line)


def _runs(node: Any) -> Iterator[str]:
    """Every ``run:`` of a workflow (or of a fragment of one)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "run" and isinstance(value, str):
                yield value
            else:
                yield from _runs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _runs(item)


def commands(block: Block) -> Iterator[Command]:
    """The shell commands a block shows: the lines of a shell block (``$ `` prompts only in
    a transcript), ``$ `` lines of a text block, the ``run:`` steps of a YAML one. A line is
    split at ``&&``, ``;``, pipes and ``#``, so a command in a comment (``# or: coverage
    run ...``) is one too."""
    where = f"{block.path}:{block.line}"
    if block.lang in ("yaml", "yml"):
        lines = [line for run in _runs(yaml.safe_load(block.body)) for line in run.splitlines()]
    elif block.lang in SHELL or block.lang == "text":
        raw = block.body.replace("\\\n", " ").splitlines()
        prompted = block.lang in ("console", "text", "shell-session")
        lines = [
            line.strip()[2:] if line.strip().startswith("$ ") else line
            for line in raw
            if not prompted or line.strip().startswith("$ ")
        ]
    else:
        return
    for line in lines:
        for part in SEPARATORS.split(line):
            if part.strip():
                yield Command(where, part.strip())


def _words(command: str) -> list[str]:
    try:
        return shlex.split(command)
    except ValueError:  # an unbalanced quote in prose-like text
        return command.split()


def measures_branches(command: str) -> bool | None:
    """None: the command measures no coverage. Otherwise whether it measures branches:
    pytest with ``--cov`` needs ``--cov-branch``, ``coverage run`` needs ``--branch``."""
    words = _words(command)
    names = [Path(w).name for w in words]
    if "pytest" in names and any(w == "--cov" or w.startswith("--cov=") for w in words):
        return "--cov-branch" in words
    runs = any(a == "coverage" and b == "run" for a, b in itertools.pairwise(names))
    if runs:
        return "--branch" in words
    return None


def parses(block: Block) -> str | None:
    """Why a TOML, YAML or JSON block does not parse; None when it does (or is another
    language)."""
    try:
        if block.lang == "toml":
            tomlkit.parse(block.body)
        elif block.lang in ("yaml", "yml"):
            yaml.safe_load(block.body)
        elif block.lang == "json":
            json.loads(block.body)
    except Exception as e:
        return f"{block.path}:{block.line}: {block.lang} block does not parse: {e}"
    return None


# -- the functions, on small texts -----------------------------------------------------------


@pytest.mark.unit
def test_code_blocks__language_line_and_body():
    text = "# T\n\n```bash title\necho 1\n```\n\n````md\n```\ninner\n```\n````\n~~~\nx\n~~~\n"
    assert list(code_blocks("a.md", text)) == [
        Block("a.md", 3, "bash", "echo 1"),
        Block("a.md", 7, "md", "```\ninner\n```"),
        Block("a.md", 12, "", "x"),
    ]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("lang", "body", "expected"),
    [
        ("bash", "a && b # or: c\n\n# d\ne | f", ["a", "b", "or: c", "d", "e", "f"]),
        ("bash", "pytest --cov \\\n  --cov-branch", ["pytest --cov    --cov-branch"]),
        ("console", "$ ratchet check\nFAIL total\n$ echo $?", ["ratchet check", "echo $?"]),
        ("text", "coverage-ratchet: PASS\n$ pytest -q", ["pytest -q"]),
        ("yaml", "steps:\n  - run: |\n      a\n      b; c\n  - uses: x", ["a", "b", "c"]),
        ("toml", "x = 1", []),
    ],
)
def test_commands__what_counts_as_a_command(lang, body, expected):
    assert [c.text for c in commands(Block("a.md", 1, lang, body))] == expected


@pytest.mark.unit
@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("pytest --cov --cov-branch --cov-report=xml", True),
        ("pytest --cov=pkg --cov-branch", True),
        (".venv/bin/python -m pytest --cov --cov-report=xml", False),
        ("pytest --cov --cov-report=xml --shard-id=$SHARD", False),
        ("or: coverage run -m pytest", False),
        ("coverage run --branch -m pytest", True),
        ("python -m coverage run --branch x.py", True),
        ("pytest -q", None),  # no coverage measured
        ("pytest --cov-branch", None),  # the flag named in a hint, not a run
        ("coverage xml", None),
        ("ratchet check coverage.xml", None),
    ],
)
def test_measures_branches(command, expected):
    assert measures_branches(command) is expected


@pytest.mark.unit
@pytest.mark.parametrize(
    ("lang", "body", "ok"),
    [
        ("toml", "[tool.ratchet]\nthreshold = 80\n", True),
        ("toml", "[tool.ratchet\n", False),
        ("yaml", "on:\n  push:\n", True),
        ("yaml", "a: [\n", False),
        ("json", '{"a": 1}', True),
        ("json", '"patch": {"a": 1}', False),
        ("json", '{"before": {...}}', False),
        ("text", "{{{", True),
    ],
)
def test_parses(lang, body, ok):
    assert (parses(Block("a.md", 1, lang, body)) is None) is ok


# -- the repository --------------------------------------------------------------------------


def _docs() -> dict[str, str]:
    """README.md and docs/: what a user follows."""
    return {
        path: text
        for path, text in markdown_files(REPO).items()
        if path == "README.md" or path.startswith("docs/")
    }


@pytest.mark.unit
def test_docs__every_coverage_run_measures_branches_as_the_quick_start_does():
    runs = [
        c
        for path, text in _docs().items()
        for block in code_blocks(path, text)
        for c in commands(block)
        if measures_branches(c.text) is not None
    ]
    assert len(runs) >= 8  # README: quick start, hook, worked example, workflows; action.md
    assert [c for c in runs if not measures_branches(c.text)] == []


@pytest.mark.unit
def test_code__every_coverage_run_a_message_suggests_measures_branches():
    suggested = [
        Command(f"{path.relative_to(REPO)}", span)
        for path in sorted((REPO / "ratchet").rglob("*.py"))
        for span in re.findall(r"`([^`\n]+)`", path.read_text(encoding="utf-8"))
        if measures_branches(span) is not None
    ]
    assert suggested  # the "no report found" hint, at least
    assert [c for c in suggested if not measures_branches(c.text)] == []


@pytest.mark.unit
def test_markdown__every_toml_yaml_and_json_block_parses():
    blocks = [
        b
        for path, text in markdown_files(REPO).items()
        for b in code_blocks(path, text)
        if b.lang in ("toml", "yaml", "yml", "json")
    ]
    assert len(blocks) >= 20
    assert [p for p in map(parses, blocks) if p] == []


def _action_steps(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if str(node.get("uses", "")).startswith(("coverage-ratchet/coverage-ratchet@", "./")):
            yield node
        for value in node.values():
            yield from _action_steps(value)
    elif isinstance(node, list):
        for item in node:
            yield from _action_steps(item)


@pytest.mark.unit
def test_docs__every_input_given_to_the_action_is_declared():
    declared = set(yaml.safe_load((REPO / "action.yml").read_text())["inputs"])
    steps = [
        step
        for path, text in _docs().items()
        for block in code_blocks(path, text)
        if block.lang in ("yaml", "yml")
        for step in _action_steps(yaml.safe_load(block.body))
    ]
    assert len(steps) >= 8
    given = {key for step in steps for key in step.get("with", {})}
    assert given - declared == set()


def _quick_start() -> str:
    readme = (REPO / "README.md").read_text()
    return readme.split("## Quick start in your project", 1)[1].split("\n## ", 1)[0]


@pytest.mark.unit
def test_readme__the_update_workflow_stands_beside_the_check_one():
    readme = (REPO / "README.md").read_text()
    section = readme.split("## The GitHub Action", 1)[1].split("\n## ", 1)[0]
    workflows = [
        yaml.safe_load(b.body) for b in code_blocks("README.md", section) if b.lang == "yaml"
    ]
    # PyYAML reads the key `on` as True (YAML 1.1); GitHub reads it as "on".
    triggers = [w[True] for w in workflows]
    modes = [
        step.get("with", {}).get("mode", "check") for w in workflows for step in _action_steps(w)
    ]
    assert triggers == ["pull_request", {"push": {"branches": ["main"]}}]
    assert modes == ["check", "update"]
    assert "#the-github-action" in _quick_start()


@pytest.mark.integration
def test_readme__the_quick_start_commits_every_file_init_writes(
    make_project, monkeypatch: pytest.MonkeyPatch
):
    from click.testing import CliRunner

    from ratchet import cli

    [block] = [b for b in code_blocks("README.md", _quick_start()) if "ratchet init" in b.body]
    [add] = [c.text for c in commands(block) if c.text.startswith("git add ")]
    committed = set(_words(add)[2:])

    proj: Project = make_project()
    proj.run_tests()
    git(proj.root, "init", "-q")
    git(proj.root, "add", ".")
    git(proj.root, "commit", "-q", "-m", "the project, before the ratchet")
    monkeypatch.chdir(proj.root)
    result = CliRunner().invoke(cli.cli, ["init", "coverage.xml"])
    assert result.exit_code == 0, result.output
    status = git(proj.root, "status", "--porcelain", "--untracked-files=all").splitlines()
    written = {line[3:] for line in status}
    assert written == committed
    said = {line.removeprefix("ratchet: wrote ") for line in result.stdout.splitlines()}
    assert committed <= said
