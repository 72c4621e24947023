"""Every string field of a real result artifact, set to what an attacker would write, posted
by the privileged half: nothing turns live (issue 17).

The artifacts are the real CLI's (tests/fixtures/comment: a failing PR with patch coverage,
a PR carrying ``ratchet accept``, a two-component monorepo). Each string field is set to each
payload in turn; a field the artifact holds to what it can be (a status, a kind, a component
name, a setting key) refuses it, every other keeps it, and then the comment, rendered by
``ratchet comment`` and read as GitHub renders it, must show each payload as text only.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ratchet.cli import cli
from ratchet.github import artifact
from ratchet.render.comment import MAX_COMMENT
from tests.conftest import FIXTURES
from tests.github.conftest import HEAD_SHA, REPOSITORY, TOKEN, workflow_run_event
from tests.render.gfm import Page, mentions, parse

SCENARIOS = ["failing", "accepted", "monorepo"]
PAYLOADS = [
    "[x](https://evil.example/p)",
    "![t](https://evil.example/t.png)",
    "<img src=https://evil.example/t.png>",
    "@octocat [x](https://evil.example/p)",
    "x\n\n<!--",
    "```\n",
    "<details><summary>open",
    "</sub></details>\n\n# forged\n\n| a |\n|---|\n",
    "https://evil.example/autolink #1 GH-2",
]
# Free text in each scenario: each must keep the payload (else the test proves nothing).
FREE = {
    "failing": {"files_changed[0].path", "failures[0].message", "bar_source.ref", "notes[0]",
                "warnings[0]", "patch.files[0].path", "patch.description"},
    "accepted": {"accepted[0].reason", "accepted[0].author", "files_changed_from_base[0].path"},
    "monorepo": {"components[1].failures[0].message", "patch.files[0].path"},
}  # fmt: skip
# What the artifact holds to what it can be: a payload there is refused.
ENUMERABLE = {"status", "kind", "name", "component", "key", "old", "new", "event", "date"}
BLOB = f"https://github.com/{REPOSITORY}/blob/{HEAD_SHA}/"


def fields(x: Any, at: str = "") -> Iterator[str]:
    """The path of every string in a JSON document (``a.b[0].c``)."""
    if isinstance(x, str):
        yield at
    elif isinstance(x, dict):
        for k, v in x.items():
            yield from fields(v, f"{at}.{k}" if at else k)
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from fields(v, f"{at}[{i}]")


def put(doc: Any, path: str, value: str) -> None:
    keys: list[Any] = []
    for part in path.replace("]", "").replace("[", ".").split("."):
        keys.append(int(part) if part.isdigit() else part)
    for k in keys[:-1]:
        doc = doc[k]
    doc[keys[-1]] = value


def accepts(doc: dict[str, Any]) -> bool:
    try:
        artifact.parse_result(json.dumps(doc), source="result.json")
    except artifact.InvalidArtifact:
        return False
    return True


def clean_doc(name: str) -> dict[str, Any]:
    """The scenario's artifact, with a note and a warning (a real run may have both)."""
    doc = json.loads((FIXTURES / "comment" / name / "result.json").read_text())
    doc["notes"] = doc["notes"] or ["a note"]
    doc["warnings"] = doc["warnings"] or ["a warning"]
    return doc


def poisoned(name: str, payload: str) -> tuple[dict[str, Any], list[str], list[str]]:
    """The scenario's artifact with ``payload`` in every string field that takes it; the
    fields that took it, and those that refused it."""
    doc = clean_doc(name)
    kept, refused = [], []
    for path in fields(doc):
        trial = copy.deepcopy(doc)
        put(trial, path, payload)
        if accepts(trial):
            doc = trial
            kept.append(path)
        else:
            refused.append(path)
    return doc, kept, refused


def post_dry_run(tmp_path: Path, doc: dict[str, Any]) -> str:
    result = tmp_path / "result"
    result.mkdir(exist_ok=True)
    (result / "result.json").write_text(json.dumps(doc))
    (result / "pr-number").write_text("7\n")
    env = {"GITHUB_REPOSITORY": REPOSITORY, "GITHUB_SHA": HEAD_SHA, "GITHUB_EVENT_PATH": None,
           "GITHUB_TOKEN": None, "RATCHET_ID": None}  # fmt: skip
    res = CliRunner().invoke(cli, ["comment", "--result", str(result), "--dry-run"], env=env)
    assert res.exit_code == 0, res.output
    return res.output


def assert_inert(body: str, clean: Page) -> None:
    """Nothing live beyond what the clean comment has: no image, script or foreign link, no
    comment but the hidden two, no mention, no table or section added or hidden."""
    page = parse(body)
    assert [t for t in page.tags if t in ("img", "script", "iframe", "h1", "h2")] == []
    for tag in ("details", "summary", "table", "tr", "h3", "li", "sub"):
        assert page.tags.count(tag) == clean.tags.count(tag), tag
    assert page.tags.count("a") <= clean.tags.count("a")
    assert page.comments == clean.comments
    assert all(u.startswith(BLOB) for u in page.links), page.links
    assert mentions(page.text) == []
    assert page.text.rstrip().endswith("coverage-ratchet")  # the footer: nothing hid it
    assert len(body) <= MAX_COMMENT


@pytest.mark.integration  # in-process, but 27 renders: kept out of the fast tier
@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_string_field__payload_kept_as_text_or_refused(tmp_path, name, payload):
    clean = parse(post_dry_run(tmp_path, clean_doc(name)))
    doc, kept, refused = poisoned(name, payload)
    assert FREE[name] <= set(kept)
    assert {p.rsplit(".", 1)[-1] for p in refused} <= ENUMERABLE, refused
    assert_inert(post_dry_run(tmp_path, doc), clean)


@pytest.mark.integration
def test_through_the_fake_api__the_posted_body_holds_no_payload_live(
    run_ratchet, tmp_path, fake_github
):
    """Every payload at once, in every field that takes it, posted as the privileged
    ``workflow_run`` job posts it: the body GitHub receives is inert."""
    payload = " ".join(PAYLOADS)
    doc, kept, _ = poisoned("failing", payload)
    assert "files_changed[0].path" in kept
    clean = parse(post_dry_run(tmp_path, clean_doc("failing")))
    result = tmp_path / "posted"
    result.mkdir()
    (result / "result.json").write_text(json.dumps(doc))
    (result / "pr-number").write_text("7\n")
    fake_github.pulls[7] = {"number": 7, "head": {"sha": HEAD_SHA}}
    event = tmp_path / "event.json"
    event.write_text(json.dumps(workflow_run_event(HEAD_SHA)))
    env = {
        "GITHUB_API_URL": fake_github.url,
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_EVENT_NAME": "workflow_run",
    }
    res = run_ratchet("comment", "--result", str(result), cwd=tmp_path, env=env)
    assert res.code == 0, res
    (posted,) = fake_github.comments.values()
    assert_inert(posted["body"], clean)
