"""Repository-relative POSIX paths and the glob patterns that select them (components,
``[tool.ratchet.paths]``): pure string work, shared by the readers and the bar."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_DRIVE = re.compile(r"^[A-Za-z]:/")


def posix(p: str) -> str:
    """``p`` with forward slashes; a Windows drive path made absolute (``/C:/...``)."""
    p = p.replace("\\", "/")
    # A Windows drive path ("C:/proj/x.py") is absolute too; treat it as one.
    if p[1:3] == ":/" and _DRIVE.match(p):
        p = "/" + p
    return p


def glob_regex(text: str) -> str:
    """A regex for a glob: ``**`` across segments, ``*`` within one, ``?`` one character."""
    out = []
    for piece in re.split(r"(\*\*|\*|\?)", text):
        if piece == "**":
            out.append(".*")
        elif piece == "*":
            out.append("[^/]*")
        elif piece == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(piece))
    return "".join(out)


def glob_matcher(patterns: Sequence[str]) -> Callable[[str], bool]:
    """Whether a repository-relative POSIX path matches one of ``patterns``: ``*`` within a
    segment, ``**`` across segments, ``?`` one character; a pattern ending in ``/`` (or
    naming a directory outright, ``packages/api``) matches everything below it."""
    regexes = []
    for p in patterns:
        p = posix(p).removeprefix("./")
        if p.endswith("/"):
            p += "**"
        regexes.append(glob_regex(p) + ("" if "*" in p or "?" in p else "(?:/.*)?"))
    whole = re.compile("^(?:" + "|".join(regexes) + ")$")
    return lambda path: whole.match(path) is not None
