"""The artifact a fork's run hands over (``ratchet.github.artifact``): result.json, the
comment and the pr-number written beside each other, and read back with every file held to
its size and kind. What is inside result.json and how far it is trusted:
tests/github/test_resultjson.py."""

from __future__ import annotations

import json

import pytest

from ratchet.github import artifact
from ratchet.render import jsonout
from ratchet.render.outcome import outcome_dict
from tests.github.test_resultjson import BEFORE, NOW, outcome_for


@pytest.fixture(scope="module")
def outcome():
    return outcome_for(NOW, BEFORE)


@pytest.fixture
def doc(outcome):
    """The outcome's JSON document, a fresh copy."""
    return json.loads(jsonout.dumps(outcome_dict(outcome)))


@pytest.mark.unit
def test_id__written_beside_the_result_and_checked(tmp_path, outcome, doc):
    artifact.write(tmp_path, doc, "comment", 3, "api")
    saved = artifact.load(tmp_path)
    assert (saved.ident, saved.pr_number, saved.result.status) == ("api", 3, "fail")
    assert artifact.parse_result(json.dumps(doc), source="r")[1] is None  # check's own JSON
    for bad, message in ((5, "id: must be a string"), ("a -->", "id: id must be")):
        with pytest.raises(artifact.InvalidArtifact, match=message):
            artifact.parse_result(json.dumps({**doc, "id": bad}), source="r")


@pytest.mark.unit
def test_load__pr_number_and_file_checks(tmp_path, outcome):
    d = tmp_path / "result"
    artifact.write(d, outcome_dict(outcome), "comment", 12, "")
    saved = artifact.load(d)
    assert saved.pr_number == 12 and saved.result.status == "fail" and saved.ident == ""
    (d / "pr-number").write_text("12\n13")
    with pytest.raises(artifact.InvalidArtifact, match="pr-number"):
        artifact.load(d)
    (d / "pr-number").write_text("1" * 40)
    with pytest.raises(artifact.InvalidArtifact, match="larger than 32 bytes"):
        artifact.load(d)
    (d / "pr-number").unlink()
    (d / "pr-number").symlink_to("/etc/hostname")
    with pytest.raises(artifact.InvalidArtifact, match="not a regular file"):
        artifact.load(d)
    (d / "pr-number").unlink()
    assert artifact.load(d).pr_number is None
    (d / "result.json").write_bytes(b"\xff\xfe")
    with pytest.raises(artifact.InvalidArtifact, match="not UTF-8"):
        artifact.load(d)
    with pytest.raises(artifact.InvalidArtifact, match="missing"):
        artifact.load(tmp_path / "nowhere")


@pytest.mark.unit
def test_load__size_is_capped_before_parsing(tmp_path):
    big = tmp_path / "result.json"
    big.write_text(" " * 2048)
    with pytest.raises(artifact.InvalidArtifact, match="larger than 1024 bytes"):
        artifact._read(big, 1024)


@pytest.mark.unit
def test_write__no_pr_number_removes_a_stale_one(tmp_path, doc):
    artifact.write(tmp_path, doc, "comment", 12, "api")
    assert (tmp_path / "pr-number").read_text() == "12\n"
    comment_path = artifact.write(tmp_path, doc, "again", None, "api")
    assert comment_path == tmp_path / "comment.md" and comment_path.read_text() == "again"
    assert not (tmp_path / "pr-number").exists()
    assert artifact.load(tmp_path).pr_number is None
    artifact.write(tmp_path, doc, "once more", None, "api")  # nothing there to remove
    assert sorted(p.name for p in tmp_path.iterdir()) == ["comment.md", "result.json"]
