"""Read one or more report files into one ``Report``: detect, parse, resolve paths, merge.

Several reports (CI shards, several languages) merge as a union: a line or branch is
covered if any report covered it. Line detail is kept only where it is needed: for merging
several reports, and for the paths ``keep_detail`` asks for (changed files).
"""

from __future__ import annotations

import dataclasses
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ratchet import readers
from ratchet.core.models import FileCoverage, LineDetail, Report
from ratchet.errors import RatchetError
from ratchet.readers.paths import AmbiguousPath, PathMap, Resolver, is_absolute

DEFAULT_REPORTS = ("coverage.xml", "coverage.json", "lcov.info", "coverage.lcov", ".coverage")


def find_default(root: Path) -> Path:
    """The newest of the usual report files in the working directory and ``root``: a
    run that wrote a JSON report today is not judged by last week's XML."""
    seen: list[Path] = []
    for base in (Path.cwd(), root):
        for name in DEFAULT_REPORTS:
            p = base / name
            if p not in seen and p.is_file():
                seen.append(p)
    if not seen:
        raise RatchetError(
            "no coverage report given and none of "
            + ", ".join(DEFAULT_REPORTS)
            + " found; run the tests under coverage first"
            " (e.g. `pytest --cov --cov-branch --cov-report=xml`)"
            " or name the report (`ratchet check coverage.xml`)"
        )
    # Ties (a report written with several formats at once) go to the usual order.
    return max(seen, key=lambda p: (p.stat().st_mtime, -seen.index(p)))


def refuse_repeats(paths: Sequence[Path]) -> None:
    """Refuse one report file given twice: ``coverage.xml ./coverage.xml``, a symlink to
    it, a hard link. Read twice it would pass for two shards' reports."""
    seen: dict[tuple[int, int], Path] = {}
    for p in paths:
        try:
            st = p.stat()
        except OSError:
            continue  # readers.detect says what is wrong with it
        key = (st.st_dev, st.st_ino)
        first = seen.setdefault(key, p)
        if first is not p:
            which = str(p) if first == p else f"{first} and {p} are one file"
            raise RatchetError(
                f"the same report is given twice ({which}): name each shard's report once"
            )


def copies(paths: Sequence[Path]) -> list[tuple[Path, Path]]:
    """``(copy, original)`` for each report whose bytes are an earlier one's: a copy of one
    shard's report is not another shard's. Only files of one size are compared, a chunk at
    a time, up to the first difference (``filecmp``), so distinct reports are not read."""
    import filecmp  # only --expect / expect_reports asks

    found: list[tuple[Path, Path]] = []
    by_size: dict[int, list[Path]] = {}
    for p in paths:
        try:
            st = p.stat()
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        same_size = by_size.setdefault(st.st_size, [])
        original = next((q for q in same_size if filecmp.cmp(q, p, shallow=False)), None)
        if original is None:
            same_size.append(p)
        else:
            found.append((p, original))
    return found


def _read_one(
    path: Path,
    fmt: str,
    resolver: Resolver,
    keep: Callable[[str], bool],
    root: Path,
    missing: bool,
    counts_only: bool,
    rcfile: Path | None,
    listing: bool = False,
) -> tuple[dict[str, FileCoverage], set[str], dict[str, Callable[[], LineDetail]]]:
    """Returns the files; the paths that occurred more than once but lost their detail; and
    for the files read without their lines by a scanner that can read them again from the
    report's bytes, how to (``Loaded.lines``)."""
    files: dict[str, FileCoverage] = {}
    lossy: set[str] = set()
    later: dict[str, Callable[[], LineDetail]] = {}
    base = resolver.base(path)
    under_roots: set[str] = set()  # names relative to one of several roots, so far
    scanned = readers.parse(
        path, fmt, config_root=root, counts_only=counts_only, listing=listing, rcfile=rcfile
    )
    for raw in scanned:
        if len(raw.roots) > 1 and not is_absolute(raw.path):
            if raw.path in under_roots:
                # Not a split class (those follow each other, and the reader joins them):
                # two files of one name under two roots, whichever of them is here now.
                raise RatchetError(
                    _ambiguous(raw.path, raw.roots, "is listed twice"), source=str(path)
                )
            under_roots.add(raw.path)
        try:
            p = resolver.resolve(raw.path, raw.roots, base)
        except AmbiguousPath as e:
            raise RatchetError(_ambiguous(e.raw, e.roots, "is a file"), source=str(path)) from None
        fc = raw.coverage(p, keep_detail=keep(p), keep_missing_lines=missing)
        prev = files.get(p)
        if prev is None:
            files[p] = fc
            if fc.detail is None and isinstance(raw, readers.CountedFile) and raw.rereads:
                later[p] = raw.read_detail
        elif prev.detail is not None and fc.detail is not None:
            files[p] = FileCoverage.from_detail(
                p, prev.detail.merge(fc.detail), keep_detail=True, keep_missing_lines=missing
            )
        else:
            lossy.add(p)
            later.pop(p, None)
    return files, lossy, later


def _ambiguous(name: str, roots: Sequence[str], found: str) -> str:
    shown = " and ".join(roots[:2]) + (f" (and {len(roots) - 2} more)" if len(roots) > 2 else "")
    return (
        f"{name} {found} under two of the report's <source> roots ({shown}), and the XML "
        "does not say which file each entry measured: read as one, two files would merge. "
        "Use coverage.py's JSON or LCOV report (or the .coverage file), which name files "
        "from the project root, or measure one source root that holds both "
        '(`source = ["."]`, with `omit` for the rest)'
    )


def _keep_also(keep: Callable[[str], bool], extra: set[str]) -> Callable[[str], bool]:
    return lambda p: keep(p) or p in extra


@dataclass(frozen=True)
class Loaded:
    """A report, and for each file a scanner counted without its lines (one report read
    counts only), how to read them again from the report's bytes: ``check`` names the
    lines of the files that failed without reading the report a second time. What is held
    is where each file stands in the report, not its lines."""

    report: Report
    rereads: Mapping[str, Callable[[], LineDetail]]
    stamp: tuple[Path, int, int, int] | None = None  # the report: size, mtime, inode

    def lines(self, paths: Iterable[str]) -> dict[str, LineDetail]:
        """The lines of those of ``paths`` that can be read again (the others: none);
        refused if the report changed since it was read."""
        found = [p for p in paths if p in self.rereads]
        if found and self.stamp is not None and _stamp(self.stamp[0]) != self.stamp:
            raise RatchetError("changed while it was being read", source=str(self.stamp[0]))
        return {p: self.rereads[p]() for p in found}


def _stamp(path: Path) -> tuple[Path, int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return path, st.st_size, st.st_mtime_ns, st.st_ino


def load(
    paths: Sequence[Path],
    *,
    root: Path,
    path_map: PathMap | None = None,
    keep_detail: Callable[[str], bool] | None = None,
    keep_missing_lines: bool = True,
    rcfile: Path | None = None,
) -> Report:
    """``keep_missing_lines=False``: every ``FileCoverage.missing_lines`` is left empty, so
    memory grows with the number of files only (``check`` never lists missing lines).
    ``rcfile``: the coverage.py configuration ``.coverage`` data is read with."""
    return load_with_lines(
        paths,
        root=root,
        path_map=path_map,
        keep_detail=keep_detail,
        keep_missing_lines=keep_missing_lines,
        rcfile=rcfile,
    ).report


def load_with_lines(
    paths: Sequence[Path],
    *,
    root: Path,
    path_map: PathMap | None = None,
    keep_detail: Callable[[str], bool] | None = None,
    keep_missing_lines: bool = True,
    rcfile: Path | None = None,
) -> Loaded:
    """``load``, and how to read the lines of the files read without them (``Loaded``)."""
    if not paths:
        paths = [find_default(root)]
    resolver = Resolver(root, path_map or PathMap())
    fmts = [readers.detect(p) for p in paths]
    wanted = keep_detail or (lambda _p: False)
    # Merging shards needs every file's lines; a single report needs only what was asked.
    keep: Callable[[str], bool] = (lambda _p: True) if len(paths) > 1 else wanted
    # Counts, and the lines of a few files at most: a scanner may read them (readers.parse).
    counts_only = len(paths) == 1 and not keep_missing_lines
    # Every file's missing lines, but no line tables: a scanner may list them.
    listing = len(paths) == 1 and keep_missing_lines
    # Taken before the report is read: a report that changes while it is read, or after,
    # is not read again as if it were the same.
    stamp = _stamp(paths[0]) if counts_only else None

    merged: dict[str, FileCoverage] = {}
    branchless: list[str] = []
    later: dict[str, Callable[[], LineDetail]] = {}
    for path, fmt in zip(paths, fmts, strict=True):
        args = (root, keep_missing_lines, counts_only, rcfile, listing)
        files, lossy, later = _read_one(path, fmt, resolver, keep, *args)
        if not any(fc.counts.branches_valid for fc in files.values()) and (
            readers.can_measure_branches(path, fmt)
        ):
            branchless.append(str(path))
        if lossy:
            # A file repeated inside one report (LCOV test sections, split classes): read again
            # keeping those files' lines so the repeats merge as a union, not a sum.
            files, _, later = _read_one(path, fmt, resolver, _keep_also(keep, lossy), *args)
        _merge(merged, files, keep_missing_lines)
    if len(paths) > 1:
        merged = {
            p: fc if wanted(p) else dataclasses.replace(fc, detail=None) for p, fc in merged.items()
        }
    if not merged:
        raise RatchetError(
            "the report lists no source files", source=", ".join(str(p) for p in paths)
        )
    report = Report(
        tuple(merged[p] for p in sorted(merged)),
        tuple(str(p) for p in paths),
        tuple(fmts),
        tuple(branchless),
    )
    if report.totals.valid == 0:
        raise RatchetError(
            "the report measures no lines at all (did the tests run under coverage?)",
            source=", ".join(str(p) for p in paths),
        )
    return Loaded(report, later if stamp is not None else {}, stamp)


def _merge(merged: dict[str, FileCoverage], files: dict[str, FileCoverage], missing: bool) -> None:
    """Add one report's files to those of the reports before it: a union."""
    if not merged:
        merged.update(files)
        return
    for p, fc in files.items():
        prev = merged.get(p)
        if prev is None:
            merged[p] = fc
        else:
            assert prev.detail is not None and fc.detail is not None
            merged[p] = FileCoverage.from_detail(
                p, prev.detail.merge(fc.detail), keep_detail=True, keep_missing_lines=missing
            )
