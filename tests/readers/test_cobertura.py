"""Cobertura XML from producers other than coverage.py, and XML that must be refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from ratchet.errors import RatchetError
from ratchet.readers.load import load

pytestmark = pytest.mark.unit


def _load(tmp_path: Path, xml: str, name: str = "coverage.xml", *, counts_only: bool = False):
    """``counts_only``: read as ``check`` reads, through ``cobertura_scan`` where it can."""
    p = tmp_path / name
    p.write_text(xml)
    return load([p], root=tmp_path, keep_missing_lines=not counts_only)


both_readers = pytest.mark.parametrize("counts_only", [False, True], ids=["exact", "counts-only"])


ISTANBUL_STYLE = """<?xml version="1.0" ?>
<!DOCTYPE coverage SYSTEM "{dtd}">
<coverage lines-valid="4" lines-covered="3" line-rate="0.75" branches-valid="2"
          branches-covered="1" branch-rate="0.5" timestamp="1" complexity="0" version="0.1">
  <sources><source>{root}</source></sources>
  <packages><package name="src" line-rate="0.75" branch-rate="0.5">
    <classes><class name="calc.js" filename="src/calc.js" line-rate="0.75" branch-rate="0.5">
      <methods>
        <method name="classify" hits="1" signature="()V">
          <lines><line number="1" hits="1"/></lines>
        </method>
        <method name="unused" hits="0" signature="()V">
          <lines><line number="9" hits="0"/></lines>
        </method>
      </methods>
      <lines>
        <line number="1" hits="1" branch="false"/>
        <line number="2" hits="4" branch="true" condition-coverage="50% (1/2)"/>
        <line number="3" hits="2" branch="false"/>
        <line number="9" hits="0" branch="false"/>
      </lines>
    </class></classes>
  </package></packages>
</coverage>
"""


@both_readers
def test_istanbul__lines_inside_methods_not_counted_twice(tmp_path: Path, counts_only: bool):
    xml = ISTANBUL_STYLE.format(dtd="coverage-04.dtd", root=tmp_path)
    rep = _load(tmp_path, xml, counts_only=counts_only)
    (f,) = rep.files
    assert f.path == "src/calc.js"
    assert (f.counts.lines_valid, f.counts.lines_covered) == (4, 3)
    assert (f.counts.branches_valid, f.counts.branches_covered) == (2, 1)
    assert f.missing_lines == (() if counts_only else (9,))


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE coverage [
  <!ENTITY a "aaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<coverage><sources><source>&c;</source></sources></coverage>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE coverage [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<coverage><sources><source>&secret;</source></sources></coverage>
"""

PARAM_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE coverage [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>
<coverage/>
"""


@both_readers
@pytest.mark.parametrize(
    "xml", [BILLION_LAUGHS, XXE, PARAM_ENTITY], ids=["billion-laughs", "xxe", "param-entity"]
)
def test_hostile_xml__refused_without_expanding(tmp_path: Path, xml: str, counts_only: bool):
    with pytest.raises(RatchetError, match="entit") as e:
        _load(tmp_path, xml, counts_only=counts_only)
    assert "coverage.xml" in str(e.value)
    assert "root:" not in str(e.value)  # /etc/passwd content never surfaces


def _one_line(attrs: str) -> str:
    return (
        "<coverage><packages><package><classes><class filename='a.py'><lines>"
        f"<line {attrs}/></lines></class></classes></package></packages></coverage>"
    )


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (ISTANBUL_STYLE.format(dtd="x", root="/r")[:400], "invalid XML at line"),
        ("<report name='jacoco'/>", "JaCoCo"),
        ("<html><body/></html>", "not Cobertura"),
        (
            "<coverage><packages><package><classes><class filename='a.py'><lines>"
            "<line number='x' hits='1'/></lines></class></classes></package></packages></coverage>",
            "malformed",
        ),
        ("<coverage><packages/></coverage>", "no source files"),
        (_one_line("number='1' hits='-1'"), "negative hits '-1'"),
        (_one_line("number='0' hits='1'"), "line number 0"),
        (
            _one_line("number='1' hits='1' branch='true' condition-coverage='150% (3/2)'"),
            "covers more branches than there are",
        ),
    ],
    ids=[
        "truncated",
        "jacoco",
        "html",
        "bad-number",
        "empty",
        "negative-hits",
        "line-zero",
        "covered-over-valid",
    ],
)
@both_readers
def test_bad_xml__one_clear_error(tmp_path: Path, xml: str, message: str, counts_only: bool):
    with pytest.raises(RatchetError, match=message) as e:
        _load(tmp_path, xml, counts_only=counts_only)
    assert str(e.value).startswith(str(tmp_path / "coverage.xml"))


@both_readers
def test_zero_measurable_lines__refused(tmp_path: Path, counts_only: bool):
    xml = (
        "<coverage><packages><package><classes><class filename='a.py'><lines/></class>"
        "</classes></package></packages></coverage>"
    )
    with pytest.raises(RatchetError, match="measures no lines"):
        _load(tmp_path, xml, counts_only=counts_only)


@both_readers
def test_split_class__java_inner_classes_merge_into_one_file(tmp_path: Path, counts_only: bool):
    xml = """<coverage><sources><source>src/main/java</source></sources><packages><package>
    <classes>
      <class name="A" filename="com/x/A.java"><lines>
        <line number="3" hits="1"/><line number="4" hits="0"/></lines></class>
      <class name="A$Inner" filename="com/x/A.java"><lines>
        <line number="10" hits="1"/></lines></class>
    </classes></package></packages></coverage>"""
    rep = _load(tmp_path, xml, counts_only=counts_only)
    (f,) = rep.files
    assert f.path == "src/main/java/com/x/A.java"
    assert (f.counts.lines_valid, f.counts.lines_covered) == (3, 2)


def test_sources__path_resolved_against_the_source_that_holds_the_file(tmp_path: Path):
    (tmp_path / "lib" / "pkg").mkdir(parents=True)
    (tmp_path / "lib" / "pkg" / "m.py").write_text("x = 1\n")
    xml = f"""<coverage><sources><source>{tmp_path}/src</source><source>{tmp_path}/lib</source>
    </sources><packages><package><classes><class filename="pkg/m.py"><lines>
    <line number="1" hits="1"/></lines></class></classes></package></packages></coverage>"""
    rep = _load(tmp_path, xml)
    assert [f.path for f in rep.files] == ["lib/pkg/m.py"]


@both_readers
def test_condition_coverage_without_branch_names__counts_kept(tmp_path: Path, counts_only: bool):
    xml = """<coverage><packages><package><classes><class filename="a.c"><lines>
    <line number="1" hits="3" branch="true" condition-coverage="25% (1/4)"/>
    </lines></class></classes></package></packages></coverage>"""
    (f,) = _load(tmp_path, xml, counts_only=counts_only).files
    assert (f.counts.branches_valid, f.counts.branches_covered) == (4, 1)


TWO_ROOTS = """<coverage><sources><source>{root}/api</source><source>{root}/core</source>
</sources><packages><package name="pkg"><classes>
<class name="m.py" filename="pkg/m.py"><lines><line number="1" hits="1"/></lines></class>
<class name="n.py" filename="pkg/n.py"><lines><line number="1" hits="1"/></lines></class>
<class name="m.py" filename="pkg/m.py"><lines><line number="1" hits="0"/>
<line number="2" hits="0"/></lines></class>
</classes></package></packages></coverage>"""


@both_readers
def test_sources__a_name_listed_twice_under_two_roots_is_refused_even_if_one_is_gone(
    tmp_path: Path, counts_only: bool
):
    # core/pkg/m.py deleted since the run: the second entry is still another file.
    for name in ("api/pkg/m.py", "api/pkg/n.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    with pytest.raises(RatchetError, match=r"pkg/m\.py is listed twice under two of the report"):
        _load(tmp_path, TWO_ROOTS.format(root=tmp_path), counts_only=counts_only)


@both_readers
def test_sources__a_name_under_one_root_only_is_that_file(tmp_path: Path, counts_only: bool):
    for name in ("api/pkg/o.py", "core/pkg/n.py", "core/pkg/m.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    xml = TWO_ROOTS.format(root=tmp_path).replace('filename="pkg/m.py"', 'filename="pkg/o.py"', 1)
    rep = _load(tmp_path, xml, counts_only=counts_only)
    assert [f.path for f in rep.files] == ["api/pkg/o.py", "core/pkg/m.py", "core/pkg/n.py"]
