"""Three versions of the bar made one: per key and per file line the stricter value, a value
one side lowered (its accept) wins, a value one side changed is that side's."""

from __future__ import annotations

import pytest

from ratchet.core import barmerge
from ratchet.core.models import Counts

pytestmark = pytest.mark.unit


def bl(covered: int, measured: int = 100, uncovered: int | None = None) -> dict:
    return {
        "percent": covered * 100 // measured,
        "covered": covered,
        "measured": measured,
        "branches": 0,
        "uncovered": measured - covered if uncovered is None else uncovered,
    }


BASE = {"threshold": 70, "baseline": bl(72), "baseline_file": "b.tsv", "tolerance": 0.5}


def merge(ours: dict, theirs: dict, base: dict | None = None) -> dict:
    return barmerge.merge_tables(BASE if base is None else base, ours, theirs).table


@pytest.mark.parametrize(
    ("ours", "theirs", "expected"),
    [
        ({}, {}, {}),  # nobody changed anything
        ({"threshold": 80}, {}, {"threshold": 80}),  # one side raised: its value
        ({}, {"threshold": 60}, {"threshold": 60}),  # one side lowered (accept): its value
        ({"threshold": 80}, {"threshold": 75}, {"threshold": 80}),  # two raises: the stricter
        ({"threshold": 80}, {"threshold": 60}, {"threshold": 60}),  # a raise, an accept: accept
        ({"threshold": 60}, {"threshold": 80}, {"threshold": 60}),  # whichever side it is on
        ({"threshold": 60}, {"threshold": 65}, {"threshold": 65}),  # two accepts: the stricter
        ({"tolerance": 0.2}, {"tolerance": 0.3}, {"tolerance": 0.2}),  # lower is stricter
        ({"tolerance": 0.2}, {"tolerance": 1}, {"tolerance": 1}),  # 1 > 0.5: a lowering
        ({"baseline": bl(80)}, {"baseline": bl(75)}, {"baseline": bl(80)}),
        ({"baseline": bl(80)}, {"baseline": bl(60)}, {"baseline": bl(60)}),  # accepted
        # At one percent the fewer uncovered; then its exemption.
        ({"baseline": bl(80, uncovered=10)}, {"baseline": bl(80, uncovered=15)},
         {"baseline": bl(80, uncovered=10)}),
        # Covered code deleted on one side (lower percent, no more uncovered), raised on the
        # other: the deletion's record is a lowering, and the side that lowered wins.
        ({"baseline": bl(70, 98, uncovered=28)}, {"baseline": bl(85)},
         {"baseline": bl(70, 98, uncovered=28)}),
    ],
)  # fmt: skip
def test_merge_tables__per_key(ours: dict, theirs: dict, expected: dict):
    merged = merge({**BASE, **ours}, {**BASE, **theirs})
    assert merged == {**BASE, **expected}


def test_merge_tables__keys_added_and_removed_and_unset_gates():
    base = {"threshold": 70, "patch_threshold": 80}
    ours = {"threshold": 70, "patch_threshold": 80, "expect_reports": 2}  # added here
    theirs = {"threshold": 70}  # patch_threshold removed there: a lowering, so it wins
    assert barmerge.merge_tables(base, ours, theirs).table == {
        "threshold": 70,
        "expect_reports": 2,
    }
    # Both changed it: 90 beats unset (unset is no gate at all) unless unset is a lowering.
    both = barmerge.merge_tables(
        {"patch_threshold": 80}, {"patch_threshold": 90}, {"patch_threshold": 85}
    )
    assert both.table == {"patch_threshold": 90}


def test_merge_tables__flags_and_their_defaults():
    # fail_on_indirect is true when absent: false on one side is that side's lowering.
    m = barmerge.merge_tables({}, {"fail_on_indirect": False}, {"patch_empty": "fail"})
    assert m.table == {"fail_on_indirect": False, "patch_empty": "fail"}
    m = barmerge.merge_tables(
        {"patch_empty": "pass"}, {"patch_empty": "fail"}, {"patch_empty": "fail"}
    )
    assert m.table == {"patch_empty": "fail"}


def test_merge_tables__keys_without_an_order_conflict_when_both_change_them():
    m = barmerge.merge_tables(
        {"step": 5, "reports": ["a.xml"]},
        {"step": 2, "reports": ["a.xml"]},
        {"step": 10, "reports": ["b.xml"]},
    )
    assert m.table == {"step": 10, "reports": ["b.xml"]}  # theirs stands in
    assert m.conflicts == ("step",)


def test_merge_tables__components_key_by_key():
    core = {"paths": ["src/core/**"], "threshold": 70, "baseline": bl(72)}
    web = {"paths": ["src/web/**"], "threshold": 50}
    base = {"threshold": 60, "components": {"core": core, "web": web}}
    ours = {
        "threshold": 60,
        "components": {"core": {**core, "threshold": 80, "baseline": bl(81)}, "web": web},
    }
    theirs = {
        "threshold": 60,
        "components": {
            "core": {**core, "threshold": 65, "baseline": bl(66)},  # accepted
            "web": {**web, "threshold": 55},  # raised
            "new": {"paths": ["src/new/**"]},  # added
        },
    }
    merged = barmerge.merge_tables(base, ours, theirs).table
    assert merged["components"] == {
        "core": {**core, "threshold": 65, "baseline": bl(66)},
        "web": {**web, "threshold": 55},
        "new": {"paths": ["src/new/**"]},
    }
    # A component removed on one side and untouched on the other is removed.
    gone = {"threshold": 60, "components": {"core": core}}
    assert barmerge.merge_tables(base, gone, base).table["components"] == {"core": core}


def c(valid: int, covered: int) -> Counts:
    return Counts(valid, covered)


def test_merge_lines__line_by_line():
    base = {"a.py": c(10, 8), "b.py": c(10, 5), "c.py": c(10, 10), "d.py": c(4, 4)}
    ours = {"a.py": c(10, 9), "b.py": c(10, 9), "c.py": c(10, 10), "e.py": c(2, 1)}  # d gone
    theirs = {"a.py": c(10, 4), "b.py": c(10, 6), "c.py": c(10, 10), "d.py": c(4, 4)}
    assert barmerge.merge_lines(base, ours, theirs) == {
        "a.py": c(10, 4),  # lowered there (an accept): wins over the raise here
        "b.py": c(10, 9),  # raised on both: the stricter
        "c.py": c(10, 10),
        "e.py": c(2, 1),  # added here
    }  # d.py: removed here, untouched there


def test_merge_lines__no_line_is_lower_than_any_line():
    base = {"a.py": c(10, 8)}
    # Removed here (a lowering) and raised there: the removal is the lowering side's.
    assert barmerge.merge_lines(base, {}, {"a.py": c(10, 9)}) == {}
    # Added on both sides differently: the stricter.
    assert barmerge.merge_lines({}, {"n.py": c(4, 2)}, {"n.py": c(4, 3)}) == {"n.py": c(4, 3)}


def test_merge_tables__both_changed_from_nothing_and_flags_both_set():
    # No such key at the merge-base: both added it, the stricter stays.
    assert merge({"threshold": 80}, {"threshold": 75}, base={}) == {"threshold": 80}
    assert merge({"baseline": bl(80)}, {"baseline": bl(75)}, base={}) == {"baseline": bl(80)}
    # false where it was (by default) true is one side's lowering: it wins over true.
    m = barmerge.merge_tables({}, {"fail_on_indirect": False}, {"fail_on_indirect": True})
    assert m.table == {"fail_on_indirect": False}
    # The baseline removed on one side (a lowering), raised on the other: removed.
    assert "baseline" not in merge(
        {"baseline": bl(80)}, {k: v for k, v in BASE.items() if k != "baseline"}
    )


def test_merge_tables__a_value_that_is_not_a_bar_is_a_conflict_not_a_crash():
    m = barmerge.merge_tables({"threshold": 70}, {"threshold": "high"}, {"threshold": 80})
    assert (m.table, m.conflicts) == ({"threshold": 80}, ("threshold",))
    m = barmerge.merge_tables(BASE, {**BASE, "baseline": "x"}, {**BASE, "baseline": bl(80)})
    assert (m.table["baseline"], m.conflicts) == (bl(80), ("baseline",))
    assert barmerge.merge_tables({}, {"components": 5}, {"components": 6}).table == {}


def test_merge_tables__components_removed_and_changed_and_broken():
    core = {"paths": ["src/core/**"], "threshold": 70, "baseline": bl(72)}
    base = {"components": {"core": core}}
    # Changed here, removed there: a conflict; the changed one stands in.
    m = barmerge.merge_tables(base, {"components": {"core": {**core, "threshold": 80}}}, {})
    assert m.table["components"] == {"core": {**core, "threshold": 80}}
    assert m.conflicts == ("components.core",)
    # Not a table on one side: theirs; a broken baseline: a conflict.
    m = barmerge.merge_tables(base, {"components": {"core": 1}}, {"components": {"core": 2}})
    assert m.table["components"] == {"core": 2}
    broken = {**core, "baseline": "x"}
    m = barmerge.merge_tables(
        base,
        {"components": {"core": broken}},
        {"components": {"core": {**core, "baseline": bl(80)}}},
    )
    assert m.table["components"]["core"]["baseline"] == bl(80)
    assert m.conflicts == ("components.core.baseline",)


def test_merge_tables__no_section_at_the_merge_base():
    m = barmerge.merge_tables(None, {"baseline": bl(80)}, {"baseline": bl(75)})
    assert m.table == {"baseline": bl(80)}
