"""patch.evaluate, relocate and the renderers, on values built in the test: pure and fast."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ratchet import intake
from ratchet.core import patch, rules
from ratchet.core.config import Component, Config
from ratchet.core.diff import ADDED, DELETED, MODIFIED, RENAMED, FileDiff
from ratchet.core.models import Counts, FileCoverage, LineDetail, Report
from ratchet.core.results import PatchResult, Result
from ratchet.errors import RatchetError
from ratchet.render import jsonparts, jsonpatch, terminal
from ratchet.render import patch as render
from tests.wrapped import flat

pytestmark = pytest.mark.unit

# Lines 1-10 measurable; 1-6 run, 7-10 not; line 2 has two branches, one never taken.
DETAIL = LineDetail(
    hits={n: (1 if n <= 6 else 0) for n in range(1, 11)},
    branches={2: (2, frozenset({"2->9"})), 4: (2, frozenset())},
)


def fc(path: str, detail: LineDetail = DETAIL, *, keep: bool = True) -> FileCoverage:
    return FileCoverage.from_detail(path, detail, keep_detail=keep)


def changes(*files: FileDiff) -> patch.ChangeSet:
    return patch.ChangeSet("test diff", {f.path: f for f in files})


def run(
    report_files: list[FileCoverage],
    cs: patch.ChangeSet,
    *,
    baseline: dict[str, Counts] | None = None,
    **config: object,
) -> PatchResult:
    cfg = Config(present=True, **config)  # type: ignore[arg-type]
    rep = Report(tuple(report_files))
    verdict = rules.evaluate(rep, cfg, baseline)
    return patch.evaluate(rep, cs, cfg, verdict)


def test_evaluate__counts_only_measurable_changed_lines_and_their_branches():
    # 0 and 11-12 are not measured (blank, comment, docstring): they do not count.
    r = run([fc("m.py")], changes(FileDiff("m.py", MODIFIED, None, (2, 4, 7, 8, 10, 11, 12))))
    (f,) = r.files
    assert f.counts == Counts(lines_valid=5, lines_covered=2, branches_valid=4, branches_covered=3)
    assert f.covered == (2, 4)
    assert f.uncovered == ((7, 8), (10, 10))
    assert f.partial == (2,)
    assert r.counts == f.counts
    assert r.passed  # no patch_threshold: reported, not enforced
    assert r.notes == ()  # every renderer says so from the missing threshold; no note repeats it
    assert "not gated (no patch_threshold)" in render.markdown_line(r, 2, Decimal(0))


@pytest.mark.parametrize(
    ("threshold", "passed"),
    [
        # 2 of 3 lines: exactly 66.666...%; the decision is exact, not rounded.
        (Decimal("66.66"), True),
        (Decimal("66.67"), False),
        (Decimal(0), True),
        (Decimal(100), False),
    ],
)
def test_evaluate__threshold_decided_on_exact_fractions(threshold: Decimal, passed: bool):
    r = run(
        [fc("m.py")],
        changes(FileDiff("m.py", MODIFIED, None, (5, 6, 7))),
        patch_threshold=threshold,
    )
    assert r.counts == Counts(3, 2)
    assert r.passed is passed
    if not passed:
        (failure,) = r.failures
        assert failure.kind == patch.PATCH_BELOW_THRESHOLD
        assert failure.path is None
        assert "1 changed line uncovered in 1 file" in failure.message


def test_evaluate__exactly_at_threshold_passes():
    r = run(
        [fc("m.py")],
        changes(FileDiff("m.py", MODIFIED, None, (5, 6, 7, 8))),
        patch_threshold=Decimal(50),
    )
    assert r.percent == 50
    assert r.passed


def test_evaluate__fully_covered_change():
    r = run(
        [fc("m.py")],
        changes(FileDiff("m.py", ADDED, None, (1, 3, 5))),
        patch_threshold=Decimal(100),
    )
    assert r.percent == 100
    assert r.passed
    assert r.files[0].uncovered == ()


@pytest.mark.parametrize(("rule", "passed"), [("pass", True), ("fail", False)])
def test_evaluate__no_measurable_changed_lines_follows_patch_empty(rule: str, passed: bool):
    r = run(
        [fc("m.py")],
        changes(
            FileDiff("m.py", MODIFIED, None, (11, 12)), FileDiff("README.md", MODIFIED, None, (1,))
        ),
        patch_threshold=Decimal(80),
        patch_empty=rule,
    )
    assert r.empty
    assert r.passed is passed
    said = [f.message for f in r.failures]
    assert said == (
        [] if passed else ['no measurable changed lines (2 changed files) and patch_empty = "fail"']
    )
    assert [f.kind for f in r.failures] == ([] if passed else [patch.PATCH_EMPTY])
    assert r.notes == ()


def test_evaluate__deleted_file_is_listed_as_deleted():
    r = run([fc("m.py")], changes(FileDiff("old.py", DELETED)))
    assert [(f.path, f.status, f.counts) for f in r.files] == [("old.py", DELETED, Counts())]


def test_evaluate__rename_without_edits_is_not_new_code():
    r = run(
        [fc("new.py")],
        changes(FileDiff("new.py", RENAMED, "old.py", ())),
        patch_threshold=Decimal(100),
    )
    (f,) = r.files
    assert (f.status, f.old_path, f.counts) == (RENAMED, "old.py", Counts())
    assert r.empty and r.passed


def test_evaluate__binary_and_unmeasured_kinds_are_not_unreported():
    r = run(
        [fc("pkg/m.py")],
        changes(
            FileDiff("pkg/new.py", ADDED, None, (1, 2)),  # a module no test imported
            FileDiff("pkg/sub/deeper.py", ADDED, None, (1,)),  # in a new subpackage
            FileDiff("pkg/logo.png", MODIFIED, None, (), binary=True),
            FileDiff("tests/test_m.py", MODIFIED, None, (3,)),  # tests are not measured
            FileDiff("docs/x.md", MODIFIED, None, (3,)),
        ),
    )
    assert r.unreported == ("pkg/new.py", "pkg/sub/deeper.py")
    assert any("2 changed files not in the coverage report" in n for n in r.notes)
    assert [f.path for f in r.files] == []


def test_evaluate__missing_line_detail_is_a_bug_not_a_silent_zero():
    with pytest.raises(ValueError, match="line detail was not kept"):
        run([fc("m.py", keep=False)], changes(FileDiff("m.py", MODIFIED, None, (1,))))


BASE = {"a.py": Counts(10, 10), "b.py": Counts(10, 10), "old.py": Counts(4, 4)}


@pytest.mark.parametrize("fail_on_indirect", [False, True])
def test_evaluate__indirect_changes_listed_and_waived_unless_fail_on_indirect(
    fail_on_indirect: bool,
):
    full = LineDetail(dict.fromkeys(range(1, 11), 1))
    dropped = LineDetail({n: (0 if n == 10 else 1) for n in range(1, 11)})
    r = run(
        [fc("a.py", dropped), fc("b.py", dropped), fc("new.py", full)],
        changes(FileDiff("a.py", MODIFIED, None, (10,)), FileDiff("new.py", RENAMED, "old.py", ())),
        baseline=BASE,
        fail_on_indirect=fail_on_indirect,
    )
    # a.py was touched; old.py -> new.py is the change's own rename: only b.py is indirect.
    assert [c.path for c in r.indirect] == ["b.py"]
    assert r.indirect[0].after == Counts(10, 9)
    if fail_on_indirect:
        assert r.waived == ()
    else:
        assert [(f.kind, f.path) for f in r.waived] == [(rules.FILE_REGRESSION, "b.py")]
        assert any("fail_on_indirect = false" in n for n in r.notes)
    assert r.passed  # the patch gate itself: no threshold here


@pytest.mark.parametrize(
    ("environ", "ci"),
    [
        ({}, False),
        ({"CI": "true"}, True),
        ({"CI": "1"}, True),
        ({"CI": "false"}, False),
        ({"CI": ""}, False),
        ({"GITHUB_ACTIONS": "true"}, True),
    ],
)
def test_in_ci(environ: dict[str, str], ci: bool):
    assert patch.in_ci(environ) is ci


def test_relocate__monorepo_paths_become_config_root_relative():
    files = (
        FileDiff("svc/api/pkg/m.py", MODIFIED, None, (1,)),
        FileDiff("svc/api/pkg/n.py", RENAMED, "svc/api/pkg/o.py", (2,)),
        FileDiff("svc/api/pkg/in.py", RENAMED, "lib/in.py", ()),
        FileDiff("lib/out.py", RENAMED, "svc/api/pkg/out.py", ()),
        FileDiff("svc/web/x.py", MODIFIED, None, (1,)),
        FileDiff("svc/api-old/y.py", MODIFIED, None, (1,)),  # a sibling with a common prefix
    )
    mapped, outside = patch.relocate(files, "svc/api")
    assert mapped == {
        "pkg/m.py": FileDiff("pkg/m.py", MODIFIED, None, (1,)),
        "pkg/n.py": FileDiff("pkg/n.py", RENAMED, "pkg/o.py", (2,)),
        "pkg/in.py": FileDiff("pkg/in.py", RENAMED, "../../lib/in.py", ()),
        "pkg/out.py": FileDiff("pkg/out.py", DELETED),
    }
    assert outside == ("svc/web/x.py", "svc/api-old/y.py")


def test_relocate__at_the_top_nothing_moves():
    files = (FileDiff("m.py", MODIFIED, None, (1,)),)
    assert patch.relocate(files, "") == ({"m.py": files[0]}, ())


# -- renderers ---------------------------------------------------------------------------


def sample() -> PatchResult:
    return run(
        [fc("pkg/m.py"), fc("pkg/evil `x` | <b>@team</b>.py")],
        changes(
            FileDiff("pkg/m.py", MODIFIED, None, (2, 7, 8, 10)),
            FileDiff("pkg/evil `x` | <b>@team</b>.py", ADDED, None, (9,)),
            FileDiff("pkg/gone.py", DELETED),
        ),
        patch_threshold=Decimal(80),
    )


def text(
    p: PatchResult,
    files: list[FileCoverage] | None = None,
    baseline: dict[str, Counts] | None = None,
    verbosity: int = terminal.NORMAL,
) -> str:
    """The terminal's text of a check of ``files`` against ``baseline`` with this patch
    result."""
    verdict = rules.evaluate(
        Report(tuple(files or [fc("pkg/m.py")])), Config(present=True), baseline
    )
    result = Result(verdict, p.status, patch=p)
    return terminal.render(result, terminal.Layout(verbosity=verbosity))


def test_render_text__lists_every_uncovered_range_per_file():
    out = text(sample())
    assert out.startswith(
        "coverage-ratchet: FAIL 64.29% — changed lines 51.43 points under the 80% patch "
        "threshold\n"
        "changed lines: 28.57% (2/7 lines+branches) covered, 51.43 points under the 80% patch "
        "threshold\n"
    )
    assert "pkg/m.py changed lines not run: 7-8, 10 " in flat(out)
    assert "changed lines not run: 9\n" in out
    assert "gone.py" not in out  # a deleted file has no line to run
    out = text(sample(), verbosity=terminal.VERBOSE)
    assert (
        "  pkg/m.py modified: 1/4 changed lines, 1/2 branches; not run: 7-8, 10; branch not " in out
    )
    assert "taken on 2\n" in out
    assert "  pkg/gone.py deleted\n" in out
    assert "FAIL patch coverage 28.5714%" in out


def test_render__empty_change_says_so():
    r = run(
        [fc("m.py")], changes(FileDiff("m.py", MODIFIED, None, (11,))), patch_threshold=Decimal(90)
    )
    assert "changed lines: none measurable, nothing to judge\n" in text(r)
    assert (
        render.markdown_line(r, 2, Decimal(0))
        == "**Changed lines:** none measurable, nothing to judge."
    )
    assert jsonpatch.dump(r)["status"] == "pass"


def test_collect__without_a_diff_to_read_is_a_usage_error_before_any_git_call(tmp_path):
    with pytest.raises(RatchetError, match=r"needs --diff REF or --diff-file FILE"):
        intake.collect(tmp_path, ref=None, diff_file=None)


@pytest.mark.parametrize(
    ("root", "top", "prefix"),
    [
        ("/w/repo/svc", None, ""),  # no git: a diff file's paths are the config root's
        ("/w/repo/svc", "/w/repo", "svc"),
        ("/w/repo", "/w/repo", ""),
        ("/elsewhere", "/w/repo", ""),  # not under the work tree: nothing to strip
    ],
)
def test_prefix__the_config_root_relative_to_the_work_tree(root, top, prefix):
    assert intake._prefix(Path(root), None if top is None else Path(top)) == prefix


def test_evaluate__a_gated_component_with_no_measurable_changed_line_is_not_judged():
    api = Component("api", ("api/",), patch_threshold=Decimal(100))
    web = Component("web", ("web/",), patch_threshold=Decimal(100))
    # web's change touches only lines nobody measures (11, 12); api's leaves 7 uncovered.
    cs = changes(
        FileDiff("api/m.py", MODIFIED, None, (6, 7)), FileDiff("web/m.py", MODIFIED, None, (11, 12))
    )
    r = run([fc("api/m.py"), fc("web/m.py")], cs, components=(api, web))
    messages = [f.message for f in r.failures]
    assert [m.split(":")[0] for m in messages] == ["component api"]


def test_evaluate__each_components_changed_lines_gated_or_not():
    api = Component("api", ("api/",), patch_threshold=Decimal(50))
    web = Component("web", ("web/",))  # measured, not gated
    cs = changes(
        FileDiff("api/m.py", MODIFIED, None, (2, 4)),  # 5 of 6 with branches: over its gate
        FileDiff("web/m.py", MODIFIED, None, (7,)),
        FileDiff("tools/m.py", MODIFIED, None, (8,)),  # in no component: the total's only
    )
    r = run([fc("api/m.py"), fc("web/m.py"), fc("tools/m.py")], cs, components=(api, web))
    assert r.failures == ()
    assert [(c.name, c.counts.covered, c.counts.valid, c.threshold) for c in r.components] == [
        ("api", 5, 6, Decimal(50)),  # lines and branches
        ("web", 0, 1, None),
    ]
    assert jsonpatch.dump(r)["components"][1] == {
        "name": "web", **jsonparts.counts(Counts(1, 0)), "threshold": None,
    }  # fmt: skip


def test_render_text__a_rename_and_indirect_files_new_and_gone():
    r = run(
        [fc("pkg/new.py"), fc("pkg/m.py")],
        changes(FileDiff("pkg/m.py", RENAMED, "pkg/old.py", (7,))),
        baseline={"pkg/gone.py": Counts(2, 1), "pkg/other.py": Counts(4, 4)},
    )
    files = [fc("pkg/new.py"), fc("pkg/m.py")]
    baseline = {"pkg/gone.py": Counts(2, 1), "pkg/other.py": Counts(4, 4)}
    out = text(r, files, baseline)
    assert "\n       pkg/m.py      new -> 64.29%  +5 uncovered; changed lines not run: 7\n" in out
    assert "\n       pkg/new.py    new -> 64.29%  +5 uncovered; not touched by this change\n" in out
    assert "\n       pkg/gone.py   50.00% -> removed  not touched by this change\n" in out
    verbose = text(r, files, baseline, terminal.VERBOSE)
    assert "  pkg/m.py renamed from pkg/old.py: 0/1 changed lines; not run: 7\n" in verbose
