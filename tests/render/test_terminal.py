"""The verdict on a terminal (``check``'s text), against golden files for the PR comment's
four real scenarios (issue 22): the comment's order, no Markdown, nothing said twice; and
the command line's conventions around it (issue 18): colour on a terminal only, with
``NO_COLOR`` and ``FORCE_COLOR``; ``-q`` and ``-v``; lines wrapped at the width.

Each scenario's ``result.json`` beside its ``comment.md`` (tests/fixtures/comment/) is
rendered into ``terminal.txt`` (and ``terminal-verbose.txt``); ``RATCHET_REGEN_GOLDEN=1``
writes them again: read the diff before committing it.
"""

from __future__ import annotations

import os
import re

import click
import pytest

from ratchet.core.results import Result
from ratchet.github import artifact
from ratchet.render import terminal
from ratchet.render.terminal import NORMAL, QUIET, VERBOSE, Layout, Line, draw
from tests.conftest import FIXTURES

pytestmark = pytest.mark.unit

HERE = FIXTURES / "comment"
SCENARIOS = ["raising", "failing", "accepted", "monorepo"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def result(name: str) -> Result:
    r, _ = artifact.parse_result((HERE / name / "result.json").read_text(), source=name)
    return r


@pytest.mark.parametrize("verbosity", [NORMAL, VERBOSE])
@pytest.mark.parametrize("name", SCENARIOS)
def test_golden__the_terminal_text_of_each_scenario(name: str, verbosity: int):
    text = terminal.render(result(name), Layout(verbosity=verbosity))
    golden = HERE / name / ("terminal.txt" if verbosity == NORMAL else "terminal-verbose.txt")
    if os.environ.get("RATCHET_REGEN_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()


@pytest.mark.parametrize("verbosity", [QUIET, NORMAL, VERBOSE])
@pytest.mark.parametrize("name", SCENARIOS)
def test_text__no_markdown_nothing_said_twice_and_within_the_width(name: str, verbosity: int):
    text = terminal.render(result(name), Layout(verbosity=verbosity))
    assert "`" not in text and "**" not in text and "|" not in text and "→" not in text
    assert text.count("gated") <= 1  # "not gated" once (it was said twice)
    lines = text.splitlines()
    assert all(len(line) <= 100 for line in lines), [x for x in lines if len(x) > 100]
    assert not ANSI.search(text)
    if verbosity != VERBOSE:  # the rules' own sentences (four decimals) are -v's
        assert "0000%" not in text and "points below" not in text


def test_text__the_verdict_and_its_reason_first_then_a_line_a_file():
    lines = terminal.render(result("failing")).splitlines()
    assert lines[0] == (
        "coverage-ratchet: FAIL 50.94% — 32.39 points under the 83.33% baseline and 29.06 "
        "under the 80%"
    )
    assert lines[1] == (
        "    threshold; 2 files fell; changed lines 71.30 points under the 80% patch threshold"
    )
    rows = [line for line in lines if line.startswith("  FAIL ")]
    assert rows == [
        "  FAIL shop/cart.py    76.92% -> 44.00%  -32.92  +11 uncovered; changed lines not run: "
        "18-24",
        "  FAIL shop/prices.py  88.24% -> 57.14%  -31.09  +10 uncovered; changed lines not run: "
        "17-22",
    ]
    # The header is said once, in the verdict: no FAIL line repeats the total.
    assert not [line for line in lines if line.startswith("FAIL total")]


def test_text__an_accepted_lowering_says_so_with_its_reason_first():
    lines = terminal.render(result("accepted")).splitlines()
    assert lines[0].startswith("coverage-ratchet: PASS 66.67% — the bar is lowered on purpose")
    assert lines[3] == (
        "  - reason: test_cart was flaky on Windows; it comes back with the new cart (#123)"
    )
    # The date, not a timestamp; the name, not the e-mail address.
    # (generate.py's run made the commit and its date.)
    assert re.fullmatch(
        r"    \d{4}-\d\d-\d\d, Ann Example, at [0-9a-f]{12}: records threshold 65%, baseline "
        r"66\.6667% \(20/30\)",
        lines[4],
    ), lines[4]
    assert "@" not in "\n".join(lines)


def test_quiet__nothing_on_a_pass_the_verdict_on_a_lowered_one_what_failed_on_a_failure():
    quiet = Layout(verbosity=QUIET)
    assert terminal.render(result("raising"), quiet) == ""
    assert terminal.render(result("accepted"), quiet).count("\n") == 2  # one line, wrapped
    failing = terminal.render(result("failing"), quiet).splitlines()
    assert len(failing) == 5  # the verdict (2 lines), changed lines, the two files
    assert "bar:" not in "\n".join(failing)


def test_color__pass_and_fail_and_the_numbers_that_matter_only_when_asked():
    text = terminal.render(result("failing"), Layout(color=True))
    assert click.style("FAIL", fg="red", bold=True) in text
    assert click.style("50.94%", bold=True) in text
    assert click.style("-32.92", fg="red") in text
    # Colour changes no character and no line break.
    assert ANSI.sub("", text) == terminal.render(result("failing"))
    raising = terminal.render(result("raising"), Layout(color=True))
    assert click.style("PASS", fg="green", bold=True) in raising
    assert click.style("+7.69", fg="green") in raising
    accepted = terminal.render(result("accepted"), Layout(color=True))
    assert click.style("PASS", fg="yellow", bold=True) in accepted  # lowered on purpose


def test_draw__wraps_at_the_width_never_inside_a_word_and_hangs_the_rest():
    line = Line((("alpha beta gamma delta", None), (" epsilon", "bad")), indent=2)
    assert draw(line, Layout(width=20)) == "  alpha beta gamma\n      delta epsilon\n"
    long = Line((("see a/very/long/path/that/cannot/break.py now", None),))
    assert (
        draw(long, Layout(width=10)) == "see\n    a/very/long/path/that/cannot/break.py\n    now\n"
    )
    # Exactly the width fits; one more does not.
    assert draw(Line((("12345 6789", None),)), Layout(width=10)) == "12345 6789\n"
    assert draw(Line((("12345 67890", None),)), Layout(width=10)) == "12345\n    67890\n"
    # Alignment (blanks between columns) is kept on a line that fits.
    assert draw(Line((("a.py     ", None), ("10%", None)), 2), Layout()) == "  a.py     10%\n"


def test_draw__never_starts_a_line_with_a_workflow_command():
    """A file name may hold " ::error::..." : wrapped before it, a CI runner would read the
    line as a command. It overflows instead; control characters are shown escaped."""
    hostile = Line((("FAIL src/x ::error file=owned.py::INJECTED\nnext", None),))
    text = draw(hostile, Layout(width=12))
    assert not [x for x in text.splitlines()[1:] if x.lstrip().startswith("::")]
    assert "src/x ::error" in text and "\\nnext" in text
