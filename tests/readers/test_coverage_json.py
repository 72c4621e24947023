"""coverage.py's JSON report: streaming, odd corners, and input that must be refused."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from ratchet.errors import RatchetError
from ratchet.readers import coverage_json
from ratchet.readers.load import load
from tests.conftest import write_file as _write

pytestmark = pytest.mark.unit

# check, update and init read a report for its counts (coverage_json.count), report for its
# lines (coverage_json.parse): the two must agree on every report, and on every refusal.
both_readers = pytest.mark.parametrize("counts_only", [False, True], ids=["exact", "counts-only"])


def _coverage_json(files: dict[str, dict]) -> str:
    return json.dumps({"meta": {"format": 3, "version": "7.6"}, "files": files, "totals": {}})


def test_json__one_file_entry_larger_than_many_read_chunks(tmp_path: Path):
    # One 600 KB entry read 4 KB at a time: ~150 refills while decoding one value. How long
    # that takes (it once grew with the square of the entry's size) is measured by
    # benchmarks/bench_json_entry.py, not asserted here.
    lines = list(range(1, 100_001))
    path = _write(
        tmp_path,
        "one.json",
        _coverage_json(
            {
                "big.py": {"executed_lines": lines[::2], "missing_lines": lines[1::2]},
                "caf\u00e9/sm\u00f6r.py": {"executed_lines": [1], "missing_lines": []},
            }
        ),
    )
    assert path.stat().st_size > 150 * (1 << 12)
    files = {f.path: f.detail for f in coverage_json.parse(path, chunk_size=1 << 12)}
    assert sorted(files) == ["big.py", "caf\u00e9/sm\u00f6r.py"]
    big = files["big.py"]
    assert big is not None
    assert len(big.hits) == len(lines)
    assert sum(1 for h in big.hits.values() if h) == len(lines) // 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"/src/a.js": {"path": "/src/a.js", "statementMap": {}}}', "not a coverage.py report"),
        ('{"meta": {"format": 3}, "files": {"a.py": {"executed_lines": [1]', "truncated"),
        ('{"meta": {}, "files": {"a.py": {"summary": {}}}}', "lacks executed_lines"),
        ('{"meta": {}}', "without a 'files' object"),
        ('{"meta": {}, "files": {}} trailing', "after the end"),
        ('{"meta": {}, "files": []}', "not an object"),
        ('{"meta": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        # Not JSON (names are strings): once read as a file named "1".
        (
            '{"meta": {}, "files": {1: {"executed_lines": [1], "missing_lines": []}}}',
            "expected '\"' at character 23, found '1'",
        ),
    ],
    ids=[
        *("istanbul-json", "truncated", "no-lines", "no-files", "trailing", "files-list"),
        *("nested", "number-as-name"),
    ],
)
@both_readers
def test_json__not_a_coverage_report__one_clear_error(
    tmp_path: Path, text: str, message: str, counts_only: bool
):
    p = _write(tmp_path, "coverage.json", text)
    with pytest.raises(RatchetError, match=message) as e:
        load([p], root=tmp_path, keep_missing_lines=not counts_only)
    assert str(e.value).startswith(str(p))


@both_readers
def test_json__path_with_a_lone_surrogate__refused(tmp_path: Path, counts_only: bool):
    text = '{"files": {"a\\ud800.py": {"executed_lines": [1], "missing_lines": []}}}'
    p = _write(tmp_path, "coverage.json", text)
    with pytest.raises(RatchetError, match=r"source path 'a\\ud800.py' is not valid UTF-8"):
        load([p], root=tmp_path, keep_missing_lines=not counts_only)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("executed_lines", "abc", "executed_lines is not a list of line numbers"),
        ("missing_lines", ["2"], "missing_lines is not a list of line numbers"),
        ("executed_lines", ["x", 2], "executed_lines is not a list of line numbers"),
        ("executed_lines", [1.0], "executed_lines is not a list of line numbers"),
        ("executed_lines", [True], "executed_lines is not a list of line numbers"),
        ("missing_lines", [-2], "missing_lines holds line number -2"),
        ("executed_lines", [0], "executed_lines holds line number 0"),
        ("executed_branches", [[1]], r"executed_branches holds \[1\], not a \[from, to\]"),
        ("missing_branches", [["1", 2]], "missing_branches holds"),
        ("missing_branches", [[1, 0]], "missing_branches holds"),
        ("missing_branches", {"1": 2}, "missing_branches is not a list"),
    ],
)
@both_readers
def test_json__bad_line_numbers__one_line_naming_file_and_entry(
    tmp_path: Path, field: str, value: object, message: str, counts_only: bool
):
    entry = {"executed_lines": [1], "missing_lines": [2], field: value}
    p = _write(tmp_path, "coverage.json", _coverage_json({"pkg/a.py": entry}))
    with pytest.raises(RatchetError, match=message) as e:
        load([p], root=tmp_path, keep_missing_lines=not counts_only)
    assert str(e.value).startswith(f"{p}: 'files' entry 'pkg/a.py': ")
    assert "\n" not in str(e.value)


def _entry(rng: random.Random) -> dict[str, list]:
    lines = rng.sample(range(1, 60), rng.randrange(0, 20))
    cut = rng.randrange(len(lines) + 1)
    executed, missing = lines[:cut], lines[cut:]
    if lines and rng.random() < 0.2:
        missing.append(rng.choice(lines))  # listed as both: it ran
    if executed and rng.random() < 0.2:
        executed.append(executed[0])  # listed twice
    arcs = [[rng.choice(lines), rng.choice([-1, -2, 3, 7])] for _ in range(len(lines) // 3)]
    if arcs and rng.random() < 0.3:
        arcs.append(arcs[0])  # the same arc twice: a second exit of the line
    cut = rng.randrange(len(arcs) + 1)
    return {
        "executed_lines": executed,
        "missing_lines": missing,
        "executed_branches": arcs[:cut],
        "missing_branches": arcs[cut:],
    }


def test_json__counts_only__the_counts_of_the_line_tables(tmp_path: Path):
    rng = random.Random(7)
    files = {f"m{i}.py": _entry(rng) for i in range(300)}
    p = _write(tmp_path, "coverage.json", _coverage_json(files))
    exact = list(coverage_json.parse(p))
    counted = list(coverage_json.count(p))
    assert [(f.path, f.counts) for f in counted] == [(f.path, f.detail.counts()) for f in exact]
    assert [f.read_detail() for f in counted] == [f.detail for f in exact]
