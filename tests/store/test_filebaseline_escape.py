"""The per-file TSV's escapes: a path holding none of them is written and read as it is
(no walk over its characters); each one alone is escaped and read back."""

from __future__ import annotations

import pytest

from ratchet.core.models import Counts
from ratchet.store import filebaseline

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("path", "written"),
    [
        ("pkg/a.py", "pkg/a.py"),
        ("", ""),
        ("back\\slash.py", "back\\\\slash.py"),
        ("tab\t.py", "tab\\t.py"),
        ("nl\n.py", "nl\\n.py"),
        ("cr\r.py", "cr\\r.py"),
        ("\\", "\\\\"),
        ("t\\t.py", "t\\\\t.py"),  # a backslash before a t is not a tab
        ("ünï\u2028.py", "ünï\u2028.py"),  # not escaped: only \\, \t, \n and \r are
    ],
)
def test_escape__each_character_alone__and_back(path: str, written: str):
    text = filebaseline.render({path: Counts(2, 1)})
    assert text == f"{filebaseline.HEADER}{written}\t2\t1\t0\t0\n"
    assert filebaseline.parse(text, source="t") == {path: Counts(2, 1)}


def test_unescape__a_lone_backslash_at_the_end_stays_one():
    assert filebaseline.parse("a\\\t1\t1\t0\t0\n", source="t") == {"a\\": Counts(1, 1)}
