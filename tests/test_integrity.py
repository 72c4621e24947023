"""No change a pull request can make lowers the bar unseen (issue 16): forged accept events,
component membership, renames, a bar that is not there. Real coverage.py runs, real git,
the CLI in-process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import Project, RunRatchet, git, run_in_process, statements
from tests.wrapped import flat

pytestmark = pytest.mark.integration

PYPROJECT = (
    '[project]\nname = "integrity"\n\n[tool.ratchet.components.core]\npaths = ["src/core/**"]\n'
)
# src/core/a.py and b.py 9/10 each (core 90%), src/other.py 20/40: the total 38/60.
MAIN = {"core/a.py": (10, 1), "core/b.py": (10, 1), "other.py": (40, 20)}


def measure(proj: Project, modules: dict[str, tuple[int, int]], source: str = "src") -> None:
    """Write ``src/<name>`` of ``n`` statements, ``k`` of them never run, for each
    ``name: (n, k)``, and measure them all (coverage.json)."""
    for name, (n, k) in modules.items():
        proj.write(f"src/{name}", statements(n, uncovered=k))
    names = [f"src.{m.removesuffix('.py').replace('/', '.')}" for m in modules]
    proj.write("run.py", "".join(f"import {m}\n" for m in names))
    proj.coverage("erase")
    proj.coverage("run", f"--source={source}", "run.py")
    proj.coverage("json", "-o", "coverage.json")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """main: the bar recorded by `ratchet init` over a [tool.ratchet] that lists only a
    component (item 4: init records it too); the checkout on a new branch, feature."""
    proj = Project(tmp_path_factory.mktemp("integrity") / "repo")
    proj.write("src/__init__.py", "")
    proj.write("src/core/__init__.py", "")
    proj.write("pyproject.toml", PYPROJECT)
    proj.write(".gitignore", ".coverage\ncoverage.json\n")
    measure(proj, MAIN)
    git(proj.root, "init", "-q", "-b", "main")
    r = run_in_process("init", "coverage.json", cwd=proj.root)
    assert r.code == 0, r
    assert "ratchet: component core -> threshold 90%, baseline 90.0000% (18/20)\n" in r.stdout
    git(proj.root, "add", "-A")
    git(proj.root, "commit", "-qm", "the bar")
    git(proj.root, "checkout", "-qb", "feature")
    return proj.root


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> Project:
    root = tmp_path / "repo"
    shutil.copytree(template, root, symlinks=True)
    return Project(root)


def pyproject(proj: Project) -> Path:
    return proj.root / "pyproject.toml"


def edit(proj: Project, old: str, new: str, *, count: int = 1) -> None:
    path = pyproject(proj)
    text = path.read_text()
    assert text.count(old) >= count, (old, text)
    path.write_text(text.replace(old, new, count))


def section(text: str, name: str) -> str:
    """The text of ``[tool.ratchet.components.NAME]`` up to the next table."""
    start = text.index(f"[tool.ratchet.components.{name}]")
    end = text.find("\n[", start + 1)
    return text[start : end if end != -1 else None]


def check(proj: Project, cli: RunRatchet, *args: str):
    return cli("check", *args, "coverage.json", cwd=proj.root)


# -- 1. stacked or forged accept events ------------------------------------------------------


def history(proj: Project) -> Path:
    return proj.root / "coverage-history.jsonl"


def forge(proj: Project, harmless: int, *, lower_core: bool = True) -> None:
    """Put ``harmless`` hand-written accept events before the last one (the real
    `ratchet accept`), and make that one claim the bar was 1% (threshold [1, 0])."""
    *earlier, last = history(proj).read_text().splitlines()
    event = json.loads(last)
    fake = {**event, "threshold": [1, 1], "baseline": [None, None], "reason": "tidying"}
    fake.pop("components", None)
    lines = []
    for i in range(harmless):
        lines.append(json.dumps({**fake, "date": f"2020-01-01T00:00:{i:02}Z"}))
    event["threshold"] = [1, 0]
    if lower_core:
        event["components"][0]["threshold"] = [1, 0]
    else:
        event.pop("components")
    history(proj).write_text("\n".join([*earlier, *lines, json.dumps(event)]) + "\n")
    edit(proj, "threshold = 60\n", "threshold = 0\n")
    edit(proj, "threshold = 75\n", "threshold = 0\n")  # core's, as accepted


@pytest.fixture
def accepted(repo: Project, ratchet_cli: RunRatchet) -> Project:
    """b.py falls to 60% (core 75%, the total 35/60); `ratchet accept` records it."""
    measure(repo, {**MAIN, "core/b.py": (10, 4)})
    r = ratchet_cli("accept", "--reason", "b.py's slow tests moved out", cwd=repo.root)
    assert r.code == 0, r
    assert "threshold = 55\n" in pyproject(repo).read_text()
    assert "threshold = 75\n" in section(pyproject(repo).read_text(), "core")
    edit(repo, "threshold = 55\n", "threshold = 60\n")  # the total's: back to main's step
    return repo


def test_accept__every_forged_event_is_shown_and_what_falls_from_the_refs_values(
    accepted: Project, ratchet_cli: RunRatchet
):
    forge(accepted, 5)
    r = check(accepted, ratchet_cli, "--baseline-ref", "main")
    assert r.code == 0, r  # on the record: allowed, and shown
    said = flat(r.stdout)
    assert "lowers the bar on purpose with ratchet accept (6 events since main):" in said
    assert r.stdout.count(": records threshold 1%, baseline none\n") == 5
    assert (
        ": records threshold 0%, baseline 58.3333% (35/60); component core: threshold 0%, "
        "baseline 75.0000% (15/20) "
    ) in said
    assert (
        "WARNING: what falls, from the values at main: "
        "threshold 60% -> 0% "  # main's 60, not the 1 the event claims
        "baseline 63.3333% (38/60), 22 uncovered -> 58.3333% (35/60), 25 uncovered "
        "components.core.threshold 90% -> 0% "
        "components.core.baseline 90.0000% (18/20), 2 uncovered -> 75.0000% (15/20), "
        "5 uncovered "
        "file src/core/b.py 90.0000% (9/10) -> 60.0000% (6/10) "
    ) in said
    assert "1% ->" not in r.stdout

    md = check(accepted, ratchet_cli, "--baseline-ref", "main", "--format", "markdown").stdout
    assert "**What falls**, from the values at main:\n" in md
    assert "\n- threshold: 60% → **0%**\n" in md  # main's 60, not the event's 1
    assert "\n- components\\.core\\.threshold: 90% → **0%**\n" in md
    assert "records threshold 1%)" in md and "1% →" not in md
    assert md.count("**Reason:** tidying") == 5 and "more accept event" not in md

    data = json.loads(
        check(accepted, ratchet_cli, "--baseline-ref", "main", "--format", "json").stdout
    )
    assert len(data["accepted"]) == 6
    assert [x["key"] for x in data["lowered"]] == [
        "threshold",
        "baseline",
        "components.core.threshold",
        "components.core.baseline",
        "file src/core/b.py",
    ]


def test_accept__past_the_comments_bound_it_says_how_many_more(
    accepted: Project, ratchet_cli: RunRatchet
):
    forge(accepted, 50)
    md = check(accepted, ratchet_cli, "--baseline-ref", "main", "--format", "markdown")
    assert md.code == 0, md
    assert md.stdout.count("**Reason:** ") == 50  # the comment's cap, the artifact's too
    assert "- …and 1 more accept event (see the history file)" in md.stdout
    text = check(accepted, ratchet_cli, "--baseline-ref", "main").stdout
    assert text.count("  - reason: ") == 10  # the terminal's first ten...
    assert "  ...and 41 more events\n" in text
    text = check(accepted, ratchet_cli, "-v", "--baseline-ref", "main").stdout
    assert text.count("  - reason: ") == 51  # ...and -v, every one


def test_accept__a_component_no_event_lists_is_held(accepted: Project, ratchet_cli: RunRatchet):
    forge(accepted, 1, lower_core=False)
    r = check(accepted, ratchet_cli, "--baseline-ref", "main")
    assert r.code == 1, r
    assert (
        "loosens the bar set at the baseline ref (components.core.threshold 0 < 90; "
        "components.core.baseline 75.0000% (15/20) < 90.0000% (18/20))"
    ) in flat(r.stdout)
    assert "  FAIL component core  75.00% (-15.00)  threshold 90%" in r.stdout
    r = check(accepted, ratchet_cli, "-v", "--baseline-ref", "main")
    said = "FAIL component core: coverage 75.0000% (15/20) is below its threshold 90%"
    assert said in flat(r.stdout)


# -- 2. component membership -----------------------------------------------------------------


@pytest.fixture
def grown(repo: Project) -> Project:
    """src/core/new.py at 80%: core 26/30 (86.67%) fails its 90; the total rises."""
    measure(repo, {**MAIN, "core/new.py": (10, 2)})
    return repo


def test_members__narrowing_a_components_paths_is_a_loosening(
    grown: Project, ratchet_cli: RunRatchet
):
    assert check(grown, ratchet_cli).code == 1  # core below 90
    edit(grown, '"src/core/**"', '"src/core/__init__.py", "src/core/a.py", "src/core/b.py"')
    assert check(grown, ratchet_cli).code == 0  # the working copy alone lets it through
    r = check(grown, ratchet_cli, "-v", "--baseline-ref", "main")
    assert r.code == 1, r
    said = flat(r.stdout)
    assert "component core no longer holds src/core/new.py (its paths at the ref do" in said
    # The files core held at main are still judged with it.
    assert "FAIL component core: coverage 86.6667% (26/30) is below its threshold 90%" in said


def test_members__a_new_component_ahead_that_takes_its_files_is_a_loosening(
    grown: Project, ratchet_cli: RunRatchet
):
    thief = '[tool.ratchet.components.fresh]\npaths = ["src/core/new.py"]\nthreshold = 0\n\n'
    edit(grown, "[tool.ratchet.components.core]", thief + "[tool.ratchet.components.core]")
    assert check(grown, ratchet_cli).code == 0
    r = check(grown, ratchet_cli, "--baseline-ref", "main")
    assert r.code == 1, r
    assert "component core no longer holds src/core/new.py" in flat(r.stdout)
    assert "FAIL component core 86.67% (-3.33)" in flat(r.stdout)
    # A new component that takes nothing of core's loosens nothing: core fails on its own.
    other = thief.replace("fresh", "rest").replace("src/core/new.py", "src/other.py")
    pyproject(grown).write_text(pyproject(grown).read_text().replace(thief, other))
    r = check(grown, ratchet_cli, "--baseline-ref", "main")
    assert r.code == 1, r
    assert "loosens" not in r.stdout and "FAIL component core 86.67%" in flat(r.stdout)


# -- 3. renames -------------------------------------------------------------------------------


@pytest.fixture
def moved(repo: Project) -> Project:
    """`git mv src/core/b.py src/core/b2.py`, and b2 falls 90% -> 80%; other.py grows
    covered code so that the total does not fall."""
    git(repo.root, "mv", "src/core/b.py", "src/core/b2.py")
    measure(repo, {"core/a.py": (10, 1), "core/b2.py": (10, 2), "other.py": (60, 20)})
    return repo


@pytest.mark.parametrize("args", [("--baseline-ref", "main"), ("--diff", "main")])
def test_renames__a_moved_file_keeps_its_floor(moved: Project, ratchet_cli: RunRatchet, args):
    r = check(moved, ratchet_cli, *args)
    assert r.code == 1, r
    assert "  FAIL src/core/b2.py  90.00% -> 80.00%  -10.00  +1 uncovered" in r.stdout
    r = check(moved, ratchet_cli, "-v", *args)
    assert (
        "FAIL src/core/b2.py (renamed from src/core/b.py): 90.0000% -> 80.0000% "
        "(-10.0000 points; uncovered 1 -> 2)"
    ) in flat(r.stdout)


def test_renames__an_update_that_drops_the_moved_floor_is_a_loosening(
    moved: Project, ratchet_cli: RunRatchet
):
    r = ratchet_cli("update", "coverage.json", cwd=moved.root)
    assert r.code == 0, r  # update knows no renames: b2.py's line is new, b.py's gone
    assert "src/core/b2.py\t10\t8\t" in (moved.root / "coverage-baseline.tsv").read_text()
    r = check(moved, ratchet_cli, "--baseline-ref", "main")
    assert r.code == 1, r
    assert (
        "src/core/b2.py (was src/core/b.py): per-file line 80.0000% (8/10) < 90.0000% (9/10)"
    ) in flat(r.stdout)


# -- 4. a bar that is not there ---------------------------------------------------------------


@pytest.mark.parametrize("components", [True, False], ids=["beside-components", "alone"])
def test_missing_bar__a_misspelt_section_is_bad_input(
    repo: Project, ratchet_cli: RunRatchet, components: bool
):
    text = pyproject(repo).read_text().replace("[tool.ratchet]\n", "[tool.rachet]\n")
    if not components:
        text = text[: text.index("[tool.ratchet.components.core]")]
    pyproject(repo).write_text(text)
    for args in ((), ("--baseline-ref", "main")):
        r = check(repo, ratchet_cli, *args)
        assert r.code == 2, r
        assert "[tool.rachet] looks like coverage-ratchet's settings under another name" in r.stderr


def test_missing_bar__components_alone_are_no_bar_and_init_records_them(
    repo: Project, ratchet_cli: RunRatchet
):
    pyproject(repo).write_text(PYPROJECT)
    r = check(repo, ratchet_cli)
    assert r.code == 2
    assert "[tool.ratchet] records no bar (no threshold or baseline" in r.stderr
    r = ratchet_cli("init", "coverage.json", cwd=repo.root)
    assert r.code == 0, r
    text = pyproject(repo).read_text()
    assert "threshold = 60\n" in text and "threshold = 90\n" in section(text, "core")
    assert check(repo, ratchet_cli, "--baseline-ref", "main").code == 0


def test_missing_bar__a_missing_baseline_file_is_bad_input_and_never_rebuilt(
    repo: Project, ratchet_cli: RunRatchet
):
    tsv = repo.root / "coverage-baseline.tsv"
    tsv.unlink()
    for command in (("check",), ("update",), ("accept", "--reason", "x")):
        r = ratchet_cli(*command, "coverage.json", cwd=repo.root)
        assert r.code == 2, r
        assert "names baseline_file 'coverage-baseline.tsv', which does not exist" in r.stderr
    assert not tsv.exists()
    tsv.write_text("")  # started on purpose: update fills it
    assert ratchet_cli("update", "coverage.json", cwd=repo.root).code == 0
    assert "src/core/a.py\t10\t9\t0\t0\n" in tsv.read_text()


def test_missing_bar__the_section_removed_on_the_branch_is_a_loosening(
    repo: Project, ratchet_cli: RunRatchet
):
    measure(repo, {**MAIN, "core/b.py": (10, 4)})  # b.py falls
    pyproject(repo).write_text('[project]\nname = "integrity"\n')
    r = check(repo, ratchet_cli)
    assert r.code == 2 and "no [tool.ratchet] section; run `ratchet init` first" in r.stderr
    r = check(repo, ratchet_cli, "--baseline-ref", "main")
    assert r.code == 1, r
    assert "loosens the bar set at the baseline ref ([tool.ratchet] removed" in flat(r.stdout)
    assert "  FAIL src/core/b.py  90.00% -> 60.00%  -30.00" in r.stdout  # main's bar judges
    assert "  FAIL component core  75.00% (-15.00)  threshold 90%" in r.stdout


def test_missing_bar__no_section_here_or_at_the_ref_is_bad_input(
    tmp_path: Path, ratchet_cli: RunRatchet
):
    proj = Project(tmp_path / "bare")
    proj.write("pyproject.toml", '[project]\nname = "bare"\n')
    git(proj.root, "init", "-q", "-b", "main")
    git(proj.root, "add", "-A")
    git(proj.root, "commit", "-qm", "no bar yet")
    r = ratchet_cli("check", "--baseline-ref", "main", cwd=proj.root)
    assert r.code == 2, r
    assert r.stderr.endswith("no [tool.ratchet] section; run `ratchet init` first\n")


def test_missing_bar__init_names_a_component_the_report_does_not_measure(
    repo: Project, ratchet_cli: RunRatchet
):
    pyproject(repo).write_text(
        PYPROJECT + '\n[tool.ratchet.components.ghost]\npaths = ["nowhere/**"]\n'
    )
    r = ratchet_cli("init", "--baseline-file", "b.tsv", "coverage.json", cwd=repo.root)
    assert r.code == 2, r
    assert "the report measures none of the files of component ghost (nowhere/**)" in r.stderr
    pyproject(repo).write_text(PYPROJECT)
    r = ratchet_cli("init", "--baseline-file", "b.tsv", "coverage.json", cwd=repo.root)
    assert r.code == 0, r
    assert 'baseline_file = "b.tsv"' in pyproject(repo).read_text()
    assert (repo.root / "b.tsv").read_text() == (repo.root / "coverage-baseline.tsv").read_text()


def test_files__a_file_no_longer_measured_keeps_its_floor_and_its_line(
    repo: Project, ratchet_cli: RunRatchet
):
    measure(repo, {"core/a.py": (10, 1), "core/b.py": (10, 1)}, "src/core")  # not other.py
    tsv = repo.root / "coverage-baseline.tsv"
    tsv.write_text("".join(x for x in tsv.read_text().splitlines(True) if "other.py" not in x))
    r = check(repo, ratchet_cli, "--baseline-ref", "main")
    assert r.code == 1, r
    assert "src/other.py: per-file line removed (was 50.0000% (20/40))" in flat(r.stdout)
    assert "FAIL src/other.py 50.00% -> not measured" in flat(r.stdout)
