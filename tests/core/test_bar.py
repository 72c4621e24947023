"""The effective bar and what a change loosens of it: pure, requirement by requirement."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from ratchet.core import bar
from ratchet.core.config import Component, Config
from ratchet.core.models import Baseline, Counts
from ratchet.core.results import ComponentMove, Event, Lowering

pytestmark = pytest.mark.unit

D = Decimal
CORE = Component("core", ("src/core/**",), D(90), baseline=Baseline(90, 100, 0, 10))
FILES = {"src/core/a.py": Counts(10, 9), "src/core/b.py": Counts(10, 9), "src/x.py": Counts(4, 2)}
UNIVERSE = frozenset({*FILES, "src/core/new.py"})


def config(**kw) -> Config:
    base = {
        "threshold": D(85),
        "baseline": Baseline(85, 100, 0, 15),
        "baseline_file": "b.tsv",
        "components": (CORE,),
        "present": True,
    }
    return Config(**{**base, **kw})


def of(cfg: Config, files=FILES, universe=UNIVERSE, renames=None) -> bar.Bar:
    return bar.of(cfg, files, universe, renames)


def keys(ref: bar.Bar, branch: bar.Bar) -> list[str]:
    return [x.key for x in bar.compare(ref, branch)]


REF = of(config())


def test_of__the_same_state_loosens_nothing():
    assert bar.compare(REF, of(config())) == ()


def test_of__members_are_the_files_each_component_holds_first():
    api = Component("api", ("src/**",))
    b = of(config(components=(CORE, api)))
    members = {c.name: c.members for c in b.components}
    assert members == {
        "core": {"src/core/a.py", "src/core/b.py", "src/core/new.py"},
        "api": {"src/x.py"},  # core's files went to core first
    }
    assert b.component("none") is None


def test_of__no_bar_recorded_is_no_bar():
    assert not of(config(recorded=False)).present
    assert not of(Config()).present
    assert bar.compare(of(Config()), REF) == ()  # no bar at the ref: nothing to hold


@pytest.mark.parametrize(
    ("change", "key", "old", "new", "cover"),
    [
        ({"threshold": D(80)}, "threshold", "85%", "80%", bar.TOTAL),
        ({"max_threshold": D(90)}, "max_threshold", "100%", "90%", None),
        (
            {"baseline": Baseline(84, 100, 0, 16)},
            "baseline",
            "85.0000% (85/100), 15 uncovered",
            "84.0000% (84/100), 16 uncovered",
            bar.TOTAL,
        ),
        (
            {"baseline": Baseline(170, 200, 0, 30)},  # the same percent, more exempted
            "baseline",
            "85.0000% (85/100), 15 uncovered",
            "85.0000% (170/200), 30 uncovered",
            bar.TOTAL,
        ),
        ({"baseline": None}, "baseline", "85.0000% (85/100), 15 uncovered", "none", bar.TOTAL),
        ({"tolerance": D("0.5")}, "tolerance", "0 points", "0.5 points", None),
        ({"file_tolerance": D(1)}, "file_tolerance", "0 points", "1 points", None),
        ({"precision": 1}, "precision", "2", "1", None),
        ({"baseline_file": None}, "baseline_file", "'b.tsv'", "none", None),
        ({"components": ()}, "components.core", "a bar", "none", None),
        (
            {"components": (dataclasses.replace(CORE, threshold=D(60)),)},
            "components.core.threshold",
            "90%",
            "60%",
            bar.COMPONENT + "core",
        ),
        (
            {"components": (dataclasses.replace(CORE, baseline=Baseline(80, 100, 0, 20)),)},
            "components.core.baseline",
            "90.0000% (90/100), 10 uncovered",
            "80.0000% (80/100), 20 uncovered",
            bar.COMPONENT + "core",
        ),
    ],
)
def test_compare__each_loosened_requirement_with_the_refs_value(change, key, old, new, cover):
    (x,) = bar.compare(REF, of(config(**change)))
    assert (x.key, x.old, x.new, x.cover) == (key, old, new, cover)
    assert x.shown == Lowering(key, old, new)


@pytest.mark.parametrize(
    ("ref", "branch", "key"),
    [
        ({"patch_threshold": D(90)}, {}, "patch_threshold"),
        ({"patch_threshold": D(90)}, {"patch_threshold": D(89)}, "patch_threshold"),
        ({"patch_empty": "fail"}, {}, "patch_empty"),
        ({}, {"fail_on_indirect": False}, "fail_on_indirect"),  # true by default
        ({"expect_reports": 3}, {}, "expect_reports"),
        ({"expect_reports": 3}, {"expect_reports": 2}, "expect_reports"),
    ],
)
def test_compare__the_gates_beside_the_numbers(ref, branch, key):
    assert keys(of(config(**ref)), of(config(**branch))) == [key]


def test_compare__a_stricter_branch_everywhere_loosens_nothing():
    strict = config(
        threshold=D(90),
        baseline=Baseline(95, 100, 0, 5),
        patch_threshold=D(80),
        patch_empty="fail",
        fail_on_indirect=True,
        precision=3,
        expect_reports=2,
        components=(dataclasses.replace(CORE, paths=("src/**",), threshold=D(95)),),
    )
    raised = {**FILES, "src/x.py": Counts(4, 3)}
    assert bar.compare(REF, of(strict, raised)) == ()


def test_compare__the_section_gone_is_one_loosening():
    (x,) = bar.compare(REF, of(Config(present=False)))
    assert (x.key, x.message, x.cover) == (
        "[tool.ratchet]",
        "[tool.ratchet] removed, or it records no bar",
        None,
    )


# -- component membership ----------------------------------------------------------------


def test_members__narrowed_paths_lose_the_files_they_no_longer_hold():
    narrowed = dataclasses.replace(CORE, paths=("src/core/a.py", "src/core/b.py"))
    (x,) = bar.compare(REF, of(config(components=(narrowed,))))
    assert (x.key, x.old, x.new) == ("components.core.paths", "holds src/core/new.py", "does not")
    assert x.message.startswith("component core no longer holds src/core/new.py")


def test_members__a_new_component_first_in_line_steals_files():
    thief = Component("new", ("src/core/new.py",), D(0))
    (x,) = bar.compare(REF, of(config(components=(thief, CORE))))
    assert x.key == "components.core.paths" and "src/core/new.py" in x.old
    # Behind core it takes nothing of core's: nothing loosened.
    assert bar.compare(REF, of(config(components=(CORE, thief)))) == ()


def test_members__a_file_moved_out_of_the_components_directory_is_not_narrowing():
    renames = {"src/core/b.py": "src/b.py"}
    universe = (UNIVERSE - {"src/core/b.py"}) | {"src/b.py"}
    ref = of(config(), universe=universe, renames=renames)
    branch = of(config(), universe=universe, renames=renames)
    assert bar.compare(ref, branch) == ()
    assert ref.files["src/b.py"] == FILES["src/core/b.py"]  # its floor went with it


# -- per-file floors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "loosened"),
    [
        (Counts(10, 8), True),  # a lower percent
        (Counts(20, 18), True),  # the same percent, more left uncovered
        (Counts(5, 5), False),  # higher
        (Counts(10, 9), False),  # the same
        (Counts(100, 95), False),  # higher, more uncovered: what update records
    ],
)
def test_files__a_floor_is_lower_by_percent_then_uncovered(after: Counts, loosened: bool):
    branch = of(config(), {**FILES, "src/core/a.py": after})
    found = keys(REF, branch)
    assert found == (["file src/core/a.py"] if loosened else [])


def test_files__a_line_removed_is_a_loosening_unless_its_file_is_gone():
    without = {p: c for p, c in FILES.items() if p != "src/x.py"}
    (x,) = bar.compare(REF, of(config(), without))
    assert (x.key, x.old, x.new, x.cover) == ("file src/x.py", "50.0000% (2/4)", "no line", "files")
    gone = UNIVERSE - {"src/x.py"}  # deleted from the tree: its floor binds nothing
    assert bar.compare(of(config(), universe=gone), of(config(), without, gone)) == ()


def test_files__a_renamed_file_keeps_its_floor_and_both_names_are_said():
    renames = {"src/core/b.py": "src/core/b2.py"}
    universe = (UNIVERSE - {"src/core/b.py"}) | {"src/core/b2.py"}
    ref = of(config(), universe=universe, renames=renames)
    assert ref.renamed == {"src/core/b2.py": "src/core/b.py"}
    lowered = {**FILES, "src/core/b2.py": Counts(10, 8)}
    (x,) = bar.compare(ref, of(config(), lowered, universe, renames))
    assert x.key == "file src/core/b2.py (was src/core/b.py)"
    assert x.message == (
        "src/core/b2.py (was src/core/b.py): per-file line 80.0000% (8/10) < 90.0000% (9/10)"
    )
    # The branch's own line under the new name wins over the old one carried across.
    both = {**FILES, "src/core/b2.py": Counts(10, 10)}
    assert of(config(), both, universe, renames).files["src/core/b2.py"] == Counts(10, 10)


def test_files__no_per_file_baseline_on_the_branch_is_one_loosening_not_one_per_file():
    assert keys(REF, of(config(baseline_file=None), None)) == ["baseline_file"]


def test_compare__a_bar_that_follows_deleted_covered_code_is_no_loosening():
    """What ``update`` records when covered code was deleted (lower in percent, no more
    uncovered), judged with the report that measured it: not a loosening. Anything lower
    than that report, or a report with more uncovered, still is."""
    ref = of(config(baseline=Baseline(90, 100, 0, 10)))
    run = Counts(95, 85)  # 5 covered lines deleted: 89.47%, 10 uncovered

    def loosened(baseline: Baseline, files=FILES, measured: Counts = run) -> list[str]:
        branch = of(config(baseline=baseline), files)
        m = bar.Measured(measured, files={"src/core/a.py": Counts(8, 7)})
        return [x.key for x in bar.compare(ref, branch, m)]

    assert loosened(Baseline(85, 95, 0, 10)) == []  # exactly the run
    assert loosened(Baseline(86, 95, 0, 9)) == []  # above it
    assert loosened(Baseline(84, 95, 0, 11)) == ["baseline"]  # below the run
    assert loosened(Baseline(85, 95, 0, 10), measured=Counts(95, 84)) == ["baseline"]  # 11 left
    assert keys(ref, of(config(baseline=Baseline(85, 95, 0, 10)))) == ["baseline"]  # no report
    # A file's line the same way: a.py lost 2 covered lines (7/8, one uncovered still).
    assert loosened(Baseline(90, 100, 0, 10), {**FILES, "src/core/a.py": Counts(8, 7)}) == []
    assert loosened(Baseline(90, 100, 0, 10), {**FILES, "src/core/a.py": Counts(8, 6)}) == [
        "file src/core/a.py"
    ]


def test_message__per_file_clauses_past_a_few_are_counted():
    many = {f"f{i:02}.py": Counts(10, 9) for i in range(15)}
    ref = bar.of(config(components=()), many, frozenset(many))
    branch = bar.of(config(components=()), {}, frozenset(many))
    text = bar.message(bar.compare(ref, branch))
    assert text.count("per-file line removed") == bar.MAX_FILE_CLAUSES
    assert text.endswith("; and 5 more per-file line(s)")


# -- what accept events cover --------------------------------------------------------------


HARMLESS = (D(85), D(85))


def accept(threshold=HARMLESS, baseline=(None, None), components=()) -> Event:
    return Event(
        "accept", "2026-12-06T01:02:03Z", None, None, Counts(10, 5), threshold, baseline,
        "on purpose", components,
    )  # fmt: skip


def test_accepted__forged_events_lower_only_to_what_the_latest_records_and_show_the_refs_values():
    # Five harmless events that claim the bar was 1%, and one that lowers it to 0.
    events = [accept((D(1), D(1)))] * 5 + [accept((D(1), D(0)))]
    branch = of(config(threshold=D(0)))
    allowed = bar.accepted(REF, branch, events)
    assert allowed.threshold == 0
    assert bar.compare(allowed, branch) == ()  # covered...
    (x,) = bar.compare(REF, branch)  # ...and shown from the ref's value, never the event's
    assert x.shown == Lowering("threshold", "85%", "0%")


def test_accepted__never_raises_the_refs_bar():
    allowed = bar.accepted(REF, REF, [accept((D(85), D(99)), (None, Baseline(99, 100, 0, 1)))])
    assert (allowed.threshold, allowed.baseline) == (REF.threshold, REF.baseline)


def test_accepted__each_component_by_the_latest_event_that_lists_it():
    web = Component("web", ("web/**",), D(70))
    ref = of(config(components=(CORE, web)), universe=UNIVERSE | {"web/w.py"})
    core_move = ComponentMove("core", (D(90), D(60)), (None, Baseline(60, 100, 0, 40)))
    web_move = ComponentMove("web", (D(70), D(50)), (None, None))
    lowered = config(
        components=(
            dataclasses.replace(CORE, threshold=D(60), baseline=Baseline(60, 100, 0, 40)),
            dataclasses.replace(web, threshold=D(50)),
        )
    )
    branch = of(lowered, universe=UNIVERSE | {"web/w.py"})
    events = [accept(components=(core_move,)), accept(components=(web_move,))]
    assert bar.compare(bar.accepted(ref, branch, events), branch) == ()
    # Only web's event: core's lowering is not covered.
    assert keys(bar.accepted(ref, branch, events[1:]), branch) == [
        "components.core.threshold",
        "components.core.baseline",
    ]
    assert len(bar.compare(ref, branch)) == 3  # what falls: core twice, web once


def test_accepted__a_listed_component_may_hold_fewer_files_an_unlisted_one_may_not():
    narrowed = dataclasses.replace(CORE, paths=("src/core/a.py", "src/core/b.py"))
    branch = of(config(components=(narrowed,)))
    move = ComponentMove("core", (D(90), D(90)), (CORE.baseline, CORE.baseline))
    assert bar.compare(bar.accepted(REF, branch, [accept(components=(move,))]), branch) == ()
    assert keys(bar.accepted(REF, branch, [accept()]), branch) == ["components.core.paths"]


def test_accepted__per_file_lines_are_the_branchs_but_nothing_else_is_covered():
    branch = of(config(tolerance=D(1)), {})
    allowed = bar.accepted(REF, branch, [accept()])
    assert keys(allowed, branch) == ["tolerance"]
    assert [k for k in keys(REF, branch) if k.startswith("file ")] == [
        "file src/core/a.py",
        "file src/core/b.py",
        "file src/x.py",
    ]
