"""JaCoCo XML (ratchet/readers/jacoco.py): lines counted as JaCoCo counts them, groups and roots."""

# Reports written inline read best on one line each.
# ruff: noqa: E501

from __future__ import annotations

from pathlib import Path

import pytest

from ratchet.readers.load import load
from tests.conftest import write_file as _write

pytestmark = pytest.mark.unit


# -- JaCoCo -------------------------------------------------------------------------------


def test_jacoco__aggregate_report_group_is_the_module_directory(tmp_path: Path):
    for module in ("core", "web"):
        (tmp_path / module / "src/main/java/com/x").mkdir(parents=True)
        (tmp_path / module / f"src/main/java/com/x/{module.title()}.java").write_text(
            "class A {}\n"
        )
    line = "<line nr='3' mi='0' ci='2' mb='1' cb='1'/>"
    xml = (
        "<report name='all'>"
        + "".join(
            f"<group name='{m}'><package name='com/x'><sourcefile name='{m.title()}.java'>{line}"
            "</sourcefile></package></group>"
            for m in ("core", "web")
        )
        + "</report>"
    )
    p = _write(tmp_path, "target/site/jacoco-aggregate/jacoco.xml", xml)
    rep = load([p], root=tmp_path)
    assert [f.path for f in rep.files] == [
        "core/src/main/java/com/x/Core.java",
        "web/src/main/java/com/x/Web.java",
    ]
    assert (rep.totals.lines_covered, rep.totals.branches_valid, rep.totals.branches_covered) == (
        2,
        4,
        2,
    )


def test_jacoco__line_without_instructions_not_counted_partly_covered_counted_covered(
    tmp_path: Path,
):
    lines = "<line nr='1' mi='0' ci='0'/><line nr='2' mi='3' ci='1'/><line nr='3' mi='2' ci='0'/>"
    p = _write(
        tmp_path,
        "j.xml",
        f"<report name='r'><package name=''><sourcefile name='A.kt'>{lines}</sourcefile></package></report>",
    )
    (f,) = load([p], root=tmp_path).files
    assert (f.path, f.counts.lines_valid, f.counts.lines_covered, f.missing_lines) == (
        "A.kt",
        2,
        1,
        (3,),
    )


def test_jacoco__report_outside_the_config_root__roots_from_the_root_only(tmp_path: Path):
    (tmp_path / "repo" / "src/main/java/x").mkdir(parents=True)
    (tmp_path / "repo" / "src/main/java/x/A.java").write_text("class A {}\n")
    p = _write(
        tmp_path,
        "elsewhere/jacoco.xml",
        "<report name='r'><class name='x/A'><line nr='9'/></class><package name='x'>"
        "<sourcefile name='A.java'><line nr='1' mi='0' ci='1'/></sourcefile></package></report>",
    )
    (f,) = load([p], root=tmp_path / "repo").files
    assert (f.path, f.counts.lines_valid) == ("src/main/java/x/A.java", 1)
