"""The Go reader's fast path reads what its plain one reads, or leaves the chunk to it:
``gocover._runs`` against ``_rows_slowly`` on generated chunks (2-3 s: the slow tier)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ratchet.readers import bounds, gocover
from tests.readers.test_gocover_runs import A, B, plain

pytestmark = pytest.mark.slow

NUMBER = st.one_of(
    st.integers(0, 12).map(str),
    st.integers(0, 10**20).map(str),
    st.sampled_from(
        [
            "",
            "0",
            "00",
            "07",
            "9999999",
            "10000000",
            "999999999",
            "1000000000",
            str(bounds.MAX_COUNT),
            str(bounds.MAX_COUNT + 1),
            "-1",
            "+1",
            "1e3",
            "\u0661",
            " 1",
        ]
    ),
)
GOOD = st.tuples(
    st.sampled_from([A, B]),
    st.integers(1, 40),
    st.integers(1, 40),
    st.integers(0, 3),
    st.integers(0, 3),
    st.integers(0, 3),
).map(lambda t: f"{t[0]}:{t[1]}.{t[3] + 1},{t[1] + t[2]}.{t[4] + 1} {t[5]} {t[2] % 3}")
ODD = st.tuples(
    st.sampled_from([A, B, "x", "a.go", "a b.go", "a,b.go", "a.0.go"]),
    NUMBER,
    NUMBER,
    NUMBER,
    NUMBER,
    NUMBER,
    NUMBER,
).map(lambda t: f"{t[0]}:{t[1]}.{t[2]},{t[3]}.{t[4]} {t[5]} {t[6]}")
JUNK = st.sampled_from(
    [
        "",
        "mode: count",
        "mode: set",
        f"{A}:1.2,3.4 1 1 ",
        f"{A}:1.2,3.4 1",
        f"{A}1.2,3.4 1 1",
        ":1.2,3.4 1 1",
        f"{A}:1.2:3.4 1 1",
        f"{A}:1.2,3.4 1 1\r",
        f"{A}:1.2,3.4  1 1",
    ]
)


# Lines a producer writes, and one line that may be anything.
@settings(max_examples=300, deadline=None)
@given(st.lists(GOOD, max_size=12), st.one_of(GOOD, ODD, JUNK), st.integers(0, 12), st.booleans())
def test_runs__what_the_plain_reader_reads__or_none(
    lines: list[str], other: str, at: int, last_line_ends: bool
):
    lines.insert(at, other)
    text = "\n".join(lines) + ("\n" if last_line_ends else "")
    fast = gocover._runs(text)
    if fast is not None:
        assert fast == plain(text)
