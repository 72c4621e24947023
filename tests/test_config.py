"""[tool.ratchet] validation: every mistake is one clear error, never a silent default."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from ratchet import filebaseline
from ratchet.config import for_reinit, from_text, load
from ratchet.errors import RatchetError
from ratchet.models import Baseline, Counts

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
    "edge", ["threshold = 0", "threshold = 100", "step = 100", "precision = 0"]
)
def test_boundaries_accepted(edge: str):
    parse(edge)


def test_no_section__not_present():
    c = from_text("[project]\nname = 'x'\n", None, src="pyproject.toml")
    assert not c.present


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
