"""What every command shares: colour decided by the terminal and the conventions
(``NO_COLOR``, ``FORCE_COLOR``), and the layout of text for stdout."""

from __future__ import annotations

import io
import re
import sys

import click
import pytest

from ratchet.commands.common import color, layout
from ratchet.render.terminal import NORMAL, QUIET, VERBOSE, Layout
from tests.conftest import FIXTURES

pytestmark = pytest.mark.unit

HERE = FIXTURES / "comment"
SCENARIOS = ["raising", "failing", "accepted", "monorepo"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize(
    ("env", "tty", "expected"),
    [
        ({}, True, True),
        ({}, False, False),  # a pipe, a file
        ({"TERM": "dumb"}, True, False),
        ({"NO_COLOR": "1"}, True, False),
        ({"NO_COLOR": ""}, True, True),  # set but empty: not set (no-color.org)
        ({"FORCE_COLOR": "1"}, False, True),  # a CI log that shows colour
        ({"FORCE_COLOR": ""}, False, False),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),  # NO_COLOR wins, as in CPython
    ],
)
def test_color__decided_by_the_terminal_and_the_conventions(env, tty, expected):
    assert color(env, tty) is expected


def test_layout__quiet_and_verbose_at_once_is_a_usage_error():
    with pytest.raises(click.UsageError, match="-q and -v ask for opposite things"):
        layout(quiet=True, verbose=True)


def test_layout__a_pipe_gets_100_columns_no_colour_and_the_verbosity_asked(monkeypatch):
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setattr(sys, "stdout", io.StringIO())  # a pipe: no terminal
    assert layout() == Layout(width=100, color=False, verbosity=NORMAL)
    assert layout(quiet=True).verbosity == QUIET
    assert layout(verbose=True).verbosity == VERBOSE
