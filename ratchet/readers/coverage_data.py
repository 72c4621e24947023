"""coverage.py's own data file (``.coverage``), read through coverage's public API.

The data holds only which lines ran; what counts as a statement comes from analysing the
source with the project's coverage configuration, exactly as ``coverage report`` does. So
this runs coverage's JSON reporter into a temporary file and streams that.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ratchet.errors import RatchetError
from ratchet.readers import CountedFile, RawFile, coverage_json


def _check_read_only(data_file: Path, name: str) -> None:
    """Refuse an SQLite file that is not coverage.py's, before coverage.py opens it: given
    any other database, coverage.py writes its own schema into it."""
    try:
        con = sqlite3.connect(f"{data_file.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise RatchetError(f"cannot open as SQLite: {e}", source=name) from None
    try:
        found = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'coverage_schema'"
        ).fetchone()
        arcs = None
        if (
            found is not None
            and con.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
            ).fetchone()
        ):
            arcs = con.execute("SELECT value FROM meta WHERE key = 'has_arcs'").fetchone()
    except sqlite3.Error as e:
        raise RatchetError(f"not a readable coverage data file: {e}", source=name) from None
    finally:
        con.close()
    if found is None:
        raise RatchetError(
            "an SQLite database, but not coverage.py data (no coverage_schema table)",
            source=name,
        )
    # coverage.py writes str(int(has_arcs)) and reads int(value): anything else (a 'true')
    # fails inside it with a ValueError (7.18.0: `coverage report` shows a traceback too).
    value = arcs[0] if arcs is not None else 0
    if not (type(value) is int or (isinstance(value, str) and value.strip().isdigit())):
        shown = repr(value)[:40]
        raise RatchetError(
            f"corrupt coverage data: meta has_arcs is {shown}, not 0 or 1", source=name
        )


def _nothing_ran_or_refuse(cov: Any, name: str, rcfile: Path | None) -> None:
    """coverage.py counts nothing as run: true, or the data's paths do not meet the
    configuration read here. Data written under ``relative_files = true`` holds relative
    paths, and coverage.py looks a file's lines up by its absolute name unless the
    configuration in effect sets it too (and the other way round): when the tests ran with
    another rc file (coverage.py's ``--rcfile``), every line reads as not run, with no word
    from coverage.py. Such a 0% is refused; a true one (all that ran is excluded) is not."""
    relative = bool(cov.get_option("run:relative_files"))
    data = cov.get_data()
    ran = [f for f in data.measured_files() if data.lines(f)]
    mismatched = [f for f in ran if Path(f).is_absolute() == relative]
    if not ran or len(mismatched) < len(ran):
        return
    written, here = ("without", "sets it") if relative else ("with", "does not set it")
    read = (
        f"the coverage.py configuration read here ({rcfile})"
        if rcfile
        else ("the coverage.py configuration read here")
    )
    raise RatchetError(
        f"coverage.py reads this data as 0% covered although it records lines run in "
        f"{len(ran)} file(s): it was written {written} relative_files = true (e.g. "
        f"{mismatched[0]}) and {read} {here}. Name the configuration the tests ran "
        "with: `ratchet ... --rcfile ci.coveragerc` (or coverage.py's own "
        "COVERAGE_RCFILE, where a relative path is taken from the directory of "
        "pyproject.toml)",
        source=name,
    )


def parse(
    path: Path, *, config_root: Path, counts_only: bool = False, rcfile: Path | None = None
) -> Iterator[RawFile | CountedFile]:
    """``rcfile``: the coverage.py configuration to read the data with (``--rcfile``); None:
    coverage.py's own search from ``config_root`` (``$COVERAGE_RCFILE``, ``.coveragerc``,
    ...), as ``coverage report`` run there does."""
    import coverage
    from coverage.exceptions import CoverageException

    data_file = path.resolve()
    _check_read_only(data_file, str(path))
    with tempfile.TemporaryDirectory(prefix="ratchet-") as tmp:
        out = Path(tmp) / "coverage.json"
        cwd = Path.cwd()
        # coverage resolves relative_files and its config against the working directory.
        os.chdir(config_root)
        try:
            config: str | bool = str(rcfile) if rcfile is not None else True
            cov = coverage.Coverage(data_file=str(data_file), config_file=config)
            cov.load()
            total = cov.json_report(outfile=str(out))
            if total == 0:
                _nothing_ran_or_refuse(cov, str(path), rcfile)
        except CoverageException as e:
            raise RatchetError(
                f"coverage.py could not report on it: {e}", source=str(path)
            ) from None
        except sqlite3.DatabaseError as e:
            raise RatchetError(
                f"not a readable coverage data file: {e}", source=str(path)
            ) from None
        finally:
            os.chdir(cwd)
        files = coverage_json.count(out) if counts_only else coverage_json.parse(out)
        for raw in files:
            yield dataclasses.replace(raw, roots=(str(config_root),))
