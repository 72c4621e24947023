"""The per-file baseline store (coverage-baseline.tsv): a sorted, escaped round trip, and a
bad line named by its number."""

from __future__ import annotations

import pytest

from ratchet.core.models import Counts
from ratchet.errors import RatchetError
from ratchet.store import filebaseline

pytestmark = pytest.mark.unit


def test_filebaseline__round_trip_sorted_and_escaped():
    files = {
        "b.py": Counts(10, 9, 2, 1),
        "a\tweird\nname\\.py": Counts(1, 0, 0, 0),
        "a.py": Counts(0, 0, 0, 0),
    }
    text = filebaseline.render(files)
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert body == ["a\\tweird\\nname\\\\.py\t1\t0\t0\t0", "a.py\t0\t0\t0\t0", "b.py\t10\t9\t2\t1"]
    assert filebaseline.parse(text, source="x") == files


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("a.py\t1\t2\t0\t0", "impossible"),
        ("a.py\t1", "5 tab-separated"),
        ("a.py\tx\t1\t0\t0", "integers"),
    ],
)
def test_filebaseline__bad_lines_name_the_line(line: str, message: str):
    with pytest.raises(RatchetError, match=f"line 3: .*{message}") as e:
        filebaseline.parse(filebaseline.HEADER + line + "\n", source="coverage-baseline.tsv")
    assert str(e.value).startswith("coverage-baseline.tsv: ")
