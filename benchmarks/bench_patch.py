"""What patch coverage costs: a 10,000-file report, a 50-file change, against the plain check.

    .venv/bin/python benchmarks/bench_patch.py [--files 10000] [--changed 50] [--repeat 5]

Builds (once, cached under benchmarks/data/) a git repository holding the generated
project's source files and its coverage reports, with a branch ``feature`` that edits
``--changed`` files. Then measures, in this process (best of ``--repeat``):

- the plain check: ``checking.evaluate`` with no diff;
- the check with patch coverage from a diff file, and from git (``--diff main``);
- the git calls alone (``intake.collect``: merge-base and diff), locally and as in CI;
- ``patch.evaluate`` alone, on a loaded report;
- how many files kept their line detail (only the changed ones should);

and, as subprocesses (interpreter start-up included), ``ratchet check`` with and without
``--diff main``, with their peak RSS. Runs are interleaved round-robin, so a busy machine
slows every variant alike. The claim to check: patch check <= plain check + git calls (+ noise).
This is a measurement, not a test: it exits 0 whatever the numbers say.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import generate

from ratchet import intake
from ratchet.checking import evaluate
from ratchet.core import patch
from ratchet.core.results import Outcome
from ratchet.intake import load_report
from ratchet.store.pyproject import load_config

HERE = Path(__file__).resolve().parent
STAMP_VERSION = "1"


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    ).stdout


def prepare(n_files: int, n_changed: int, seed: int, data: Path) -> Path:
    """The repository: sources on ``main``, ``n_changed`` of them edited on ``feature``."""
    out = data / f"patch-n{n_files}-c{n_changed}-s{seed}"
    stamp = out / ".generated"
    want = f"{STAMP_VERSION} {generate.GENERATOR_VERSION} {out.resolve()}"
    if stamp.is_file() and stamp.read_text() == want:
        return out
    print(f"building {out} (once) ...", flush=True)
    if out.exists():
        subprocess.run(["rm", "-rf", str(out)], check=True)
    generate.generate(n_files, seed, out)
    files = generate.project(n_files, seed)
    for f in files:
        p = out / f.path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("".join(f"x{n} = {n}\n" for n in range(1, f.statements[-1] + 1)))
    (out / ".gitignore").write_text("coverage.*\n.generated\n*.diff\n")
    git(out, "init", "-q", "-b", "main")
    git(out, "add", "-A")
    git(out, "commit", "-q", "-m", "main")
    git(out, "checkout", "-q", "-b", "feature")
    rng = random.Random(seed)
    for f in rng.sample(files, n_changed):
        p = out / f.path
        lines = p.read_text().splitlines(keepends=True)
        # Edit 20 measured lines spread over the file: what a change's hunks look like.
        for n in rng.sample(f.statements, min(20, len(f.statements))):
            lines[n - 1] = f"x{n} = {n} + 1\n"
        p.write_text("".join(lines))
    git(out, "commit", "-q", "-am", "feature")
    (out / "change.diff").write_text(git(out, "diff", "main"))
    stamp.write_text(want)
    return out


def interleaved(jobs: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Best wall time of each job, run round-robin so that a busy machine slows all alike."""
    for fn in jobs.values():
        fn()  # warm the page cache and imports
    times: dict[str, list[float]] = {k: [] for k in jobs}
    for _ in range(repeat):
        for label, fn in jobs.items():
            gc.collect()
            t = time.perf_counter()
            fn()
            times[label].append(time.perf_counter() - t)
    return {k: min(v) for k, v in times.items()}


def cli(argv: list[str], cwd: Path) -> Callable[[], int]:
    """A subprocess run; returns its peak RSS in KiB (os.wait4: this child's own usage)."""

    def run() -> int:
        proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise SystemExit(f"{' '.join(argv)}: exit status {status}")
        return usage.ru_maxrss

    return run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=10000)
    ap.add_argument("--changed", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", type=Path, default=HERE / "data")
    args = ap.parse_args(argv)

    root = prepare(args.files, args.changed, args.seed, args.data)
    os.chdir(root)
    os.environ.pop("CI", None)
    os.environ.pop("GITHUB_ACTIONS", None)
    cfg = load_config(root / "pyproject.toml")
    xml = (root / "coverage.xml",)

    def plain() -> Outcome:
        return evaluate(cfg, xml, baseline_ref=None)

    def with_file() -> Outcome:
        return evaluate(cfg, xml, baseline_ref=None, diff_file="change.diff")

    def with_git() -> Outcome:
        return evaluate(cfg, xml, baseline_ref=None, diff_ref="main")

    t = interleaved(
        {
            "plain": plain,
            "file": with_file,
            "git": with_git,
            "collect_local": lambda: intake.collect(root, ref="main", diff_file=None, environ={}),
            "collect_ci": lambda: intake.collect(
                root, ref="main", diff_file=None, environ={"CI": "true"}
            ),
        },
        args.repeat,
    )
    out_file, out_git = with_file(), with_git()
    changes = intake.collect(root, ref="main", diff_file=None, environ={})
    rep = load_report(cfg, xml, keep_detail=changes.paths.__contains__)
    verdict = out_git.verdict
    t.update(interleaved({"eval": lambda: patch.evaluate(rep, changes, cfg, verdict)}, 20))
    result = patch.evaluate(rep, changes, cfg, verdict)
    kept = sum(1 for f in out_git.report.files if f.detail is not None)

    base_cmd = [sys.executable, "-m", "ratchet", "check", "--config", "pyproject.toml"]
    cli_plain = cli([*base_cmd, "coverage.xml"], root)
    cli_patch = cli([*base_cmd, "--diff", "main", "coverage.xml"], root)
    t.update(interleaved({"cli_plain": cli_plain, "cli_patch": cli_patch}, args.repeat))
    rss_plain, rss_patch = cli_plain(), cli_patch()

    assert out_file.patch is not None and out_git.patch is not None
    assert out_file.patch.counts == out_git.patch.counts == result.counts
    c = result.counts
    ms = 1000
    print(f"\n{len(rep.files):,} files in the report, {len(changes.files)} changed files")
    print(f"changed lines measured: {c.lines_valid} ({c.lines_covered} covered), "
          f"branches {c.branches_valid} ({c.branches_covered} covered)")  # fmt: skip
    print(f"files whose line detail was kept: {kept}\n")
    rows = [
        ("plain check (in process)", t["plain"]),
        ("check + patch, --diff-file", t["file"]),
        ("check + patch, --diff main", t["git"]),
        ("  git calls alone, local (merge-base + diff to work tree)", t["collect_local"]),
        ("  git calls alone, CI (merge-base + diff to HEAD)", t["collect_ci"]),
        ("  patch.evaluate alone", t["eval"]),
        ("CLI: ratchet check", t["cli_plain"]),
        ("CLI: ratchet check --diff main", t["cli_patch"]),
    ]
    for label, sec in rows:
        print(f"  {label:<58} {sec * ms:9.1f} ms")
    print(f"\n  peak RSS, CLI ratchet check               {rss_plain / 1024:8.1f} MiB")
    print(f"  peak RSS, CLI ratchet check --diff main  {rss_patch / 1024:8.1f} MiB")
    extra = t["git"] - t["plain"] - t["collect_local"]
    print(
        f"\n  patch check - (plain check + git calls) = {extra * ms:+.1f} ms "
        f"({extra / t['plain']:+.1%} of the plain check; best of {args.repeat}, interleaved)"
    )
    print(f"  patch check with a diff file - plain check = {(t['file'] - t['plain']) * ms:+.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
