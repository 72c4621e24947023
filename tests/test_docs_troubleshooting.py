"""docs/troubleshooting.md and the code's error messages agree, both ways.

Every message the page quotes in a heading (``### `message …` ``, ``…`` for the parts that
vary) is one the code can print: a string of ``ratchet/`` matches it. And every message the
code raises with ``RatchetError("…")`` has an entry: some heading matches it (but for a
message that only continues another, ``"{}; fetch it first: …"``). A message is read from
the source as a template (``ast``: literal text, ``{}`` where a value goes), so messages
split over several source lines are whole.
"""

from __future__ import annotations

import ast
import bisect
import functools
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import pytest

from tests.conftest import REPO, nodes, parsed
from tests.test_docs_links import CODE_SPAN, without_code_blocks

pytestmark = pytest.mark.unit

PAGE = REPO / "docs" / "troubleshooting.md"
# A raised message with fewer literal characters than this ("{}: {}", "line {}: {}") is
# built elsewhere, from a message that has its own entry.
MIN_LITERAL = 12
# A message that goes on from another ("{}; fetch it first: ...", after "git ref ... not
# found in this clone"): the entry of the message it continues covers it.
CONTINUATION = re.compile(r"^\{\}[;.,:] ")


class Template(NamedTuple):
    where: str
    text: str  # "{}" where a value goes

    @property
    def literal(self) -> int:
        return len(self.text.replace("{}", ""))


def template(node: ast.expr) -> str | None:
    """The text of a string expression, ``{}`` for each value put into it; None for an
    expression that is not a string."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}"
            for v in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = template(node.left), template(node.right)
        if left is None and right is None:
            return None
        return (left if left is not None else "{}") + (right if right is not None else "{}")
    return None


def templates(
    source: str | ast.Module, where: str, walked: Iterable[ast.AST] | None = None
) -> Iterator[tuple[Template, bool]]:
    """Every string expression of a module (its text or its tree, or its nodes ``walked``
    already), and whether it is the message of a ``RatchetError(...)``."""
    tree = ast.parse(source) if isinstance(source, str) else source
    raised: set[int] = set()
    strings: list[ast.expr] = []
    for node in ast.walk(tree) if walked is None else walked:  # one walk: the trees are big
        if isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name == "RatchetError":
                raised.add(id(node.args[0]))
        elif isinstance(node, (ast.Constant, ast.JoinedStr, ast.BinOp)):
            strings.append(node)
    for node in strings:
        text = template(node)
        if text is not None:
            yield Template(f"{where}:{node.lineno}", text), id(node) in raised


def quoted(page: str) -> list[str]:
    """The message each ``###`` heading quotes (its first code span), if it quotes one."""
    out = []
    for line in without_code_blocks(page).splitlines():
        if line.startswith("### "):
            m = CODE_SPAN.search(line)
            if m:
                out.append(m.group(2).strip())
    return out


@functools.cache
def pattern(message: str) -> tuple[str, re.Pattern[str]]:
    """A quoted message as a pattern: ``…`` stands for anything (a value, or text left out);
    and its longest literal part, which a matching text holds (a quick first test)."""
    parts = message.split("…")
    regex = re.compile(".*?".join(re.escape(part) for part in parts), re.DOTALL)
    return max(parts, key=len), regex


def covers(message: str, t: Template) -> bool:
    longest, regex = pattern(message)
    return longest in t.text and regex.search(t.text) is not None


class Texts(NamedTuple):
    """Every template's text in one string (``all``), and where each starts, for
    ``covers_any``."""

    all: str
    starts: list[int]
    texts: list[str]


def joined(templates: list[Template]) -> Texts:
    starts, at = [], 0
    for t in templates:
        starts.append(at)
        at += len(t.text) + 1
    return Texts("\n".join(t.text for t in templates), starts, [t.text for t in templates])


def covers_any(message: str, texts: Texts) -> bool:
    """``covers(message, t)`` for some template ``t``: the message's longest literal part
    found in the one string of them all, then the whole pattern tried on only the
    templates that hold it (a search of each template for each message was most of the
    unit tier's slowest test)."""
    longest, regex = pattern(message)
    seen = -1
    at = texts.all.find(longest)
    while at != -1:
        i = bisect.bisect_right(texts.starts, at) - 1
        if i != seen and regex.search(texts.texts[i]) is not None:
            return True
        seen = i
        at = texts.all.find(longest, at + 1)
    return False


@functools.cache
def _code() -> tuple[list[Template], list[Template]]:
    every: list[Template] = []
    raised: list[Template] = []
    for path in sorted((REPO / "ratchet").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        for t, is_raised in templates(parsed(path), rel, nodes(path)):
            every.append(t)
            if is_raised:
                raised.append(t)
    return every, raised


# -- the functions --------------------------------------------------------------------------


def test_templates__fstrings_concatenation_and_which_are_raised():
    source = (
        "x = 1\n"
        'RatchetError(f"no file {x!r} here" " at all", source=s)\n'
        'RatchetError("a " + name + " b")\n'
        'log(f"not {raised}")\n'
        "RatchetError(message)\n"
    )
    found = [(t.text, r) for t, r in templates(source, "m.py") if t.literal]
    assert ("no file {} here at all", True) in found
    assert ("a {} b", True) in found
    assert ("not {}", False) in found
    assert not any(r for text, r in found if text == "message")


def test_quoted__first_code_span_of_each_h3_outside_code_blocks():
    page = "## A\n\n### `one …` and `two`\n\n### Plain\n\n```text\n### `not a heading`\n```\n"
    assert quoted(page) == ["one …"]


@pytest.mark.parametrize(
    ("message", "text", "expected"),
    [
        (
            "expected … coverage report(s), found …",
            "expected {} coverage report(s), found {}",
            True,
        ),
        ("[…] … must be …", "[{}] precision must be an integer 0-6", True),
        ("no such file", "no such file (named by [tool.ratchet] reports)", True),
        ("no such file", "no such thing", False),
        ("invalid TOML: …", "invalid JSON: {}", False),
    ],
)
def test_covers(message: str, text: str, expected: bool):
    t = Template("m.py:1", text)
    assert covers(message, t) is expected
    assert covers_any(message, joined([Template("m.py:0", "x"), t, Template("m.py:2", "y")])) is (
        expected
    )


def test_covers_any__a_message_does_not_span_two_templates():
    texts = joined([Template("m.py:1", "no such"), Template("m.py:2", "file here")])
    assert not covers_any("no such … file", texts)
    assert not covers_any("such\nfile", texts)
    assert covers_any("no …", texts)
    assert covers_any("… here", texts)


# -- the page and the code ------------------------------------------------------------------


def test_troubleshooting__every_quoted_message_is_one_the_code_prints():
    every, _ = _code()
    messages = quoted(PAGE.read_text(encoding="utf-8"))
    assert len(messages) >= 100
    texts = joined(every)
    stale = [m for m in messages if not covers_any(m, texts)]
    assert stale == []


def test_troubleshooting__every_message_raised_has_an_entry():
    _, raised = _code()
    messages = quoted(PAGE.read_text(encoding="utf-8"))
    checked = [t for t in raised if t.literal >= MIN_LITERAL and not CONTINUATION.match(t.text)]
    assert len(checked) >= 100
    missing = [f"{t.where}: {t.text}" for t in checked if not any(covers(m, t) for m in messages)]
    assert missing == []


def test_troubleshooting__is_linked_from_the_docs_index_and_the_readme():
    index = (REPO / "docs" / "README.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "(troubleshooting.md)" in index
    assert "(docs/troubleshooting.md)" in readme
