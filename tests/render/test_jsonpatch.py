"""The patch's part of a result's JSON (``ratchet.render.jsonpatch``): what ``dump`` writes,
and ``load`` taking back exactly that, refusing anything else with the field named."""

from __future__ import annotations

import copy
import json

import pytest

from ratchet.core.models import Counts
from ratchet.render import jsonparts, jsonpatch
from ratchet.render.jsonfields import Fields, InvalidArtifact
from tests.core.test_patch import sample

pytestmark = pytest.mark.unit


def test_render_json__documented_fields():
    data = jsonpatch.dump(sample())
    json.dumps(data)  # serialisable as is
    assert {k: data[k] for k in ("lines_valid", "lines_covered", "branches_valid")} == {
        "lines_valid": 5,
        "lines_covered": 1,
        "branches_valid": 2,
    }
    assert data["percent"] == pytest.approx(100 * 2 / 7)
    assert (data["threshold"], data["status"]) == (80, "fail")
    m = next(f for f in data["files"] if f["path"] == "pkg/m.py")
    assert m == {
        "path": "pkg/m.py",
        "status": "modified",
        "old_path": None,
        "lines_valid": 4,
        "lines_covered": 1,
        "branches_valid": 2,
        "branches_covered": 1,
        "covered": [2],
        "uncovered_ranges": [[7, 8], [10, 10]],
        "partial_branch_lines": [2],
    }
    assert data["indirect"] == []
    assert [f["kind"] for f in data["failures"]] == ["patch_below_threshold"]


def load(data):
    return jsonpatch.load(Fields("result.json"), json.loads(json.dumps(data)), "patch")


def test_load__is_the_inverse_of_dump():
    p = sample()
    assert load(jsonpatch.dump(p)) == p


def _set(*path_and_value):
    *path, value = path_and_value

    def mutate(d):
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = value

    return mutate


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_set("status", "PASS"), r"patch\.status: must be 'pass' or 'fail'"),
        (_set("status", "pass"), r"patch\.status: does not match its failures"),
        (_set("files", 0, "status", "moved"), r"patch\.files\[0\]\.status: must be one of"),
        (_set("files", 0, "lines_covered", "1"), r"patch\.files\[0\]\.lines_covered: must be"),
        (_set("files", 0, "uncovered_ranges", [[8, 7]]), r"\[0\]: must be 1 <= first <= last"),
        (_set("files", "all"), r"patch\.files: must be a list"),
        (_set("threshold", "80"), r"patch\.threshold: must be a number"),
        (_set("path_prefix", 5), r"patch\.path_prefix: must be a string"),
        (_set("components", [{"name": "a b"}]), r"patch\.components\[0\]: missing key"),
        (_set("extra", 1), r"patch: unexpected key 'extra'"),
    ],
)
def test_load__refuses_a_wrong_value_naming_the_field(mutate, message):
    data = copy.deepcopy(jsonpatch.dump(sample()))
    mutate(data)
    with pytest.raises(InvalidArtifact, match=message):
        load(data)


def test_load__an_indirect_file_waived_only_as_the_waived_list_says():
    data = jsonpatch.dump(sample())
    after = jsonparts.counts(Counts(4, 2))
    data["indirect"] = [{"path": "pkg/x.py", "before": None, "after": after, "waived": True}]
    with pytest.raises(InvalidArtifact, match=r"patch\.indirect\[0\]\.waived: does not match"):
        load(data)
    data["indirect"][0]["waived"] = False
    assert [(c.path, c.after) for c in load(data).indirect] == [("pkg/x.py", Counts(4, 2))]
