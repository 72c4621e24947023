"""One pass per report (issue 20): a failing ``check``, ``report`` and ``update``, interleaved.

    .venv/bin/python benchmarks/bench_onepass.py --data /tmp/proj --rounds 7 \\
        [--variant before=/path/to/old/checkout] [--variant after=] [--format xml]

``--data`` is a directory made by ``generate.py``. Beside its ``pyproject.toml`` (which the
reports pass) this writes two more configurations, from the report's own per-file counts:

- ``pyproject-fail.toml`` with ``baseline_file = "files-fail.tsv"``, where one file in a
  hundred is recorded with one covered line more than the report has: ``check`` fails (exit
  1) on 100 files, and names the lines each no longer runs;
- ``pyproject-update.toml`` with ``files-update.tsv``, where every file that covers a line
  is recorded with one covered line less, and a total baseline a point lower: ``update``
  raises the total and rewrites every per-file line. It runs on fresh copies of both files
  each time (``cp`` in a shell, a few milliseconds counted with it), and writes them.

Timed, each a process of its own, in an order shuffled per round (as ``bench_paired.py``
does): the expat no-op-handler floor; ``check`` passing; ``check`` failing; ``report``;
``update``. The table gives the minimum and median wall time, the minimum CPU time and
the peak RSS; each ratio is the median of its per-round ratios to the floor (CPU time of
two runs a few seconds apart) beside the ratio of the minimums. A measurement, not a test:
it exits 0 whatever the numbers say, non-zero only if a command exits otherwise than meant.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from bench_paired import FLOOR_OF, FLOORS, interleaved, print_runs
from bench_reports import Job, child_env

# Run with the interpreter that has ratchet installed, in the data directory: the per-file
# counts of the XML report, and the two configurations built from them.
PREPARE = """\
import sys
from pathlib import Path

from ratchet.readers.load import load
from ratchet.store import filebaseline

report = load([Path("coverage.xml")], root=Path.cwd(), keep_missing_lines=False)
fail, update = {}, {}
for i, f in enumerate(report.files):
    c = f.counts
    fail[f.path] = c
    if i % 100 == 0 and c.lines_covered < c.lines_valid:
        fail[f.path] = type(c)(c.lines_valid, c.lines_covered + 1, c.branches_valid,
                               c.branches_covered)
    update[f.path] = c
    if c.lines_covered:
        update[f.path] = type(c)(c.lines_valid, c.lines_covered - 1, c.branches_valid,
                                 c.branches_covered)
Path("files-fail.tsv").write_text(filebaseline.render(fail))
Path("files-update.tsv.orig").write_text(filebaseline.render(update))
t = report.totals
head = '[project]\\nname = "generated-benchmark-project"\\nversion = "0"\\n\\n[tool.ratchet]\\n'
pct = int(100 * t.covered / t.valid)
Path("pyproject-fail.toml").write_text(
    head + f"threshold = {pct // 5 * 5}\\nstep = 5\\nbaseline_file = \\"files-fail.tsv\\"\\n"
)
Path("pyproject-update.toml.orig").write_text(
    head + f"threshold = {pct // 5 * 5 - 5}\\nstep = 5\\nbaseline = {pct - 1}\\n"
    f"baseline_uncovered = {t.missing + 1000}\\nbaseline_file = \\"files-update.tsv\\"\\n"
)
"""

UPDATE = (
    "cp pyproject-update.toml.orig pyproject-update.toml && "
    "cp files-update.tsv.orig files-update.tsv && rm -f coverage-history.jsonl .gitattributes && "
    'exec "$0" -m ratchet update --config pyproject-update.toml "$1"'
)


def jobs_for(
    data: Path, python: str, variants: dict[str, str], reports: Sequence[str]
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
        for report in reports:
            kind = report.split(".")[1].upper()

            def ratchet(cmd: str, config: str) -> tuple[str, ...]:
                return (python, "-m", "ratchet", cmd, "--config", config, report)  # noqa: B023

            jobs += [
                Job(f"check {kind} passing{suffix}", ratchet("check", "pyproject.toml"), data, env),
                Job(
                    f"check {kind} failing{suffix}",
                    ratchet("check", "pyproject-fail.toml"),
                    data,
                    env,
                    status=1,
                ),
                Job(f"report {kind}{suffix}", ratchet("report", "pyproject.toml"), data, env),
                Job(f"update {kind}{suffix}", ("sh", "-c", UPDATE, python, report), data, env),
            ]
    return jobs


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
        "--format",
        action="append",
        choices=["xml", "json", "lcov"],
        default=[],
        help="the reports to time (default: xml)",
    )
    ap.add_argument("--seed", type=int, default=1, help="for the order of runs within a round")
    args = ap.parse_args(argv)

    subprocess.run([args.python, "-c", PREPARE], cwd=args.data, check=True)
    variants = dict(v.split("=", 1) for v in args.variant) or {"": ""}
    reports = [f"coverage.{f}" for f in args.format or ["xml"]]
    jobs = jobs_for(args.data, args.python, variants, reports)
    runs = interleaved(jobs, args.rounds, args.seed)
    print_runs(args.data, args.rounds, runs, width=32)
    print("\nCPU time against the floor: the median of the per-round ratios (of the minimums)")
    for label in runs:
        if label in FLOORS:
            continue
        floor = FLOOR_OF[label.split()[1]]
        mine = [r[1] for r in runs[label]]
        ref = [r[1] for r in runs[floor]]
        paired = statistics.median(a / b for a, b in zip(mine, ref, strict=True))
        print(f"  {label:<32} {paired:5.2f}x ({min(mine) / min(ref):5.2f}x)  of {floor}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
