"""A plan into file contents: only the values the plan changes, the history appended, and
nothing at all for a refused plan."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from ratchet.core import config, plan, rules
from ratchet.core.models import Baseline, Counts
from ratchet.core.results import BAD_INPUT, Blocker, ComponentBar, Event, Plan, Setting
from ratchet.errors import RatchetError
from ratchet.store import history, recording
from ratchet.store.pyproject import load_config
from tests.core.test_rules import lines, report

pytestmark = pytest.mark.unit


def project(root: Path, body: str, **files: str) -> config.Config:
    (root / "pyproject.toml").write_text(body)
    for name, text in files.items():
        (root / name).write_text(text)
    return load_config(root / "pyproject.toml")


def update_plan(cfg: config.Config, rep) -> Plan:
    return plan.make(rep, rules.evaluate(rep, cfg, None), cfg, None)


def event(kind: str = "update") -> Event:
    threshold, baseline = (None, Decimal(90)), (None, Baseline(9, 10, 0, 1))
    return Event(kind, "2026-12-06T01:02:03Z", None, None, Counts(10, 9), threshold, baseline)


@pytest.mark.parametrize(
    ("baseline", "precision", "written"),
    [
        (Baseline(771, 776, 48, 5), 2, "{percent = 99.35, covered = 771, measured = 776, "
         "branches = 48, uncovered = 5}"),
        (Baseline(771, 776, None, 5), 0, "{percent = 99, covered = 771, measured = 776, "
         "uncovered = 5}"),  # measured before branches were recorded: no branches key
        (Baseline(2, 3, 0, 1), 4, "{percent = 66.6666, covered = 2, measured = 3, branches = 0, "
         "uncovered = 1}"),  # truncated, never rounded up
        (Baseline(0, 0, 0, 0), 2, "{percent = 100, covered = 0, measured = 0, branches = 0, "
         "uncovered = 0}"),
    ],
)  # fmt: skip
def test_baseline_value__counts_decide_and_the_percent_is_truncated(baseline, precision, written):
    value = recording.baseline_value(baseline, precision)
    assert value.as_string() == written
    cfg = config.from_text(f"[tool.ratchet]\nbaseline = {written}\n", None, src="p")
    assert cfg.baseline == baseline  # what is written reads back as the same baseline


def test_edits__an_older_percent_baseline_follows_deleted_covered_code_exactly(tmp_path: Path):
    cfg = project(
        tmp_path, "[tool.ratchet]\nthreshold = 90\nbaseline = 95  # old\nbaseline_uncovered = 10\n"
    )
    p = update_plan(cfg, report(a=lines(91, 85)))  # 93.4%, 6 uncovered: covered code removed
    assert recording.edits(p, cfg, None, event=None) == {
        tmp_path / "pyproject.toml": "[tool.ratchet]\nthreshold = 90\nbaseline = "
        "{percent = 93.4, covered = 85, measured = 91, branches = 0, uncovered = 6}  # old\n"
    }


def test_edits__an_exact_baseline_replaces_the_older_pair(tmp_path: Path):
    cfg = project(
        tmp_path, "[tool.ratchet]\nthreshold = 90\nbaseline = 95\nbaseline_uncovered = 9\n"
    )
    p = update_plan(cfg, report(a=lines(100, 96)))
    assert recording.edits(p, cfg, None, event=None) == {
        tmp_path / "pyproject.toml": "[tool.ratchet]\nthreshold = 95\nbaseline = "
        "{percent = 96, covered = 96, measured = 100, branches = 0, uncovered = 4}\n"
    }


def test_edits__a_refused_plan_records_nothing(tmp_path: Path):
    cfg = project(tmp_path, "[tool.ratchet]\n")
    refused = Plan(Decimal(0), None, (), (), blockers=(Blocker(BAD_INPUT, "stale"),))
    with pytest.raises(ValueError, match="a refused plan records nothing"):
        recording.edits(refused, cfg, None, event=event())


def test_edits__the_pyproject_vanished_since_it_was_read(tmp_path: Path):
    cfg = project(tmp_path, "[tool.ratchet]\n")
    (tmp_path / "pyproject.toml").unlink()
    p = update_plan(cfg, report(a=lines(10, 9)))
    with pytest.raises(RatchetError) as e:
        recording.edits(p, cfg, None, event=None)
    assert str(e.value) == f"{tmp_path / 'pyproject.toml'}: no such file"


def test_edits__the_history_gets_a_line_of_its_own(tmp_path: Path):
    first = history.to_line(event("init")).rstrip("\n")  # the last line lost its newline
    cfg = project(tmp_path, "[tool.ratchet]\n", **{"coverage-history.jsonl": first})
    p = update_plan(cfg, report(a=lines(10, 9)))
    out = recording.edits(p, cfg, None, event=event())
    assert out[cfg.history_path] == first + "\n" + history.to_line(event())
    assert [e.event for e in history.parse(out[cfg.history_path], source="h")] == [
        "init",
        "update",
    ]
    # The history already exists: .gitattributes is the user's, left alone.
    assert tmp_path / ".gitattributes" not in out


UNION = "coverage-history.jsonl merge=union\n"
DRIVER = "/pyproject.toml merge=ratchet\n"


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        (None, "{union}{driver}"),
        ("*.png binary", "*.png binary\n{union}{driver}"),
        ("*.png binary\n", "*.png binary\n{union}{driver}"),
        # The repository says something of a file already: left to what it says.
        ("coverage-history.jsonl -merge\n", "coverage-history.jsonl -merge\n{driver}"),
        ("  coverage-history.jsonl merge=union  # ok\n", "  {union_ok}{driver}"),
        ("pyproject.toml -merge\n", "pyproject.toml -merge\n{union}"),
        (f"/pyproject.toml merge=text\n{UNION}", None),
    ],
)
def test_edits__the_first_event_asks_git_to_merge_the_bars_files_by_itself(
    tmp_path: Path, attributes: str | None, expected: str | None
):
    files = {} if attributes is None else {".gitattributes": attributes}
    cfg = project(tmp_path, "[tool.ratchet]\n", **files)
    out = recording.edits(update_plan(cfg, report(a=lines(10, 9))), cfg, None, event=event())
    union = "# coverage-ratchet: each line of the history is one event; keep both sides\n" + UNION
    driver = (
        "# coverage-ratchet: merge the bar key by key and line by line; each clone (and CI)\n"
        '# enables it once with: git config merge.ratchet.driver "ratchet merge-driver %O %A '
        '%B %L %P"\n' + DRIVER
    )
    if expected is None:
        assert tmp_path / ".gitattributes" not in out
    else:
        union_ok = "coverage-history.jsonl merge=union  # ok\n"
        assert out[tmp_path / ".gitattributes"] == expected.format(
            union=union, driver=driver, union_ok=union_ok
        )
    assert json.loads(out[cfg.history_path])["event"] == "update"


def test_component_values__only_what_the_plan_changes_and_only_exact_baselines():
    cfg = config.Config(present=True)
    bar = ComponentBar("api", Decimal(85), Baseline(85, 100, 0, 15))
    legacy = ComponentBar("web", Decimal(60), Baseline(legacy=Decimal(61)))
    settings = (
        Setting("components.api.threshold", "80%", "85%", "rose"),
        Setting("components.api.baseline", None, "85%", "first"),
        Setting("components.web.baseline", None, "61%", "first"),
    )
    p = Plan(Decimal(0), None, settings, (), components=(bar, legacy))
    values = recording.component_values(p, bar, cfg)
    assert values["threshold"] == 85
    assert values["baseline"].as_string() == (
        "{percent = 85, covered = 85, measured = 100, branches = 0, uncovered = 15}"
    )
    assert recording.component_values(p, legacy, cfg) == {}  # a percent is never written back
    unchanged = Plan(Decimal(0), None, (), (), components=(bar,))
    assert recording.component_values(unchanged, bar, cfg) == {}


def test_file_baseline__lines_replace_add_and_remove():
    old = {"a.py": Counts(2, 1), "gone.py": Counts(1, 1)}
    p = plan.make_accept(
        report({"a.py": lines(2, 2), "b.py": lines(3, 0)}),
        config.Config(baseline_file="b.tsv", present=True),
        old,
    )
    assert recording.file_baseline(p, old) == {"a.py": Counts(2, 2), "b.py": Counts(3, 0)}
    assert old == {"a.py": Counts(2, 1), "gone.py": Counts(1, 1)}  # the old one untouched
