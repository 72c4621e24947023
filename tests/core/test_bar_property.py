"""The bar is the whole state; only a shown accept lowers it. A property test: random
branch-side changes to the bar (config keys, component tables and their order, per-file
lines, history lines, a renamed file) on a real git repository, with a random report, and
`check --baseline-ref main` run in-process on it.

Each change is drawn knowing what it is (a loosening, and of what an accept event can cover,
or not), so the oracle is the change, not the code under test:

- a loosening that no new accept event covers never passes;
- with none, nothing is said to loosen the bar, and a report the branch's own bar passes
  passes against the ref too (a pure tightening never fails);
- what accept events cover passes, and is shown.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ratchet.core.models import Baseline, Counts
from ratchet.core.results import ComponentMove, Event
from ratchet.store import filebaseline, history
from tests.conftest import git, run_in_process

pytestmark = pytest.mark.integration

# ~0.3 s each on a two-core machine: under the 30 s the suite allows it. More, once, to
# search harder: RATCHET_PROPERTY_EXAMPLES=2000 pytest tests/core/test_bar_property.py
EXAMPLES = int(os.environ.get("RATCHET_PROPERTY_EXAMPLES", "40"))

SIZES = {"src/core/a.py": 10, "src/core/b.py": 10, "src/web/w.py": 20, "src/other.py": 20}
MAIN_COVERED = {"src/core/a.py": 8, "src/core/b.py": 7, "src/web/w.py": 12, "src/other.py": 10}
MOVED = "src/core/a_moved.py"  # where a rename takes src/core/a.py

TOTAL = "total"
FILES = "files"


@dataclasses.dataclass
class State:
    """The bar state of one side, as files: rendered to pyproject.toml, the per-file TSV,
    the history."""

    settings: dict[str, Any]
    baseline: int | None  # covered, of 60 measured
    components: list[dict[str, Any]]
    tsv: dict[str, int] | None  # path -> covered (of SIZES); None: no file
    section: str = "ratchet"  # "ratchet", "rachet" (misspelt), "" (none)
    renamed: bool = False
    events: list[Event] = dataclasses.field(default_factory=list)


def main_state() -> State:
    return State(
        settings={
            "threshold": 55,
            "tolerance": Decimal("0.5"),
            "file_tolerance": 1,
            "precision": 2,
            "max_threshold": 95,
            "patch_threshold": 80,
            "patch_empty": "fail",
            "fail_on_indirect": True,
            "expect_reports": 1,
            "baseline_file": "coverage-baseline.tsv",
        },
        baseline=37,
        components=[
            {"name": "core", "paths": ["src/core/**"], "threshold": 70, "baseline": (15, 20)},
            {"name": "web", "paths": ["src/web/**"], "threshold": 55, "baseline": (12, 20)},
        ],
        tsv=dict(MAIN_COVERED),
    )


def toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    return json.dumps(value)


def baseline_toml(covered: int, measured: int) -> str:
    return (
        f"{{covered = {covered}, measured = {measured}, branches = 0, "
        f"uncovered = {measured - covered}}}"
    )


def render_pyproject(s: State) -> str:
    out = ['[project]\nname = "prop"\n']
    if not s.section:
        return "".join(out)
    out.append(f"\n[tool.{s.section}]\n")
    for key, value in s.settings.items():
        out.append(f"{key} = {toml(value)}\n")
    if s.baseline is not None:
        out.append(f"baseline = {baseline_toml(s.baseline, 60)}\n")
    for c in s.components:
        out.append(f"\n[tool.ratchet.components.{c['name']}]\npaths = {json.dumps(c['paths'])}\n")
        out.append(f"threshold = {c['threshold']}\n")
        if c.get("baseline") is not None:
            out.append(f"baseline = {baseline_toml(*c['baseline'])}\n")
    return "".join(out)


def path_of(name: str, s: State) -> str:
    return MOVED if s.renamed and name == "src/core/a.py" else name


def write_state(root: Path, s: State, base_history: str) -> None:
    (root / "pyproject.toml").write_text(render_pyproject(s))
    tsv = root / "coverage-baseline.tsv"
    if s.tsv is None:
        tsv.unlink(missing_ok=True)
    else:
        tsv.write_text(
            filebaseline.render({path_of(p, s): Counts(SIZES[p], c) for p, c in s.tsv.items()})
        )
    lines = "".join(history.to_line(e) for e in s.events)
    (root / "coverage-history.jsonl").write_text(base_history + lines)


def lcov(covered: dict[str, int], s: State) -> str:
    out = []
    for name, n in SIZES.items():
        hits = "".join(f"DA:{i},{1 if i <= covered[name] else 0}\n" for i in range(1, n + 1))
        out.append(f"SF:{path_of(name, s)}\n{hits}end_of_record\n")
    return "".join(out)


def event(kind: str, threshold: int, baseline: int | None, moves=(), n: int = 0) -> Event:
    return Event(
        event=kind,
        date=f"2030-01-01T00:00:{n:02}Z",
        author="Prop <p@example.invalid>",
        commit=None,
        total=Counts(60, 30),
        threshold=(Decimal(1), Decimal(threshold)),  # an "old" value no one should believe
        baseline=(None, None if baseline is None else Baseline(baseline, 60, 0, 60 - baseline)),
        reason="on purpose" if kind == "accept" else None,
        components=tuple(moves),
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """main's bar committed (with its init event), the checkout on feature."""
    root = tmp_path_factory.mktemp("prop") / "repo"
    for name, n in SIZES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"# {name}\n" + "".join(f"v{i} = {i}\n" for i in range(n)))
    s = main_state()
    init = dataclasses.replace(event("init", 55, 37), threshold=(None, Decimal(55)))
    base_history = history.to_line(init)
    write_state(root, s, base_history)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "main's bar")
    git(root, "checkout", "-qb", "feature")
    return root, base_history


# -- the changes: each knows whether it loosens, and what an accept can cover ----------------

Change = tuple[str, str | None]  # ("tight" | "neutral" | "loose", cover)
Mutation = Callable[[State, st.DataObject], Change]


def component(s: State, name: str) -> dict[str, Any] | None:
    return next((c for c in s.components if c["name"] == name), None)


def setting(key: str, loose: Callable[[Any], Any], tight: Callable[[Any], Any] | None):
    def loosen(s: State, data: st.DataObject) -> Change:
        value = loose(data)
        if value is None:
            del s.settings[key]
        else:
            s.settings[key] = value
        return "loose", None

    def tighten(s: State, data: st.DataObject) -> Change:
        assert tight is not None
        s.settings[key] = tight(data)
        return "tight", None

    return loosen, tighten


def threshold_down(s: State, data: st.DataObject) -> Change:
    s.settings["threshold"] = data.draw(st.integers(0, 54), "threshold")
    return "loose", TOTAL


def threshold_up(s: State, data: st.DataObject) -> Change:
    s.settings["threshold"] = data.draw(st.integers(56, 60), "threshold")
    return "tight", None


def baseline_down(s: State, data: st.DataObject) -> Change:
    s.baseline = data.draw(st.integers(0, 36), "baseline covered")
    return "loose", TOTAL


def baseline_up(s: State, data: st.DataObject) -> Change:
    s.baseline = data.draw(st.integers(38, 60), "baseline covered")
    return "tight", None


def baseline_removed(s: State, data: st.DataObject) -> Change:
    s.baseline = None  # no accept records "no baseline"
    return "loose", None


def section(name: str) -> Mutation:
    def change(s: State, data: st.DataObject) -> Change:
        s.section = name
        return "loose", None

    return change


def bar_unrecorded(s: State, data: st.DataObject) -> Change:
    s.settings.pop("threshold")
    s.baseline = None
    return "loose", None


def comp(name: str, field: str, direction: str) -> Mutation:
    def change(s: State, data: st.DataObject) -> Change:
        c = component(s, name)
        main = component(main_state(), name)
        assert main is not None
        if field == "threshold":
            lo, hi = (
                (0, main["threshold"] - 1) if direction == "down" else (main["threshold"] + 1, 100)
            )
            value: Any = data.draw(st.integers(lo, hi), f"{name} threshold")
        else:
            covered = main["baseline"][0]
            lo, hi = (0, covered - 1) if direction == "down" else (covered + 1, 20)
            value = (data.draw(st.integers(lo, hi), f"{name} baseline"), 20)
        if c is not None:
            c[field] = value
        return ("loose", "component:" + name) if direction == "down" else ("tight", None)

    return change


def component_removed(s: State, data: st.DataObject) -> Change:
    s.components = [c for c in s.components if c["name"] != "web"]
    return "loose", None


def core_narrowed(s: State, data: st.DataObject) -> Change:
    c = component(s, "core")
    if c is not None:
        c["paths"] = ["src/core/b.py"]
    return "loose", "component:core"


def thief(s: State, data: st.DataObject) -> Change:
    s.components.insert(0, {"name": "thief", "paths": ["src/core/a*"], "threshold": 0})
    return "loose", "component:core"


def reordered(s: State, data: st.DataObject) -> Change:
    # The others' paths do not overlap: reversed, each keeps the same files. The thief's
    # overlap core's, so it stays ahead (behind core it would take no file: exit 2).
    thieves = [c for c in s.components if c["name"] == "thief"]
    others = [c for c in s.components if c["name"] != "thief"]
    s.components[:] = thieves + others[::-1]
    return "neutral", None


def component_added(s: State, data: st.DataObject) -> Change:
    threshold = data.draw(st.integers(0, 60), "rest threshold")
    s.components.append({"name": "rest", "paths": ["src/other.py"], "threshold": threshold})
    return "tight", None


def line(name: str, direction: str) -> Mutation:
    def change(s: State, data: st.DataObject) -> Change:
        assert s.tsv is not None
        was = MAIN_COVERED[name]
        if direction == "removed":
            s.tsv.pop(name, None)
            return "loose", FILES
        lo, hi = (0, was - 1) if direction == "down" else (was + 1, SIZES[name])
        s.tsv[name] = data.draw(st.integers(lo, hi), f"{name} line")
        return ("loose", FILES) if direction == "down" else ("tight", None)

    return change


def tsv_removed(s: State, data: st.DataObject) -> Change:
    s.tsv = None  # baseline_file still names it
    return "loose", None


def renamed(s: State, data: st.DataObject) -> Change:
    s.renamed = True  # `git mv`, its per-file line moved with it (as update would)
    return "neutral", None


def update_event(s: State, data: st.DataObject) -> Change:
    s.events.append(event("update", 55, 37, n=40))
    return "neutral", None


MUTATIONS: dict[str, Mutation] = {
    "threshold-down": threshold_down,
    "threshold-up": threshold_up,
    "baseline-down": baseline_down,
    "baseline-up": baseline_up,
    "baseline-removed": baseline_removed,
    "section-removed": section(""),
    "section-misspelt": section("rachet"),
    "bar-unrecorded": bar_unrecorded,
    "component-removed": component_removed,
    "core-narrowed": core_narrowed,
    "thief": thief,
    "reordered": reordered,
    "component-added": component_added,
    "tsv-removed": tsv_removed,
    "renamed": renamed,
    "update-event": update_event,
}
for _key, _loose, _tight in [
    ("tolerance", lambda d: d.draw(st.sampled_from(["0.6", "1", "5"])), lambda d: 0),
    ("file_tolerance", lambda d: d.draw(st.integers(2, 10)), lambda d: 0),
    ("precision", lambda d: d.draw(st.integers(0, 1)), lambda d: 3),
    ("max_threshold", lambda d: d.draw(st.integers(60, 94)), lambda d: 100),
    ("patch_threshold", lambda d: d.draw(st.sampled_from([None, 0, 79])), lambda d: 90),
    ("patch_empty", lambda d: d.draw(st.sampled_from([None, "pass"])), None),
    ("fail_on_indirect", lambda d: False, None),  # (absent is true: the default)
    ("expect_reports", lambda d: None, None),
    ("baseline_file", lambda d: None, None),
]:
    _down, _up = setting(_key, _loose, _tight)
    MUTATIONS[f"{_key}-loose"] = _down
    if _tight is not None:
        MUTATIONS[f"{_key}-tight"] = _up
for _name in ("core", "web"):
    for _field in ("threshold", "baseline"):
        for _dir in ("down", "up"):
            MUTATIONS[f"{_name}-{_field}-{_dir}"] = comp(_name, _field, _dir)
for _file in ("src/core/a.py", "src/web/w.py"):
    for _dir in ("down", "up", "removed"):
        MUTATIONS[f"line-{_file}-{_dir}"] = line(_file, _dir)


# What each change is, known before it is drawn: a scenario draws from a pool of them.
COVERABLE = sorted(
    k
    for k in MUTATIONS
    if k in ("threshold-down", "baseline-down", "core-narrowed", "thief")
    or (k.startswith(("core-", "web-")) and k.endswith("-down"))
    or (k.startswith("line-") and k.endswith(("-down", "-removed")))
)
HARMLESS = sorted(
    k
    for k in MUTATIONS
    if k.endswith(("-up", "-tight"))
    or k in ("reordered", "renamed", "update-event", "component-added")
)
LOOSE = sorted(set(MUTATIONS) - set(HARMLESS))
SCENARIOS = {
    "tightening": (HARMLESS, []),  # nothing loosens: never a bar_lowered
    "accepted": (HARMLESS, COVERABLE),  # loosenings, every one covered by accept events
    "loosened": (HARMLESS, LOOSE),  # one loosening among harmless changes, maybe covered
    "mixed": (sorted(MUTATIONS), LOOSE),  # several: what is not covered never passes
}


def attribute(kind: str) -> str:
    """What a change changes: one change per attribute, so each keeps its meaning."""
    for suffix in ("-down", "-up", "-loose", "-tight", "-removed"):
        if kind.endswith(suffix) and kind not in ("baseline-removed", "component-removed"):
            return kind.removesuffix(suffix)
    return {"baseline-removed": "baseline", "component-removed": "web-threshold"}.get(kind, kind)


def accept_events(
    s: State, changes: list[Change], data: st.DataObject, *, cover_all: bool
) -> tuple[set[str], bool]:
    """Accept events on the branch: some harmless (they lower nothing of the total or of a
    component, whatever "old" values they claim), and, to cover some loosenings, one that
    records the branch's bar for what it covers. Returns what is covered, and whether any
    event was added (any accept re-records the per-file lines)."""
    covers = sorted({c for kind, c in changes if kind == "loose" and c not in (None, FILES)})
    chosen = {c for c in covers if cover_all or data.draw(st.booleans(), f"cover {c}")}
    harmless = data.draw(st.integers(0, 2), "harmless events")
    events = [event("accept", 55, None, n=i) for i in range(harmless)]
    if cover_all and not chosen and not events:
        events.append(event("accept", 55, None))  # the per-file lines: any accept re-records them
    if chosen:
        moves = []
        for c in s.components:
            if "component:" + c["name"] in chosen:
                b = c.get("baseline")
                moves.append(
                    ComponentMove(
                        c["name"],
                        (Decimal(0), Decimal(c["threshold"])),
                        (None, None if b is None else Baseline(b[0], b[1], 0, b[1] - b[0])),
                    )
                )
        total = TOTAL in chosen
        threshold = s.settings.get("threshold", 55) if total else 55
        faithful = event("accept", threshold, s.baseline if total else None, moves, n=10)
        at = len(events)
        if not cover_all:
            at = data.draw(st.integers(0, len(events)), "where the covering event goes")
        if at < len(events):  # a harmless one after it: the latest decides the total
            chosen.discard(TOTAL)
        events.insert(at, faithful)
    s.events = [
        *s.events,
        *[dataclasses.replace(e, date=f"2030-01-01T00:01:{i:02}Z") for i, e in enumerate(events)],
    ]
    return chosen, bool(events)


def run_check(root: Path, *args: str) -> tuple[int, dict[str, Any] | None]:
    r = run_in_process("check", *args, "--format", "json", "coverage.lcov", cwd=root)
    return r.code, (json.loads(r.stdout) if r.code in (0, 1) else None)


@pytest.mark.slow
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_check_baseline_ref__never_passes_an_unshown_loosening_never_fails_a_tightening(
    template: tuple[Path, str], data: st.DataObject
):
    scenario = data.draw(st.sampled_from(sorted(SCENARIOS)), "scenario")
    pool, required = SCENARIOS[scenario]
    kinds = [data.draw(st.sampled_from(required or pool), "first change")]
    more = st.lists(st.sampled_from(pool + required), max_size=3, unique_by=attribute)
    kinds += [k for k in data.draw(more, "changes") if attribute(k) not in map(attribute, kinds)]
    # What takes the whole bar away goes last, whatever else changed.
    kinds.sort(
        key=lambda k: k in ("bar-unrecorded", "section-removed", "section-misspelt", "tsv-removed")
    )
    s = main_state()
    changes = [MUTATIONS[k](s, data) for k in kinds]
    covered, any_accept = accept_events(s, changes, data, cover_all=scenario == "accepted")
    # A report near main's, so that the branch's own bar passes it often enough to matter.
    report = {
        p: min(max(MAIN_COVERED[p] + data.draw(st.integers(-1, 4), f"{p} moved"), 0), n)
        for p, n in SIZES.items()
    }

    base, base_history = template
    with tempfile.TemporaryDirectory(dir=base.parent) as tmp:
        root = Path(tmp) / "repo"
        shutil.copytree(base, root, symlinks=True)
        if s.renamed:
            git(root, "mv", "src/core/a.py", MOVED)
        write_state(root, s, base_history)
        (root / "coverage.lcov").write_text(lcov(report, s))
        code, result = run_check(root, "--baseline-ref", "main")
        loose = any(how == "loose" for how, _ in changes)
        # The branch's own bar, without the ref (what a pure tightening is held to).
        own_code = None if loose else run_check(root)[0]

    def is_covered(cover: str | None) -> bool:
        return cover is not None and (cover in covered or (cover == FILES and any_accept))

    uncovered = [
        (k, c)
        for k, (how, c) in zip(kinds, changes, strict=True)
        if how == "loose" and not is_covered(c)
    ]
    kinds_failed = {f["kind"] for f in result["failures"]} if result else set()
    # --hypothesis-show-statistics: how the examples spread over the cases.
    hypothesis.event(f"{scenario}: {'uncovered' if uncovered else 'none uncovered'}, exit {code}")
    if uncovered:
        assert code != 0, (kinds, uncovered)
        if code == 1:
            assert "bar_lowered" in kinds_failed, (kinds, uncovered, result)
        return
    assert code != 2, (kinds, code)
    assert "bar_lowered" not in kinds_failed, (kinds, result)
    if loose:  # every one covered: shown, not failed
        assert result is not None and result["accepted"] and result["lowered"], kinds
    elif own_code == 0:  # tightenings only: what the branch's own bar passes, passes
        assert code == 0, (kinds, result)
