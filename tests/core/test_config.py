"""[tool.ratchet] validation: every mistake is one clear error, never a silent default."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from ratchet.core.config import Component, for_reinit, from_text, require_bar
from ratchet.core.models import Baseline, Counts
from ratchet.errors import RatchetError
from ratchet.store import filebaseline
from ratchet.store.pyproject import load_config as load

pytestmark = pytest.mark.unit


def parse(body: str):
    return from_text(f"[tool.ratchet]\n{body}\n", None, src="pyproject.toml")


def test_defaults():
    c = parse("")
    assert c.present
    assert (c.threshold, c.step, c.max_threshold, c.tolerance) == (0, 5, 100, 0)
    assert c.baseline is None
    assert c.precision == 2


def test_numbers_are_exact_decimals():
    c = parse("threshold = 72.5\nbaseline = 78.42\ntolerance = 0.1")
    assert (c.threshold, c.baseline, c.tolerance) == (
        Decimal("72.5"),
        Baseline(legacy=Decimal("78.42")),
        Decimal("0.1"),
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("threshold = -0.01", "between 0 and 100"),
        ("threshold = 100.01", "between 0 and 100"),
        ("threshold = true", "must be a number"),
        ("threshold = nan", "finite|between"),
        ("step = 0", "greater than 0"),
        ("precision = 7", "integer 0-6"),
        ("precision = 1.5", "integer 0-6"),
        ("baseline = 50\nbaseline_uncovered = -1", "non-negative integer"),
        ("baseline_uncovered = 1", "baseline_uncovered without a baseline"),
        ("patch_empty = 'maybe'", "one of pass, fail"),
        ("fail_on_indirect = 'yes'", "true or false"),
        ("reports = [1]", "list of paths"),
        ("paths = { src = [] }", "non-empty lists"),
        ("threshold = 90\nmax_threshold = 80", "above max_threshold"),
        ("baseline_file = ''", "non-empty string"),
        ("stepp = 5", "did you mean 'step'"),
        ("threshold = inf", "between 0 and 100"),
        ("baseline_file = '.'", "names no file"),
        ("reports = 'coverage.xml'\nreports = 'x'", "invalid TOML"),
    ],
)
def test_invalid__one_message_naming_the_key(body: str, message: str):
    with pytest.raises(RatchetError, match=message) as e:
        parse(body)
    assert str(e.value).startswith("pyproject.toml: ")


@pytest.mark.parametrize(
    "text",
    ["tool = 1\n", "[tool]\nratchet = 'on'\n"],
    ids=["tool-not-a-table", "section-not-a-table"],
)
@pytest.mark.parametrize("reader", [from_text, for_reinit])
def test_invalid__tool_or_section_not_a_table(text: str, reader):
    with pytest.raises(RatchetError, match=r"must be a table") as e:
        reader(text, None, src="pyproject.toml")
    assert str(e.value).startswith("pyproject.toml: ")


def test_for_reinit__no_section_is_a_fresh_config():
    cfg, dropped = for_reinit("[project]\nname = 'x'\n", Path("/p/pyproject.toml"), src="p")
    assert (cfg.present, dropped) == (False, ())


@pytest.mark.parametrize(
    ("value", "expected"),
    [("'coverage.xml'", ("coverage.xml",)), ("['a.xml', 'b.json']", ("a.xml", "b.json"))],
)
def test_reports__one_path_or_a_list(value: str, expected: tuple[str, ...]):
    assert parse(f"reports = {value}").reports == expected


def test_load__a_missing_config_file_is_named(tmp_path: Path):
    with pytest.raises(RatchetError) as e:
        load(tmp_path / "nope.toml")
    assert str(e.value) == f"{tmp_path / 'nope.toml'}: no such file"


@pytest.mark.parametrize(
    ("edge", "field", "value"),
    [
        ("threshold = 0", "threshold", 0),
        ("threshold = 100", "threshold", 100),
        ("step = 100", "step", 100),
        ("precision = 0", "precision", 0),
    ],
)
def test_boundaries_accepted(edge: str, field: str, value: int):
    assert getattr(parse(edge), field) == value


def test_no_section__not_present():
    c = from_text("[project]\nname = 'x'\n", None, src="pyproject.toml")
    assert not c.present


@pytest.mark.parametrize(
    "text",
    [
        "[tool.rachet]\nthreshold = 85\n",
        "[tool.Ratchet]\nbaseline_file = 'b.tsv'\n",
        "[tool.coverage-ratchet]\nthreshold = 85\n",
        "[tool.ratchett.components.core]\npaths = ['src/**']\n",
        # Beside a [tool.ratchet] of components, the misspelt table held the total's bar.
        "[tool.ratchet.components.core]\npaths = ['src/**']\n[tool.rachet]\nthreshold = 85\n",
    ],
    ids=["typo", "case", "distribution-name", "components", "beside-the-real-one"],
)
@pytest.mark.parametrize("reader", [from_text, for_reinit])
def test_misspelt_section__is_bad_input_naming_it(text: str, reader):
    with pytest.raises(RatchetError) as e:
        reader(text, None, src="pyproject.toml")
    name = next(n for n in ("rachet", "Ratchet", "coverage-ratchet", "ratchett") if n in text)
    name = f"tool.{name}"
    assert str(e.value) == (
        f"pyproject.toml: [{name}] looks like coverage-ratchet's settings under another "
        "name (did you mean [tool.ratchet]?): rename it, or it is not read"
    )


@pytest.mark.parametrize(
    "text",
    [
        "[tool.rach]\nthreshold = 85\n",  # not close enough to the name
        "[tool.ratchet-release]\nbump = 'minor'\n",  # another tool's keys
        "[tool.black]\nline-length = 99\n",
        "[tool]\nrachet = 1\n",  # not a table
    ],
)
def test_misspelt_section__other_tools_tables_are_left_alone(text: str):
    assert not from_text(text, None, src="pyproject.toml").present


@pytest.mark.parametrize(
    ("body", "recorded"),
    [
        ("", False),
        ("baseline_file = 'b.tsv'\nstep = 10", False),
        ("[tool.ratchet.components.api]\npaths = ['api/**']\nthreshold = 90", False),
        ("threshold = 0", True),
        ("baseline = 50", True),
        ("baseline = {covered = 5, measured = 10}", True),
    ],
    ids=["empty", "settings", "components", "threshold", "legacy-baseline", "baseline"],
)
def test_recorded__only_a_threshold_or_a_baseline_is_a_bar(body: str, recorded: bool):
    c = parse(body)
    assert (c.present, c.recorded, c.has_bar) == (True, recorded, recorded)


def test_require_bar__none_recorded_is_bad_input():
    with pytest.raises(RatchetError) as e:
        require_bar(parse("[tool.ratchet.components.api]\npaths = ['api/**']"))
    assert str(e.value) == (
        "pyproject.toml (none found): [tool.ratchet] records no bar (no threshold or "
        "baseline; settings and components are not one): run `ratchet init` to record it"
    )
    with pytest.raises(RatchetError, match=r"no \[tool.ratchet\] section; run `ratchet init`"):
        require_bar(from_text("", None, src="p"))
    require_bar(parse("threshold = 0"))


@pytest.mark.parametrize(
    "value",
    [
        "../b.tsv",
        "a/../../b.tsv",
        "/etc/b.tsv",
        "C:/b.tsv",
        "C:b.tsv",
        r"\\host\b.tsv",
        r"..\b.tsv",
    ],
)
def test_baseline_file__outside_the_project_is_refused(value: str):
    with pytest.raises(RatchetError, match="is outside the project"):
        parse(f"baseline_file = {json.dumps(value)}")


@pytest.mark.parametrize("value", ["b.tsv", "ci/b.tsv", "./b.tsv", "ci/../b.tsv"])
def test_baseline_file__inside_the_project_is_accepted(value: str):
    assert parse(f"baseline_file = {value!r}").baseline_file == value


def test_for_reinit__drops_unknown_keys_and_ignores_what_init_rewrites():
    text = (
        "[tool.ratchet]\ntreshold = 80\nthreshold = 'broken'\nbaseline_file = '../x'\n"
        "precision = 0\nmax_threshold = 90\n"
    )
    cfg, dropped = for_reinit(text, Path("/p/pyproject.toml"), src="pyproject.toml")
    assert dropped == ("treshold",)
    assert (cfg.precision, cfg.max_threshold, cfg.threshold, cfg.baseline_file) == (
        0,
        Decimal(90),
        Decimal(0),
        None,
    )
    with pytest.raises(RatchetError, match="precision"):  # what it keeps is still validated
        for_reinit("[tool.ratchet]\nprecision = 9\n", None, src="p")  # type: ignore[arg-type]


# -- the per-file baseline file ------------------------------------------------------------


def test_baseline_tsv__a_path_listed_twice_is_refused_with_both_lines():
    text = "# header\na.py\t10\t9\t0\t0\nb.py\t1\t1\t0\t0\na.py\t10\t1\t0\t0\n"
    with pytest.raises(RatchetError) as e:
        filebaseline.parse(text, source="coverage-baseline.tsv")
    assert str(e.value) == (
        "coverage-baseline.tsv: line 4: 'a.py' is listed twice (first on line 2)"
    )


def test_baseline_tsv__round_trips_names_with_any_line_separator():
    files = {
        "a\u2028b.py": Counts(1, 1, 0, 0),
        "c\x1cd.py": Counts(2, 1, 0, 0),
        "e\r\nf.py": Counts(3, 0, 2, 1),
    }
    text = filebaseline.render(files)
    assert filebaseline.parse(text, source="t") == files
    assert filebaseline.parse(text.replace("\n", "\r\n"), source="t") == files


# -- baseline = { percent, covered, measured, branches, uncovered } -------------------------


@pytest.mark.parametrize(
    ("body", "baseline"),
    [
        ("baseline = { covered = 771, measured = 776 }", Baseline(771, 776, None, 5)),
        (
            "baseline = { percent = 99.35, covered = 771, measured = 776, branches = 48, "
            "uncovered = 3 }",
            Baseline(771, 776, 48, 3),
        ),
        ("baseline = { covered = 0, measured = 0, branches = 0 }", Baseline(0, 0, 0, 0)),
        ("baseline = { covered = 5, measured = 5, branches = 5 }", Baseline(5, 5, 5, 0)),
        # percent is for reading, truncated to its own places: within one unit of the last
        # place it shown, either way, the counts agree with it.
        ("baseline = { percent = 99, covered = 771, measured = 776 }", Baseline(771, 776, None, 5)),
        (
            "baseline = { percent = 100, covered = 771, measured = 776 }",
            Baseline(771, 776, None, 5),
        ),
        ("baseline = { percent = 33.34, covered = 1, measured = 3 }", Baseline(1, 3, None, 2)),
        ("baseline = { percent = 100.0, covered = 0, measured = 0 }", Baseline(0, 0, None, 0)),
    ],
)
def test_exact_baseline__the_counts_are_read(body: str, baseline: Baseline):
    assert parse(body).baseline == baseline


SRC = "pyproject.toml: [tool.ratchet] "


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "baseline = { covered = 1, measured = 2 }\nbaseline_uncovered = 1",
            SRC + "baseline_uncovered: give it as `uncovered` inside baseline = {...}",
        ),
        (
            "baseline = { coverd = 1, measured = 2 }",
            "pyproject.toml: unknown key 'coverd' in [tool.ratchet] baseline "
            "(did you mean 'covered'?)",
        ),
        (
            "baseline = { covered = 1, measured = 2, zzz = 0 }",
            "pyproject.toml: unknown key 'zzz' in [tool.ratchet] baseline",
        ),
        *(
            (
                f"baseline = {{ {given} }}",
                SRC + "baseline needs `covered` and `measured` (the counts of the accepted "
                "run); `ratchet update` writes them",
            )
            for given in ("covered = 1", "measured = 2", "percent = 50")
        ),
        (
            "baseline = { covered = -1, measured = 2 }",
            SRC + "baseline.covered must be a non-negative integer",
        ),
        (
            "baseline = { covered = 1, measured = 2.0 }",
            SRC + "baseline.measured must be a non-negative integer",
        ),
        (
            "baseline = { covered = true, measured = 2 }",
            SRC + "baseline.covered must be a non-negative integer",
        ),
        (
            "baseline = { covered = 3, measured = 2 }",
            SRC + "baseline covers 3 of 2: more than it measured",
        ),
        (
            "baseline = { covered = 1, measured = 2, branches = 3 }",
            SRC + "baseline.branches 3 is more than it measured",
        ),
        (
            "baseline = { covered = 1, measured = 2, branches = -1 }",
            SRC + "baseline.branches must be a non-negative integer",
        ),
        (
            "baseline = { covered = 1, measured = 2, uncovered = '1' }",
            SRC + "baseline.uncovered must be a non-negative integer",
        ),
        (
            "baseline = { covered = 1, measured = 3, uncovered = 3 }",  # a wider exemption
            SRC + "baseline.uncovered 3 is more than the 2 the accepted run left uncovered: "
            "it can only be fewer",
        ),
        (
            "baseline = { percent = 101, covered = 1, measured = 2 }",
            SRC + "baseline.percent = 101 must be between 0 and 100",
        ),
        (
            "baseline = { percent = 49, covered = 1, measured = 2 }",
            SRC + "baseline percent 49 does not match its counts 1/2 (50.0000%): the counts "
            "decide. To lower the bar on purpose use `ratchet accept --reason ...`",
        ),
        (
            "baseline = { percent = 33.32, covered = 1, measured = 3 }",
            SRC + "baseline percent 33.32 does not match its counts 1/3 (33.3333%): the counts "
            "decide. To lower the bar on purpose use `ratchet accept --reason ...`",
        ),
    ],
)
def test_exact_baseline__each_mistake_is_one_message(body: str, message: str):
    with pytest.raises(RatchetError) as e:
        parse(body)
    assert str(e.value) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "expect_reports must be a positive integer"),
        ("-1", "expect_reports must be a positive integer"),
        ("true", "expect_reports must be a positive integer"),
        ("'2'", "expect_reports must be a positive integer"),
        ("1.0", "expect_reports must be a positive integer"),
    ],
)
def test_expect_reports__a_positive_integer(value: str, message: str):
    with pytest.raises(RatchetError) as e:
        parse(f"expect_reports = {value}")
    assert str(e.value) == SRC + message
    assert parse("expect_reports = 1").expect_reports == 1
    assert parse("").expect_reports is None


# -- [tool.ratchet.components.NAME] ------------------------------------------------------------


def test_components__every_key_read_in_order():
    c = parse(
        "[tool.ratchet.components.api]\n"
        'paths = ["packages/api/**", "tools/api_*.py"]\n'
        "threshold = 85\nstep = 2.5\npatch_threshold = 90\n"
        "baseline = { percent = 85, covered = 85, measured = 100, branches = 10 }\n"
        '[tool.ratchet.components."web-2_x.y"]\n'
        'paths = "packages/web/"\n'
    )
    api, web = c.components
    assert api == Component(
        name="api",
        paths=("packages/api/**", "tools/api_*.py"),
        threshold=Decimal(85),
        step=Decimal("2.5"),
        baseline=Baseline(85, 100, 10, 15),
        patch_threshold=Decimal(90),
    )
    assert web == Component(name="web-2_x.y", paths=("packages/web/",))  # the project's step
    assert parse("").components == ()


CAT = "pyproject.toml: [tool.ratchet.components.api]"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("components = 1", "pyproject.toml: [tool.ratchet.components] must be a table of tables"),
        (
            "components = ['api']",
            "pyproject.toml: [tool.ratchet.components] must be a table of tables",
        ),
        ("[tool.ratchet.components]\napi = 'packages/api'", CAT + " must be a table"),
        (
            '[tool.ratchet.components."api v2"]\npaths = ["x"]',
            "pyproject.toml: [tool.ratchet.components.api v2]: a component's name is letters, "
            "digits, '.', '_' and '-'",
        ),
        (
            '[tool.ratchet.components."-api"]\npaths = ["x"]',
            "pyproject.toml: [tool.ratchet.components.-api]: a component's name is letters, "
            "digits, '.', '_' and '-'",
        ),
        (
            f'[tool.ratchet.components.{"a" * 65}]\npaths = ["x"]',
            f"pyproject.toml: [tool.ratchet.components.{'a' * 65}]: a component's name is "
            "letters, digits, '.', '_' and '-'",
        ),
        (
            '[tool.ratchet.components.api]\npath = ["x"]',
            "pyproject.toml: unknown key 'path' in [tool.ratchet.components.api] "
            "(did you mean 'paths'?)",
        ),
        (
            '[tool.ratchet.components.api]\npaths = ["x"]\nowner = "me"',
            "pyproject.toml: unknown key 'owner' in [tool.ratchet.components.api]",
        ),
        *(
            (
                f"[tool.ratchet.components.api]\n{paths}",
                CAT + " paths must be a non-empty list of globs",
            )
            for paths in (
                "",
                "paths = []",
                "paths = ['']",
                "paths = ''",
                "paths = [1]",
                "paths = 1",
            )
        ),
        (
            '[tool.ratchet.components.api]\npaths = ["x"]\nthreshold = 101',
            "pyproject.toml: [tool.ratchet] components.api.threshold = 101 must be between 0 "
            "and 100",
        ),
        (
            '[tool.ratchet.components.api]\npaths = ["x"]\npatch_threshold = "90"',
            "pyproject.toml: [tool.ratchet] components.api.patch_threshold must be a number, "
            "not '90'",
        ),
        (
            '[tool.ratchet.components.api]\npaths = ["x"]\nstep = 0',
            CAT + " step must be greater than 0",
        ),
        (
            '[tool.ratchet.components.api]\npaths = ["x"]\nstep = 101',
            "pyproject.toml: [tool.ratchet] components.api.step = 101 must be between 0 and 100",
        ),
        (
            '[tool.ratchet.components.api]\npaths = ["x"]\n'
            "baseline = { covered = 2, measured = 1 }",
            "pyproject.toml: [tool.ratchet] components.api.baseline covers 2 of 1: more than it "
            "measured",
        ),
        (
            '[tool.ratchet.components.api]\npaths = ["x"]\nbaseline = { covered = 1 }',
            "pyproject.toml: [tool.ratchet] components.api.baseline needs `covered` and "
            "`measured` (the counts of the accepted run); `ratchet update` writes them",
        ),
        (
            '[tool.ratchet.components.api]\npaths = ["x"]\nbaseline = { coverd = 1 }',
            "pyproject.toml: unknown key 'coverd' in [tool.ratchet] components.api.baseline "
            "(did you mean 'covered'?)",
        ),
    ],
)
def test_components__each_mistake_names_the_component_and_key(body: str, message: str):
    with pytest.raises(RatchetError) as e:
        parse(body)
    assert str(e.value) == message


def test_components__a_percent_baseline_is_allowed_as_for_the_total():
    (api,) = parse('[tool.ratchet.components.api]\npaths = ["x"]\nbaseline = 85.5').components
    assert api.baseline == Baseline(legacy=Decimal("85.5"))
