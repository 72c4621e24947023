"""Values that cross module boundaries. Everything here is immutable and pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from itertools import compress, repeat
from operator import countOf, eq, itemgetter

_first = itemgetter(0)
_second = itemgetter(1)

# A missing branch is named as coverage.py names an arc's destination: the line it jumps
# to, or EXIT for any arc that leaves the code object (coverage.py's negative line numbers,
# the XML's "exit", LCOV's "return from function 'f'"). Every reader uses these names, so
# the same branch read from two formats is one branch when reports merge.
EXIT = "exit"


@dataclass(frozen=True, slots=True)
class Counts:
    """Coverage counts.

    The total is coverage.py's: (covered lines + covered branches) / (lines + branches).
    """

    lines_valid: int = 0
    lines_covered: int = 0
    branches_valid: int = 0
    branches_covered: int = 0

    @property
    def valid(self) -> int:
        return self.lines_valid + self.branches_valid

    @property
    def covered(self) -> int:
        return self.lines_covered + self.branches_covered

    @property
    def missing(self) -> int:
        """Uncovered lines plus uncovered branches: what a deletion of covered code cannot raise."""
        return self.valid - self.covered

    @property
    def ratio(self) -> Fraction:
        """Exact covered fraction in [0, 1]. Nothing measurable counts as fully covered."""
        return Fraction(self.covered, self.valid) if self.valid else Fraction(1)

    @property
    def percent(self) -> float:
        """The float coverage.py itself computes (same formula, same operation order)."""
        return 100.0 * self.covered / self.valid if self.valid else 100.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.lines_valid + other.lines_valid,
            self.lines_covered + other.lines_covered,
            self.branches_valid + other.branches_valid,
            self.branches_covered + other.branches_covered,
        )


class InvalidBaseline(ValueError):
    """Counts of a baseline that contradict each other: ``field`` names the count at fault
    (None: the baseline as a whole), and ``at(where)`` says so where the reader found it
    (``[tool.ratchet] baseline.uncovered 9 is more than ...``)."""

    def __init__(self, field: str | None, problem: str) -> None:
        super().__init__(problem)
        self.field = field
        self.problem = problem  # goes on from the baseline's name: " covers ...", ".branches ..."

    def at(self, where: str) -> str:
        return f"{where}{self.problem}"

    @property
    def detail(self) -> str:
        """The problem without the count's name: ``9 is more than ...``, ``covers 3 of 2 ...``."""
        return self.problem.removeprefix(f".{self.field}" if self.field else "").lstrip()


@dataclass(frozen=True, slots=True)
class Baseline:
    """The accepted run a total is held to: its exact counts, not a rounded percent.

    ``uncovered`` is the exemption: a total below the baseline with at most this many
    uncovered lines+branches lost only covered code (deleted), which is not a regression.
    It starts as the run's own uncovered count and only ever falls.

    A pyproject.toml written before the counts were recorded holds only a percent,
    truncated to ``precision`` places: ``legacy``. It decides until the next update records
    the counts of a run that reaches it.
    """

    covered: int | None = None  # lines+branches covered by the accepted run
    measured: int | None = None  # lines+branches it measured
    branches: int | None = None  # branches it measured (0: measured without branches)
    uncovered: int | None = None
    legacy: Decimal | None = None

    def __post_init__(self) -> None:
        # Every reader of a baseline (pyproject.toml, the history, a result artifact) builds
        # one, so this is the one place its counts are held to each other.
        for name in ("covered", "measured", "branches"):
            n = getattr(self, name)
            if n is not None and n < 0:
                raise InvalidBaseline(name, f".{name} {n} must be a non-negative integer")
        covered, measured = self.covered, self.measured
        if covered is None or measured is None:
            self._check_legacy()
            return
        if covered > measured:
            raise InvalidBaseline(None, f" covers {covered} of {measured}: more than it measured")
        if self.branches is not None and self.branches > measured:
            raise InvalidBaseline("branches", f".branches {self.branches} is more than it measured")
        self._check_uncovered()
        if self.uncovered is not None and self.uncovered > measured - covered:
            # The exemption starts at the run's own uncovered count and only ever falls: a
            # larger one would let that many more lines become uncovered unnoticed.
            raise InvalidBaseline(
                "uncovered",
                f".uncovered {self.uncovered} is more than the {measured - covered} the accepted "
                "run left uncovered: it can only be fewer",
            )

    def _check_legacy(self) -> None:
        if self.covered is not None or self.measured is not None:
            raise InvalidBaseline(None, " needs both its counts, covered and measured")
        if self.legacy is None:
            raise InvalidBaseline(None, " needs its counts, covered and measured")
        if not 0 <= self.legacy <= 100:
            raise InvalidBaseline(None, f" percent {self.legacy} is not between 0 and 100")
        self._check_uncovered()

    def _check_uncovered(self) -> None:
        if self.uncovered is not None and self.uncovered < 0:
            raise InvalidBaseline(
                "uncovered", f".uncovered {self.uncovered} must be a non-negative integer"
            )

    @classmethod
    def of(cls, totals: Counts, uncovered: int | None = None) -> Baseline:
        return cls(
            totals.covered,
            totals.valid,
            totals.branches_valid,
            totals.missing if uncovered is None else uncovered,
        )

    @property
    def exact(self) -> bool:
        return self.covered is not None and self.measured is not None

    @property
    def percent(self) -> Fraction:
        """The exact percent (the legacy one as recorded)."""
        if self.covered is not None and self.measured is not None:
            return Fraction(100 * self.covered, self.measured) if self.measured else Fraction(100)
        assert self.legacy is not None
        return Fraction(self.legacy)


@dataclass(frozen=True, slots=True)
class LineDetail:
    """Line-level data of one file, kept only where it is needed (merging, changed files).

    ``hits``: measurable line -> execution count.
    ``branches``: line -> (branches on that line, identities of the *missing* ones). Producers
    that name branches (coverage.py JSON/XML, LCOV) give real identities, so merging shards
    intersects them; others get placeholders "#0", "#1", ... whose intersection is the minimum.
    """

    hits: Mapping[int, int]
    branches: Mapping[int, tuple[int, frozenset[str]]] = field(default_factory=dict)

    def counts(self) -> Counts:
        return self._summary()[0]

    def missing_lines(self) -> tuple[int, ...]:
        return self._summary()[1]

    def _summary(self, with_missing: bool = True) -> tuple[Counts, tuple[int, ...]]:
        # Once per file of every report, so the loops run in C (map, countOf, compress)
        # rather than as generator expressions: same numbers, a few times faster.
        hits = self.hits
        values = hits.values()
        zeros = countOf(values, 0)
        if not hits:
            lines_covered = 0
        elif min(values) >= 0:
            lines_covered = len(hits) - zeros
        else:  # negative counts (a broken producer) are neither covered nor missing
            lines_covered = sum(1 for h in values if h > 0)
        missing: tuple[int, ...] = ()
        if zeros and with_missing:
            # Line numbers below 1 are placeholders (LCOV summary-only records): counted,
            # never listed.
            missing = tuple(sorted(filter((0).__lt__, compress(hits, map(eq, values, repeat(0))))))
        branches = self.branches.values()
        branches_valid = sum(map(_first, branches))
        branches_missing = sum(map(len, map(_second, branches)))
        counts = Counts(len(hits), lines_covered, branches_valid, branches_valid - branches_missing)
        return counts, missing

    def missing_spans(self) -> tuple[tuple[int, int], ...]:
        """The missing lines as coverage.py's ``Missing`` column groups them: a span runs
        over consecutive *statements*, so the blank lines, comments and excluded lines
        between two missing statements do not split it (``14-18`` when 15-17 are not
        statements). Placeholder lines (below 1) are never listed."""
        hits = self.hits
        if not hits:
            return ()
        statements = sorted(hits)
        if statements[0] < 1:
            statements = [s for s in statements if s > 0]
        # Positions of the missing statements among all of them (C loops), then one step
        # per missing line, not per statement.
        at = list(
            compress(range(len(statements)), map(eq, map(hits.__getitem__, statements), repeat(0)))
        )
        if not at:
            return ()
        spans: list[tuple[int, int]] = []
        start = prev = at[0]
        for i in at[1:]:
            if i != prev + 1:
                spans.append((statements[start], statements[prev]))
                start = i
            prev = i
        spans.append((statements[start], statements[prev]))
        return tuple(spans)

    def partial_branches(self) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """Lines that ran yet missed some of their branches, in line order, each with the
        names of the missed branches (sorted): coverage.py's "partial" branches. A branch
        line that did not run, or whose line the report does not list, is not partial."""
        hits = self.hits
        out = [
            (line, tuple(sorted(missing)))
            for line, (_, missing) in self.branches.items()
            if missing and hits.get(line, 0) > 0
        ]
        out.sort()
        return tuple(out)

    def merge(self, other: LineDetail) -> LineDetail:
        """Union: a line or branch is covered if either side covered it."""
        hits = dict(self.hits)
        for line, h in other.hits.items():
            hits[line] = hits.get(line, 0) + h
        branches = dict(self.branches)
        for line, (valid, missing) in other.branches.items():
            if line in branches:
                v0, m0 = branches[line]
                branches[line] = (max(v0, valid), m0 & missing)
            else:
                branches[line] = (valid, missing)
        return LineDetail(hits, branches)


@lru_cache(maxsize=256)
def placeholder_missing(valid: int, covered: int) -> frozenset[str]:
    """Identities for branches a producer only counts (Cobertura from istanbul, say)."""
    # Cached: every fully covered branch line of a Cobertura report asks for (2, 2).
    return frozenset(f"#{i}" for i in range(max(valid - covered, 0)))


@dataclass(frozen=True, slots=True)
class FileCoverage:
    """One source file. ``path`` is repository-relative POSIX."""

    path: str
    counts: Counts
    missing_lines: tuple[int, ...] = ()
    detail: LineDetail | None = None
    # What ``ratchet report`` lists, like coverage.py's Missing column: ``missing_lines``
    # grouped over statements (``LineDetail.missing_spans``), and the lines that ran but
    # missed branches, with those branches' names (``LineDetail.partial_branches``).
    missing_spans: tuple[tuple[int, int], ...] = ()
    partial_branches: tuple[tuple[int, tuple[str, ...]], ...] = ()

    @classmethod
    def from_detail(
        cls, path: str, detail: LineDetail, *, keep_detail: bool, keep_missing_lines: bool = True
    ) -> FileCoverage:
        """``keep_missing_lines=False`` leaves ``missing_lines``, ``missing_spans`` and
        ``partial_branches`` empty: memory then grows with the number of files only, for
        callers that never list missing lines."""
        counts, missing = detail._summary(keep_missing_lines)
        if not keep_missing_lines:
            return cls(path, counts, missing, detail if keep_detail else None)
        return cls(
            path,
            counts,
            missing,
            detail if keep_detail else None,
            detail.missing_spans() if missing else (),
            detail.partial_branches() if counts.branches_valid != counts.branches_covered else (),
        )

    @property
    def partial_count(self) -> int:
        """coverage.py's BrPart: missed branches of lines that ran (not of lines that did
        not). Known only where ``partial_branches`` was kept."""
        return sum(len(names) for _, names in self.partial_branches)


@dataclass(frozen=True, slots=True)
class Report:
    """Coverage of a whole project, possibly merged from several report files."""

    files: tuple[FileCoverage, ...]
    sources: tuple[str, ...] = ()  # the report files read, as given, in order
    formats: tuple[str, ...] = ()
    branchless: tuple[str, ...] = ()  # the sources that measured no branch at all

    @property
    def totals(self) -> Counts:
        # Four running ints, not a new Counts per file: read on every command, per report.
        lv = lc = bv = bc = 0
        for f in self.files:
            c = f.counts
            lv += c.lines_valid
            lc += c.lines_covered
            bv += c.branches_valid
            bc += c.branches_covered
        return Counts(lv, lc, bv, bc)

    def by_path(self) -> dict[str, FileCoverage]:
        return {f.path: f for f in self.files}


def ranges(lines: Iterable[int]) -> list[tuple[int, int]]:
    """[1, 2, 3, 7, 9, 10] -> [(1, 3), (7, 7), (9, 10)]."""
    out: list[tuple[int, int]] = []
    ordered = sorted(lines)
    if not ordered:
        return out
    start = prev = ordered[0]
    for n in ordered[1:]:  # one tuple per range, not per line
        if n == prev + 1:
            prev = n
        else:
            out.append((start, prev))
            start = prev = n
    out.append((start, prev))
    return out


def format_spans(spans: Iterable[tuple[int, int]]) -> str:
    """[(1, 3), (7, 7)] -> "1-3, 7"."""
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)
