"""Clover XML (ratchet/readers/clover.py): OpenClover's and Istanbul's conditions, what is not
read."""

# Reports written inline read best on one line each.
# ruff: noqa: E501

from __future__ import annotations

from pathlib import Path

import pytest

from ratchet.readers.load import load
from tests.conftest import write_file as _write

pytestmark = pytest.mark.unit


# -- Clover -------------------------------------------------------------------------------


def _clover_file(lines: str, metrics: str) -> str:
    return f"<coverage clover='4.4.1'><project><file name='A.java' path='A.java'><metrics {metrics}/>{lines}</file></project></coverage>"


def test_clover__openclover_conditions_are_true_and_false_counts(tmp_path: Path):
    # OpenClover: truecount/falsecount are how often the condition was true/false.
    cond = "<line num='4' type='cond' count='5' truecount='5' falsecount='0'/>"
    p = _write(
        tmp_path, "clover.xml", _clover_file(cond, "conditionals='2' coveredconditionals='1'")
    )
    (f,) = load([p], root=tmp_path).files
    assert (f.counts.branches_valid, f.counts.branches_covered) == (2, 1)
    assert f.partial_branches == ((4, ("#0",)),)


def test_clover__istanbul_conditions_are_branches_taken_and_not(tmp_path: Path):
    # istanbul: a switch of 4 cases, 3 taken: truecount 3, falsecount 1, as its metrics say.
    cond = "<line num='4' type='cond' count='5' truecount='3' falsecount='1'/>"
    p = _write(
        tmp_path, "clover.xml", _clover_file(cond, "conditionals='4' coveredconditionals='3'")
    )
    (f,) = load([p], root=tmp_path).files
    assert (f.counts.branches_valid, f.counts.branches_covered) == (4, 3)


def test_clover__method_lines_and_testproject_not_read(tmp_path: Path):
    xml = (
        "<coverage><project><file name='/app/a.php'>"
        "<line num='1' type='method' name='f' count='0'/><line num='2' type='stmt' count='1'/>"
        "</file></project><testproject><file name='dummy'><line num='1' type='stmt' count='0'/>"
        "</file></testproject></coverage>"
    )
    (f,) = load([_write(tmp_path, "clover.xml", xml)], root=tmp_path).files
    assert (f.path, f.counts.lines_valid, f.counts.lines_covered) == ("/app/a.php", 1, 1)
