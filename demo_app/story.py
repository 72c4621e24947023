"""`make demo`: the coverage ratchet at work on a temporary copy of demo_app.

    1.    the unit tier alone                 ratchet init     the threshold, the step below
    2-7.  the suite grows, a module a stage   ratchet update   one 5-point step a stage, to 100
    8.    a change deletes a test module      ratchet check    fails, naming the lines it lost
    9.    the module back                     ratchet check    passes

Stages 1 to 7 each run only the tests they add, and ratchet reads the reports of every
stage so far as one: a union, as it reads CI shards (a line counts as covered if any run
covered it), which covers what those tests cover when run together. Stages 8 and 9 run the
whole suite, as CI does on every change.

Every step is a real run, in a temporary directory that is removed at the end, also after an
error or Ctrl-C; the repository is not touched. Each verdict is held against what the story
expects, read from exit codes and JSON, never from ratchet's wording or the layout of its
files: an unexpected one ends the story with exit 1, so the story is a test of the product
too. The pytest runs do not depend on one another, so they start ahead of the story, two at
a time, and the story waits for each when it gets there.

`--quick` tells the same story on two test modules, in four stages (init, one step up, the
module deleted, the module back): the test suite runs it, `make demo` the whole story.

    python demo_app/story.py [--quick] [--leave-out TEST_MODULE] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import traceback
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

import tomlkit

DEMO_APP = Path(__file__).resolve().parent
# What the copy needs to run its tests; nothing else of demo_app goes to the temp dir.
COPIED = ("app", "tests", "pyproject.toml")
LEFT_OUT = "tests/services/test_post_service.py"
STEP = 5  # what the README promises, and `ratchet init`'s default
WIDTH = 92  # of the story's own lines; ratchet's output is shown as it is

# Ctrl-C, and what a supervisor sends to stop a process.
STOPPING = (signal.SIGINT, signal.SIGTERM)
EXIT_OK, EXIT_UNEXPECTED, EXIT_INTERRUPTED = 0, 1, 130  # usage errors: 2, from argparse


class StoryError(Exception):
    """A verdict the story did not expect: it ends the story with exit 1."""


@dataclass(frozen=True)
class Suite:
    """One pytest run of the story: which tests run, and the report they leave."""

    name: str
    selection: tuple[str, ...]
    title: str = ""  # how a stage names the tests it adds; the test modules by default

    @property
    def report(self) -> str:
        return f"{self.name}.json"

    def argv(self) -> list[str]:
        # No cache, no per-test dots: only the summary line is shown.
        return [
            *("-m", "pytest", "-q", "-p", "no:cacheprovider", *self.selection),
            *("--cov", f"--cov-report=json:{self.report}"),
        ]

    def shown(self) -> list[str]:
        return ["pytest", *self.selection, "--cov", f"--cov-report=json:{self.report}"]

    def named(self) -> str:
        return self.title or " and ".join(self.selection)


@dataclass(frozen=True)
class Plan:
    """What each stage runs. The first of `growth` sets the bar (init); each next one adds
    tests, and the bar climbs one step on the union of the reports so far (update). Then
    `whole`, the selection that runs all of them at once, runs without the left-out module
    (check fails) and with it (check passes)."""

    growth: tuple[Suite, ...]
    whole: tuple[str, ...]


# In this order each module lifts demo_app's total into the next 5-point step: 73.69% (70),
# 76.76%, 83.96%, 89.37%, 93.15%, 99.28%, 100%. A new test in demo_app may move a total to
# another step; the story then says which stage stopped climbing one step.
FULL = Plan(
    growth=(
        Suite("unit", ("-m", "unit"), "The unit tier alone"),
        Suite("main", ("tests/test_main.py",)),
        Suite("users", ("tests/api/test_users.py",)),
        Suite("user-service", ("tests/services/test_user_service.py",)),
        Suite("auth", ("tests/api/test_auth.py",)),
        Suite("posts", ("tests/api/test_posts.py",)),
        Suite("rest", ("tests/services/test_post_service.py", "tests/core/test_db.py")),
    ),
    whole=(),
)
# The same story on two modules: 65.59% (65), then 72.61% (70).
QUICK = Plan(
    growth=(
        Suite("user-service", ("tests/services/test_user_service.py",)),
        Suite("post-service", ("tests/services/test_post_service.py",)),
    ),
    whole=("tests/services/test_user_service.py", "tests/services/test_post_service.py"),
)


@dataclass(frozen=True)
class Done:
    code: int
    output: str


def story_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment of every command the story runs.

    Not a CI run: in GitHub Actions `ratchet check` would publish a summary and a comment
    about a temporary copy. And SQLite: the pytest runs overlap, and each run drops and
    creates the tables of the database TEST_DATABASE_URL names.
    """
    dropped = ("GITHUB_", "RUNNER_", "RATCHET_")
    env = {k: v for k, v in environ.items() if not k.startswith(dropped)}
    for key in ("CI", "TEST_DATABASE_URL", "COVERAGE_FILE"):
        env.pop(key, None)
    return env


class PytestRuns:
    """The story's pytest runs, started in story order, at most `jobs` at a time.

    Output goes to a log file, not a pipe, so a run that prints a lot cannot block while
    the story waits on another one. Leaving the context stops whatever still runs, before
    the temporary directory is removed under it; runs start only inside it (start(), wait()).
    """

    def __init__(self, root: Path, suites: Sequence[Suite], jobs: int, env: dict[str, str]):
        self._root, self._jobs, self._env = root, jobs, env
        self._queue = list(suites)
        self._procs: dict[str, subprocess.Popen[bytes]] = {}

    def __enter__(self) -> PytestRuns:
        # Nothing starts here: a `with` runs __exit__ only once __enter__ has returned, so a
        # run started in __enter__ by a Ctrl-C's time would outlive the story. start() does.
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop every run still going, and reap it: nothing outlives the story."""
        running = [p for p in self._procs.values() if p.poll() is None]
        for proc in running:
            proc.terminate()
        for proc in running:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def start(self) -> None:
        """The first `jobs` runs, ahead of the story; the next starts as each one ends."""
        self._fill()

    def _running(self) -> int:
        return sum(p.poll() is None for p in self._procs.values())

    def _fill(self) -> None:
        while self._queue and self._running() < self._jobs:
            self._start(self._queue.pop(0))

    def _start(self, suite: Suite) -> None:
        # Each run its own coverage data file: they share the directory. And only its own
        # --cov: a coverage.py measuring whatever started the story (ratchet's test suite
        # measures its subprocesses) finds nothing of its own in demo_app, at 10% more CPU.
        env = {k: v for k, v in self._env.items() if not k.startswith("COVERAGE_PROCESS_")}
        env["COVERAGE_FILE"] = str(self._root / f".coverage-{suite.name}")
        with signals_held(), self._log(suite).open("wb") as log:
            self._procs[suite.name] = subprocess.Popen(
                [sys.executable, *suite.argv()],
                cwd=self._root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def _log(self, suite: Suite) -> Path:
        return self._root / f"pytest-{suite.name}.log"

    def wait(self, suite: Suite) -> Done:
        if suite.name not in self._procs:
            self._queue.remove(suite)
            self._start(suite)
        code = self._procs[suite.name].wait()
        self._fill()
        return Done(code, self._log(suite).read_text(errors="replace"))


class Teller:
    """Everything the audience reads; colour only on a terminal, and never with NO_COLOR."""

    def __init__(self, out: TextIO, colour: bool):
        self._out, self._colour = out, colour

    def _paint(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self._colour else text

    def line(self, text: str = "") -> None:
        print(text, file=self._out, flush=True)

    def stage(self, number: int, title: str) -> None:
        self.line()
        self.line(self._paint("1", f"── {number}. {title} ──"))

    def command(self, args: Sequence[str]) -> None:
        # A long command (a union of seven reports) wraps between arguments, shell-style.
        lines: list[str] = []
        line = f"  $ {shlex.quote(args[0])}"
        for arg in map(shlex.quote, args[1:]):
            if len(line) + 1 + len(arg) > WIDTH:
                lines.append(f"{line} \\")
                line = "     "
            line += f" {arg}"
        self.line(self._paint("2", "\n".join([*lines, line])))

    def note(self, text: str) -> None:
        for line in textwrap.wrap(text, width=WIDTH, initial_indent="  ", subsequent_indent="  "):
            self.line(line)

    def output(self, text: str) -> None:
        for line in text.rstrip("\n").splitlines():
            self.line(f"    {line}")

    def expected(self, verdict: str) -> None:
        self.line(self._paint("1;32", f"  ✔ {verdict}"))

    def unexpected(self, verdict: str) -> None:
        self.line(self._paint("1;31", f"  ✘ {verdict}"))


@dataclass(frozen=True)
class Bar:
    """The bar as `ratchet check --format json` reads it from the configuration."""

    threshold: Fraction
    baseline: Fraction


def fraction(value: object) -> Fraction:
    # Through str: the float 73.69 is the decimal printed, not its binary neighbour.
    return Fraction(str(value))


def union_total(reports: Sequence[Path]) -> Fraction:
    """The total of coverage.py JSON reports read as one run, as coverage.py counts it (lines
    and branches): a line or branch is missed only if every report that measures its file
    misses it."""
    measured: dict[str, int] = {}
    missed: dict[str, set[object]] = {}
    for report in reports:
        for path, data in json.loads(report.read_text())["files"].items():
            summary = data["summary"]
            measured[path] = summary["num_statements"] + summary.get("num_branches", 0)
            here = {*data["missing_lines"], *map(tuple, data.get("missing_branches", []))}
            missed[path] = missed[path] & here if path in missed else here
    total = sum(measured.values())
    covered = total - sum(len(lines) for lines in missed.values())
    return Fraction(100 * covered, total) if total else Fraction(100)


def step_below(total: Fraction) -> Fraction:
    return Fraction((total // STEP) * STEP)


def pct(value: Fraction) -> str:
    return f"{float(value):.2f}%"


class Story:
    def __init__(self, root: Path, runs: PytestRuns, env: dict[str, str], teller: Teller):
        self.root, self.runs, self.env, self.tell = root, runs, env, teller

    def pytest(self, suite: Suite) -> None:
        """Wait for the suite's run and show its summary line."""
        self.tell.command(suite.shown())
        done = self.runs.wait(suite)
        if done.code != 0:
            self.tell.output(done.output)
            raise StoryError(f"pytest exited {done.code}: demo_app's tests must pass")
        summary = [line for line in done.output.splitlines() if line.strip()]
        self.tell.output(summary[-1] if summary else "")

    def total(self, reports: Sequence[str]) -> Fraction:
        return union_total([self.root / report for report in reports])

    def ratchet(self, *args: str, show: bool = True) -> Done:
        """`ratchet ARGS` in the copy; shown with its output unless it only gathers facts."""
        if show:
            self.tell.command(["ratchet", *args])
        proc = subprocess.run(
            [sys.executable, "-m", "ratchet", *args],
            cwd=self.root,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if show:
            self.tell.output(proc.stdout + proc.stderr)
        if proc.returncode not in (0, 1):
            # 2 and 3 are never a verdict: a broken story, whatever stage expected.
            if not show:
                self.tell.output(proc.stdout + proc.stderr)
            raise StoryError(f"ratchet {args[0]} exited {proc.returncode}")
        return Done(proc.returncode, proc.stdout)

    def bar(self, reports: Sequence[str]) -> Bar:
        """The bar just written, which the reports it was set from must pass."""
        done = self.ratchet("check", "--format", "json", *reports, show=False)
        expect(done.code == 0, f"ratchet check fails {' '.join(reports)}, which set the bar")
        facts = json.loads(done.output)
        return Bar(fraction(facts["threshold"]), fraction(facts["baseline"]))

    def init(self, suite: Suite) -> Bar:
        self.pytest(suite)
        total = self.total([suite.report])
        done = self.ratchet("init", suite.report)
        expect(done.code == 0, f"ratchet init exited {done.code}")
        bar = self.bar([suite.report])
        expect(
            bar.threshold == step_below(total),
            f"threshold {bar.threshold} is not the {STEP}-point step below {pct(total)}",
        )
        self.tell.expected(
            f"threshold {bar.threshold}%: the {STEP}-point step at or below {pct(total)}"
        )
        return bar

    def update(self, suite: Suite, reports: Sequence[str], before: Bar) -> Bar:
        """The suite's run joins `reports`, the runs before it: the bar climbs on them all."""
        self.pytest(suite)
        total = self.total(reports)
        done = self.ratchet("update", *reports)
        expect(done.code == 0, f"ratchet update exited {done.code}")
        bar = self.bar(reports)
        expect(
            bar.threshold == step_below(total),
            f"threshold {before.threshold} -> {bar.threshold}, expected the {STEP}-point "
            f"step below {pct(total)}",
        )
        expect(
            bar.threshold == before.threshold + STEP,
            f"threshold {before.threshold} -> {bar.threshold} ({pct(total)}): the story climbs "
            f"one {STEP}-point step a stage, and demo_app's tests no longer do in this order; "
            "re-order the stages (FULL in story.py)",
        )
        self.tell.expected(
            f"threshold {before.threshold}% -> {bar.threshold}%, "
            f"baseline {pct(before.baseline)} -> {pct(bar.baseline)}"
        )
        return bar

    def check_fails(self, suite: Suite, left_out: str) -> None:
        self.pytest(suite)
        shown = self.ratchet("check", suite.report)
        facts = self.ratchet("check", "--format", "json", suite.report, show=False)
        expect(
            shown.code == 1 and facts.code == 1,
            f"ratchet check passed without {left_out}: the rest of the suite covers all it "
            "covers; delete another module (--leave-out)",
        )
        result = json.loads(facts.output)
        changed = {f["path"]: f for f in result["files_changed"]}
        fallen = {
            f["path"]: f["message"] for f in result["failures"] if f["kind"] == "file_regression"
        }
        expect(bool(fallen), "ratchet check failed, but named no file that fell")
        for path, message in fallen.items():
            # check names each file that fell with what it no longer runs (Missing notation).
            lines = message.partition("; not run: ")[2]
            expect(bool(lines), f"{path} fell, but ratchet check names no line it does not run")
            before, after = (_percent(changed[path][side]) for side in ("before", "after"))
            self.tell.expected(
                f"check fails (exit 1) on {path}: {float(after - before):+.2f} points, "
                f"lines {lines} not run"
            )

    def check_passes(self, suite: Suite) -> None:
        self.pytest(suite)
        done = self.ratchet("check", suite.report)
        expect(done.code == 0, f"ratchet check exited {done.code} on the whole suite")
        self.tell.expected("check passes (exit 0)")


def _percent(counts: Mapping[str, int]) -> Fraction:
    covered = counts["lines_covered"] + counts["branches_covered"]
    measured = counts["lines_valid"] + counts["branches_valid"]
    return Fraction(100 * covered, measured) if measured else Fraction(100)


def expect(condition: bool, otherwise: str) -> None:
    if not condition:
        raise StoryError(otherwise)


def copy_demo_app(source: Path, dest: Path) -> None:
    """The app, its tests and its configuration, without the committed bar: the story
    starts from no ratchet at all."""
    for name in COPIED:
        src = source / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    pyproject = dest / "pyproject.toml"
    doc = tomlkit.parse(pyproject.read_text())
    tool: Any = doc["tool"]
    tool.pop("ratchet", None)
    pyproject.write_text(tomlkit.dumps(doc))


def tell_story(
    root: Path, plan: Plan, left_out: str, jobs: int, env: dict[str, str], tell: Teller
) -> None:
    first, *more = plan.growth
    # pytest runs a module named on its command line even if told to --ignore it.
    kept = tuple(arg for arg in plan.whole if arg != left_out)
    deleted = Suite("left-out", kept if kept != plan.whole else (*kept, "--ignore", left_out))
    whole = Suite("whole", plan.whole)
    with PytestRuns(root, (*plan.growth, deleted, whole), jobs, env) as runs:
        runs.start()
        story = Story(root, runs, env, tell)
        tell.stage(1, f"{first.named()}: ratchet init")
        bar = story.init(first)
        reports = [first.report]
        for number, suite in enumerate(more, start=2):
            tell.stage(number, f"Adding {suite.named()}: ratchet update")
            if number == 2:
                tell.note(
                    "(Each stage runs only the tests it adds. ratchet reads the reports of "
                    "every stage so far as one, as it reads CI shards: a line counts as "
                    "covered if any run covered it.)"
                )
            reports.append(suite.report)
            bar = story.update(suite, reports, bar)
        number = len(plan.growth) + 1
        tell.stage(number, f"A change deletes {left_out}: ratchet check")
        tell.note("(The whole suite runs, as CI runs it on every change.)")
        story.check_fails(deleted, left_out)
        tell.stage(number + 1, "The module back, the whole suite again: ratchet check")
        story.check_passes(whole)


@contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C waits until the block is done: a run started but not yet recorded would
    outlive the story, and write into its temporary directory while it is removed."""
    held: list[int] = []

    def hold(signum: int, frame: object) -> None:
        held.append(signum)

    previous = {signum: signal.signal(signum, hold) for signum in STOPPING}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if held:
            raise KeyboardInterrupt


@contextmanager
def interruptible() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C, so the runs stop and the temporary directory goes. SIGINT
    too, set here rather than inherited: a story started where SIGINT is ignored (a
    background job of a script) still stops when it is sent one."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = {signum: signal.signal(signum, stop) for signum in STOPPING}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--leave-out",
        default=LEFT_OUT,
        metavar="TEST_MODULE",
        help=f"the test module the change deletes, relative to demo_app (default: {LEFT_OUT})",
    )
    parser.add_argument("--jobs", type=int, default=2, help="pytest runs at a time (default: 2)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="the story on two test modules, in four stages (the test suite's run of it)",
    )
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if not (DEMO_APP / args.leave_out).is_file():
        parser.error(f"--leave-out: no file {args.leave_out} in {DEMO_APP}")

    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")  # a terminal that cannot show "✔" gets "?"
    tell = Teller(sys.stdout, sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    env = story_env(os.environ)
    try:
        with interruptible(), tempfile.TemporaryDirectory(prefix="ratchet-story-") as tmp:
            root = Path(tmp)
            copy_demo_app(DEMO_APP, root)
            tell.note(
                "A coverage ratchet lets a project's test coverage only go up: `ratchet "
                f"check` fails a change that lowers it, and `ratchet update` raises the bar in "
                f"{STEP}-point steps as tests are added. Here it is at work on a copy of "
                f"demo_app in {root} (removed at the end), with no [tool.ratchet] yet."
            )
            plan = QUICK if args.quick else FULL
            tell_story(root, plan, args.leave_out, args.jobs, env, tell)
    except (StoryError, KeyError, TypeError, ValueError) as e:
        if not isinstance(e, StoryError):
            # JSON or a report not as the story reads it: where, for whoever mends the story.
            traceback.print_exc()
        tell.unexpected(f"unexpected: {e}" if isinstance(e, StoryError) else f"unexpected: {e!r}")
        tell.line()
        tell.line("The story broke: a verdict was not the one it expects (exit 1).")
        return EXIT_UNEXPECTED
    except KeyboardInterrupt:
        print("story: interrupted; the temporary copy is removed", file=sys.stderr)
        return EXIT_INTERRUPTED
    tell.line()
    tell.note("Every verdict as expected: the bar only went up, and it caught the deleted tests.")
    tell.line()
    tell.note(
        "What next, when `ratchet check` fails on your project: add tests for the lines it "
        "names (then `ratchet update` raises the bar to what they reach); or, if the drop is "
        'deliberate, record it with `ratchet accept --reason "..."`, which reviewers see with '
        "the numbers that fell. To start: `ratchet init coverage.xml` (README.md, Quick start)."
    )
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
