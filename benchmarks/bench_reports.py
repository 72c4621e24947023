"""Time ``ratchet report`` and ``ratchet check`` on generated reports, against a floor and peers.

    .venv/bin/python benchmarks/bench_reports.py [--quick] [--peer-bin /tmp/bench-venv/bin]

Every measurement is a subprocess, so interpreter start-up and imports count on every side.
The floor is a Python script that runs ``xml.parsers.expat`` over the same XML; the peers
are pycobertura (``pycobertura show``) and diff-cover (``diff-cover`` with an empty diff),
each skipped with "not installed" when it cannot be found. This is a measurement, not a
test: it exits 0 whatever the numbers say (it exits 1 only if the generated reports
disagree, or a command fails).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import generate

HERE = Path(__file__).resolve().parent

# One Python callback per element, doing nothing: the least any consumer that has to look
# at each <line> can pay. This is the floor the XML targets are judged against (issue 12:
# check at most 0.6x of it, which only a reader that calls no Python per line can reach).
FLOOR_HANDLER = """\
import sys
from xml.parsers import expat

def start(name, attrs):
    pass

p = expat.ParserCreate()
p.StartElementHandler = start
with open(sys.argv[1], "rb") as f:
    p.ParseFile(f)
"""

# ratchet's loader as `ratchet check` needs it: counts per file, no missing line numbers.
LOAD_COUNTS_ONLY = """\
import sys
from pathlib import Path
from ratchet.readers.load import load

load([Path(sys.argv[1])], root=Path.cwd(), keep_missing_lines=False)
"""

# No handler at all: expat tokenising the bytes in C, nothing reaches Python.
FLOOR_BARE = """\
import sys
from xml.parsers import expat

p = expat.ParserCreate()
with open(sys.argv[1], "rb") as f:
    p.ParseFile(f)
"""


@dataclass(frozen=True)
class Job:
    label: str
    argv: tuple[str, ...]
    cwd: Path
    env: dict[str, str]
    status: int = 0  # the exit status a run must have (1: a check that fails, as meant)


def child_env(data: Path) -> dict[str, str]:
    """Every command runs with bytecode caching on, as in any normal installation.

    A sandbox may set PYTHONDONTWRITEBYTECODE, which makes every run recompile every
    module it imports from a source tree; the cache goes under ``data``, not the sources.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str((data / "pycache").resolve())
    return env


@dataclass(frozen=True)
class Timing:
    label: str
    times: tuple[float, ...]  # wall
    cpu: tuple[float, ...]  # user + system
    max_rss_kb: int

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def best_cpu(self) -> float:
        return min(self.cpu)


def run_once(job: Job, time_bin: str | None) -> tuple[float, float, int]:
    """Wall time, CPU time and peak RSS (KiB) of one run of ``job``.

    Linux carries a parent's peak RSS into a child across fork and exec, so a child of this
    Python process can never report less than this process's own peak. GNU time is a small
    C program: run through it, a command's peak is its own. Without it, os.wait4 is used
    (RUSAGE_CHILDREN would be worse: the maximum over all children so far).
    """
    argv = list(job.argv)
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        if time_bin:
            argv = [time_bin, "-f", "%M", "-o", rss.name, *argv]
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=job.cwd, env=job.env, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != job.status:
            raise SystemExit(f"{job.label}: exit status {proc.returncode}")
        peak = int(rss.read().split()[-1]) if time_bin else usage.ru_maxrss
    # GNU time waits for its child, so its rusage includes the command's CPU time.
    return wall, usage.ru_utime + usage.ru_stime, peak


def run_checked(job: Job) -> None:
    """One untimed run: warms the page cache, and fails loudly if the command fails."""
    proc = subprocess.run(
        job.argv, cwd=job.cwd, env=job.env, capture_output=True, text=True, check=False
    )
    if proc.returncode != job.status:
        sys.stderr.write(proc.stdout[-2000:] + proc.stderr[-2000:])
        raise SystemExit(f"{job.label}: exit status {proc.returncode}: {' '.join(job.argv)}")


def measure(job: Job, repeat: int, time_bin: str | None) -> Timing:
    run_checked(job)
    runs = [run_once(job, time_bin) for _ in range(repeat)]
    return Timing(
        job.label,
        tuple(w for w, _, _ in runs),
        tuple(c for _, c, _ in runs),
        max(r for _, _, r in runs),
    )


def find_tool(name: str, peer_bin: Sequence[Path]) -> str | None:
    path = os.pathsep.join([*(str(p) for p in peer_bin), os.environ.get("PATH", "")])
    return shutil.which(name, path=path)


def prepare(size: int, seed: int, data: Path, python: str, *, lines_scale: int = 1) -> Path:
    """Generate (or reuse) one project's reports and assert the formats agree.

    Both run in subprocesses: this process must stay small (see ``run_once``).
    """
    name = f"n{size}-s{seed}" + (f"-x{lines_scale}" if lines_scale != 1 else "")
    out = data / name
    stamp = out / ".generated"
    want = f"{generate.GENERATOR_VERSION} {size} {seed} {lines_scale} {out.resolve()}"
    gen = [sys.executable, str(HERE / "generate.py"), "--out", str(out), "--python", python]
    if not stamp.is_file() or stamp.read_text() != want:
        print(f"generating {size} files into {out} ...", flush=True)
        args = ["--files", str(size), "--seed", str(seed), "--lines-scale", str(lines_scale)]
        subprocess.run([*gen, *args, "--no-verify"], check=True)
        if shutil.which("git") and not (out / ".git").exists():
            # diff-cover insists on running inside a git work tree.
            subprocess.run(["git", "init", "-q", str(out)], check=True)
        stamp.write_text(want)
    (out / "floor_handler.py").write_text(FLOOR_HANDLER)
    (out / "floor_bare.py").write_text(FLOOR_BARE)
    (out / "load_counts_only.py").write_text(LOAD_COUNTS_ONLY)
    (out / "empty.diff").write_text("")
    subprocess.run([*gen, "--verify-only"], check=True)
    return out


def measured_lines(out: Path) -> int:
    """The measured lines of a generated project, from its XML's header."""
    with (out / "coverage.xml").open(encoding="utf-8") as f:
        found = re.search(r'lines-valid="(\d+)"', f.read(1000))
    return int(found.group(1)) if found else 0


def memory_job(out: Path, python: str, env: dict[str, str]) -> Job:
    argv = (python, "load_counts_only.py", "coverage.xml")
    return Job("load XML, counts only", argv, out, env)


def ratchet_job(cmd: str, report: str, out: Path, python: str, env: dict[str, str]) -> Job:
    label = f"ratchet {cmd} {report.split('.')[1].upper()}"
    argv = (python, "-m", "ratchet", cmd, "--config", "pyproject.toml", report)
    return Job(label, argv, out, env)


def jobs_for(
    out: Path, python: str, peers: dict[str, str | None], env: dict[str, str]
) -> list[Job]:
    jobs = [
        Job("expat floor, no-op handler", (python, "floor_handler.py", "coverage.xml"), out, env),
        Job("expat floor, no handler", (python, "floor_bare.py", "coverage.xml"), out, env),
    ]
    for cmd in ("check", "report"):
        jobs.extend(ratchet_job(cmd, report, out, python, env) for report in generate.REPORTS)
    pycobertura, diff_cover = peers["pycobertura"], peers["diff-cover"]
    if pycobertura:
        jobs.append(Job("pycobertura show XML", (pycobertura, "show", "coverage.xml"), out, env))
    if diff_cover:
        argv = (diff_cover, "coverage.xml", "--diff-file", "empty.diff")
        jobs.append(Job("diff-cover XML (empty diff)", argv, out, env))
    return jobs


def print_table(size_label: str, timings: Sequence[Timing]) -> None:
    print(f"\n{size_label}")
    print(f"  {'command':<30} {'min s':>8} {'median s':>9} {'min CPU s':>10} {'max RSS MiB':>12}")
    for t in timings:
        print(
            f"  {t.label:<30} {t.best:>8.3f} {t.median:>9.3f} {t.best_cpu:>10.3f} "
            f"{t.max_rss_kb / 1024:>12.1f}"
        )


def ratio_lines(by: dict[str, Timing]) -> list[str]:
    check = by["ratchet check XML"]

    def vs(t: Timing) -> str:
        return f"{t.best / check.best:5.2f}x wall, {t.best_cpu / check.best_cpu:5.2f}x CPU"

    def over(t: Timing) -> str:
        return f"{check.best / t.best:5.2f}x wall, {check.best_cpu / t.best_cpu:5.2f}x CPU"

    lines = [
        f"  ratchet check XML / expat floor, no-op handler: "
        f"{over(by['expat floor, no-op handler'])}  <- the 0.6x target (issue 12)",
        f"  ratchet check XML / expat floor, no handler:    {over(by['expat floor, no handler'])}",
    ]
    for peer, label in (
        ("pycobertura", "pycobertura show XML"),
        ("diff-cover", "diff-cover XML (empty diff)"),
    ):
        if label not in by:
            lines.append(f"  {peer}: not installed")
            continue
        t = by[label]
        verdict = "ratchet faster" if check.best < t.best else "ratchet SLOWER"
        lines.append(f"  {label + ' / ratchet check XML:':<48}{vs(t)}  ({verdict})")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="the 1,000-file project only")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per command (default 5)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--data", type=Path, default=HERE / "data", help="where reports are generated (cached)"
    )
    ap.add_argument("--python", default=sys.executable, help="interpreter with ratchet installed")
    ap.add_argument(
        "--peer-bin",
        type=Path,
        action="append",
        default=[],
        help="a bin directory to look for pycobertura and diff-cover in (besides PATH)",
    )
    ap.add_argument(
        "--no-time", action="store_true", help="measure peak RSS with os.wait4, not GNU time"
    )
    args = ap.parse_args(argv)

    peers = {name: find_tool(name, args.peer_bin) for name in ("pycobertura", "diff-cover")}
    for name, where in peers.items():
        print(f"{name}: {where or 'not installed'}")
    time_bin = None if args.no_time else shutil.which("time", path="/usr/bin:/bin")
    print(f"peak RSS from: {time_bin + ' -f %M' if time_bin else 'os.wait4'}")
    env = child_env(args.data)
    sizes = [1000] if args.quick else [1000, 10000]
    results: dict[str, dict[str, Timing]] = {}
    shape: dict[str, tuple[int, int]] = {}  # label -> (files, measured lines)
    projects: list[tuple[str, int, int]] = [(f"{n:,} files", n, 1) for n in sizes]
    if not args.quick:
        # As many lines as the 10,000-file project in a tenth of the files: if memory grew
        # with lines, this would need as much as the 10,000-file run.
        projects.append((f"{sizes[0]:,} files, 10x longer", sizes[0], 10))
    for label, size, scale in projects:
        out = prepare(size, args.seed, args.data, args.python, lines_scale=scale)
        shape[label] = (size, measured_lines(out))
        if scale == 1:
            jobs = jobs_for(out, args.python, peers, env)
        else:
            jobs = [
                ratchet_job(c, "coverage.xml", out, args.python, env) for c in ("check", "report")
            ]
        timings = [measure(j, args.repeat, time_bin) for j in jobs]
        timings.append(measure(memory_job(out, args.python, env), 1, time_bin))
        results[label] = {t.label: t for t in timings}
        print_table(label, timings)

    print("\nratios of the minimum times")
    for label, by in results.items():
        if "expat floor, no-op handler" in by:
            print(f" {label}")
            for line in ratio_lines(by):
                print(line)

    columns = ("ratchet check XML", "ratchet report XML", "load XML, counts only")
    print("\npeak RSS (MiB)")
    print(f"  {'project':<26} {'files':>7} {'lines':>10}" + "".join(f"{c:>23}" for c in columns))
    for label, by in results.items():
        files, lines = shape[label]
        rss = "".join(f"{by[c].max_rss_kb / 1024:>23.1f}" for c in columns)
        print(f"  {label:<26} {files:>7,} {lines:>10,}{rss}")
    print(
        "  (load XML, counts only: ratchet.readers.load.load(keep_missing_lines=False), all that "
        "check needs;\n   check, update and init read that way; report keeps missing line "
        "numbers to list them)"
    )
    print(
        "\nwhy the no-op-handler floor: a consumer that must look at each element pays one "
        "Python callback per element,\nso the no-handler pass (pure C) is a floor no Python "
        "reader can approach; both ratios are printed."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
