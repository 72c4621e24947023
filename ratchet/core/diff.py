"""A unified-diff parser: text in, the added lines of each file out. Pure, no I/O.

Reads what ``git diff`` writes (``diff --git`` headers, ``rename from/to``, ``new/deleted
file mode``, ``Binary files ... differ``, C-quoted paths with octal escapes, combined
``diff --cc`` hunks) and plain ``diff -u`` output (``---``/``+++`` headers only). Only the
added side matters for coverage: the line numbers a file has *after* the change.

Hunk bodies are consumed by the counts in their ``@@`` header, so a removed line that
starts with ``--`` or an added one that starts with ``++`` is never taken for a header.
Lines are split on ``\\n`` alone: a file's content may hold ``\\r``, form feeds or
``\\u2028``, which ``str.splitlines`` would treat as line breaks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

ADDED = "added"
MODIFIED = "modified"
RENAMED = "renamed"
COPIED = "copied"
DELETED = "deleted"

DEV_NULL = "/dev/null"
_HUNK = re.compile(r"^(@{2,}) (.*?) @{2,}")
_RANGE = re.compile(r"^[-+](\d+)(?:,(\d+))?$")
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


class DiffError(ValueError):
    """The text is not a diff this parser can read; the message says where."""


@dataclass(frozen=True)
class FileDiff:
    """One file of a diff. ``path`` is the path after the change (before it, if deleted)."""

    path: str
    status: str  # ADDED | MODIFIED | RENAMED | COPIED | DELETED
    old_path: str | None = None  # set for RENAMED and COPIED
    added: tuple[int, ...] = ()  # line numbers in the new file, ascending, unique
    binary: bool = False


def unquote(text: str) -> str:
    """git's C-style quoting: ``"a/t\\303\\244st.py"`` -> ``a/täst.py``.

    Octal escapes are bytes of the UTF-8 name; bytes that are not UTF-8 survive as
    surrogates, the way Python's file-system functions carry them.
    """
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        return text
    body = text[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8", "surrogateescape")
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif re.match(r"[0-7]{3}", body[i + 1 : i + 4]):
            out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:  # an unknown escape: keep it as written
            out += b"\\"
            i += 1
    return out.decode("utf-8", "surrogateescape")


def _header_path(value: str, prefix: str) -> str | None:
    """The path of a ``---``/``+++`` line: None for /dev/null, prefix and timestamp removed."""
    value = value.rstrip("\r")
    if value.startswith('"'):
        end = _closing_quote(value)
        name = unquote(value[: end + 1])
    else:
        # git ends a name that has a space with a tab; ``diff -u`` puts a timestamp there.
        name = value.split("\t", 1)[0]
    if name == DEV_NULL:
        return None
    return _strip_prefix(name, prefix)


def _closing_quote(value: str) -> int:
    i = 1
    while i < len(value):
        if value[i] == "\\":
            i += 2
            continue
        if value[i] == '"':
            return i
        i += 1
    raise DiffError(f"unterminated quoted path: {value!r}")


def _strip_prefix(name: str, prefix: str) -> str:
    # Only git's default ``a/`` (old side) and ``b/`` (new side): guessing at other prefixes
    # would cut the first directory off a path that has none.
    return name[len(prefix) :] if name.startswith(prefix) else name


def _git_header_paths(rest: str) -> tuple[str, str] | None:
    """``a/x b/y`` of ``diff --git``: needed only when nothing else names the file (binary,
    mode-only). Unquoted names with spaces are ambiguous unless both sides are equal."""
    rest = rest.rstrip("\r")
    if rest.startswith('"'):
        end = _closing_quote(rest)
        old, new = rest[: end + 1], rest[end + 2 :]
    elif rest.endswith('"'):
        start = rest.rfind(' "')
        old, new = rest[:start], rest[start + 1 :]
    else:
        # "a/P b/P": the one split where both halves name the same path.
        half = (len(rest) - 1) // 2
        if len(rest) % 2 == 1 and rest[half] == " " and rest[2:half] == rest[half + 3 :]:
            old, new = rest[:half], rest[half + 1 :]
        elif rest.count(" ") == 1:
            old, new = rest.split(" ")
        else:
            return None
    return _strip_prefix(unquote(old), "a/"), _strip_prefix(unquote(new), "b/")


@dataclass
class _File:
    """A file being read; frozen into a ``FileDiff`` once its section ends."""

    header: tuple[str, str] | None = None  # from ``diff --git``
    old: str | None = None  # from ``---`` or ``rename from``
    new: str | None = None  # from ``+++`` or ``rename to``
    has_minus_plus: bool = False  # a ``---``/``+++`` pair was read (None there: /dev/null)
    created: bool = False
    deleted: bool = False
    copied: bool = False
    binary: bool = False
    added: set[int] = field(default_factory=set)

    def freeze(self, where: int) -> FileDiff:
        old, new = self.old, self.new
        if self.header is not None and not self.has_minus_plus:
            # No ---/+++ (binary, mode-only, pure rename): the header fills what is missing.
            old = old if old is not None or self.created else self.header[0]
            new = new if new is not None or self.deleted else self.header[1]
        if new is None:
            if old is None:
                raise DiffError(f"line {where}: a file section names no file")
            return FileDiff(old, DELETED, None, (), self.binary)
        added = tuple(sorted(self.added))
        if old is None or self.created:
            return FileDiff(new, ADDED, None, added, self.binary)
        if self.copied:
            return FileDiff(new, COPIED, old, added, self.binary)
        if old != new:
            return FileDiff(new, RENAMED, old, added, self.binary)
        return FileDiff(new, MODIFIED, None, added, self.binary)


def _hunk(lines: list[str], i: int, header: re.Match[str]) -> tuple[int, set[int]]:
    """Read one hunk whose body starts at ``lines[i]``: the index after it, the lines added."""
    parents = len(header.group(1)) - 1  # 1 for ``@@``, 2 for a merge's ``@@@``
    ranges = [_RANGE.match(r) for r in header.group(2).split(" ")]
    signs = [r.group(0)[0] if r else "" for r in ranges]
    if signs != ["-"] * parents + ["+"]:
        raise DiffError(f"line {i}: malformed hunk header {header.group(0)!r}")
    sizes = [int(r.group(2)) if r.group(2) is not None else 1 for r in ranges if r]
    old_left, new_left = sizes[:-1], sizes[-1]
    assert ranges[-1] is not None
    line = int(ranges[-1].group(1))
    added: set[int] = set()
    while new_left > 0 or any(n > 0 for n in old_left):
        if i >= len(lines) or (i == len(lines) - 1 and lines[i] == ""):
            raise DiffError(f"line {i}: the diff ends inside a hunk")
        text = lines[i]
        i += 1
        if text.startswith("\\"):  # "\ No newline at end of file"
            continue
        # An empty line in a hunk is context whose single space an editor stripped.
        cols = text[:parents].ljust(parents)
        if cols.strip(" +-"):
            raise DiffError(f"line {i}: unexpected line inside a hunk: {text[:40]!r}")
        if "-" not in cols:  # the line is in the new file
            if "+" in cols:
                added.add(line)
            line += 1
            new_left -= 1
        for k, c in enumerate(cols):
            if c != "+":  # the line was in parent k
                old_left[k] -= 1
    while i < len(lines) and lines[i].startswith("\\"):  # the last line's "\ No newline"
        i += 1
    return i, added


def _files(lines: list[str]) -> Iterator[tuple[_File, int]]:
    """Each file section with the line number where it ends."""
    cur: _File | None = None
    i = 0
    while i < len(lines):
        text = lines[i].rstrip("\r")
        if text.startswith(("diff --git ", "diff --cc ", "diff --combined ")):
            if cur is not None:
                yield cur, i
            kind, rest = text[5:].split(" ", 1)
            if kind == "--git":
                cur = _File(_git_header_paths(rest))
            else:
                name = unquote(rest)
                cur = _File((name, name))
        elif text.startswith("--- ") and lines[i + 1 : i + 2] and lines[i + 1].startswith("+++ "):
            if cur is None or cur.has_minus_plus:
                # Plain ``diff -u`` output: the ---/+++ pair itself starts a file.
                if cur is not None:
                    yield cur, i
                cur = _File()
            cur.has_minus_plus = True
            cur.old = _header_path(text[4:], "a/")
            cur.new = _header_path(lines[i + 1][4:], "b/")
            i += 1
        elif cur is None:
            pass  # preamble: a commit message, mail headers...
        elif m := _HUNK.match(text):
            i, added = _hunk(lines, i + 1, m)
            cur.added |= added
            continue
        elif text.startswith(("rename from ", "copy from ")):
            cur.old = unquote(text.split(" ", 2)[2])
            cur.copied = text.startswith("copy")
        elif text.startswith(("rename to ", "copy to ")):
            cur.new = unquote(text.split(" ", 2)[2])
        elif text.startswith("new file mode "):
            cur.created = True
        elif text.startswith("deleted file mode "):
            cur.deleted = True
        elif text.startswith("Binary files ") or text == "GIT binary patch":
            cur.binary = True
        i += 1
    if cur is not None:
        yield cur, len(lines)


def parse(text: str) -> tuple[FileDiff, ...]:
    """Every file of a unified diff, in order of appearance.

    Raises ``DiffError`` for text that is not a diff this parser understands: text with
    no file section at all (an empty diff, blank or zero bytes, is a valid "no changes"),
    or a file in several sections.
    """
    out: dict[str, FileDiff] = {}
    for cur, end in _files(text.split("\n")):
        fd = cur.freeze(end)
        prev = out.get(fd.path)
        if prev is not None:
            if {prev.status, fd.status} != {DELETED, ADDED}:
                # A series of commits (``git format-patch``) or concatenated diffs: each
                # section numbers the lines of a different version of the file, so no
                # merge of them gives the lines of the version the tests measured.
                raise DiffError(
                    f"{fd.path} appears in several file sections, each numbering the "
                    "lines of a different version of it (a series of patches?); give one "
                    "cumulative diff, e.g. `git diff BASE...HEAD`"
                )
            # A type change (a symlink became a file): git writes the deletion of the old
            # type, then the creation of the new one.
            fd = fd if fd.status == ADDED else prev
        out[fd.path] = fd
    if not out and text.strip():
        raise DiffError(
            "no file section found (no `diff --git` or `---`/`+++` header): "
            f"it starts with {_first_line(text)!r}"
        )
    return tuple(out.values())


def _first_line(text: str) -> str:
    line = text.lstrip().split("\n", 1)[0].rstrip("\r")
    return line if len(line) <= 60 else line[:57] + "..."
