"""coverage.py's JSON report at scale: megabytes streamed across the reader's 1 MiB chunks.

Kept out of the unit tier (a few tenths of a second each, most of `pytest -m unit`'s test
time); the rest of the reader's cases are in test_coverage_json.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ratchet.errors import RatchetError
from ratchet.readers.load import load
from tests.conftest import write_file as _write

pytestmark = pytest.mark.slow

both_readers = pytest.mark.parametrize("counts_only", [False, True], ids=["exact", "counts-only"])


def _coverage_json(files: dict[str, dict]) -> str:
    return json.dumps({"meta": {"format": 3, "version": "7.6"}, "files": files, "totals": {}})


@both_readers
def test_json__large_report_streams_across_buffer_boundaries(tmp_path: Path, counts_only: bool):
    entry = {
        "executed_lines": list(range(1, 200)),
        "missing_lines": [200, 201],
        "excluded_lines": [],
        "executed_branches": [[5, 6], [5, 9]],
        "missing_branches": [[7, -1]],
        "summary": {},
    }
    files = {f"pkg/mod_{i:05d}.py": entry for i in range(3000)}
    text = _coverage_json(files)
    assert len(text) > 3 * (1 << 20)  # several read chunks
    p = _write(tmp_path, "coverage.json", text)
    rep = load([p], root=tmp_path, keep_missing_lines=not counts_only)
    assert len(rep.files) == 3000
    t = rep.totals
    assert (t.lines_valid, t.lines_covered) == (3000 * 201, 3000 * 199)
    assert (t.branches_valid, t.branches_covered) == (3000 * 3, 3000 * 2)


@both_readers
def test_json__syntax_error_mid_file__named_where_it_is(tmp_path: Path, counts_only: bool):
    entry = json.dumps({"executed_lines": list(range(1, 400)), "missing_lines": []})
    good = ", ".join(f'"m{i:05d}.py": {entry}' for i in range(2000))  # several read chunks
    text = '{"files": {' + good + ', "bad.py": {"executed_lines": [1 2]}}, ' + good + "}}"
    p = _write(tmp_path, "coverage.json", text)
    at = text.index("[1 2]") + 3
    with pytest.raises(RatchetError) as e:
        load([p], root=tmp_path, keep_missing_lines=not counts_only)
    assert str(e.value) == f"{p}: invalid JSON: Expecting ',' delimiter at character {at}"
