"""``markdown.escape``, the one rule for untrusted text in Markdown: a corpus of what an
attacker would put in a file name, a message or a reason, rendered as GitHub renders it."""

from __future__ import annotations

import pytest

from ratchet.render import markdown as md
from ratchet.render.common import printable
from tests.render.gfm import mentions, parse

pytestmark = pytest.mark.unit

# Each turns live in a GitHub comment when pasted as is.
PAYLOADS = [
    "[x](https://evil.example/p)",
    "![t](https://evil.example/t.png)",
    "<img src=https://evil.example/t.png>",
    "@octocat please look",
    "@org/team",
    "x\n\n<!--",
    "<!-- coverage-ratchet:comment -->",
    "```\ncode\n```",
    "~~~",
    "<details><summary>s</summary>",
    "</details><script>alert(1)</script>",
    "line\nbreak\r\nand\u2028more",
    "https://evil.example/autolink",
    "www.evil.example",
    "mail@evil.example",
    "<https://evil.example>",
    "#123 and octo/repo#4 and GH-5",
    "a|b|c",
    "a\\|b",
    "**bold** _it_ ~~s~~ `code`",
    "# heading",
    "- item\n1. item\n> quote",
    "- [ ] task",
    "[^1]\n\n[^1]: note",
    "[ref]\n\n[ref]: https://evil.example",
    "&lt;img&gt; &#x3C;b&#x3E; &amp;",
    "javascript:alert(1)",
    "\u202egnp.exe",
    "\x1b[31mred\x1b[0m",
    "trailing backslash\\",
    "---",
    "$x^2$",
    "\t\tindented code",
]
CONTEXTS = {
    "paragraph": ("x {} y", {"p"}),
    "heading": ("### x {} y", {"h3"}),
    "cell": ("| a | b |\n|---|---|\n| {} | z |", {"table", "thead", "tr", "th", "tbody", "td"}),
}


def shown(text: str) -> str:
    """What a reader sees: the rendered text without the invisible joiners."""
    return text.replace("\u200d", "")


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("context", CONTEXTS)
def test_escape__nothing_turns_live_and_the_text_reads_as_it_was(payload, context):
    template, allowed = CONTEXTS[context]
    page = parse(template.format(md.escape(payload, limit=200)))
    assert set(page.tags) <= allowed, page.tags
    assert page.links == []
    assert page.comments == []
    assert mentions(page.text) == []
    assert printable(payload) in shown(page.text)
    if context == "cell":
        assert len(page.cells[1]) == 2  # no column injected
        assert shown(page.cells[1][0]) == printable(payload)


@pytest.mark.parametrize(
    ("text", "limit", "keep_end", "expected"),
    [
        ("abcdef", 6, False, "abcdef"),  # exactly the limit: whole
        ("abcdefg", 6, False, "abcde…"),
        ("abcdefg", 6, True, "…cdefg"),
        ("src/deep/name.py", 8, True, "…name\\.py"),
    ],
)
def test_escape__cut_at_the_limit_keeping_start_or_end(text, limit, keep_end, expected):
    assert md.escape(text, limit=limit, keep_end=keep_end) == expected


@pytest.mark.parametrize("char", ["&", "<", "@", "#", "\u202e", "\x1b", "\\", "|", "a"])
def test_escape__never_longer_than_widest_times_the_limit(char):
    assert len(md.escape(char * 10_000, limit=300)) <= md.WIDEST * 300
