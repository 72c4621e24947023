"""Generate a synthetic project's coverage reports in coverage.py's own formats.

    python benchmarks/generate.py --files 1000 --out benchmarks/data/n1000

writes ``coverage.xml`` (``coverage xml``), ``coverage.json`` (``coverage json``),
``coverage.lcov`` (``coverage lcov``) and a ``pyproject.toml`` with ``[tool.ratchet]``,
all describing the same measurement of the same made-up source files, then checks that
``ratchet report --format json`` reads identical coverage from each of the three.

The layouts follow coverage.py 7.x byte for byte where it matters to a reader: the XML's
``<sources>``, one package per directory, one ``<class>`` per file with an empty
``<methods/>``, ``<line>`` elements with ``branch``/``condition-coverage``/
``missing-branches``; the JSON's format-3 entries with per-function and per-class regions
(which is what makes real JSON reports large); LCOV's DA, FN/FNDA, BRDA ("jump to line N"),
LF/LH, BRF/BRH. The output depends only on the seed and the number of files.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

COVERAGE_VERSION = "7.17.4"  # the version the layouts were copied from
TIMESTAMP_MS = 1_767_225_600_000  # fixed, so that reports are reproducible byte for byte
TIMESTAMP_ISO = "2026-01-01T00:00:00.000000"
GENERATOR_VERSION = "1"  # bump when the output changes, so cached data is regenerated

_WORDS = [
    "api", "auth", "cache", "cli", "config", "core", "db", "events", "export", "files",
    "forms", "hooks", "http", "i18n", "io", "jobs", "mail", "models", "net", "orm", "parser",
    "plugins", "queue", "render", "report", "rules", "schema", "search", "session",
    "signals", "storage", "tasks", "templates", "text", "time", "types", "users", "utils",
    "views", "web", "workers",
]  # fmt: skip


@dataclass
class Region:
    """A function or class, as coverage.py's JSON ``functions``/``classes`` list them."""

    name: str
    start: int
    lines: list[int] = field(default_factory=list)  # statements of the body


@dataclass
class SourceFile:
    path: str  # relative to the project root, POSIX
    statements: list[int]
    missing: set[int]
    excluded: list[int]
    arcs: dict[int, list[tuple[int, bool]]]  # branch line -> [(destination, taken)]
    functions: list[Region]
    classes: list[Region]

    @property
    def executed(self) -> list[int]:
        return [n for n in self.statements if n not in self.missing]


# -- the made-up measurement ------------------------------------------------------------


def _paths(n: int, rng: random.Random) -> list[str]:
    """``proj/<pkg>/<sub>/<module>_<i>.py``: about 20 modules a directory."""
    out = []
    for i in range(n):
        pkg = _WORDS[(i // 200) % len(_WORDS)] + str(i // (200 * len(_WORDS)))
        sub = _WORDS[(i // 20 + 7) % len(_WORDS)]
        out.append(f"proj/{pkg}/{sub}/{rng.choice(_WORDS)}_{i}.py")
    return out


def _statements(rng: random.Random, count: int) -> list[int]:
    lines, n = [], 0
    for _ in range(count):
        r = rng.random()
        n += 1 if r < 0.7 else 2 if r < 0.9 else rng.randint(3, 6)
        lines.append(n)
    return lines


def _source_file(path: str, rng: random.Random, lines_scale: int) -> SourceFile:
    statements = _statements(rng, rng.randint(50 * lines_scale, 400 * lines_scale))
    kind = rng.random()
    # Some modules are never imported, some are fully tested, most are in between.
    miss_rate = 1.0 if kind < 0.04 else 0.0 if kind < 0.15 else rng.uniform(0.02, 0.5)

    # Module-level statements first (imports, constants), then functions, some in classes.
    head = rng.randint(3, 10)
    functions: list[Region] = []
    classes: list[Region] = []
    module_level = set(statements[:head])
    i = head
    current_class: Region | None = None
    while i < len(statements) - 1:
        if current_class is None and rng.random() < 0.25:
            current_class = Region(f"C{i}", statements[i])
            classes.append(current_class)
            module_level.add(statements[i])
            i += 1
            continue
        size = rng.randint(3, 30)
        def_line = statements[i]
        name = f"f{i}" if current_class is None else f"{current_class.name}.m{i}"
        fn = Region(name, def_line, statements[i + 1 : i + 1 + size])
        if not fn.lines:
            break
        functions.append(fn)
        if current_class is not None:
            current_class.lines.extend(fn.lines)
            if rng.random() < 0.3:
                current_class = None
        # The def line runs at import time, in the enclosing region.
        module_level.add(def_line)
        i += 1 + len(fn.lines)
    module_level.update(statements[i:])

    missing: set[int] = set()
    if miss_rate >= 1.0:
        missing = set(statements)
    elif miss_rate > 0:
        # Uncovered code comes in runs (an unhit branch, an untested function).
        j = 0
        while j < len(statements):
            run = rng.randint(1, 8)
            if rng.random() < miss_rate:
                missing.update(n for n in statements[j : j + run] if n not in module_level)
            j += run

    arcs: dict[int, list[tuple[int, bool]]] = {}
    for fn in functions:
        body = fn.lines
        for k, src in enumerate(body[:-1]):
            if rng.random() >= 0.15:
                continue
            later = body[min(k + rng.randint(2, 6), len(body) - 1)]
            dests = [body[k + 1]]
            if later > body[k + 1] and rng.random() < 0.85:
                dests.append(later)
            else:
                dests.append(-fn.start)  # falls off the end of the function
            if rng.random() < 0.03 and k > 0:
                dests.append(body[k - 1])  # a loop back, the third way out of a line
            if src in missing:
                taken = [False] * len(dests)
            else:
                taken = [rng.random() > miss_rate / 2 for _ in dests]
                if not any(taken) and rng.random() < 0.9:
                    taken[0] = True
            arcs[src] = sorted(zip(dests, taken, strict=True))

    excluded = sorted(rng.sample(range(1, statements[-1]), k=rng.randint(0, 3)))
    excluded = [n for n in excluded if n not in set(statements)]
    return SourceFile(path, statements, missing, excluded, arcs, functions, classes)


def project(n_files: int, seed: int, lines_scale: int = 1) -> list[SourceFile]:
    """``n_files`` files of 50-400 statements each (times ``lines_scale``)."""
    rng = random.Random(seed)
    files = (_source_file(p, rng, lines_scale) for p in _paths(n_files, rng))
    return sorted(files, key=lambda f: f.path)


# -- coverage.py's numbers --------------------------------------------------------------


def _display(pc: float, precision: int = 0) -> str:
    """coverage.results.display_covered: 0 and 100 only when exact."""
    near0 = 1.0 / 10**precision
    if 0 < pc < near0:
        pc = near0
    elif (100.0 - near0) < pc < 100:
        pc = 100.0 - near0
    else:
        pc = round(pc, precision)
    return f"{pc:.{precision}f}"


def _rate(hit: int, num: int) -> str:
    """coverage.xmlreport.rate."""
    if num == 0 or hit == num:
        return "1"
    if hit == 0:
        return "0"
    return f"{min(max(hit / num, 0.0001), 0.9999):.4g}"


def _summary(
    statements: Sequence[int],
    missing: set[int],
    excluded: int,
    arcs: dict[int, list[tuple[int, bool]]],
) -> dict[str, Any]:
    n_stmts = len(statements)
    n_missing = sum(1 for n in statements if n in missing)
    n_exec = n_stmts - n_missing
    n_branches = sum(len(a) for a in arcs.values())
    n_missing_br = sum(1 for a in arcs.values() for _, t in a if not t)
    partial = sum(1 for line, a in arcs.items() if line not in missing and any(not t for _, t in a))
    covered_br = n_branches - n_missing_br
    denom = n_stmts + n_branches
    pc = 100.0 * (n_exec + covered_br) / denom if denom else 100.0
    pc_stmts = 100.0 * n_exec / n_stmts if n_stmts else 100.0
    pc_br = 100.0 * covered_br / n_branches if n_branches else 100.0
    return {
        "covered_lines": n_exec,
        "num_statements": n_stmts,
        "percent_covered": pc,
        "percent_covered_display": _display(pc),
        "missing_lines": n_missing,
        "excluded_lines": excluded,
        "percent_statements_covered": pc_stmts,
        "percent_statements_covered_display": _display(pc_stmts),
        "num_branches": n_branches,
        "num_partial_branches": partial,
        "covered_branches": covered_br,
        "missing_branches": n_missing_br,
        "percent_branches_covered": pc_br,
        "percent_branches_covered_display": _display(pc_br),
    }


def _branch_lists(
    arcs: dict[int, list[tuple[int, bool]]], lines: Iterable[int]
) -> tuple[list[list[int]], list[list[int]]]:
    executed, missing = [], []
    for src in sorted(set(lines) & arcs.keys()):
        for dst, taken in arcs[src]:
            (executed if taken else missing).append([src, dst])
    return executed, missing


def _region_entry(f: SourceFile, lines: Sequence[int], start: int | None) -> dict[str, Any]:
    arcs = {n: f.arcs[n] for n in lines if n in f.arcs}
    executed_br, missing_br = _branch_lists(f.arcs, lines)
    entry: dict[str, Any] = {
        "executed_lines": [n for n in lines if n not in f.missing],
        "summary": _summary(lines, f.missing, 0, arcs),
        "missing_lines": [n for n in lines if n in f.missing],
        "excluded_lines": [],
    }
    if start is not None:
        entry["start_line"] = start
    entry["executed_branches"] = executed_br
    entry["missing_branches"] = missing_br
    return entry


# -- writers ----------------------------------------------------------------------------


def _human_key(s: str) -> list[Any]:
    """coverage.misc.human_key: numbers in names sort numerically."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


def write_xml(files: Sequence[SourceFile], source_root: str, out: IO[str]) -> None:
    packages: dict[str, list[SourceFile]] = {}
    for f in files:
        d = f.path.rsplit("/", 1)[0] if "/" in f.path else "."
        packages.setdefault(d.replace("/", "."), []).append(f)

    def totals(fs: Iterable[SourceFile]) -> tuple[int, int, int, int]:
        lv = lc = bv = bc = 0
        for f in fs:
            lv += len(f.statements)
            lc += len(f.statements) - len(f.missing)
            bv += sum(len(a) for a in f.arcs.values())
            bc += sum(1 for a in f.arcs.values() for _, t in a if t)
        return lv, lc, bv, bc

    lv, lc, bv, bc = totals(files)
    w = out.write
    w('<?xml version="1.0" ?>\n')
    w(
        f'<coverage version="{COVERAGE_VERSION}" timestamp="{TIMESTAMP_MS}" '
        f'lines-valid="{lv}" lines-covered="{lc}" line-rate="{_rate(lc, lv)}" '
        f'branches-valid="{bv}" branches-covered="{bc}" branch-rate="{_rate(bc, bv)}" '
        'complexity="0">\n'
    )
    w(
        f"\t<!-- Generated by coverage.py: https://coverage.readthedocs.io/en/"
        f"{COVERAGE_VERSION} -->\n"
    )
    w(
        "\t<!-- Based on https://raw.githubusercontent.com/cobertura/web/master/htdocs/"
        "xml/coverage-04.dtd -->\n"
    )
    w(f"\t<sources>\n\t\t<source>{source_root}</source>\n\t</sources>\n")
    w("\t<packages>\n")
    for name in sorted(packages, key=_human_key):
        fs = packages[name]
        plv, plc, pbv, pbc = totals(fs)
        w(
            f'\t\t<package name="{name}" line-rate="{_rate(plc, plv)}" '
            f'branch-rate="{_rate(pbc, pbv)}" complexity="0">\n'
        )
        w("\t\t\t<classes>\n")
        for f in sorted(fs, key=lambda f: _human_key(f.path)):
            flv, flc, fbv, fbc = totals([f])
            w(
                f'\t\t\t\t<class name="{f.path.rsplit("/", 1)[-1]}" filename="{f.path}" '
                f'complexity="0" line-rate="{_rate(flc, flv)}" '
                f'branch-rate="{_rate(fbc, fbv)}">\n'
            )
            w("\t\t\t\t\t<methods/>\n")
            w("\t\t\t\t\t<lines>\n")
            for n in f.statements:
                hit = 0 if n in f.missing else 1
                arcs = f.arcs.get(n)
                if arcs is None:
                    w(f'\t\t\t\t\t\t<line number="{n}" hits="{hit}"/>\n')
                    continue
                total = len(arcs)
                taken = sum(1 for _, t in arcs if t)
                line = (
                    f'\t\t\t\t\t\t<line number="{n}" hits="{hit}" branch="true" '
                    f'condition-coverage="{100 * taken // total}% ({taken}/{total})"'
                )
                missed = [d for d, t in arcs if not t]
                if missed:
                    named = ",".join("exit" if d < 0 else str(d) for d in missed)
                    line += f' missing-branches="{named}"'
                w(line + "/>\n")
            w("\t\t\t\t\t</lines>\n")
            w("\t\t\t\t</class>\n")
        w("\t\t\t</classes>\n")
        w("\t\t</package>\n")
    w("\t</packages>\n")
    w("</coverage>\n")


def json_report(files: Sequence[SourceFile]) -> dict[str, Any]:
    out_files: dict[str, Any] = {}
    all_lines: list[int] = []
    all_missing: set[int] = set()
    all_arcs: dict[int, list[tuple[int, bool]]] = {}
    excluded = 0
    for idx, f in enumerate(files):
        executed_br, missing_br = _branch_lists(f.arcs, f.statements)
        in_fn = {n for fn in f.functions for n in fn.lines}
        in_cls = {n for c in f.classes for n in c.lines}
        functions = {fn.name: _region_entry(f, fn.lines, fn.start) for fn in f.functions}
        functions[""] = _region_entry(f, [n for n in f.statements if n not in in_fn], 1)
        classes = {c.name: _region_entry(f, c.lines, c.start) for c in f.classes}
        classes[""] = _region_entry(f, [n for n in f.statements if n not in in_cls], 1)
        out_files[f.path] = {
            "executed_lines": f.executed,
            "summary": _summary(f.statements, f.missing, len(f.excluded), f.arcs),
            "missing_lines": sorted(f.missing),
            "excluded_lines": f.excluded,
            "executed_branches": executed_br,
            "missing_branches": missing_br,
            "functions": functions,
            "classes": classes,
        }
        # Totals over distinct line numbers: offset each file so they do not collide.
        base = idx * 1_000_000
        all_lines.extend(base + n for n in f.statements)
        all_missing.update(base + n for n in f.missing)
        all_arcs.update({base + n: a for n, a in f.arcs.items()})
        excluded += len(f.excluded)
    return {
        "meta": {
            "format": 3,
            "version": COVERAGE_VERSION,
            "timestamp": TIMESTAMP_ISO,
            "branch_coverage": True,
            "show_contexts": False,
        },
        "files": out_files,
        "totals": _summary(all_lines, all_missing, excluded, all_arcs),
    }


def write_lcov(files: Sequence[SourceFile], out: IO[str]) -> None:
    w = out.write
    for f in files:
        w(f"SF:{f.path}\n")
        for n in f.statements:
            w(f"DA:{n},{0 if n in f.missing else 1}\n")
        w(f"LF:{len(f.statements)}\n")
        w(f"LH:{len(f.statements) - len(f.missing)}\n")
        if f.functions:
            hit_fns = 0
            for fn in f.functions:
                hit = int(any(n not in f.missing for n in fn.lines))
                hit_fns += hit
                w(f"FN:{fn.start},{max(fn.lines)},{fn.name}\n")
                w(f"FNDA:{hit},{fn.name}\n")
            w(f"FNF:{len(f.functions)}\n")
            w(f"FNH:{hit_fns}\n")
        brf = brh = 0
        for n in f.statements:
            arcs = f.arcs.get(n)
            if arcs is None:
                continue
            taken_any = any(t for _, t in arcs)
            for dst, t in sorted(arcs, key=lambda a: (a[0] < 0, a)):
                what = "jump to the function exit" if dst < 0 else f"jump to line {dst}"
                hit = ("1" if t else "0") if taken_any else "-"
                w(f"BRDA:{n},0,{what},{hit}\n")
            brf += len(arcs)
            brh += sum(1 for _, t in arcs if t)
        if brf:
            w(f"BRF:{brf}\n")
            w(f"BRH:{brh}\n")
        w("end_of_record\n")


def write_pyproject(files: Sequence[SourceFile], out: IO[str]) -> None:
    """A ``[tool.ratchet]`` the generated reports pass: the baseline is their own total."""
    lv = sum(len(f.statements) for f in files)
    lc = lv - sum(len(f.missing) for f in files)
    bv = sum(len(a) for f in files for a in f.arcs.values())
    bc = sum(1 for f in files for a in f.arcs.values() for _, t in a if t)
    pct = 100 * (lc + bc) / (lv + bv)
    baseline = int(pct * 100) / 100  # floored at ratchet's default precision
    out.write(
        '[project]\nname = "generated-benchmark-project"\nversion = "0"\n\n'
        "[tool.ratchet]\n"
        f"threshold = {int(pct // 5 * 5)}\n"
        "step = 5\n"
        f"baseline = {baseline}\n"
        f"baseline_uncovered = {lv + bv - lc - bc}\n"
    )


REPORTS = ("coverage.xml", "coverage.json", "coverage.lcov")


def generate(n_files: int, seed: int, out_dir: Path, *, lines_scale: int = 1) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    files = project(n_files, seed, lines_scale)
    root = str(out_dir.resolve())
    # The files the reports measure, written first: ratchet refuses a report of files that
    # are not in the checkout, and one older than a file it measured. Placeholders: only
    # their existence and age are ever looked at.
    for sf in files:
        source = out_dir / sf.path
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_bytes(b"")
    with (out_dir / "coverage.xml").open("w", encoding="utf-8") as f:
        write_xml(files, root, f)
    with (out_dir / "coverage.json").open("w", encoding="utf-8") as f:
        json.dump(json_report(files), f)  # `coverage json` writes it compact by default
    with (out_dir / "coverage.lcov").open("w", encoding="utf-8") as f:
        write_lcov(files, f)
    with (out_dir / "pyproject.toml").open("w", encoding="utf-8") as f:
        write_pyproject(files, f)


def ratchet_report(python: str, out_dir: Path, report: str) -> dict[str, Any]:
    proc = subprocess.run(
        [python, "-m", "ratchet", "report", "--format", "json", "--config", "pyproject.toml",
         report],
        cwd=out_dir, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"ratchet report {report} failed ({proc.returncode}):\n{proc.stderr}")
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def verify(out_dir: Path, python: str = sys.executable) -> dict[str, Any]:
    """Assert that ratchet reads the same coverage from all three reports; return it."""
    results = {r: ratchet_report(python, out_dir, r) for r in REPORTS}
    first = results[REPORTS[0]]
    for name, data in results.items():
        assert data["totals"] == first["totals"], (name, data["totals"], first["totals"])
        # Stronger than the totals: every file's path, counts and missing lines agree.
        assert data["files"] == first["files"], f"{name} differs from {REPORTS[0]} per file"
    return first


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=1000, help="number of source files")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--lines-scale", type=int, default=1, help="multiply every file's length by this"
    )
    ap.add_argument("--out", type=Path, required=True, help="directory to write into")
    ap.add_argument("--no-verify", action="store_true", help="skip the equality check")
    ap.add_argument(
        "--verify-only", action="store_true", help="only check reports generated before"
    )
    ap.add_argument(
        "--python", default=sys.executable, help="interpreter with ratchet installed (verify)"
    )
    args = ap.parse_args(argv)
    if not args.verify_only:
        generate(args.files, args.seed, args.out, lines_scale=args.lines_scale)
    if not args.no_verify:
        totals = verify(args.out, args.python)["totals"]
        print(
            f"{args.out.name}: ratchet reads identical coverage from XML, JSON and LCOV "
            f"({totals['lines_valid']:,} lines, {totals['branches_valid']:,} branches, "
            f"{totals['percent']:.4f}%)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
