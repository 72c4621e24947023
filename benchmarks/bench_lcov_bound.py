"""How close to a bare line scan an exact count of an LCOV tracefile's DA lines can get.

    .venv/bin/python benchmarks/bench_lcov_bound.py /tmp/proj/coverage.lcov [--repeat 5]

Issue 12 asked for ``check`` on LCOV at no more than a bare ``for line in f: pass``. This
measures, in one process (no start-up on either side), the least that counting the DA
lines exactly costs with nothing but C-level operations, in the case most favourable to it:
every hit count is 0 or 1, as coverage.py writes them. Per record's block of DA lines:
``bytes.count`` for the lines and the lines hit 0 and 1 times, ``bytes.translate`` to prove
each line is ``DA:<digits>,<digits>``, and, to prove that no line number is listed twice
(the exact reader adds up the hits of a repeated line, so its count differs), one
``bytes.split`` and one ``set`` of the lines with their hits made equal. The last step makes
one object per line and hashes it, which is about what the line scan itself pays per line;
no C-level operation of the standard library proves numbers distinct without it.

What it leaves out, and ``check`` cannot: reading the file in chunks, finding each record
and its blocks, the BRDA, SF and summary lines, and the CLI's start-up. So the ratio it
prints is below any exact reader's. It also checks its counts against ``lcov_scan``'s.
A measurement, not a test: it exits 0 whatever the ratio is.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from ratchet.readers import lcov_scan

_DIGITS = b"0123456789"


def da_counts(block: bytes) -> tuple[int, int] | None:
    """(lines, lines hit) of a block of DA lines; None unless every hit count is 0 or 1."""
    n = block.count(b"\n")
    zeros = block.count(b",0\n")
    if zeros + block.count(b",1\n") != n:
        return None
    if block.translate(None, _DIGITS) != b"DA:,\n" * n or b"DA:0" in block or b"DA:," in block:
        return None
    lines = block.replace(b",1\n", b",0\n").split(b"\n")
    if len(set(lines)) != n + 1 or max(map(len, lines)) > len(b"DA:,0") + 18:
        return None
    return n, n - zeros


def da_blocks(data: bytes) -> list[bytes]:
    blocks, pos = [], 0
    while (start := data.find(b"\nDA:", pos)) >= 0:
        record_end = data.find(b"\nend_of_record", start)
        end = data.find(b"\n", data.rfind(b"\nDA:", start, record_end) + 1) + 1
        blocks.append(data[start + 1 : end])
        pos = end
    return blocks


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return min(times)


def line_scan(path: Path) -> None:
    with path.open(encoding="utf-8") as f:
        for _line in f:
            pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lcov", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    blocks = da_blocks(args.lcov.read_bytes())
    counted = [da_counts(b) for b in blocks]
    scanned = lcov_scan.scan(args.lcov)
    assert scanned is not None and None not in counted, "not coverage.py's 0/1 hit counts"
    assert counted == [(f.counts.lines_valid, f.counts.lines_covered) for f in scanned]
    floor = best(lambda: line_scan(args.lcov), args.repeat)
    bound = best(lambda: [da_counts(b) for b in blocks], args.repeat)
    lines = sum(c[0] for c in counted if c is not None)
    print(f"{len(blocks):,} records, {lines:,} DA lines; CPU seconds, best of {args.repeat}")
    print(f"  line scan, the whole file          {floor:.3f}")
    print(f"  exact DA counts, blocks in memory  {bound:.3f}  ({bound / floor:.2f}x the line scan)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
