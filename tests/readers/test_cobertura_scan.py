"""The counts-only scanner agrees with the exact reader, always.

``cobertura_scan.scan`` reads coverage.py's and istanbul's layouts without a Python call
per line and returns None for anything else, which the exact reader then reads. These tests
generate reports in those layouts and break them in the ways a byte scanner could be fooled
by (comments, CDATA and processing instructions where tags are expected, a fake ``</class>``,
``<line>`` elements outside their class, odd whitespace, split classes, repeated line
numbers, leading zeros, numbers too long for ``int``, entity and character references,
bytes that are not UTF-8, attributes out of order or given twice, DOCTYPEs with entities,
junk after the root, truncation) and read each with chunk boundaries in many places: where
the scanner answers, its files, roots and counts must be the exact reader's, and so must the
line detail it reads back; where the exact reader refuses a report, the scanner must not
answer.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ratchet.core.models import Counts
from ratchet.errors import RatchetError
from ratchet.readers import CountedFile, cobertura, cobertura_scan
from ratchet.readers.load import load
from tests.conftest import FIXTURES

pytestmark = pytest.mark.unit

# Ways to break a report, each applied where it can do harm. A hostile report has one or
# two of them; the rest of it is well-formed and in a layout the scanner reads, so that
# each fault meets the scanner alone.
FAULTS = [
    # in a <line>
    "number-leading-zero",
    "number-too-long-for-int",
    "number-long",
    "number-malformed",
    "hits-malformed",
    "covered-over-valid",
    "condition-on-branch-false",
    "attributes-reordered",
    "attribute-twice",
    "single-quotes",
    "escaped-tag-in-value",
    "line-not-self-closed",
    # in a <lines>
    "line-listed-twice",
    "markup-between-lines",
    "lines-end-tag-spaced",
    # in a <class>
    "filename-with-reference",
    "filename-missing",
    "class-attribute-twice",
    "second-lines",
    "line-outside-lines",
    "class-end-tag-spaced",
    "class-split-in-two",
    # around the classes
    "markup-between-classes",
    "line-outside-class",
    "encoding-latin-1",
    "doctype-with-entity",
    "markup-in-head",
    "source-with-reference",
    "junk-after-root",
    "bytes-not-utf-8",
    "control-character",
    "truncated",
]

# Markup a byte scanner could be fooled by (and blanks, which it reads).
MARKUP = [
    "\n      ",
    "<!-- a comment -->",
    "<!-- </class> -->",
    "<!-- caf\u00e9 -->",
    "<![CDATA[ </class> ]]>",
    "<?pi </class>?>",
    "<!---->",
    "text",
    "&#32;",
]


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        k = self.rng.choice([0, 0, 1, 2])
        self.faults = set(self.rng.sample(FAULTS, k))

    def fault(self, name: str, p: float = 0.3) -> bool:
        return name in self.faults and self.rng.random() < p

    def line(self, n: int) -> str:
        rng = self.rng
        number = str(n)
        if self.fault("number-leading-zero"):
            number = f"0{n}"  # the same number to int(), not the same bytes
        elif self.fault("number-too-long-for-int", 0.1):
            number = "9" * 5000 + str(n)  # int() refuses it
        elif self.fault("number-long"):
            number = "9" * 25 + str(n)
        elif self.fault("number-malformed"):
            number = rng.choice(["x", "", "1.5", "-3", "0", " 7"])
        hits = rng.choice(["0", "1", "1", "3", "12"])
        if self.fault("hits-malformed"):
            hits = rng.choice(["00", "01", "-1", "x", "", " 1"])
        attrs = [("number", number), ("hits", hits)]
        r = rng.random()
        if r < 0.25:
            valid = rng.choice([2, 2, 3, 4])
            covered = rng.randrange(valid + 1)
            if self.fault("covered-over-valid"):
                covered = valid + 1
            attrs.append(("branch", "true"))
            attrs.append(("condition-coverage", f"{covered * 100 // valid}% ({covered}/{valid})"))
            if covered < valid and rng.random() < 0.7:
                names = rng.choices(["exit", str(n + 3), str(n + 9)], k=valid - covered)
                attrs.append(("missing-branches", ",".join(names)))
        elif r < 0.45:
            attrs.append(("branch", rng.choice(["false", "false", "true"])))
            if attrs[-1][1] == "false" and self.fault("condition-on-branch-false"):
                attrs.append(("condition-coverage", "50% (1/2)"))
        if self.fault("attributes-reordered"):
            rng.shuffle(attrs)
        if self.fault("attribute-twice"):
            attrs.append(attrs[0])
        text = " ".join(f'{k}="{v}"' for k, v in attrs)
        if self.fault("single-quotes"):
            text = text.replace('"', "'")
        if self.fault("escaped-tag-in-value"):
            text += ' note="why?! &lt;/class&gt;"'
        close = "/>"
        if self.fault("line-not-self-closed"):
            close = rng.choice(["></line>", " />", ">\n</line>"])
        return f"<line {text}{close}"

    def lines(self, indent: str) -> str:
        rng = self.rng
        count = 0 if rng.random() < 0.1 else rng.randrange(1, 25)
        if count == 0 and rng.random() < 0.5:
            return f"{indent}<lines/>"
        numbers = sorted(rng.sample(range(1, 80), count))
        if numbers and self.fault("line-listed-twice"):
            numbers.append(rng.choice(numbers))  # its hits add up in the exact reader
        out = [f"{indent}<lines>"]
        for n in numbers:
            between = f"\n{indent}\t"
            if self.fault("markup-between-lines", 0.1):
                between = rng.choice(MARKUP)
            out.append(between + self.line(n))
        end = "</lines\n>" if self.fault("lines-end-tag-spaced") else "</lines>"
        return "".join(out) + f"\n{indent}{end}"

    def methods(self, indent: str) -> str:
        if self.rng.random() < 0.5:
            return f"{indent}<methods/>"
        out = [f"{indent}<methods>"]
        for i in range(self.rng.randrange(0, 3)):
            out.append(f'\n{indent}\t<method name="m{i}" hits="1" signature="()V">\n')
            out.append(self.lines(indent + "\t\t"))
            out.append(f"\n{indent}\t</method>")
        return "".join(out) + f"\n{indent}</methods>"

    def klass(self, name: str) -> str:
        rng = self.rng
        filename = name
        if self.fault("filename-with-reference"):
            filename = "a&amp;b.py"
        elif self.fault("filename-missing"):
            filename = ""  # the name attribute names the file
        attrs = f'name="{name.rsplit("/", 1)[-1]}" filename="{filename}" line-rate="0.5"'
        if self.fault("class-attribute-twice"):
            attrs += ' line-rate="1"'
        indent = "\t\t\t\t"
        if rng.random() < 0.03:
            return f"{indent}<class {attrs}/>"
        methods = self.methods(indent + "\t")
        lines = self.lines(indent + "\t")
        body = f"{methods}\n{lines}" if rng.random() < 0.8 else f"{lines}\n{methods}"
        if self.fault("second-lines"):
            body += "\n" + self.lines(indent + "\t")  # its lines count too
        if self.fault("line-outside-lines"):
            body += '\n<line number="70" hits="2"/>'  # in the class: it counts
        end = "</class\n>" if self.fault("class-end-tag-spaced") else "</class>"
        return f"{indent}<class {attrs}>\n{body}\n{indent}{end}"

    def report(self) -> bytes:
        rng = self.rng
        out = ["\ufeff" if rng.random() < 0.05 else ""]
        declarations = ['<?xml version="1.0" ?>\n', '<?xml version="1.0" encoding="UTF-8"?>\n', ""]
        if self.fault("encoding-latin-1", 1):
            declarations = ['<?xml version="1.0" encoding="ISO-8859-1"?>\n']
        out.append(rng.choice(declarations))
        if self.fault("doctype-with-entity", 1):
            out.append('<!DOCTYPE coverage [<!ENTITY x "y">]>\n')
        elif rng.random() < 0.2:
            out.append('<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/c.dtd">\n')
        out.append('<coverage version="7.10" line-rate="0.5" lines-valid="9" complexity="0">\n')
        out.append("\t<!-- Generated by coverage.py: https://coverage.readthedocs.io/en/7.10 -->\n")
        if self.fault("markup-in-head", 1):
            out.append(rng.choice(MARKUP))
        sources = [
            "\t<sources>\n\t\t<source>/src</source>\n\t</sources>\n",
            "\t<sources>\n\t\t<source>/src</source>\n"
            "\t\t<source> /l\u00efb </source>\n\t</sources>\n",
            "\t<sources/>\n",
            "\t<sources>\n\t\t<source/>\n\t</sources>\n",
        ]
        if self.fault("source-with-reference", 1):
            sources = ["\t<sources>\n\t\t<source>/a&amp;b</source>\n\t</sources>\n"]
        out.append(rng.choice(sources))
        if rng.random() < 0.03:
            out.append("\t<packages/>\n</coverage>\n")
            return "".join(out).encode()
        out.append("\t<packages>\n")
        names = ["a.py", "b.py", "pkg/c.py", "Main.java", "d.py", "caf\u00e9/sm\u00f6r.py", "e.py"]
        for p in range(rng.randrange(1, 3)):
            if rng.random() < 0.05:
                out.append(f'\t\t<package name="p{p}"/>\n')
                continue
            out.append(f'\t\t<package name="p{p}" line-rate="1" branch-rate="1" complexity="0">\n')
            files = rng.sample(names, rng.randrange(0, 5))
            if files and self.fault("class-split-in-two", 1):
                files.append(files[-1])  # the exact reader merges the two
            if not files and rng.random() < 0.5:
                out.append("\t\t\t<classes/>\n")
            else:
                out.append("\t\t\t<classes>\n")
                for name in files:
                    out.append(self.klass(name) + "\n")
                    if self.fault("markup-between-classes"):
                        out.append(rng.choice(MARKUP))
                    if self.fault("line-outside-class"):
                        out.append('<line number="71" hits="5"/>')
                out.append("\t\t\t</classes>\n")
            out.append("\t\t</package>\n")
        out.append("\t</packages>\n</coverage>\n")
        if rng.random() < 0.05:
            out.append(rng.choice(["<!-- after -->\n", "\n\n"]))
        if self.fault("junk-after-root", 1):
            out.append(rng.choice(["junk", "<coverage/>", "<?pi?>"]))
        text = "".join(out)
        if rng.random() < 0.3:
            text = text.replace("\t", "  ")  # istanbul indents with spaces
        if rng.random() < 0.1:
            text = text.replace("\n", "\r\n")  # written on Windows
        data = text.encode()
        if self.fault("bytes-not-utf-8", 1):
            data = data.replace(b"c.py", b"c\xff.py").replace(b"sm\xc3\xb6r", b"sm\xc3r")
        if self.fault("control-character", 1):
            data = data.replace(b'name="p0"', b'name="p\x01"')
        if self.fault("truncated", 1):
            data = data[: rng.randrange(len(data) // 3, len(data))]
        return data


def _report(seed: int) -> bytes:
    return _Gen(seed).report()


def _exact(path: Path) -> tuple[list[object], str | None]:
    try:
        return [(f.path, f.roots, f.detail.counts(), f.detail) for f in cobertura.parse(path)], None
    except RatchetError as e:
        return [], str(e)


def _write(tmp_path: Path, lines: str, *, head: str = "") -> Path:
    path = tmp_path / "coverage.xml"
    path.write_text(
        f'<?xml version="1.0" ?>\n{head}<coverage version="7.10">\n\t<sources>\n'
        f"\t\t<source>{tmp_path}</source>\n\t</sources>\n\t<packages>\n"
        '\t\t<package name="." line-rate="1" branch-rate="1" complexity="0">\n'
        '\t\t\t<classes>\n\t\t\t\t<class name="a.py" filename="a.py">\n'
        f"\t\t\t\t\t<methods/>\n\t\t\t\t\t{lines}\n\t\t\t\t</class>\n"
        "\t\t\t</classes>\n\t\t</package>\n\t</packages>\n</coverage>\n"
    )
    return path


def _line_xml(number: int, hits: int, fraction: str = "") -> str:
    if not fraction:
        return f'<line number="{number}" hits="{hits}"/>'
    covered, valid = fraction.split("/")
    return (
        f'<line number="{number}" hits="{hits}" branch="true" '
        f'condition-coverage="{int(covered) * 100 // int(valid)}% ({fraction})"/>'
    )


@pytest.mark.parametrize(
    ("lines", "counts"),
    [
        ("<lines/>", Counts()),
        ("<lines>\n\t\t\t\t\t</lines>", Counts()),
        (f"<lines>{_line_xml(1, 1)}{_line_xml(2, 4)}</lines>", Counts(2, 2)),  # 100%
        (f"<lines>{_line_xml(1, 0)}{_line_xml(2, 0)}</lines>", Counts(2, 0)),  # 0%
        (  # nothing but branch lines
            f"<lines>{_line_xml(3, 1, '1/2')}{_line_xml(5, 0, '0/3')}</lines>",
            Counts(2, 1, 5, 1),
        ),
        (f"<lines>{_line_xml(3, 7, '2/2')}</lines>", Counts(1, 1, 2, 2)),
    ],
    ids=["no-lines", "blank-lines", "all-covered", "none-covered", "only-branches", "full-branch"],
)
def test_scan__boundaries__the_exact_readers_counts(tmp_path: Path, lines: str, counts: Counts):
    path = _write(tmp_path, lines)
    scanned = cobertura_scan.scan(path)
    assert scanned is not None
    [exact] = cobertura.parse(path)
    [f] = scanned
    assert f.counts == exact.detail.counts() == counts
    assert f.read_detail() == exact.detail
    assert f.roots == (str(tmp_path),)


def test_scan__class_that_closes_itself__a_file_with_no_lines(tmp_path: Path):
    path = _write(tmp_path, "<lines/>")
    path.write_text(
        path.read_text().replace('filename="a.py">', 'filename="z.py"/><class filename="a.py">')
    )
    scanned = cobertura_scan.scan(path)
    assert scanned is not None
    assert [(f.path, f.counts) for f in scanned] == [("z.py", Counts()), ("a.py", Counts())]
    assert [(f.path, f.detail.counts()) for f in cobertura.parse(path)] == [
        ("z.py", Counts()),
        ("a.py", Counts()),
    ]


def test_scan__istanbul_fixture__read_by_the_scanner(tmp_path: Path):
    path = FIXTURES / "istanbul" / "cobertura-coverage.xml"
    scanned = cobertura_scan.scan(path)
    assert scanned is not None
    assert [(f.path, f.counts) for f in scanned] == [
        (f.path, f.detail.counts()) for f in cobertura.parse(path)
    ]


@pytest.mark.parametrize(
    "lines",
    [
        f"<lines>{_line_xml(1, 1)}<!-- </lines> -->{_line_xml(2, 0)}</lines>",
        f"<lines>{_line_xml(1, 1)}<![CDATA[</class>]]>{_line_xml(2, 0)}</lines>",
        f"<lines>{_line_xml(1, 1)}{_line_xml(1, 0)}</lines>",  # line 1 twice: 1 hit in all
        "<lines><line number='1' hits='1'/></lines>",
        '<lines><line hits="1" number="1"/></lines>',
        '<lines><line number="01" hits="1"/><line number="1" hits="0"/></lines>',
        '<lines><line number="1" hits="00"/></lines>',
        '<lines><line number="1" hits="1" branch="false" condition-coverage="0% (0/2)"/></lines>',
        '<lines><line number="1" hits="1">\n</line></lines>',
    ],
    ids=[
        "comment",
        "cdata",
        "line-twice",
        "single-quotes",
        "attribute-order",
        "leading-zero-number",
        "leading-zero-hits",
        "branch-false-condition",
        "line-with-content",
    ],
)
def test_scan__markup_it_does_not_read__the_exact_reader_does(tmp_path: Path, lines: str):
    path = _write(tmp_path, lines)
    assert cobertura_scan.scan(path) is None
    counts_only = load([path], root=tmp_path, keep_missing_lines=False)
    exact = load([path], root=tmp_path)
    assert [(f.path, f.counts) for f in counts_only.files] == [
        (f.path, f.counts) for f in exact.files
    ]


def test_load__counts_only__reads_through_the_scanner_and_lines_on_demand(tmp_path: Path):
    path = _write(tmp_path, f"<lines>{_line_xml(1, 1)}{_line_xml(2, 0, '1/2')}</lines>")
    from ratchet import readers

    [raw] = readers.parse(path, readers.COBERTURA, config_root=tmp_path, counts_only=True)
    assert isinstance(raw, CountedFile)
    # A changed file under --diff keeps its line detail: read back from the report.
    rep = load([path], root=tmp_path, keep_detail=lambda p: True, keep_missing_lines=False)
    [f] = rep.files
    assert f.detail is not None
    assert dict(f.detail.hits) == {1: 1, 2: 0}
    assert f.counts == Counts(2, 1, 2, 1)


def test_load__counts_only__a_file_in_two_classes_apart_is_a_union(tmp_path: Path):
    # a.py, b.py, a.py again: the exact reader merges only neighbours, so load() reads the
    # two a.py classes' lines back (read_detail) and takes their union.
    a1 = f'<class filename="a.py"><lines>{_line_xml(1, 1)}{_line_xml(2, 0)}</lines></class>'
    b = f'<class filename="b.py"><lines>{_line_xml(1, 1)}</lines></class>'
    a2 = f'<class filename="a.py"><lines>{_line_xml(2, 3)}{_line_xml(3, 0, "1/2")}</lines></class>'
    path = tmp_path / "coverage.xml"
    path.write_text(
        f"<coverage><packages><package><classes>{a1}{b}{a2}</classes></package></packages>"
        "</coverage>"
    )
    assert cobertura_scan.scan(path) is not None
    counts_only = load([path], root=tmp_path, keep_missing_lines=False)
    exact = load([path], root=tmp_path)
    assert [(f.path, f.counts) for f in counts_only.files] == [
        (f.path, f.counts) for f in exact.files
    ]
    assert counts_only.by_path()["a.py"].counts == Counts(3, 2, 2, 1)
