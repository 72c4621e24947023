"""The reasons below the verdict (``headline.reasons``): what the sentence only counts, said
once, right below it, by the terminal and the PR comment alike; never twice, even with -v."""

from __future__ import annotations

import dataclasses

import pytest

from ratchet.core.results import Cause, Failure, Result
from ratchet.core.rules import BAR_LOWERED, FILE_REGRESSION
from ratchet.render import comment, terminal
from ratchet.render.headline import MAX_DETAILS, MAX_REASONS, reasons
from ratchet.render.terminal import NORMAL, QUIET, VERBOSE, Layout
from tests.render.gfm import parse
from tests.render.test_terminal import result
from tests.wrapped import flat, unwrapped

pytestmark = pytest.mark.unit

ROSE = Cause("main's bar rose since this branch was cut", "merge or rebase main")
DELETED = Cause(
    "this change deletes tests/test_cart.py, likely the tests that ran the files it did not touch",
    "keep the tests, or record the lower bar with `ratchet accept --reason ...`",
)
LOOSENS = "this change loosens the bar set at the baseline ref (threshold 70 < 80)"


def failing(*extra: Failure) -> Result:
    """The failing scenario (two totals and two files fell), its totals' failures explained
    by main's raise, one file's by the tests the change deletes, and ``extra`` after them."""
    r = result("failing")
    explained = []
    for f in r.verdict.failures:
        if f.path is None:
            detail = "threshold 75% → 80%" if f.kind == "below_threshold" else "baseline …"
            f = dataclasses.replace(f, cause=dataclasses.replace(ROSE, detail=detail))
        elif f.path == "shop/cart.py":
            f = dataclasses.replace(f, cause=dataclasses.replace(DELETED, detail=f.path))
        explained.append(f)
    verdict = dataclasses.replace(r.verdict, failures=(*explained, *extra))
    return dataclasses.replace(r, verdict=verdict)


def test_reasons__a_cause_said_once_for_the_failures_it_explains():
    r = failing(Failure(BAR_LOWERED, None, LOOSENS))
    assert reasons(r) == (
        LOOSENS,
        "main's bar rose since this branch was cut (threshold 75% → 80%; baseline …): merge or "
        "rebase main",
        "this change deletes tests/test_cart.py, likely the tests that ran the files it did not "
        "touch (shop/cart.py): keep the tests, or record the lower bar with `ratchet accept "
        "--reason ...`",
    )
    assert reasons(result("failing")) == ()  # numbers only: the heading and the rows say them


@pytest.mark.parametrize("verbosity", [QUIET, NORMAL, VERBOSE])
def test_terminal__the_reasons_right_below_the_verdict_each_said_once(verbosity: int):
    r = failing(Failure(BAR_LOWERED, None, LOOSENS))
    text = terminal.render(r, Layout(verbosity=verbosity))
    lines = unwrapped(text).splitlines()
    assert lines[0].startswith("coverage-ratchet: FAIL 50.94% — ")
    assert lines[1:4] == [f"why: {terminal.plain(x)}" for x in reasons(r)]
    for said in ("loosens the bar set at", "bar rose since", "deletes tests/test_cart.py"):
        assert flat(text).count(said) == 1, said
    assert "shop/cart.py 76.92% -> 44.00%" in flat(text)  # the numbers stay in the row


def test_comment__the_reasons_right_below_the_heading():
    r = failing(Failure(BAR_LOWERED, None, LOOSENS))
    page = parse(comment.render(r))
    assert page.tags[:5] == ["h3", "ul", "li", "li", "li"] and page.tags[5] != "li"
    text = flat(page.text)
    heading = "❌ Coverage 50.94% — 32.39 points under the 83.33% baseline and 29.06 under the "
    assert text.startswith(heading)
    below = text.split("; the change loosens the bar ", 1)[1]
    assert below.startswith(" ".join(reasons(r)) + " Changed lines:")


def test_caps__past_the_caps_the_rest_are_counted():
    many = tuple(
        Failure(FILE_REGRESSION, f"f{i}.py", f"f{i}.py fell", cause=dataclasses.replace(ROSE,
                detail=f"file f{i}.py")) for i in range(MAX_DETAILS + 2)
    ) + tuple(Failure(f"kind_{i}", None, f"new kind {i}") for i in range(MAX_REASONS))  # fmt: skip
    r = failing(*many)
    said = reasons(r)
    rose = next(x for x in said if x.startswith("main's bar rose"))
    assert rose.endswith("file f2.py; and 4 more): merge or rebase main")  # 2 + 7 - 5
    text = unwrapped(terminal.render(r))
    assert f"\n...and {len(said) - MAX_REASONS} more reasons (-v)\n" in text
    assert "new kind 4" in terminal.render(r, Layout(verbosity=VERBOSE))
    md = comment.render(r)
    assert f"- …and {len(said) - MAX_REASONS} more reasons (see the job's log)\n" in md
