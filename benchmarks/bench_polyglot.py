"""How fast the JaCoCo, Clover, Go and SimpleCov readers read a 10,000-file report, next to
a bare parse of the same bytes (issue 19: within 2x).

    .venv/bin/python benchmarks/bench_polyglot.py [--files 10000] [--rounds 5] [--data DIR]

Generates, once per size and seed, a made-up project's report in each format the way its
producer writes it (layouts as in tests/fixtures/polyglot: JaCoCo's <package>/<class>/
<sourcefile> with counters at every level, Clover as PHPUnit and istanbul write it, a Go
count-mode profile, a SimpleCov result set with branch coverage), about 200 measurable
lines a file. Then, in rounds (each command once a round, in a shuffled order, so that a
busy spell on this shared machine lands on all alike), times as subprocesses:

- the floor, a bare parse of the same bytes: expat with a no-op ``StartElementHandler`` for
  the XML (the floor of benchmarks/README.md: every element and attribute tokenized, nothing
  converted), ``json.load`` for SimpleCov, and for Go each block line tokenized into its
  seven fields (name, the two positions' lines and columns, statements, count: strings,
  ``rpartition``, ``split`` and ``partition``, nothing converted or checked) -- the XML
  floor's analog, the one the 2x target is judged against; beside it, a second Go floor
  that only cuts each line into name, span and two numbers (``rpartition(":")`` and
  ``split()``, what earlier runs used);
- ``load``: ``ratchet.readers.load.load(..., keep_missing_lines=False)``, what ``check`` reads;
- ``report``: ``ratchet report --format json``, every file's missing lines too.

Prints min wall, min CPU and peak RSS of each, and each ratio to its floor in CPU time (the
figure the shared machine moves least): the median of the per-round ratios (each a pair of
runs a few seconds apart, as bench_paired.py gives them) beside the ratio of the minimums.
``--variant NAME=DIR`` times ratchet from ``DIR`` (put first on ``PYTHONPATH``: an older
checkout, say) beside the others; ``NAME=`` is the installed one. A measurement, not a
test: exits 0 whatever the numbers are, non-zero only if a command fails.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
from pathlib import Path

from bench_reports import FLOOR_HANDLER, Job, child_env, run_checked, run_once

HERE = Path(__file__).resolve().parent

JSON_LOAD = """\
import json, sys

with open(sys.argv[1], "rb") as f:
    json.load(f)
"""

GO_FIELDS = """\
import sys

with open(sys.argv[1], encoding="utf-8") as f:
    next(f)
    for line in f:
        name, _, rest = line.rpartition(":")
        span, statements, count = rest.split()
        start, _, end = span.partition(",")
        l1, _, c1 = start.partition(".")
        l2, _, c2 = end.partition(".")
"""

GO_SPLIT = """\
import sys

with open(sys.argv[1], encoding="utf-8") as f:
    next(f)
    for line in f:
        name, _, rest = line.rpartition(":")
        rest.split()
"""

LOAD = """\
import sys
from pathlib import Path
from ratchet.readers.load import load

load([Path(sys.argv[1])], root=Path.cwd(), keep_missing_lines=False)
"""

# Each report and its floors, the first the one the 2x target is judged against.
REPORTS = {
    "JaCoCo": ("jacoco.xml", ("expat, no-op handler",)),
    "Clover": ("clover.xml", ("expat, no-op handler",)),
    "Go": ("cover.out", ("Go fields tokenized", "Go lines split")),
    "SimpleCov": (".resultset.json", ("json.load",)),
}
FLOORS = {
    "expat, no-op handler": ("floor_handler.py", FLOOR_HANDLER),
    "json.load": ("floor_json.py", JSON_LOAD),
    "Go fields tokenized": ("floor_go_fields.py", GO_FIELDS),
    "Go lines split": ("floor_go.py", GO_SPLIT),
}


# -- the reports -------------------------------------------------------------------------


def _file_lines(rng: random.Random) -> list[tuple[int, int, int]]:
    """(line, hits, branches) of one made-up file: about 200 measurable lines, a run of
    misses here and there, one line in seven a two-way (sometimes three-way) branch."""
    out = []
    line = rng.randint(1, 5)
    missing_from = rng.randint(0, 300) if rng.random() < 0.9 else 10**6
    for i in range(rng.randint(100, 300)):
        line += rng.choice((1, 1, 1, 2, 3))
        hits = 0 if missing_from <= i < missing_from + rng.randint(2, 40) else rng.randint(1, 30)
        branches = rng.choice((2, 2, 2, 3)) if rng.random() < 1 / 7 else 0
        out.append((line, hits, branches))
    return out


def generate(out: Path, files: int, seed: int) -> None:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    names = [(f"com/example/p{i // 20}", f"F{i}") for i in range(files)]
    data = [_file_lines(rng) for _ in names]
    _jacoco(out / "jacoco.xml", names, data)
    _clover(out / "clover.xml", names, data)
    _go(out / "cover.out", names, data)
    _simplecov(out / ".resultset.json", names, data)
    (out / "pyproject.toml").write_text("[tool.ratchet]\nthreshold = 0\n")


def _jacoco(
    path: Path, names: list[tuple[str, str]], data: list[list[tuple[int, int, int]]]
) -> None:
    with path.open("w") as f:
        f.write(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE report PUBLIC '
            '"-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report name="bench">'
            '<sessioninfo id="x" start="1" dump="2"/>'
        )
        package = None
        for (pkg, cls), lines in zip(names, data, strict=True):
            if pkg != package:
                if package is not None:
                    f.write("</package>")
                f.write(f'<package name="{pkg}">')
                package = pkg
            mi = sum(1 for _, h, _ in lines if not h)
            ci = len(lines) - mi
            counters = (
                f'<counter type="INSTRUCTION" missed="{3 * mi}" covered="{3 * ci}"/>'
                f'<counter type="LINE" missed="{mi}" covered="{ci}"/>'
            )
            f.write(
                f'<class name="{pkg}/{cls}" sourcefilename="{cls}.java">'
                f'<method name="run" desc="()V" line="{lines[0][0]}">{counters}</method>'
                f"{counters}</class>"
            )
            f.write(f'<sourcefile name="{cls}.java">')
            for n, h, b in lines:
                cb = min(b, 1) if h else 0
                mi, ci = (0, 3) if h else (3, 0)
                f.write(f'<line nr="{n}" mi="{mi}" ci="{ci}" mb="{b - cb}" cb="{cb}"/>')
            f.write(f"{counters}</sourcefile>")
        f.write("</package></report>")


def _clover(
    path: Path, names: list[tuple[str, str]], data: list[list[tuple[int, int, int]]]
) -> None:
    with path.open("w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<coverage generated="1">\n')
        f.write('  <project timestamp="1">\n')
        for (pkg, cls), lines in zip(names, data, strict=True):
            f.write(f'    <file name="/app/{pkg}/{cls}.php">\n')
            f.write(
                f'      <line num="{lines[0][0]}" type="method" name="run" visibility="public"'
                ' complexity="1" crap="1" count="1"/>\n'
            )
            for n, h, _ in lines[1:]:
                f.write(f'      <line num="{n}" type="stmt" count="{h}"/>\n')
            covered = sum(1 for _, h, _ in lines[1:] if h)
            f.write(
                f'      <metrics loc="{lines[-1][0]}" ncloc="{lines[-1][0]}" classes="1"'
                ' methods="1" coveredmethods="1" conditionals="0" coveredconditionals="0"'
                f' statements="{len(lines) - 1}" coveredstatements="{covered}"'
                f' elements="{len(lines)}" coveredelements="{covered + 1}"/>\n    </file>\n'
            )
        f.write("  </project>\n</coverage>\n")


def _go(path: Path, names: list[tuple[str, str]], data: list[list[tuple[int, int, int]]]) -> None:
    with path.open("w") as f:
        f.write("mode: count\n")
        for (pkg, cls), lines in zip(names, data, strict=True):
            name = f"example.com/bench/{pkg}/{cls.lower()}.go"
            i = 0
            while i < len(lines):  # blocks of 1-3 statements, each its own line or two
                k = min(len(lines) - i, 1 + (lines[i][0] % 3))
                first, last = lines[i][0], lines[i + k - 1][0]
                f.write(f"{name}:{first}.{2 + first % 20},{last + 1}.3 {k} {lines[i][1]}\n")
                i += k


def _simplecov(
    path: Path, names: list[tuple[str, str]], data: list[list[tuple[int, int, int]]]
) -> None:
    coverage = {}
    for (pkg, cls), lines in zip(names, data, strict=True):
        array: list[int | None] = [None] * (lines[-1][0] + 2)
        branches = {}
        for n, h, b in lines:
            array[n - 1] = h
            if b:
                arms = {
                    f"[:{'then' if j == 0 else 'else'}, {n * 10 + j + 1}, {n}, 4, {n}, 9]": (
                        h if j == 0 else 0
                    )
                    for j in range(b)
                }
                branches[f"[:if, {n * 10}, {n}, 4, {n}, 20]"] = arms
        coverage[f"/app/lib/{pkg}/{cls.lower()}.rb"] = {"lines": array, "branches": branches}
    with path.open("w") as f:
        json.dump({"RSpec": {"coverage": coverage, "timestamp": 1}}, f, indent=2)


# -- timing -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--data", type=Path, default=HERE / "data")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--only", nargs="*", default=list(REPORTS), choices=list(REPORTS))
    ap.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="run ratchet from DIR (PYTHONPATH); NAME= for the installed one",
    )
    ap.add_argument(
        "--command",
        nargs="*",
        default=["load", "report"],
        choices=["load", "report"],
        help="what to time of each variant (default: both)",
    )
    args = ap.parse_args(argv)
    variants = dict(v.split("=", 1) for v in args.variant) or {"": ""}

    data = args.data / f"polyglot-{args.files}-{args.seed}"
    if not (data / "pyproject.toml").exists():
        print(f"generating {args.files:,} files of each format in {data} ...", file=sys.stderr)
        generate(data, args.files, args.seed)
    env = child_env(args.data)
    time_bin = shutil.which("time") and "/usr/bin/time" if Path("/usr/bin/time").exists() else None

    jobs: list[Job] = []
    floors_needed = {floor for name in args.only for floor in REPORTS[name][1]}
    for label, (script, text) in FLOORS.items():
        if label in floors_needed:
            (data / script).write_text(text)
    (data / "load.py").write_text(LOAD)
    argvs = {
        "load": lambda report: (args.python, "load.py", report),
        "report": lambda report: (
            args.python,
            "-m",
            "ratchet",
            "report",
            "--format",
            "json",
            report,
        ),
    }
    for name in args.only:
        report, floors = REPORTS[name]
        for floor in floors:
            argv = (args.python, FLOORS[floor][0], report)
            jobs.append(Job(f"{floor} [{name}]", argv, data, env))
        for variant, path in variants.items():
            venv = dict(env, PYTHONPATH=path) if path else env
            suffix = f" [{variant}]" if variant else ""
            for what in args.command:
                jobs.append(Job(f"{what} {name}{suffix}", argvs[what](report), data, venv))
    for job in jobs:
        run_checked(job)
    rng = random.Random(args.seed)
    runs: dict[str, list[tuple[float, float, int]]] = {j.label: [] for j in jobs}
    for r in range(args.rounds):
        order = list(jobs)
        rng.shuffle(order)
        for job in order:
            runs[job.label].append(run_once(job, time_bin))
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    sizes = {name: (data / REPORTS[name][0]).stat().st_size / 2**20 for name in args.only}
    print(
        f"{data}: {args.files:,} files, {args.rounds} rounds; "
        + ", ".join(f"{n} {s:.0f} MB" for n, s in sizes.items())
    )
    print(f"  {'command':40} {'min s':>7} {'min CPU s':>10} {'max RSS MiB':>12}")
    for label, r in runs.items():
        wall, cpu = min(w for w, _, _ in r), min(c for _, c, _ in r)
        print(f"  {label:40} {wall:7.3f} {cpu:10.3f} {max(m for _, _, m in r) / 1024:12.1f}")
    print("CPU time / the bare parse: median of the per-round ratios, ratio of the minimums")
    for name in args.only:
        for floor_label in REPORTS[name][1]:
            floor = [c for _, c, _ in runs[f"{floor_label} [{name}]"]]
            for label in runs:
                if not any(label.startswith(f"{what} {name}") for what in args.command):
                    continue
                cpu = [c for _, c, _ in runs[label]]
                paired = statistics.median(a / b for a, b in zip(cpu, floor, strict=True))
                print(
                    f"  {label:34} / {floor_label:22} {paired:5.2f}x median, "
                    f"{min(cpu) / min(floor):5.2f}x of minimums"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
