"""What ``report`` lists of a Cobertura report the scanner reads (``cobertura_scan.scan(...,
listing=True)``): the exact reader's missing lines, spans and partial branches, case by case
(the generated reports of test_scan_differential.py hold it to the exact reader at large)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from ratchet.core.models import FileCoverage
from ratchet.readers import Listing, cobertura, cobertura_scan
from ratchet.readers.load import load

pytestmark = pytest.mark.unit


def _write(tmp_path: Path, *lines: str) -> Path:
    body = "<lines/>" if not lines else "<lines>\n" + "\n".join(lines) + "\n</lines>"
    path = tmp_path / "coverage.xml"
    path.write_text(
        '<?xml version="1.0" ?>\n<coverage version="7.10"><packages><package><classes>'
        f'<class name="a.py" filename="a.py"><methods/>{body}</class>'
        "</classes></package></packages></coverage>\n"
    )
    return path


def _line(number: int, hits: int, branch: str = "", named: str | None = None) -> str:
    text = f'<line number="{number}" hits="{hits}"'
    if branch:
        covered, valid = map(int, branch.split("/"))
        text += f' branch="true" condition-coverage="{covered * 100 // valid}% ({branch})"'
    if named is not None:
        text += f' missing-branches="{named}"'
    return text + "/>"


def _listed(path: Path) -> tuple[Listing | None, FileCoverage, FileCoverage]:
    """The scanner's listing, the file as the scanner gives it, and as the exact reader does."""
    [f] = cobertura_scan.scan(path, listing=True) or []
    got = f.coverage("a.py", keep_detail=False, keep_missing_lines=True)
    [raw] = cobertura.parse(path)
    return f.listing, got, FileCoverage.from_detail("a.py", raw.detail, keep_detail=False)


@pytest.mark.parametrize(
    ("lines", "listing"),
    [
        ((), Listing((), (), ())),
        ((_line(1, 1), _line(2, 3)), Listing((), (), ())),  # all ran
        ((_line(1, 0),), Listing((1,), ((1, 1),), ())),
        # Statements 1, 2, 5 missing: one span (3 and 4 are no statements).
        ((_line(1, 0), _line(2, 0), _line(5, 0)), Listing((1, 2, 5), ((1, 5),), ())),
        # Split by a statement that ran; lengths change across the file (9, 10, 100).
        (
            (_line(9, 0), _line(10, 0), _line(11, 1), _line(99, 0), _line(100, 0)),
            Listing((9, 10, 99, 100), ((9, 10), (99, 100)), ()),
        ),
        # A branch line that ran, missing branches named: sorted, a second exit is exit#2.
        (
            (_line(3, 2, "1/4", "exit,7,exit"), _line(7, 0)),
            Listing((7,), ((7, 7),), ((3, ("7", "exit", "exit#2")),)),
        ),
        # Named wrongly (two named, one missing) or not at all: counted, as "#0", "#1"...
        ((_line(3, 1, "1/2", "4,5"),), Listing((), (), ((3, ("#0",)),))),
        ((_line(3, 1, "0/2"),), Listing((), (), ((3, ("#0", "#1")),))),
        # A branch line that did not run is listed as a line, not as partial.
        ((_line(3, 0, "0/2", "4,exit"),), Listing((3,), ((3, 3),), ())),
        ((_line(3, 1, "2/2"),), Listing((), (), ())),
    ],
)
def test_listing__the_exact_readers(tmp_path: Path, lines: tuple[str, ...], listing: Listing):
    found, got, want = _listed(_write(tmp_path, *lines))
    assert found == listing
    assert got == want


@pytest.mark.parametrize(
    "numbers",
    [(2, 1), (10, 9), (100, 99, 101), (1, 3, 2), (5, 12, 11)],
)
def test_listing__lines_out_of_order__the_file_read_the_exact_way(
    tmp_path: Path, numbers: tuple[int, ...]
):
    lines = [_line(n, 0 if i % 2 else 1) for i, n in enumerate(numbers)]
    found, got, want = _listed(_write(tmp_path, *lines, _line(1000, 0)))
    assert found is None
    assert got == want


def test_listing__a_line_listed_twice_out_of_order__left_to_the_exact_reader(tmp_path: Path):
    path = _write(tmp_path, _line(1, 0), _line(2, 1), _line(1, 1))
    assert cobertura_scan.scan(path, listing=True) is None  # the exact reader adds up hits
    assert load([path], root=tmp_path).files[0].missing_lines == ()


def test_listing__a_class_that_closes_itself__lists_nothing(tmp_path: Path):
    path = tmp_path / "coverage.xml"
    path.write_text(
        '<coverage><packages><package><classes><class name="a" filename="a.py"/>'
        "</classes></package></packages></coverage>"
    )
    [f] = cobertura_scan.scan(path, listing=True) or []
    assert f.listing == Listing((), (), ())


def test_report_load__one_report__through_the_listing(tmp_path: Path):
    path = _write(tmp_path, _line(1, 0), _line(2, 1, "1/2", "exit"), _line(4, 0))
    rep = load([path], root=tmp_path)
    [f] = rep.files
    assert (f.missing_lines, f.missing_spans, f.partial_branches) == (
        (1, 4),
        ((1, 1), (4, 4)),
        ((2, ("exit",)),),
    )
    assert f.detail is None


@pytest.mark.parametrize("enabled", [True, False])
def test_scan__the_collector_left_as_it_was(tmp_path: Path, enabled: bool):
    """A scan pauses the cyclic collector (it makes no cycles) and leaves it as it found
    it, on or off, also when the report is one the scanner hands over."""
    path = _write(tmp_path, _line(1, 0))
    broken = tmp_path / "broken.xml"
    broken.write_text("<coverage><packages><package><classes><class filename='a.py'/>")
    try:
        gc.enable() if enabled else gc.disable()
        assert cobertura_scan.scan(path, listing=True) is not None
        assert gc.isenabled() is enabled
        assert cobertura_scan.scan(broken) is None
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
