"""Changed-code ("patch") coverage: the lines a change added or edited, and how many of
them the tests ran.

``collect`` is the I/O edge (git or a diff file, the environment); ``evaluate`` is pure.
Paths: git names files relative to the top of the work tree, the report relative to the
config root (the directory of pyproject.toml), which in a monorepo is a subdirectory of
the work tree. ``collect`` maps every path to the config root, so the two line up.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction

from ratchet.core.config import Config
from ratchet.core.diff import ADDED, DELETED, FileDiff
from ratchet.core.models import Counts, FileCoverage, Report, ranges
from ratchet.core.numbers import fmt_margin, fmt_pct, percent
from ratchet.core.results import (
    Cause,
    Failure,
    FileChange,
    PatchComponent,
    PatchFile,
    PatchResult,
    Verdict,
)
from ratchet.core.rules import FILE_REGRESSION, component_of

PATCH_BELOW_THRESHOLD = "patch_below_threshold"
PATCH_EMPTY = "patch_empty"
MAX_NAMED = 10  # files named in one note; the JSON has them all


def in_ci(environ: Mapping[str, str]) -> bool:
    """CI judges the commits; a developer's run judges the work tree it measured."""
    ci = environ.get("CI", "").strip().lower()
    return environ.get("GITHUB_ACTIONS") == "true" or ci not in ("", "0", "false", "no")


@dataclass(frozen=True)
class ChangeSet:
    """What changed, from git or a diff file."""

    description: str  # e.g. "changes since the merge-base of origin/main (abc1234)"
    files: Mapping[str, FileDiff]  # keyed by path relative to the CONFIG ROOT
    outside: tuple[str, ...] = ()  # changed paths outside the config root (work-tree relative)
    prefix: str = ""  # the config root relative to the top of the git work tree ("" at the top)
    from_file: bool = False  # the diff came from --diff-file, not from git
    # Local runs only: what ``git ls-files --others`` lists below the config root (relative
    # to it; a directory ends in "/"). git's diff never shows these files.
    untracked: tuple[str, ...] = ()

    @property
    def paths(self) -> frozenset[str]:
        """The changed files' current paths (a deleted file's last path)."""
        return frozenset(self.files)

    @property
    def touched(self) -> frozenset[str]:
        """Every path the change touched, including the old names of renamed files."""
        old = {f.old_path for f in self.files.values() if f.old_path is not None}
        return self.paths | old


def relocate(
    files: tuple[FileDiff, ...], prefix: str
) -> tuple[dict[str, FileDiff], tuple[str, ...]]:
    """Re-key work-tree-relative diffs by config-root-relative paths; set aside the rest."""
    if not prefix:
        return {f.path: f for f in files}, ()

    def inside(p: str) -> str | None:
        return p[len(prefix) + 1 :] if p.startswith(prefix + "/") else None

    out: dict[str, FileDiff] = {}
    outside: list[str] = []
    for f in files:
        new = inside(f.path)
        if new is None:
            old = inside(f.old_path) if f.old_path is not None else None
            if old is None:
                outside.append(f.path)
            else:  # moved out of this project: gone, as far as its report can tell
                out[old] = FileDiff(old, DELETED, None, (), f.binary)
            continue
        old_path = f.old_path
        if old_path is not None:
            old_path = inside(old_path) or posixpath.relpath(old_path, prefix)
        out[new] = replace(f, path=new, old_path=old_path)
    return out, tuple(outside)


# -- evaluating: pure --------------------------------------------------------------------


def file_coverage(fd: FileDiff, fc: FileCoverage) -> PatchFile:
    """The changed lines of one file that its report measures, covered or not."""
    if fc.detail is None:
        raise ValueError(f"{fc.path}: line detail was not kept for a changed file")
    hits, branches = fc.detail.hits, fc.detail.branches
    measured = [n for n in fd.added if n in hits]
    covered = tuple(n for n in measured if hits[n] > 0)
    b_valid = b_covered = 0
    partial: list[int] = []
    for n in measured:
        if n in branches:
            valid, missing = branches[n]
            b_valid += valid
            b_covered += valid - len(missing)
            if missing and hits[n] > 0:
                partial.append(n)
    uncovered = tuple(ranges(n for n in measured if hits[n] == 0))
    counts = Counts(len(measured), len(covered), b_valid, b_covered)
    return PatchFile(fd.path, fd.status, fd.old_path, counts, uncovered, covered, tuple(partial))


def _measured_kind(paths: Iterable[str]) -> Callable[[str], bool]:
    """Whether a file the report lacks looks like one it should have: a suffix it measures,
    in a directory (below the root) where it measures files. A new module that no test
    imports does; a test file, a README or a CI workflow does not. Built on first use:
    most changes never ask, and a 10,000-file report need not be walked for them."""
    suffixes: set[str] = set()
    dirs: set[str] = set()

    def check(path: str) -> bool:
        if not dirs:
            for p in paths:
                d, name = posixpath.split(p)
                dirs.add(d)
                suffixes.add(posixpath.splitext(name)[1])
        if posixpath.splitext(path)[1] not in suffixes:
            return False
        d = posixpath.dirname(path)
        while d:
            if d in dirs:
                return True
            d = posixpath.dirname(d)
        return "" in dirs and posixpath.dirname(path) == ""

    return check


def _untracked(paths: Iterable[str], untracked: tuple[str, ...]) -> list[str]:
    """The paths that are, or are below, an entry of ``git ls-files --others --directory``."""
    if not untracked:
        return []
    files = {u for u in untracked if not u.endswith("/")}
    dirs = {"" if u == "./" else u.rstrip("/") for u in untracked if u.endswith("/")}
    out: list[str] = []
    for p in paths:
        if p in files:
            out.append(p)
        elif dirs:
            d = p
            while d:
                d = posixpath.dirname(d)
                if d in dirs:
                    out.append(p)
                    break
    return sorted(out)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _named(paths: list[str]) -> str:
    more = f" (and {len(paths) - MAX_NAMED} more)" if len(paths) > MAX_NAMED else ""
    return ", ".join(paths[:MAX_NAMED]) + more


def _components(
    files: list[PatchFile], config: Config
) -> tuple[tuple[PatchComponent, ...], list[Failure]]:
    """Each component's changed lines, and the failures of those below their own
    ``patch_threshold`` (a component with no measurable changed line is not judged)."""
    if not config.components:
        return (), []
    which = component_of(config.components)
    counts: dict[str, Counts] = {}
    for f in files:
        name = which(f.path)
        if name is not None:
            counts[name] = counts.get(name, Counts()) + f.counts
    out = tuple(
        PatchComponent(c.name, counts.get(c.name, Counts()), c.patch_threshold)
        for c in config.components
    )
    failures = []
    for c in out:
        if c.threshold is None or c.counts.valid == 0:
            continue
        pct = c.percent
        if pct < Fraction(c.threshold):
            failures.append(
                Failure(
                    PATCH_BELOW_THRESHOLD,
                    None,
                    f"component {c.name}: patch coverage {fmt_pct(pct)}% ({c.counts.covered}/"
                    f"{c.counts.valid} changed lines+branches) is below its patch_threshold "
                    f"{c.threshold}% by {fmt_margin(Fraction(c.threshold) - pct)} points",
                    c.name,
                )
            )
    return out, failures


TEST_DIRS = frozenset({"test", "tests", "testing", "spec", "specs", "__tests__"})


def looks_like_test(path: str) -> bool:
    """A path named as tests are, in the usual layouts of pytest, unittest, Jest, RSpec, Go:
    under ``tests/`` (``test/``, ``spec/``, ``__tests__/``...), ``test_*``, ``*_test``,
    ``*.test.*``, ``*_spec``, ``*.spec.*``, ``conftest.py``."""
    *dirs, name = path.split("/")
    stem = name.split(".", 1)[0]
    return (
        any(d in TEST_DIRS for d in dirs)
        or stem.startswith("test_")
        or stem.endswith(("_test", "_tests", "_spec", "Test", "Tests"))
        or ".test." in name
        or ".spec." in name
        or name == "conftest.py"
    )


def indirect_cause(changes: ChangeSet, path: str) -> Cause:
    """Why ``path``, a file this change did not touch, lost coverage, as far as the change
    tells (the test files it deletes or edits, most likely), and what to do."""
    deleted: list[str] = []
    edited: list[str] = []
    for name, f in sorted(changes.files.items()):
        if looks_like_test(name) and f.status != ADDED:  # a new test takes nothing away
            (deleted if f.status == DELETED else edited).append(name)
    accept = "record the lower bar with `ratchet accept --reason ...`"
    flaky = "file_tolerance lets a flaky file move a little"
    if not deleted and not edited:
        return Cause(
            "this change deletes or edits no test file, yet files it did not touch lost coverage",
            f"a flaky or order-dependent test? {flaky}; or {accept}",
            path,
        )
    what = " and ".join(
        f"{verb} {_named(paths)}"
        for verb, paths in (("deletes", deleted), ("edits", edited))
        if paths
    )
    return Cause(
        f"this change {what}, likely the tests that ran the files it did not touch",
        f"keep the tests, or {accept} ({flaky})",
        path,
    )


def evaluate(report: Report, changes: ChangeSet, config: Config, verdict: Verdict) -> PatchResult:
    """Hold the changed lines against ``patch_threshold``; sort the per-file movements of
    ``verdict`` into the change's own and indirect ones."""
    current = report.by_path()
    files, unreported = _counted(changes, current)
    total = Counts()
    for f in files:
        total = total + f.counts
    gate = _gate(total, files, changes, config)
    components, gates = _components(files, config)
    untracked = _untracked(current, changes.untracked)
    notes = _uncounted(changes, unreported, untracked)
    indirect, waived, blamed = _indirect(changes, verdict, config)
    if waived:
        notes.append(
            f"{_plural(len(waived), 'file')} this change did not touch lost coverage "
            f"({_named([f.path or '' for f in waived])}); not failing, since "
            "fail_on_indirect = false"
        )
    return PatchResult(
        description=changes.description,
        files=tuple(files),
        counts=total,
        threshold=config.patch_threshold,
        failures=tuple([gate] if gate else []) + tuple(gates),
        notes=tuple(notes),
        indirect=indirect,
        waived=waived,
        blamed=blamed,
        unreported=tuple(unreported),
        prefix=changes.prefix,
        outside=changes.outside,
        untracked=tuple(untracked),
        components=components,
    )


def _counted(
    changes: ChangeSet, current: Mapping[str, FileCoverage]
) -> tuple[list[PatchFile], list[str]]:
    """The changed files whose lines count (those the report measures, and deleted ones),
    by path; and the changed files it does not list although it measures files of their
    kind, whose added lines are then not counted."""
    measured_kind = _measured_kind(current)  # lazily
    files: list[PatchFile] = []
    unreported: list[str] = []
    for path in sorted(changes.files):
        fd = changes.files[path]
        fc = current.get(path)
        if fd.status == DELETED:
            files.append(PatchFile(path, DELETED, None, Counts(), ()))
        elif fc is not None:
            files.append(file_coverage(fd, fc))
        elif fd.added and not fd.binary and measured_kind(path):
            unreported.append(path)
    return files, unreported


def _gate(
    total: Counts, files: list[PatchFile], changes: ChangeSet, config: Config
) -> Failure | None:
    """The changed lines' own failure: below ``patch_threshold``, or none to measure where
    ``patch_empty = "fail"`` says that fails."""
    threshold = config.patch_threshold
    pct = percent(total)
    if total.valid == 0:
        # Said by every renderer from the counts (and patch_empty = "pass" needs no note).
        if config.patch_empty != "fail":
            return None
        what = f"no measurable changed lines ({_plural(len(changes.files), 'changed file')})"
        return Failure(PATCH_EMPTY, None, f'{what} and patch_empty = "fail"')
    if threshold is None or pct >= Fraction(threshold):
        return None
    shown = f"{fmt_pct(pct)}% ({total.covered}/{total.valid} changed lines+branches)"
    n = sum(f.counts.lines_valid - f.counts.lines_covered for f in files)
    return Failure(
        PATCH_BELOW_THRESHOLD,
        None,
        f"patch coverage {shown} is below patch_threshold {threshold}% by "
        f"{fmt_margin(Fraction(threshold) - pct)} points; "
        f"{_plural(n, 'changed line')} uncovered in "
        f"{_plural(sum(1 for f in files if f.uncovered), 'file')}",
    )


def _uncounted(changes: ChangeSet, unreported: list[str], untracked: list[str]) -> list[str]:
    """Notes on changed lines that were not counted, and why: files the report lacks,
    files git does not track, files outside the config root."""
    notes = []
    if unreported:
        notes.append(
            f"{_plural(len(unreported), 'changed file')} not in the coverage report, so not "
            f"counted (never imported by the tests?): {_named(unreported)}"
        )
    if untracked:
        notes.append(
            f"{_plural(len(untracked), 'file')} in the coverage report not tracked by git, "
            f"so no line of {'it' if len(untracked) == 1 else 'them'} counts as changed: "
            f"{_named(untracked)}; `git add --intent-to-add FILE` (`git add -N`) makes "
            "git show a new file's lines"
        )
    if changes.outside:
        where = changes.prefix or "the config root"
        note = (
            f"{_plural(len(changes.outside), 'changed file')} outside {where} ignored: "
            f"{_named(list(changes.outside))}"
        )
        if not changes.files and changes.from_file:
            # A diff made with ``git diff --relative`` names files from the project, not
            # from the top of the repository.
            note += (
                f". No changed file is inside {where}: paths in a --diff-file are taken "
                "relative to the top of the repository, so make the diff there, without "
                "--relative"
            )
        notes.append(note)
    return notes


def _indirect(
    changes: ChangeSet, verdict: Verdict, config: Config
) -> tuple[tuple[FileChange, ...], tuple[Failure, ...], tuple[Failure, ...]]:
    """The per-file movements of files the change did not touch; and their falls, either
    waived (``fail_on_indirect = false``) or blamed, each with what in the change likely
    caused it (``indirect_cause``)."""
    touched = changes.touched
    indirect = tuple(c for c in verdict.changes if c.path not in touched)
    untouched = tuple(
        f for f in verdict.failures if f.kind == FILE_REGRESSION and f.path not in touched
    )
    if not config.fail_on_indirect:
        return indirect, untouched, ()
    blamed = tuple(replace(f, cause=indirect_cause(changes, f.path or "")) for f in untouched)
    return indirect, (), blamed
