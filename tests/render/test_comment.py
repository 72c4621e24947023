"""The PR comment of four real pull requests, against golden files (issue 22).

Each scenario's ``result.json`` was written by the real CLI on a real git repository measured
by coverage.py (tests/fixtures/comment/generate.py makes them again); ``comment.md`` beside it
is the comment rendered from it. ``RATCHET_REGEN_GOLDEN=1`` writes the goldens again: read
the diff before committing it.

The fork variant is the privileged half: ``ratchet comment --dry-run`` on the artifact, as
the ``workflow_run`` job runs it, must post exactly the golden comment.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ratchet.cli import cli
from ratchet.github import artifact
from ratchet.render import comment
from tests.conftest import FIXTURES
from tests.render.gfm import mentions, parse

pytestmark = pytest.mark.unit

HERE = FIXTURES / "comment"
SCENARIOS = ["raising", "failing", "accepted", "monorepo"]
REPO = "octo/shop"
RUN = f"https://github.com/{REPO}/actions/runs/4242"


def head(name: str) -> str:
    return (HERE / name / "head-sha").read_text().strip()


def rendered(name: str) -> str:
    result, _ = artifact.parse_result((HERE / name / "result.json").read_text(), source=name)
    links = comment.Links.of("https://github.com", REPO, head(name))
    return comment.render(result, links=links, run_url=RUN)


@pytest.mark.parametrize("name", SCENARIOS)
def test_golden__the_comment_of_each_scenario(name):
    text = rendered(name)
    golden = HERE / name / "comment.md"
    if os.environ.get("RATCHET_REGEN_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()


@pytest.mark.parametrize("name", SCENARIOS)
def test_golden__reads_as_github_renders_it(name):
    text = rendered(name)
    page = parse(text)
    # No table whose header row is empty, no column lost or added.
    for row in page.cells:
        assert any(cell.strip() for cell in row), row
    assert len({len(row) for row in page.cells if row[0] == "File"}) <= 1
    # No escape shown raw, no ASCII arrow, no plural left to chance.
    assert not re.search(r"\\[^\sA-Za-z0-9]", page.text), page.text
    assert "->" not in page.text.replace("-->", "")
    assert not re.search(r"\(s\)|\b1 files\b|\b1 components\b", page.text)
    # Every link is the tested commit's file, or the run.
    blob = f"https://github.com/{REPO}/blob/{head(name)}/"
    assert all(u.startswith(blob) or u == RUN for u in page.links), page.links
    assert all(re.fullmatch(r"[^\s()<>]+#L\d+(-L\d+)?", u) for u in page.links if u != RUN)
    assert mentions(page.text) == []


def visible(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("<!-- coverage-ratchet")]


def test_golden__a_failing_pr_with_two_fallen_files_is_short_with_its_reason_first():
    lines = visible(rendered("failing"))
    assert len(lines) <= 40
    assert "2 files fell" in lines[0]
    assert "points under the 80% patch threshold" in lines[0]
    rows = [line for line in lines if line.startswith("| ❌ ")]
    assert len(rows) == 2 and all("/blob/" in row for row in rows)


def test_golden__an_accepted_lowering_says_so_with_its_reason_first():
    lines = visible(rendered("accepted"))
    assert lines[0].startswith("### ⚠️ Coverage 66.67% — the bar is lowered on purpose, 16.67")
    assert lines[2].startswith("- **Reason:** test\\_cart was flaky on Windows")
    # The file that fell is shown against main's own per-file line, not the accepted one.
    assert any(line.startswith("| shop/cart\\.py | 76.92% | 38.46% | -38.46 |") for line in lines)


@pytest.mark.parametrize("name", ["failing", "accepted"])
def test_golden__the_fork_variant_posts_the_same_comment(name, tmp_path):
    """The privileged ``workflow_run`` half renders the artifact anew: the same comment."""
    result = tmp_path / "result"
    result.mkdir()
    data = json.loads((HERE / name / "result.json").read_text())
    (result / "result.json").write_text(json.dumps(data))
    (result / "pr-number").write_text("7\n")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"workflow_run": {"head_sha": head(name), "html_url": RUN}}))
    env = {
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_EVENT_NAME": "workflow_run",
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_SHA": None,
        "GITHUB_RUN_ID": None,
        "GITHUB_TOKEN": None,
        "RATCHET_ID": None,
    }
    res = CliRunner().invoke(cli, ["comment", "--result", str(result), "--dry-run"], env=env)
    assert res.exit_code == 0, res.output
    assert res.output == (HERE / name / "comment.md").read_text() + "\n"


@pytest.mark.parametrize("name", SCENARIOS)
def test_golden__docs_show_each_scenario_as_it_renders(name):
    """docs/action.md quotes each golden comment (without its hidden lines), so GitHub shows
    it there as it shows the comment."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in visible(rendered(name)))
    assert quoted in (Path(__file__).parents[2] / "docs" / "action.md").read_text()
