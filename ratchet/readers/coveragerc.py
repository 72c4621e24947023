"""coverage.py's own configuration, read as coverage.py reads it: the settings of
``[report]`` that change ``coverage report``'s table, which ``ratchet report`` honours.

The file is ``--rcfile``'s, else the one coverage.py would use from the config root:
``$COVERAGE_RCFILE``, else
the first of ``.coveragerc``, ``.coveragerc.toml``, ``setup.cfg``, ``tox.ini`` and
``pyproject.toml`` that holds coverage settings (``[report]``/``[coverage:report]``/
``[tool.coverage.report]``). coverage.py's own reader does the reading (so ``${VAR}``
substitution, booleans and section names are exactly its); ratchet only asks which of the
settings the file gives, since a setting left out keeps ratchet's own default
(``show_missing`` on, ``[tool.ratchet] precision``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ratchet.errors import RatchetError

# coverage.py's candidates, before any is read (``config.config_files_to_try``): when none
# exists, or none mentions coverage, its API is not even imported.
_CANDIDATES = (".coveragerc", ".coveragerc.toml", "setup.cfg", "tox.ini", "pyproject.toml")


@dataclass(frozen=True)
class ReportSettings:
    """The table settings coverage.py's configuration gives; None where it is silent."""

    source: str | None = None  # the file they came from
    skip_covered: bool | None = None
    skip_empty: bool | None = None
    precision: int | None = None
    show_missing: bool | None = None


def _worth_reading(root: Path) -> bool:
    if os.environ.get("COVERAGE_RCFILE"):
        return True
    for name in _CANDIDATES:
        try:
            text = (root / name).read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            continue
        if "coverage" in text or name.startswith(".coveragerc"):
            return True
    return False


def report_settings(root: Path, rcfile: Path | None = None) -> ReportSettings:
    """The ``[report]`` table settings of the coverage.py configuration found at ``root``,
    or of ``rcfile`` (``--rcfile``: that file only, as ``coverage report --rcfile`` reads).

    A configuration coverage.py cannot read is an error here as it is for
    ``coverage report`` (exit 2, naming the file)."""
    if rcfile is None and not _worth_reading(root):
        return ReportSettings()
    from coverage.config import CoverageConfig, HandyConfigParser, config_files_to_try
    from coverage.exceptions import CoverageException
    from coverage.tomlconfig import TomlConfigParser

    config = CoverageConfig()
    for name, our_file, specified in config_files_to_try(str(rcfile) if rcfile else True):
        path = str(root / name)  # an absolute $COVERAGE_RCFILE stays as it is
        try:
            found = config.from_file(path, lambda _message: None, our_file=our_file)
            if not found:
                if specified:
                    raise RatchetError("cannot be read as a coverage.py config file", source=path)
                continue
            parser = (
                TomlConfigParser(our_file)
                if path.endswith(".toml")
                else HandyConfigParser(our_file)
            )
            parser.read(path)
        except CoverageException as e:
            raise RatchetError(f"coverage.py cannot read its configuration: {e}") from None

        def given(option: str, parser: HandyConfigParser | TomlConfigParser = parser) -> bool:
            return bool(parser.has_option("report", option))

        return ReportSettings(
            source=path,
            skip_covered=config.skip_covered if given("skip_covered") else None,
            skip_empty=config.skip_empty if given("skip_empty") else None,
            precision=config.precision if given("precision") else None,
            show_missing=config.show_missing if given("show_missing") else None,
        )
    return ReportSettings()
