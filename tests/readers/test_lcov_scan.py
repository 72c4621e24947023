"""The counts-only LCOV scanner agrees with the exact reader, always.

``lcov_scan.scan`` reads the tracefiles coverage.py, istanbul/c8 and geninfo write without a
Python call per line and returns None for anything else, which ``lcov.parse`` then reads.
These tests generate tracefiles in those layouts and break them where a byte scanner could be
fooled (checksums, numbers with signs, blanks or leading zeros, numbers too long for
``int``, lines listed twice, a DA among the BRDA lines, commas in a branch name, keys outside
their record, a second SF, summary-only records with bad totals, carriage returns, paths that
are not UTF-8, a missing ``end_of_record``, junk after the last record) and read each with
chunk boundaries in many places: where the scanner answers, its files and counts must be the
exact reader's, and so must the line detail it reads back; where the exact reader refuses a
tracefile, the scanner must not answer.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ratchet.core.models import Counts
from ratchet.errors import RatchetError
from ratchet.readers import lcov, lcov_scan
from ratchet.readers.load import load
from tests.conftest import FIXTURES

pytestmark = pytest.mark.unit

FAULTS = [
    # in a DA line
    "da-checksum",
    "da-number-leading-zero",
    "da-number-too-long-for-int",
    "da-number-malformed",
    "da-number-lenient",
    "da-hits-leading-zero",
    "da-hits-malformed",
    "da-hits-lenient",
    "da-listed-twice",
    "da-blanks",
    # in a BRDA line
    "brda-taken-malformed",
    "brda-comma-in-branch",
    "brda-line-malformed",
    # in a record
    "line-among-da",
    "line-among-brda",
    "da-before-sf",
    "second-sf",
    "summary-malformed",
    "summary-lenient",
    "summary-only-bad-totals",
    "not-an-lcov-line",
    "blank-lines",
    "carriage-returns",
    "carriage-return-inside-a-line",
    "path-not-utf-8",
    "path-with-blanks",
    # in the file
    "no-end-of-record",
    "junk-after-last-record",
    "no-newline-at-the-end",
    "record-listed-twice",
]


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.faults = set(self.rng.sample(FAULTS, self.rng.choice([0, 0, 1, 2])))
        self.istanbul = self.rng.random() < 0.4  # FN first, BRDA after LF/LH, BRF:0

    def fault(self, name: str, p: float = 0.3) -> bool:
        return name in self.faults and self.rng.random() < p

    def da(self, n: int) -> str:
        rng = self.rng
        number = str(n)
        if self.fault("da-number-leading-zero"):
            number = f"0{n}"
        elif self.fault("da-number-too-long-for-int", 0.1):
            number = "9" * 5000 + str(n)
        elif self.fault("da-number-malformed"):
            number = rng.choice(["x", "", "0", "-3"])  # refused
        elif self.fault("da-number-lenient"):
            number = rng.choice([f"+{n}", f" {n}", f"{n}_0"])  # int() takes them
        hits = rng.choice(["0", "0", "1", "1", "4"])
        if self.fault("da-hits-leading-zero"):
            hits = rng.choice(["00", "01"])
        elif self.fault("da-hits-malformed"):
            hits = rng.choice(["-1", "x", "", "9" * 5000])
        elif self.fault("da-hits-lenient"):
            hits = rng.choice(["+2", " 1", "1_0"])
        line = f"DA:{number},{hits}"
        if self.fault("da-checksum"):
            line += ",d41d8cd98f00b204"
        if self.fault("da-blanks"):
            line = rng.choice([f"  {line}", f"{line} "])
        return line

    def brda(self, n: int, block: int, i: int, hit: str) -> str:
        branch = self.rng.choice([f"jump to line {n + 2}", "return from function 'f'", str(i)])
        if self.fault("brda-comma-in-branch"):
            branch = "exit class 'A,B'"
        if self.fault("brda-taken-malformed"):
            hit = self.rng.choice(["-1", "x", "", "00", "+1"])
        line = str(n)
        if self.fault("brda-line-malformed"):
            line = self.rng.choice(["0", "x", "-2"])
        return f"BRDA:{line},{block},{branch},{hit}"

    def record(self, path: str) -> list[str]:
        rng = self.rng
        numbers = sorted(rng.sample(range(1, 90), rng.randrange(0, 20)))
        if numbers and self.fault("da-listed-twice"):
            numbers.append(rng.choice(numbers))
        das = [self.da(n) for n in numbers]
        if das and self.fault("line-among-da", 0.6):
            das.insert(rng.randrange(len(das)), rng.choice(["FN:3,f", "LF:2", "BRDA:1,0,0,1"]))
        brdas = []
        for block, n in enumerate(rng.sample(numbers, min(len(numbers), rng.randrange(4)))):
            ran = rng.random() < 0.8
            for i in range(rng.choice([2, 2, 3])):
                hit = rng.choice(["0", "1", "3"]) if ran else "-"
                brdas.append(self.brda(n, block, i, hit))
        if brdas and self.fault("line-among-brda", 0.6):
            brdas.insert(rng.randrange(len(brdas)), rng.choice(["DA:1,1", "FNDA:1,f", "BRF:3"]))
        hit_lines = sum(1 for d in das if not d.endswith(",0"))
        taken = sum(1 for b in brdas if b.endswith(("1", "3")))
        functions = [f"FN:{n},f{n}" for n in numbers[:3]]
        function_hits = [f"FNDA:{rng.choice([0, 1])},f{n}" for n in numbers[:3]]
        summary = [f"LF:{len(das)}", f"LH:{hit_lines}"]
        branch_summary = [f"BRF:{len(brdas)}", f"BRH:{taken}"] if brdas or self.istanbul else []
        if self.fault("summary-malformed", 0.6):
            summary[0] = rng.choice(["LF:-3", "LF:x"])  # refused
        elif self.fault("summary-lenient", 0.6):
            summary[0] = rng.choice(["LF:+3", "LF: 3", "LF:0_3"])  # int() takes them
        if self.fault("summary-only-bad-totals", 0.6):
            das, brdas, branch_summary = [], [], ["BRF:2", "BRH:1"]
            summary = rng.choice([["LF:3", "LH:5"], ["LF:2000000", "LH:1"], ["LF:4", "LH:4"]])
            if rng.random() < 0.5:
                summary, branch_summary = ["LF:9", "LH:5"], rng.choice([["BRF:1", "BRH:3"]])
        head = ["TN:"] if self.istanbul or rng.random() < 0.2 else []
        sf = f"SF:{path}"
        if self.fault("path-with-blanks", 0.6):
            sf += " "
        if self.istanbul:
            body = [*functions, f"FNF:{len(functions)}", "FNH:1", *function_hits, *das]
            body += [*summary, *brdas, *branch_summary]
        else:
            body = [*das, *summary]
            body += [x for pair in zip(functions, function_hits, strict=True) for x in pair]
            body += [f"FNF:{len(functions)}", "FNH:1", *brdas, *branch_summary]
        if self.fault("second-sf", 0.6):
            body.insert(rng.randrange(len(body) + 1), "SF:other.py")
        if self.fault("not-an-lcov-line", 0.6):
            body.insert(rng.randrange(len(body) + 1), rng.choice(["hello", "da:1,1", "end"]))
        if self.fault("blank-lines", 0.6):
            body.insert(rng.randrange(len(body) + 1), rng.choice(["", "   "]))
        if das and self.fault("da-before-sf", 1):
            return ["TN:", *das, sf, *body[len(das) :], "end_of_record"]
        return [*head, sf, *body, "end_of_record"]

    def tracefile(self) -> bytes:
        rng = self.rng
        names = ["a.py", "pkg/b.py", "c.js", "caf\u00e9/sm\u00f6r.py", "src/d.c", "e.ts"]
        files = rng.sample(names, rng.randrange(1, 5))
        if self.fault("record-listed-twice", 1):
            files.append(files[0])  # test sections: the exact reader takes the union
        lines = [line for f in files for line in self.record(f)]
        if self.fault("no-end-of-record", 1):
            lines.remove("end_of_record")
        text = "\n".join(lines) + "\n"
        if self.fault("junk-after-last-record", 1):
            text += rng.choice(["TN:\n", "DA:1,1\n", "\n\n", "junk\n"])
        if self.fault("no-newline-at-the-end", 1):
            text = text.rstrip("\n")
        if self.fault("carriage-returns", 1):
            text = text.replace("\n", "\r\n")
        if self.fault("carriage-return-inside-a-line", 1):
            text = text.replace("\nFNF:", "\rDA:99,1\nFNF:", 1)  # "\r" ends a line too
        data = text.encode()
        if self.fault("path-not-utf-8", 1):
            data = data.replace(b"sm\xc3\xb6r", b"sm\xf6r")
        return data


def _exact(path: Path) -> tuple[list[object], str | None]:
    try:
        return [(f.path, f.detail.counts(), f.detail) for f in lcov.parse(path)], None
    except RatchetError as e:
        return [], str(e)


def test_scan__istanbul_fixture__read_by_the_scanner():
    path = FIXTURES / "istanbul" / "lcov.info"
    scanned = lcov_scan.scan(path)
    assert scanned is not None
    assert [(f.path, f.counts) for f in scanned] == [
        ("calc.js", Counts(8, 6, 10, 6)),
        ("run.js", Counts(2, 2, 0, 0)),
    ]


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("SF:a.py\nend_of_record\n", Counts()),  # no lines at all
        ("SF:a.py\nDA:1,1\nDA:2,7\nend_of_record\n", Counts(2, 2)),  # 100%
        ("SF:a.py\nDA:1,0\nend_of_record\n", Counts(1, 0)),  # 0%
        ("SF:a.py\nBRDA:3,0,0,1\nBRDA:3,0,1,-\nend_of_record\n", Counts(0, 0, 2, 1)),
        ("SF:a.js\nLF:10\nLH:7\nBRF:4\nBRH:1\nend_of_record\n", Counts(10, 7, 4, 1)),
        ("SF:a.js\nDA:1,1\nLF:1\nLH:1\nBRF:0\nBRH:0\nend_of_record", Counts(1, 1)),
    ],
    ids=["empty", "all-covered", "none-covered", "only-branches", "summary-only", "no-newline"],
)
def test_scan__boundaries__the_exact_readers_counts(tmp_path: Path, text: str, counts: Counts):
    path = tmp_path / "coverage.lcov"
    path.write_text(text)
    scanned = lcov_scan.scan(path)
    assert scanned is not None
    [f] = scanned
    [exact] = lcov.parse(path)
    assert f.counts == exact.detail.counts() == counts
    assert f.read_detail() == exact.detail


def test_load__counts_only__same_file_in_two_sections_is_a_union(tmp_path: Path):
    path = tmp_path / "coverage.lcov"
    path.write_text(
        "TN:a\nSF:a.py\nDA:1,1\nDA:2,0\nend_of_record\nTN:b\nSF:a.py\nDA:1,0\nDA:2,3\nend_of_record\n"
    )
    assert lcov_scan.scan(path) is not None
    [f] = load([path], root=tmp_path, keep_missing_lines=False).files
    assert (f.counts.lines_valid, f.counts.lines_covered) == (2, 2)


def test_scan__a_record_read_again_after_the_file_changed__refused(tmp_path: Path):
    # A file's lines are read again (the exact way) only when asked for, from where the
    # scan found its record: if the tracefile was rewritten meanwhile, that is said.
    p = tmp_path / "coverage.lcov"
    p.write_text("SF:a.py\nDA:1,1\nDA:2,1\nDA:300,0\nend_of_record\n")
    files = lcov_scan.scan(p)
    assert files is not None
    assert files[0].read_detail().hits == {1: 1, 2: 1, 300: 0}
    two = "SF:a\nDA:1,1\nend_of_record\nSF:b\nend_of_record\n"
    assert len(two) == p.stat().st_size  # the same bytes now hold two records
    p.write_text(two)
    with pytest.raises(RatchetError, match="changed while it was being read"):
        files[0].read_detail()
