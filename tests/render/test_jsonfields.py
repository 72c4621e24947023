"""The field rules of a result read back from JSON (``ratchet.render.jsonfields``): each
value at its bound is taken and one past it refused, naming the field and the source."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ratchet.errors import RatchetError
from ratchet.render.jsonfields import MAX_COUNT, MAX_LINE, Fields, InvalidArtifact

pytestmark = pytest.mark.unit

F = Fields("result.json")


def refused(message: str):
    return pytest.raises(InvalidArtifact, match=message)


def test_fail__one_error_naming_the_source_and_the_field():
    with pytest.raises(InvalidArtifact) as caught:
        F.fail("totals.percent", "must be a number")
    assert isinstance(caught.value, RatchetError)
    assert str(caught.value) == (
        "result.json: untrusted result rejected: totals.percent: must be a number"
    )


@pytest.mark.parametrize(
    ("value", "hi", "ok"),
    [
        (0, MAX_COUNT, True),
        (MAX_COUNT, MAX_COUNT, True),
        (MAX_COUNT + 1, MAX_COUNT, False),
        (-1, MAX_COUNT, False),
        (5, 5, True),
        (6, 5, False),
        (True, MAX_COUNT, False),  # JSON's true is no count
        (1.0, MAX_COUNT, False),
        ("1", MAX_COUNT, False),
    ],
)
def test_integer__between_0_and_the_bound(value, hi, ok):
    if ok:
        assert F.integer(value, "n", hi) == value
    else:
        with refused(f"n: must be an integer between 0 and {hi}"):
            F.integer(value, "n", hi)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, Decimal(0)), (100, Decimal(100)), (99.5, Decimal("99.5")), (0.1, Decimal("0.1"))],
)
def test_percent__a_number_from_0_to_100_as_written(value, expected):
    assert F.percent(value, "p") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (100.000001, "must be a percentage between 0 and 100"),
        (-0.000001, "must be a percentage between 0 and 100"),
        (float("inf"), "must be a percentage between 0 and 100"),
        (float("nan"), "must be a percentage between 0 and 100"),
        (False, "must be a number"),
        ("50", "must be a number"),
        (None, "must be a number"),
    ],
)
def test_percent__refused(value, message):
    with refused(f"p: {message}"):
        F.percent(value, "p")
    assert F.optional_percent(None, "p") is None


def test_string__at_the_limit_and_one_past_it():
    assert F.string("x" * 10, "s", 10) == "x" * 10
    with refused("s: must be a string of at most 10 characters"):
        F.string("x" * 11, "s", 10)
    with refused("s: must be a string"):
        F.string(10, "s", 10)
    assert F.optional_string(None, "s", 10) is None
    with refused("s: must be a string"):
        F.optional_string(b"x", "s", 10)


def test_array_and_each__at_the_limit_and_one_past_it_items_named_by_index():
    assert F.array([1, 2], "xs", 2) == [1, 2]
    with refused("xs: must be a list of at most 2 items"):
        F.array([1, 2, 3], "xs", 2)
    with refused("xs: must be a list"):
        F.array((1, 2), "xs", 2)
    assert F.each([1, 2], "xs", 2, lambda f, x, at: f.integer(x, at, 2)) == (1, 2)
    with refused(r"xs\[1\]: must be an integer between 0 and 2"):
        F.each([1, 3], "xs", 2, lambda f, x, at: f.integer(x, at, 2))
    assert F.strings(["a", "b"], "notes", 2) == ("a", "b")
    with refused(r"notes\[1\]: must be a string"):
        F.strings(["a", 5], "notes", 2)


def test_obj__unknown_then_missing_keys():
    assert F.obj({"a": 1, "b": 2}, "o", ("a",), ("b",)) == {"a": 1, "b": 2}
    assert F.obj({"a": 1}, "o", ("a",), ("b",)) == {"a": 1}  # optional: may be absent
    with refused("o: must be an object"):
        F.obj([], "o", ("a",))
    with refused("o: unexpected key 'c'"):
        F.obj({"a": 1, "c": 3}, "o", ("a",))
    with refused("o: missing key 'a'"):
        F.obj({}, "o", ("a",))
    with refused("o: unexpected key '" + "k" * 60 + "'"):  # a long key is cut in the message
        F.obj({"k" * 1000: 1}, "o", ())


@pytest.mark.parametrize(
    ("value", "ok"),
    [("api", True), ("web.v2_x-1", True), ("a b", False), ("", False), (5, False)],
)
def test_name__what_a_component_table_may_be_called(value, ok):
    if ok:
        assert F.name(value, "c.name") == value
    else:
        with refused("c.name: must be a component name"):
            F.name(value, "c.name")


def test_ranges__first_to_last_from_line_1_to_the_bound():
    assert F.ranges([[1, 1], [3, MAX_LINE]], "r") == ((1, 1), (3, MAX_LINE))
    for bad, message in (
        ([[0, 1]], r"r\[0\]: must be 1 <= first <= last"),
        ([[5, 4]], r"r\[0\]: must be 1 <= first <= last"),
        ([[1]], r"r\[0\]: must be \[first, last\]"),
        ([[1, 2, 3]], r"r\[0\]: must be a list of at most 2 items"),
        ([[1, MAX_LINE + 1]], rf"r\[0\]: must be an integer between 0 and {MAX_LINE}"),
    ):
        with refused(message):
            F.ranges(bad, "r")


def test_lines__each_at_most_the_bound():
    assert F.lines([1, MAX_LINE], "covered") == (1, MAX_LINE)
    with refused(r"covered\[1\]: must be an integer between 0 and"):
        F.lines([1, MAX_LINE + 1], "covered")
