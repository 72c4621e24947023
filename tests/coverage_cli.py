"""coverage.py's command line in the tests' sample projects, without a process per command.

``run`` traces the project's code, so it runs in a real ``python -m coverage`` process, as a
user's test run does. What it leaves is its data file; a later run of the same project (the
same arguments, the same files byte for byte, of those a run reads) in another directory, in
any xdist worker of the session, gets a copy of that data file with its file names moved
there: the data coverage.py writes there (only the names differ: they are absolute). A run
that leaves anything but coverage data, or whose data names files outside the project, is not
shared; ``TESTS_REAL_COVERAGE_RUNS=1`` runs every one for real.

Every other command (``xml``, ``json``, ``lcov``, ``report``, ``combine``, ``erase``) is
coverage.py's own ``coverage.cmdline.main`` in this process, in the project's directory, with
the pinned environment: it reads a data file and writes a report, and a Python process that
imports coverage.py costs more than the report.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import warnings
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from tests.conftest import pinned, unmeasured_env


def coverage(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``coverage <args>`` with ``root`` as the working directory; never raises for its exit."""
    if args and args[0] == "run":
        return _run(root, args)
    return _in_process(root, args)


def _env() -> dict[str, str]:
    # The test run's own measurement (of ratchet) has nothing to measure in a sample project.
    return unmeasured_env()


def _in_process(root: Path, args: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    import coverage.cmdline

    out, err = io.StringIO(), io.StringIO()
    with (
        pinned(root, _env()),
        redirect_stdout(out),
        redirect_stderr(err),
        warnings.catch_warnings(),
    ):
        # coverage.py's warnings shown on stderr, as in its own process (not raised, as the
        # suite's filterwarnings would).
        warnings.simplefilter("default")
        try:
            status: object = coverage.cmdline.main(list(args))
        except SystemExit as e:
            status = e.code
    # `python -m coverage` is sys.exit(main()).
    code = status if isinstance(status, int) else (0 if status is None else 1)
    return subprocess.CompletedProcess(["coverage", *args], code, out.getvalue(), err.getvalue())


# -- coverage run, shared between identical projects ------------------------------------------

# Where runs are kept for the session, shared by its xdist workers (set by the root conftest);
# None: nothing is shared.
STORE: Path | None = None

# Files a run of a sample project never reads: coverage.py's data (a run erases it first,
# unless it appends) and reports, and ratchet's own files. (The projects' scripts import their
# package and nothing else.) Of pyproject.toml only [tool.coverage] counts.
_REPORTS = (".xml", ".json", ".lcov", ".info")
_RATCHET_FILES = ("coverage-baseline.tsv", "coverage-history.jsonl")


def _is_data(rel: str) -> bool:
    return Path(rel).name.startswith(".coverage")


def _files(root: Path) -> dict[str, tuple[int, int]]:
    """Every file of the project (not .git): relative name -> (mtime_ns, size)."""
    found: dict[str, tuple[int, int]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        if ".git" in dirnames:
            dirnames.remove(".git")
        for name in filenames:
            path = Path(dirpath, name)
            st = path.lstat()
            found[path.relative_to(root).as_posix()] = (st.st_mtime_ns, st.st_size)
    return found


def _read(root: Path, rel: str) -> bytes:
    data = (root / rel).read_bytes()
    if rel == "pyproject.toml":
        import tomlkit

        try:
            tool = tomlkit.parse(data.decode()).unwrap().get("tool", {})
        except Exception:  # not TOML: coverage.py fails on it as it is, so key it as it is
            return data
        return json.dumps(tool.get("coverage"), sort_keys=True).encode()
    return data


def _key(root: Path, args: tuple[str, ...], files: dict[str, tuple[int, int]]) -> str:
    h = hashlib.sha256(repr(args).encode())
    append = "-a" in args or "--append" in args
    for rel in sorted(files):
        name = Path(rel).name
        if (_is_data(rel) and not append) or name.endswith(_REPORTS) or name in _RATCHET_FILES:
            continue
        data = _read(root, rel)
        h.update(f"{rel}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def _roots(old: str, new: str) -> list[tuple[str, str]]:
    """The forms of the two roots a data file may name files under, the longer first
    (coverage.py resolves symbolic links)."""
    pairs = {(old, new), (os.path.realpath(old), os.path.realpath(new))}
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def _move(path: str, old: str, new: str) -> str | None:
    """``path`` under ``new`` instead of ``old``; None if it is not under ``old``."""
    for o, n in _roots(old, new):
        if path.startswith(o + os.sep):
            return n + path[len(o) :]
    return None


def _data_paths(path: Path) -> list[str]:
    # coverage.py's data file is SQLite; the measured files' names are in its table
    # file(id, path) (schema version 7, coverage.py 7.18.0). Another schema raises here: the
    # run is then not shared, never moved wrongly.
    con = sqlite3.connect(path)
    try:
        return [name for (name,) in con.execute("select path from file")]
    finally:
        con.close()


def _shareable(root: Path, written: list[str]) -> bool:
    """Every file the data names is under ``root`` (or relative): nothing else to move."""
    for rel in written:
        try:
            paths = _data_paths(root / rel)
        except sqlite3.Error:
            return False
        if any(Path(p).is_absolute() and _move(p, str(root), str(root)) is None for p in paths):
            return False
    return True


def _relocate(path: Path, old: str, new: str) -> None:
    con = sqlite3.connect(path)
    try:
        with con:
            for file_id, name in list(con.execute("select id, path from file")):
                moved = _move(name, old, new)
                if moved is not None:
                    con.execute("update file set path = ? where id = ?", (moved, file_id))
    finally:
        con.close()


def _text(text: str, old: str, new: str) -> str:
    for o, n in _roots(old, new):
        text = text.replace(o, n)
    return text


def _save(entry: Path, record: dict[str, object], root: Path, written: list[str]) -> None:
    """The run under ``entry``, whole or not at all (a worker may be saving the same one)."""
    assert STORE is not None
    tmp = Path(tempfile.mkdtemp(prefix=".saving-", dir=STORE))
    for i, rel in enumerate(written):
        shutil.copyfile(root / rel, tmp / str(i))
    (tmp / "run.json").write_text(json.dumps(record))
    try:
        tmp.rename(entry)
    except OSError:  # saved by the other worker meanwhile
        shutil.rmtree(tmp, ignore_errors=True)


def _replay(entry: Path, root: Path, args: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    run = json.loads((entry / "run.json").read_text())
    for rel in run["removed"]:
        (root / rel).unlink(missing_ok=True)
    for i, rel in enumerate(run["written"]):
        shutil.copyfile(entry / str(i), root / rel)
        _relocate(root / rel, run["root"], str(root))
    return subprocess.CompletedProcess(
        ["coverage", *args],
        run["returncode"],
        _text(run["stdout"], run["root"], str(root)),
        _text(run["stderr"], run["root"], str(root)),
    )


def _run(root: Path, args: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    shared = STORE is not None and os.environ.get("TESTS_REAL_COVERAGE_RUNS") != "1"
    before = _files(root)
    entry = STORE / _key(root, args, before) if shared and STORE is not None else None
    if entry is not None and (entry / "run.json").exists():
        if json.loads((entry / "run.json").read_text()).get("shared", True):
            return _replay(entry, root, args)
        entry = None  # a run that cannot be shared: run it for real, every time
    proc = subprocess.run(
        [sys.executable, "-m", "coverage", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
    )
    if entry is not None:
        after = _files(root)
        written = sorted(rel for rel, st in after.items() if before.get(rel) != st)
        removed = sorted(rel for rel in before if rel not in after)
        if all(map(_is_data, written + removed)) and _shareable(root, written):
            record: dict[str, object] = {
                "root": str(root),
                "written": written,
                "removed": removed,
                "returncode": proc.returncode,
                "stdout": proc.stdout,
                "stderr": proc.stderr,
            }
            _save(entry, record, root, written)
        else:
            _save(entry, {"shared": False}, root, [])
    return subprocess.CompletedProcess(
        ["coverage", *args], proc.returncode, proc.stdout, proc.stderr
    )
