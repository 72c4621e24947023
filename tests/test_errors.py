"""The one exception type and the exit codes, an interface (README, "Exit codes")."""

from __future__ import annotations

import pytest

from ratchet import errors
from ratchet.errors import RatchetError

pytestmark = pytest.mark.unit


def test_exit_codes__distinct_and_as_documented():
    codes = (
        errors.EXIT_PASS,
        errors.EXIT_FAIL,
        errors.EXIT_ERROR,
        errors.EXIT_INTERNAL,
        errors.EXIT_DEFERRED,
    )
    assert codes == (0, 1, 2, 3, 4)


def test_ratchet_error__names_its_source_first():
    e = RatchetError("not a number", source="pyproject.toml")
    assert str(e) == "pyproject.toml: not a number"
    assert (e.message, e.source) == ("not a number", "pyproject.toml")


@pytest.mark.parametrize("source", [None, ""])
def test_ratchet_error__without_a_source_the_message_alone(source):
    assert str(RatchetError("no report", source=source)) == "no report"
