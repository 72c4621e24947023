"""Every relative link and anchor in the repository's Markdown resolves, as GitHub renders it.

The checker is a few pure functions over text (``slugify``, ``anchors``, ``links``,
``problems``); only ``markdown_files`` and the last test touch the disk.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import NamedTuple
from urllib.parse import unquote

import pytest

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parent.parent
# Directories that hold no Markdown of ours: tools' caches, venvs, generated data.
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", "htmlcov", "build", "dist"}
SKIP_PATHS = {"benchmarks/data"}

FENCE = re.compile(r"^ *(`{3,}|~{3,})(.*)$")
ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)((?:(?!\n[ \t]*\n).)+?)(?<!`)\1(?!`)", re.DOTALL)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# [text](dest "title") and ![alt](src); the text may hold one level of brackets.
INLINE = re.compile(
    r"(?<!\\)!?\[((?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]"
    r"\([ \t]*(<[^>\n]*>|[^\s()<>]*)(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?[ \t]*\)"
)
REF_DEF = re.compile(r"^ {0,3}\[([^\]]+)\]:[ \t]*(<[^>\n]*>|\S+)", re.MULTILINE)
REF_USE = re.compile(r"(?<![\\\]])\[((?:[^\[\]\\]|\\.)+)\]\[([^\[\]]+)\]")
HTML_ID = re.compile(r"<a\s[^>]*\b(?:name|id)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")
EMPHASIS_UNDERSCORE = re.compile(r"(?<![^\W_])(_+)(?=\S)(.+?)(?<=\S)\1(?![^\W_])")


class Link(NamedTuple):
    line: int
    target: str


def blank(match: re.Match[str]) -> str:
    """The match as spaces, newlines kept, so offsets and line numbers stay true."""
    return re.sub(r"[^\n]", " ", match.group())


def without_code_blocks(text: str) -> str:
    """The text with every fenced code block's lines emptied (the line count is kept)."""
    out: list[str] = []
    fence = ""  # the open fence's marker, "" outside a code block
    for line in text.split("\n"):
        m = FENCE.match(line)
        if not fence:
            # A backtick fence's info string may not hold a backtick (that is a code span).
            if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
                fence, line = m.group(1), ""
        else:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = "" if not m.group(2).strip() else fence
            line = ""
        out.append(line)
    return "\n".join(out)


def prose(text: str) -> str:
    """What can hold a link: no fenced code, no code spans, no HTML comments."""
    text = HTML_COMMENT.sub(blank, without_code_blocks(text))
    return CODE_SPAN.sub(blank, text)


def heading_text(raw: str) -> str:
    """A heading's rendered text: code spans keep their content, markup goes."""
    parts: list[str] = []
    last = 0
    for m in CODE_SPAN.finditer(raw):
        parts.append(plain(raw[last : m.start()]))
        parts.append(m.group(2).strip() if m.group(2).strip() else m.group(2))
        last = m.end()
    parts.append(plain(raw[last:]))
    return "".join(parts).strip()


def plain(text: str) -> str:
    text = re.sub(r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\([^)]*\)", r"\1", text)  # links: the text
    text = re.sub(r"<[^>]+>", "", text)  # HTML tags
    text = re.sub(r"\\(.)", r"\1", text)  # backslash escapes
    previous = None
    while previous != text:  # _emphasis_ and __strong__, not snake_case
        previous, text = text, EMPHASIS_UNDERSCORE.sub(r"\2", text)
    return text


def slugify(text: str) -> str:
    """GitHub's anchor for a heading's rendered text (github-slugger's rules)."""
    kept = (
        ch
        for ch in text.strip().lower()
        if ch in " -_" or ch.isalnum() or unicodedata.category(ch).startswith("M")
    )
    return "".join(kept).replace(" ", "-")


def headings(text: str) -> Iterator[str]:
    """The rendered text of every ATX and setext heading outside code blocks."""
    lines = HTML_COMMENT.sub(blank, without_code_blocks(text)).split("\n")
    for i, line in enumerate(lines):
        m = ATX.match(line)
        if m:
            yield heading_text(m.group(2) or "")
        elif SETEXT.match(line) and i > 0 and lines[i - 1].strip():
            previous = lines[i - 1]
            list_or_table = re.match(r"^ *([-*+]|\d+[.)]|\|)", previous)
            if not ATX.match(previous) and not list_or_table and not SETEXT.match(previous):
                yield heading_text(previous)


def anchors(text: str) -> set[str]:
    """Every anchor a link may name: heading slugs (repeats get -1, -2, ...) and HTML ids."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    for heading in headings(text):
        base = slugify(heading)
        slug = base
        while slug in found:
            seen[base] = seen.get(base, 0) + 1
            slug = f"{base}-{seen[base]}"
        found.add(slug)
    found.update(HTML_ID.findall(without_code_blocks(text)))
    return found


def links(text: str) -> tuple[list[Link], list[Link]]:
    """(every link target, every reference label used but not defined), code excluded."""
    body = prose(text)

    def line_of(offset: int) -> int:
        return body.count("\n", 0, offset) + 1

    found = [Link(line_of(m.start()), m.group(2)) for m in INLINE.finditer(body)]
    labels = set()
    for m in REF_DEF.finditer(body):
        labels.add(normalise_label(m.group(1)))
        found.append(Link(line_of(m.start()), m.group(2)))
    undefined = [
        Link(line_of(m.start()), m.group(2))
        for m in REF_USE.finditer(body)
        if normalise_label(m.group(2)) not in labels
    ]
    return sorted(found, key=lambda link: link.line), undefined


def normalise_label(label: str) -> str:
    return " ".join(label.split()).casefold()


def problems(
    files: Mapping[str, str], exists: Callable[[str], bool] = lambda path: False
) -> list[str]:
    """Every broken relative link in ``files`` (repository-relative POSIX path -> Markdown).

    A target is a Markdown file in ``files`` or anything ``exists`` says is there; an anchor
    must name a heading of the Markdown file it points into.
    """
    found: list[str] = []
    known = {path: anchors(text) for path, text in files.items()}
    for path, text in sorted(files.items()):
        targets, undefined = links(text)
        found += [f"{path}:{u.line}: reference [{u.target}] is not defined" for u in undefined]
        for link in targets:
            error = broken(path, link.target.strip("<>"), known, exists)
            if error:
                found.append(f"{path}:{link.line}: {link.target}: {error}")
    return found


def broken(
    source: str, target: str, known: Mapping[str, set[str]], exists: Callable[[str], bool]
) -> str | None:
    if SCHEME.match(target):
        return None  # http, https, mailto, ...: not ours to check
    if not target:
        return "empty link"
    raw_path, _, fragment = target.partition("#")
    if raw_path:
        base = PurePosixPath() if raw_path.startswith("/") else PurePosixPath(source).parent
        resolved = normalise(base / unquote(raw_path).lstrip("/"))
        if resolved is None:
            return "points outside the repository"
        if resolved not in known and not exists(resolved):
            return f"no such file: {resolved}"
    else:
        resolved = source
    if fragment and resolved in known and unquote(fragment) not in known[resolved]:
        return f"no heading with the anchor #{unquote(fragment)} in {resolved}"
    return None


def normalise(path: PurePosixPath) -> str | None:
    """``a/./b/../c`` as ``a/c``; None when it climbs out of the repository."""
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts) or "."


def markdown_files(root: Path) -> dict[str, str]:
    """Every ``*.md`` of the repository, by POSIX path relative to ``root``."""
    found: dict[str, str] = {}
    for directory, subdirs, names in os.walk(root):
        relative = Path(directory).relative_to(root).as_posix()
        subdirs[:] = [
            d
            for d in subdirs
            if d not in SKIP_DIRS
            and not d.endswith(".egg-info")
            and not (d.startswith(".") and d not in (".github", ".ci"))
            and (d if relative == "." else f"{relative}/{d}") not in SKIP_PATHS
        ]
        for name in names:
            if name.endswith(".md"):
                path = name if relative == "." else f"{relative}/{name}"
                found[path] = (Path(directory) / name).read_text(encoding="utf-8")
    return found


# -- the slug -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("Install", "install"),
        ("The two commands (this repository)", "the-two-commands-this-repository"),
        # Each space is a hyphen, even around a removed character: no collapsing.
        (
            "A worked example: the ratchet climbing 70 → 75 → 80",
            "a-worked-example-the-ratchet-climbing-70--75--80",
        ),
        ("Configuration: `[tool.ratchet]`", "configuration-toolratchet"),
        ("What `ratchet update` edits", "what-ratchet-update-edits"),
        ('Changed-code coverage ("patch coverage")', "changed-code-coverage-patch-coverage"),
        ("`--baseline-ref`", "--baseline-ref"),
        # Underscores stay, in code and in words; emphasis markers go.
        ("`baseline_uncovered` and demo_app", "baseline_uncovered-and-demo_app"),
        ("A *very* _important_ **note**", "a-very-important-note"),
        ("`__init__` and __init__", "__init__-and-init"),
        ("Emoji 🎉 go, Ünïcödé letters stay", "emoji--go-ünïcödé-letters-stay"),
        ("A [link](https://example.com) in a heading", "a-link-in-a-heading"),
        ("Trailing closing hashes", "trailing-closing-hashes"),
        ("What's new? 100%!", "whats-new-100"),
    ],
)
def test_slugify__github_rules(heading, slug):
    assert slugify(heading_text(heading)) == slug


def test_anchors__repeated_headings_get_numbered_suffixes():
    text = "# Output\n\n## Output\n\n### Output\n\n## Output-1\n"
    # The third "Output" would be output-2; the literal "Output-1" heading, seen after the
    # first repeat took output-1, takes output-1-1.
    assert anchors(text) == {"output", "output-1", "output-2", "output-1-1"}


def test_anchors__atx_closing_hashes_setext_and_html_ids():
    text = (
        "## Closed ##\n\nSetext one\n==========\n\nSetext two\n---\n\n"
        '<a name="custom"></a>\n\n- a list item\n---\n\n| a | b |\n|---|---|\n'
    )
    assert anchors(text) == {"closed", "setext-one", "setext-two", "custom"}


def test_anchors__headings_inside_code_fences_are_not_headings():
    text = "# Real\n\n```bash\n# a shell comment\n```\n\n~~~\n## not either\n~~~\n"
    assert anchors(text) == {"real"}


# -- link extraction ------------------------------------------------------------------------


def test_links__inline_reference_and_image():
    text = (
        "See [the docs](docs/a.md#part) and [here](#local), ![logo](img/logo.png 'Logo').\n"
        "Nested [`[tool.ratchet]`](README.md#configuration) too.\n"
        '\n[ref]: <docs/b.md> "title"\n'
    )
    targets = [link.target for link in links(text)[0]]
    assert targets == [
        "docs/a.md#part",
        "#local",
        "img/logo.png",
        "README.md#configuration",
        "<docs/b.md>",
    ]


def test_links__code_fences_code_spans_and_comments_are_ignored():
    text = (
        "```markdown\n[in a fence](missing.md)\n```\n"
        "````\n```\n[in a longer fence](missing.md)\n```\n````\n"
        "`[in a span](missing.md)` and <!-- [in a comment](missing.md) -->\n"
        "[real](present.md)\n"
    )
    assert links(text) == ([Link(10, "present.md")], [])


def test_links__an_undefined_reference_label_is_reported():
    text = "[defined][one] and [undefined][two]\n\n[One]: a.md\n"
    assert links(text)[1] == [Link(1, "two")]


# -- resolution -----------------------------------------------------------------------------


def test_problems__every_kind_of_break_is_reported_with_file_and_line():
    files = {
        "README.md": (
            "# Top\n\n## Part\n\n"
            "[ok](docs/guide.md#usage) [ok](#part) [ok](src/mod.py) [ok](https://x.invalid/nope)\n"
            "[no file](docs/gone.md)\n"
            "[no anchor](docs/guide.md#nope)\n"
            "[no local anchor](#nope)\n"
            "[escapes](../outside.md)\n"
        ),
        "docs/guide.md": "# Guide\n\n## Usage\n\n[up](../README.md#top) [dir](../src/)\n",
    }
    assert problems(files, exists=lambda p: p in {"src/mod.py", "src"}) == [
        "README.md:6: docs/gone.md: no such file: docs/gone.md",
        "README.md:7: docs/guide.md#nope: no heading with the anchor #nope in docs/guide.md",
        "README.md:8: #nope: no heading with the anchor #nope in README.md",
        "README.md:9: ../outside.md: points outside the repository",
    ]


def test_problems__percent_encoded_paths_and_anchors_are_decoded():
    files = {
        "a b.md": "# Ünïcödé heading\n",
        "x.md": "[ok](a%20b.md#%C3%BCn%C3%AFc%C3%B6d%C3%A9-heading)\n",
    }
    assert problems(files) == []


def test_markdown_files__finds_the_docs_and_skips_the_venv():
    found = markdown_files(REPO)
    assert {"README.md", "CONTRIBUTING.md", "demo_app/README.md", "docs/action.md"} <= set(found)
    assert not [p for p in found if p.startswith((".venv/", ".git/", "benchmarks/data/"))]


def test_every_relative_link_in_the_repository_resolves():
    def exists(path: str) -> bool:
        return (REPO / path).exists()

    assert problems(markdown_files(REPO), exists) == []
