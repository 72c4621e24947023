"""Reading one huge coverage.py JSON file entry costs what the same lines in many entries do.

    .venv/bin/python benchmarks/bench_json_entry.py [--lines 600000] [--chunk 16384] [--repeat 3]

The JSON reader holds one file entry at a time and refills its buffer while a value is
incomplete. Decoding the growing entry again after every fixed-size refill made one large
entry (coverage.py with --show-contexts writes those) quadratic: a 35 MB entry took 32 s.
This writes the same executed lines once as one entry and once spread over entries of
1,000 lines, reads both in process with ``--chunk`` bytes per read (a small chunk stands in
for a proportionally larger entry at the default 1 MiB), and prints the best times and
their ratio: near 1 is linear. A measurement, not a test: it exits 0 whatever the numbers.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from ratchet.readers import coverage_json


def _write(path: Path, files: dict[str, dict[str, list[int]]]) -> Path:
    path.write_text(json.dumps({"meta": {"format": 3}, "files": files, "totals": {}}))
    return path


def _best(path: Path, chunk: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in coverage_json.parse(path, chunk_size=chunk):
            pass
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=600_000)
    ap.add_argument("--chunk", type=int, default=1 << 14, help="bytes per read")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    lines = list(range(1, args.lines + 1))
    with tempfile.TemporaryDirectory() as tmp:
        one = _write(
            Path(tmp) / "one.json", {"big.py": {"executed_lines": lines, "missing_lines": []}}
        )
        many = _write(
            Path(tmp) / "many.json",
            {
                f"m{i}.py": {"executed_lines": lines[i : i + 1000], "missing_lines": []}
                for i in range(0, len(lines), 1000)
            },
        )
        size = one.stat().st_size
        t_one, t_many = _best(one, args.chunk, args.repeat), _best(many, args.chunk, args.repeat)
    reads = size // args.chunk
    print(f"one entry of {size / 1e6:.1f} MB in {args.chunk}-byte reads ({reads} reads)")
    print(f"  one entry              {t_one:8.3f} s")
    print(f"  entries of 1,000 lines {t_many:8.3f} s")
    print(f"  ratio                  {t_one / t_many:8.2f}x  (near 1: linear in the entry's size)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
