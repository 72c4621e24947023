"""The Cobertura reader's fast path agrees with the element-by-element reading, always.

``cobertura.parse`` skips expat's end-element callbacks inside ``<lines>`` and reads the end
tags back from the input bytes; on markup a byte search cannot account for it starts over
the slow way. These tests generate reports full of such markup (comments, CDATA, processing
instructions, a fake ``</class>`` inside a comment, ``<line>`` elements outside their class,
odd whitespace in end tags, split classes, truncation, malformed numbers) and read each with
chunk boundaries in many places: the files, counts and errors must be the exact reading's.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ratchet.errors import RatchetError
from ratchet.formats import cobertura

NOISE = [
    "",
    "\n      ",
    "<!-- a comment -->",
    "<!-- </class> -->",
    "<![CDATA[ </class> ]]>",
    "<?pi </class>?>",
    "<!---->",
]


def _line(rng: random.Random, number: int, *, malformed: bool) -> str:
    hits = rng.choice(["0", "1", "1", "3", "12"])
    if malformed:
        hits = rng.choice(["x", "", "1.5"])
    attrs = f'number="{number}" hits="{hits}"'
    if rng.random() < 0.3:
        valid = rng.choice([2, 4])
        covered = rng.randrange(valid + 1)
        missing = ",".join(str(100 + i) for i in range(valid - covered))
        percent = covered * 100 // valid
        attrs += f' branch="true" condition-coverage="{percent}% ({covered}/{valid})"'
        if missing and rng.random() < 0.7:
            attrs += f' missing-branches="{missing}"'
    if rng.random() < 0.1:
        attrs += ' note="why?! &lt;/class&gt;"'  # "!" and "?" in a value, an escaped tag
    close = rng.choice(["/>", "></line>", " />", "></line >"])
    return f"<line {attrs}{close}"


def _lines(rng: random.Random, *, malformed: float) -> str:
    out = ["<lines>"]
    count = 0 if rng.random() < 0.15 else rng.randrange(1, 25)
    for n in sorted(rng.sample(range(1, 60), count)):
        out.append(rng.choice(NOISE) if rng.random() < 0.15 else "\n        ")
        out.append(_line(rng, n, malformed=rng.random() < malformed))
    out.append(rng.choice(["</lines>", "</lines >", "</lines\n>"]))
    return "".join(out)


def _report(seed: int) -> str:
    rng = random.Random(seed)
    malformed = 0.02 if rng.random() < 0.2 else 0.0
    out = ['<?xml version="1.0" ?>\n<coverage version="7.10" line-rate="0.5">']
    out.append(rng.choice(NOISE))
    out.append("<sources><source>/src</source></sources><packages><package name='p'><classes>")
    for _ in range(rng.randrange(1, 7)):
        name = rng.choice(["a.py", "b.py", "pkg/c.py", "Main.java"])  # repeats: split classes
        out.append(f'<class name="k" filename="{name}" line-rate="1"{rng.choice(["", " "])}>')
        methods = ""
        if rng.random() < 0.4:
            methods = "<methods>"
            for _ in range(rng.randrange(1, 3)):
                methods += f'<method name="m" signature="()V">{_lines(rng, malformed=malformed)}'
                methods += "</method>"
            methods += "</methods>"
        lines = _lines(rng, malformed=malformed)
        # Most producers put <methods> first; some after the class's own <lines>.
        out.append(methods + lines if rng.random() < 0.6 else lines + methods)
        if rng.random() < 0.1:  # a <line> in the class after </lines>: it counts
            out.append('<line number="70" hits="2"/>')
        out.append(rng.choice(["</class>", "</class >", "</class\n>", "</class\t>"]))
        out.append(rng.choice(NOISE))
        if rng.random() < 0.1:  # a <line> outside any class: it does not count
            out.append('<line number="71" hits="5"/>')
    out.append("</classes></package></packages></coverage>\n")
    text = "".join(out)
    if rng.random() < 0.15:
        text = text[: rng.randrange(len(text) // 3, len(text))]  # truncated
    return text


def _read(reader, path: Path, chunk_size: int) -> tuple[list[object], str | None]:
    got: list[object] = []
    try:
        for raw in reader(path, chunk_size=chunk_size):
            got.append((raw.path, dict(raw.detail.hits), dict(raw.detail.branches), raw.roots))
    except RatchetError as e:
        return got, str(e)
    return got, None


@pytest.mark.slow  # a few seconds: out of the unit tier, in `make test`
@pytest.mark.parametrize("chunk_size", [1, 7, 64, 1 << 20])
def test_fast_path__agrees_with_the_exact_reading(tmp_path: Path, chunk_size: int):
    path = tmp_path / "coverage.xml"
    outcomes = set()
    for seed in range(150):
        path.write_text(_report(seed), encoding="utf-8")
        fast = _read(cobertura.parse, path, chunk_size)
        exact = _read(cobertura.parse_exact, path, chunk_size)
        assert fast == exact, f"seed {seed}, chunk size {chunk_size}"
        outcomes.add("error" if exact[1] else "files")
    assert outcomes == {"error", "files"}  # the generator reaches both kinds of outcome


@pytest.mark.unit
@pytest.mark.parametrize(
    ("between", "counted"),
    [
        ("<!-- </class> -->", {1: 1, 2: 0}),  # a fake end tag in a comment
        ("<![CDATA[</class>]]>", {1: 1, 2: 0}),  # ...in CDATA
        ("<?x </class>?>", {1: 1, 2: 0}),  # ...in a processing instruction
        ("</lines></class><line number='9' hits='4'/><class filename='a.py'><lines>", None),
    ],
    ids=["comment", "cdata", "pi", "line-between-classes"],
)
def test_fast_path__markup_a_byte_search_cannot_read(tmp_path: Path, between: str, counted):
    xml = (
        "<coverage><packages><package><classes><class filename='a.py'><lines>"
        f"<line number='1' hits='1'/>{between}<line number='2' hits='0'/>"
        "</lines></class><class filename='b.py'><lines><line number='1' hits='1'/>"
        "</lines></class></classes></package></packages></coverage>"
    )
    path = tmp_path / "coverage.xml"
    path.write_text(xml)
    files = list(cobertura.parse(path))
    assert [(f.path, dict(f.detail.hits)) for f in files] == [
        (f.path, dict(f.detail.hits)) for f in cobertura.parse_exact(path)
    ]
    assert files[-1].path == "b.py"
    if counted is not None:
        assert dict(files[0].detail.hits) == counted
    else:  # the stray <line> between the two a.py classes is not counted; they merge
        assert dict(files[0].detail.hits) == {1: 1, 2: 0}


@pytest.mark.unit
def test_fast_path__utf16_report_is_read_the_exact_way(tmp_path: Path):
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?><coverage><packages><package><classes>'
        "<class filename='a.py'><lines><line number='1' hits='1'/><line number='2' hits='0'/>"
        "</lines></class></classes></package></packages></coverage>"
    )
    path = tmp_path / "coverage.xml"
    path.write_text(xml, encoding="utf-16")
    [f] = cobertura.parse(path)
    assert (f.path, dict(f.detail.hits)) == ("a.py", {1: 1, 2: 0})
