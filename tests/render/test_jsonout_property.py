"""The result's JSON codec (``ratchet.render.jsonout``), as a property: ``load`` is the
inverse of ``dump`` on random results (hypothesis). A module of its own, so that the unit
tier (tests/render/test_jsonout.py: the committed artifacts, byte for byte) does not import
hypothesis."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ratchet.core.diff import ADDED, COPIED, DELETED, MODIFIED, RENAMED
from ratchet.core.models import Baseline, Counts
from ratchet.core.results import (
    BAD_INPUT,
    EVENT_ACCEPT,
    EVENT_INIT,
    EVENT_UPDATE,
    REGRESSION,
    BarSource,
    BaseBar,
    Blocker,
    Cause,
    ComponentBar,
    ComponentMove,
    ComponentVerdict,
    Event,
    Failure,
    FileChange,
    FileLine,
    Lowering,
    PatchComponent,
    PatchFile,
    PatchResult,
    Plan,
    Result,
    Setting,
    Verdict,
)
from ratchet.render import jsonout
from ratchet.render.jsonfields import Fields

# Each example is ~50 ms (drawing a whole result is most of it), so the property is not in
# the unit tier; more, once, to search harder (1,500 pass in 85 s):
# RATCHET_PROPERTY_EXAMPLES=1500 pytest tests/render/test_jsonout_property.py
EXAMPLES = int(os.environ.get("RATCHET_PROPERTY_EXAMPLES", "40"))

small = st.integers(0, 50)
text = st.text(max_size=12)
paths = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=20)
names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,8}", fullmatch=True)
kinds = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
# Percents as configured: at most a few places, exact through a JSON float.
percents = st.decimals(0, 100, places=2).map(lambda d: d.normalize())


@st.composite
def counts(draw: st.DrawFn) -> Counts:
    lv, bv = draw(small), draw(small)
    return Counts(lv, draw(st.integers(0, lv)), bv, draw(st.integers(0, bv)))


@st.composite
def baselines(draw: st.DrawFn) -> Baseline:
    uncovered = st.none() | small
    if draw(st.booleans()):
        return Baseline(uncovered=draw(uncovered), legacy=draw(percents))
    measured = draw(small)
    covered = draw(st.integers(0, measured))
    branches = draw(st.none() | st.integers(0, measured))
    return Baseline(
        covered, measured, branches, draw(st.none() | st.integers(0, measured - covered))
    )


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


def tuples(strategy: st.SearchStrategy, n: int = 3) -> st.SearchStrategy:
    return st.lists(strategy, max_size=n).map(tuple)


failures = st.builds(
    Failure, kinds, maybe(paths), text, maybe(names), maybe(st.builds(Cause, text, text, text))
)


@st.composite
def changes(draw: st.DrawFn) -> FileChange:
    before, after = draw(maybe(counts())), draw(maybe(counts()))
    if before is None and after is None:
        after = draw(counts())
    return FileChange(draw(paths), before, after)


@st.composite
def verdicts(draw: st.DrawFn) -> Verdict:
    """The per-file baseline's totals (``before``) are not written: load works them out, so
    they are drawn as they are, untouched files plus each changed file before."""
    changed = draw(tuples(changes()))
    rest = draw(counts())
    totals, before = rest, rest
    for c in changed:
        totals += c.after or Counts()
        before += c.before or Counts()
    components = tuple(
        ComponentVerdict(n, draw(counts()), draw(percents), draw(maybe(baselines())), f)
        for n, f in draw(st.lists(st.tuples(names, tuples(failures, 2)), max_size=2))
    )
    return Verdict(
        totals=totals,
        threshold=draw(percents),
        baseline=draw(maybe(baselines())),
        failures=draw(tuples(failures)),
        notes=draw(tuples(text)),
        changes=changed,
        before=before if changed else None,
        components=components,
    )


setting_values = st.from_regex(r"\d{1,3}(\.\d{1,3})?%( \(\d{1,4}/\d{1,4}\))?", fullmatch=True)
settings_ = st.builds(
    Setting,
    st.sampled_from(["threshold", "baseline", "components.api.threshold"]),
    maybe(setting_values),
    maybe(setting_values),
    text,
)
lines = st.builds(FileLine, paths, maybe(counts()), maybe(counts()), text)
plans = st.builds(
    Plan,
    threshold=percents,
    baseline=maybe(baselines()),
    settings=tuples(settings_),
    lines=tuples(lines),
    kept=tuples(lines),
    blockers=tuples(st.builds(Blocker, st.sampled_from([REGRESSION, BAD_INPUT]), text)),
    components=tuples(st.builds(ComponentBar, names, percents, maybe(baselines()))),
)


@st.composite
def patches(draw: st.DrawFn) -> PatchResult:
    spans = st.tuples(st.integers(1, 9), st.integers(0, 9)).map(lambda p: (p[0], p[0] + p[1]))
    statuses = st.sampled_from([ADDED, MODIFIED, RENAMED, COPIED, DELETED])
    lines_ = tuples(st.integers(0, 10**9))
    files = st.builds(
        PatchFile, paths, statuses, maybe(paths), counts(), tuples(spans), lines_, lines_
    )
    return PatchResult(
        description=draw(text),
        files=draw(tuples(files)),
        counts=draw(counts()),
        threshold=draw(maybe(percents)),
        failures=draw(tuples(failures, 2)),
        notes=draw(tuples(text)),
        indirect=draw(tuples(changes())),
        waived=draw(tuples(failures, 2)),
        unreported=draw(tuples(paths)),
        prefix=draw(st.text(max_size=8)),
        outside=draw(tuples(paths)),
        untracked=draw(tuples(paths)),
        components=draw(tuples(st.builds(PatchComponent, names, counts(), maybe(percents)))),
    )


@st.composite
def events(draw: st.DrawFn) -> Event:
    kind = draw(st.sampled_from([EVENT_INIT, EVENT_UPDATE, EVENT_ACCEPT]))
    reason = draw(st.text(min_size=1, max_size=12).filter(str.strip))
    moves = st.builds(
        ComponentMove,
        names,
        st.tuples(percents, percents),
        st.tuples(maybe(baselines()), maybe(baselines())),
    )
    return Event(
        event=kind,
        date=draw(st.sampled_from(["2026-12-06T01:02:03Z", "2027-01-31T23:59:59Z"])),
        author=draw(maybe(text)),
        commit=draw(maybe(st.from_regex(r"[0-9a-f]{40}", fullmatch=True))),
        total=draw(counts()),
        threshold=(draw(maybe(percents)), draw(percents)),
        baseline=(draw(maybe(baselines())), draw(maybe(baselines()))),
        reason=reason if kind == EVENT_ACCEPT else draw(maybe(st.just(reason))),
        components=draw(tuples(moves, 2)),
    )


results = st.builds(
    Result,
    verdict=verdicts(),
    status=st.sampled_from(["pass", "fail"]),
    patch=maybe(patches()),
    plan=plans,
    accepted=tuples(events(), 2),
    trend=tuples(events(), 2),
    warnings=tuples(text),
    source=maybe(st.builds(BarSource, paths, maybe(text), maybe(text))),
    precision=st.integers(0, 6),
    base_changes=tuples(changes()),
    lowered=tuples(st.builds(Lowering, text, text, text)),
    base=maybe(
        st.builds(
            BaseBar, percents, maybe(baselines()), tuples(st.tuples(names, maybe(baselines())))
        )
    ),
)


def through_json(data: dict[str, object]) -> object:
    return json.loads(jsonout.dumps(data))


@pytest.mark.integration
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    result=results,
    tolerances=st.tuples(maybe(percents), maybe(percents)),
    ident=maybe(st.from_regex(r"[A-Za-z0-9_.-]{0,10}", fullmatch=True)),
)
def test_load__is_the_inverse_of_dump(result, tolerances, ident):
    data = jsonout.dump(result, tolerance=tolerances[0], file_tolerance=tolerances[1])
    if ident is not None:
        data = jsonout.with_id(data, ident)
    loaded = jsonout.load(Fields("result.json"), through_json(data))
    assert loaded.result == result
    assert loaded.ident == ident
    assert (loaded.tolerance, loaded.file_tolerance) == tolerances
