"""Text the terminal renderer wrapped (at 100 columns in a pipe), read as one line."""

from __future__ import annotations

from ratchet.render.terminal import HANG


def flat(text: str) -> str:
    """``text`` with every run of blanks and line breaks as one space: a sentence reads
    the same wherever the wrapping broke it."""
    return " ".join(text.split())


def unwrapped(text: str) -> str:
    """``text`` with each line the terminal renderer wrapped read as one line again (a row
    that goes on ``HANG`` further in than the line it continues), the blanks inside a line as
    one space, and indents kept: a test can still tell one line from the next."""
    lines: list[tuple[int, str]] = []  # indent, words
    for row in text.splitlines():
        words = " ".join(row.split())
        indent = len(row) - len(row.lstrip(" "))
        if lines and words and indent == lines[-1][0] + HANG:
            lines[-1] = (lines[-1][0], f"{lines[-1][1]} {words}")
        else:
            lines.append((indent, words))
    return "".join(" " * indent + words + "\n" for indent, words in lines)
