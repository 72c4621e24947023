"""Markdown rendered as GitHub renders it (cmark-gfm, through cmarkgfm), and what in the
result is live: every element, comment and link, so a test can say which ones may be there.

cmarkgfm 2025.10.22 (the lock's), the cmark-gfm GitHub runs, with its GitHub extensions
(tables, strikethrough, autolinks, tag filter, task lists) and raw HTML allowed as GitHub
allows it. GitHub's own post-processing (mentions, issue references) is not in cmark-gfm:
``mentions`` finds what it would link in the rendered text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm.cmark import Options


def to_html(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


@dataclass
class Page:
    tags: list[str] = field(default_factory=list)  # start tags, in order
    links: list[str] = field(default_factory=list)  # every href and src
    comments: list[str] = field(default_factory=list)
    text: str = ""
    cells: list[list[str]] = field(default_factory=list)  # table rows: their cells' text


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._text: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.tags.append(tag)
        self.page.links += [v or "" for k, v in attrs if k in ("href", "src")]
        if tag == "tr":
            self.page.cells.append([])
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.page.cells[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self._text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def handle_comment(self, data: str) -> None:
        self.page.comments.append(data)


def parse(markdown: str) -> Page:
    p = _Parser()
    p.feed(to_html(markdown))
    p.close()
    p.page.text = "".join(p._text)
    return p.page


# What GitHub links in rendered text: @mentions, #1 and owner/repo#1 references, GH-1.
_MENTION = re.compile(r"(?<![\w@/])@[A-Za-z0-9][A-Za-z0-9-]*|(?<![\w&])#\d+|\bGH-\d+", re.I)


def mentions(text: str) -> list[str]:
    return _MENTION.findall(text)
