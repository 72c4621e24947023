"""Paired whole-process runs: ``ratchet check`` on each format against its floor, interleaved.

    .venv/bin/python benchmarks/bench_paired.py --data /tmp/proj --rounds 9 \\
        [--variant old=/path/to/old/checkout] [--variant new=]

``--data`` is a directory made by ``generate.py`` (coverage.xml, .json, .lcov and a
pyproject.toml). Each round runs every command once, in an order shuffled per round, so
that a busy spell on this shared machine lands on all of them alike; the table gives the
minimum and median wall time, the minimum CPU time and the peak RSS, and for each ratio
the median of its per-round values (each a pair of runs a few seconds apart) beside the
ratio of the minimums.

The floors, each a Python process of its own (start-up counts on both sides):

- expat, no-op handler: ``xml.parsers.expat`` over the XML with a ``StartElementHandler``
  that does nothing (the README's floor; the issue's 1.6 s "expat pass");
- expat, no handler: the same with no handler at all (expat alone, in C);
- json.load: ``json.load`` of the JSON report;
- line scan: ``for line in f: pass`` over the LCOV report opened as UTF-8 text, as the LCOV
  reader opens it.

A ``--variant NAME=DIR`` runs ratchet with ``DIR`` first on ``PYTHONPATH`` (an older
checkout, say); ``NAME=`` runs the installed one. ``--instructions`` runs each command once
more under ``valgrind --tool=callgrind`` and prints the instructions it executed, a measure
other work on the machine cannot move (it takes minutes: valgrind runs code ~50x slower).
A measurement, not a test: it exits 0 whatever the numbers say, and non-zero only if a
command fails.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from bench_reports import FLOOR_BARE, FLOOR_HANDLER, Job, child_env, run_checked, run_once

JSON_LOAD = """\
import json, sys

with open(sys.argv[1], "rb") as f:
    json.load(f)
"""

LINE_SCAN = """\
import sys

with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        pass
"""

FLOORS = {
    "expat, no-op handler": ("floor_handler.py", FLOOR_HANDLER, "coverage.xml"),
    "expat, no handler": ("floor_bare.py", FLOOR_BARE, "coverage.xml"),
    "json.load": ("floor_json.py", JSON_LOAD, "coverage.json"),
    "line scan": ("floor_lines.py", LINE_SCAN, "coverage.lcov"),
}

# The floor each report is judged against.
FLOOR_OF = {"XML": "expat, no-op handler", "JSON": "json.load", "LCOV": "line scan"}


def jobs_for(
    data: Path,
    python: str,
    variants: dict[str, str],
    commands: Sequence[str],
    reports: Sequence[str],
) -> list[Job]:
    base = child_env(data)
    jobs = []
    for label, (script, text, report) in FLOORS.items():
        if report in reports:
            (data / script).write_text(text)
            jobs.append(Job(label, (python, script, report), data, base))
    for name, path in variants.items():
        env = dict(base)
        if path:
            env["PYTHONPATH"] = path
        suffix = f" [{name}]" if name else ""
        for cmd in commands:
            for report in reports:
                kind = report.split(".")[1].upper()
                argv = (python, "-m", "ratchet", cmd, "--config", "pyproject.toml", report)
                jobs.append(Job(f"{cmd} {kind}{suffix}", argv, data, env))
    return jobs


def instructions(job: Job) -> int:
    """The instructions one run of ``job`` executes, counted by callgrind."""
    argv = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *job.argv]
    proc = subprocess.run(
        argv, cwd=job.cwd, env=job.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, check=False,
    )  # fmt: skip
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if proc.returncode != 0 or not found:
        raise SystemExit(f"{job.label}: valgrind failed: {proc.stderr[-500:]}")
    return int(found.group(1))


Runs = dict[str, list[tuple[float, float, int]]]


def interleaved(jobs: Sequence[Job], rounds: int, seed: int) -> Runs:
    """Each job once a round, in a shuffled order, after one untimed run of each (it warms
    the page cache and fails loudly if a command fails): (wall s, CPU s, max RSS KiB) a
    round, by label. Paired rounds are what make a ratio mean something on a busy machine."""
    time_bin = shutil.which("time", path="/usr/bin:/bin")
    for job in jobs:
        run_checked(job)
    runs: Runs = {j.label: [] for j in jobs}
    rng = random.Random(seed)
    for r in range(rounds):
        order = list(jobs)
        rng.shuffle(order)
        for job in order:
            runs[job.label].append(run_once(job, time_bin))
        print(f"round {r + 1}/{rounds} done", file=sys.stderr, flush=True)
    return runs


def print_runs(data: Path, rounds: int, runs: Runs, *, width: int) -> None:
    """The table of each command's minimum and median wall time, minimum CPU and peak RSS."""
    print(f"{data}: {rounds} rounds, each command once a round in a shuffled order")
    print(
        f"  {'command':<{width}} {'min s':>7} {'median s':>9} {'min CPU s':>10} {'max RSS MiB':>12}"
    )
    for label, rs in runs.items():
        wall = [w for w, _, _ in rs]
        cpu = [c for _, c, _ in rs]
        rss = max(m for _, _, m in rs) / 1024
        print(
            f"  {label:<{width}} {min(wall):>7.3f} {statistics.median(wall):>9.3f} "
            f"{min(cpu):>10.3f} {rss:>12.1f}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="a directory made by generate.py")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--python", default=sys.executable, help="interpreter with ratchet installed")
    ap.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="run ratchet from DIR (PYTHONPATH); NAME= for the installed one",
    )
    ap.add_argument(
        "--command", action="append", default=[], help="ratchet commands to time (default: check)"
    )
    ap.add_argument(
        "--format",
        action="append",
        choices=["xml", "json", "lcov"],
        default=[],
        help="the reports to time (default: all three)",
    )
    ap.add_argument("--seed", type=int, default=1, help="for the order of runs within a round")
    ap.add_argument(
        "--instructions", action="store_true", help="count instructions with callgrind too"
    )
    args = ap.parse_args(argv)

    variants = dict(v.split("=", 1) for v in args.variant) or {"": ""}
    reports = [f"coverage.{f}" for f in args.format or ["xml", "json", "lcov"]]
    jobs = jobs_for(args.data, args.python, variants, args.command or ["check"], reports)
    runs = interleaved(jobs, args.rounds, args.seed)
    print_runs(args.data, args.rounds, runs, width=28)
    print("\nratios: the median of the per-round ratios, and the ratio of the minimums")
    for label in runs:
        if label in FLOORS:
            continue
        floor = FLOOR_OF[label.split()[1]]
        for i, kind in ((0, "wall"), (1, "CPU")):
            mine = [r[i] for r in runs[label]]
            ref = [r[i] for r in runs[floor]]
            paired = statistics.median(a / b for a, b in zip(mine, ref, strict=True))
            print(
                f"  {label + ' / ' + floor:<46} {kind:>4}: {paired:5.2f}x median, "
                f"{min(mine) / min(ref):5.2f}x of minimums"
            )
    if args.instructions:
        counts = {job.label: instructions(job) for job in jobs}
        print("\ninstructions (callgrind), and the ratio to the floor")
        for label, n in counts.items():
            floor = None if label in FLOORS else FLOOR_OF[label.split()[1]]
            ratio = f"{n / counts[floor]:6.2f}x {floor}" if floor else ""
            print(f"  {label:<28} {n / 1e9:8.2f} G  {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
