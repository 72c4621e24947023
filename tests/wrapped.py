"""Text the terminal renderer wrapped (at 100 columns in a pipe), read as one line."""

from __future__ import annotations


def flat(text: str) -> str:
    """``text`` with every run of blanks and line breaks as one space: a sentence reads
    the same wherever the wrapping broke it."""
    return " ".join(text.split())
