"""The result's JSON codec (``ratchet.render.jsonout`` and its parts) on the committed
artifacts, byte for byte. The property that ``load`` is the inverse of ``dump`` on random
results is in test_jsonout_property.py (hypothesis, integration tier)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ratchet.core.models import Counts
from ratchet.core.results import Plan, Result, Verdict
from ratchet.github.resultjson import _strict_json
from ratchet.render import jsonout
from ratchet.render.jsonfields import Fields, InvalidArtifact
from tests.conftest import FIXTURES


def through_json(data: dict[str, object]) -> object:
    return json.loads(jsonout.dumps(data))


@pytest.mark.unit
@pytest.mark.parametrize("name", ["raising", "failing", "accepted", "monorepo"])
def test_dump__writes_a_committed_artifact_back_byte_for_byte(name):
    """The four artifacts real runs wrote (tests/fixtures/comment/generate.py): read back
    and written again, the same bytes, so every field is read and none is invented."""
    path = FIXTURES / "comment" / name / "result.json"
    written = path.read_text(encoding="utf-8")
    loaded = jsonout.load(Fields(str(path)), _strict_json(written, str(path)))
    data = jsonout.dump(
        loaded.result, tolerance=loaded.tolerance, file_tolerance=loaded.file_tolerance
    )
    if loaded.ident is not None:
        data = jsonout.with_id(data, loaded.ident)
    assert jsonout.dumps(data) == written


@pytest.mark.unit
def test_load__a_derived_field_that_disagrees_is_refused():
    result = Result(
        Verdict(Counts(4, 3), Decimal(50), None, (), (), (), None),
        "pass",
        plan=Plan(Decimal(50), None, (), ()),
    )
    data = through_json(jsonout.dump(result))
    assert isinstance(data, dict)
    data["totals"]["uncovered"] = 0
    with pytest.raises(InvalidArtifact, match=r"totals\.uncovered: does not match the counts"):
        jsonout.load(Fields("result.json"), data)
