"""The result a ``pull_request`` run hands to the privileged ``workflow_run`` run.

The directory holds ``result.json`` (what ``ratchet check --format json`` prints, plus the
action's ``id``), the rendered ``comment.md`` (for people and for the fork fallback; the
privileged side never posts it) and ``pr-number``. Whoever opened the PR controls all of it,
so reading is defensive: sizes are capped before parsing, JSON is parsed strictly (no NaN, no
duplicate keys), every field is checked for type, range and length, unknown keys are refused,
and the comment is rendered again from the checked values.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ratchet.core.results import (
    Result,
)
from ratchet.errors import RatchetError
from ratchet.github.resultjson import parse_result as parse_result
from ratchet.github.settings import parse_pr_number
from ratchet.render import jsonout
from ratchet.render.jsonfields import InvalidArtifact as InvalidArtifact

RESULT = "result.json"
COMMENT = "comment.md"
PR_NUMBER = "pr-number"
MAX_RESULT_BYTES = 64 * 1024 * 1024
MAX_PR_BYTES = 32


@dataclass(frozen=True)
class Saved:
    """What the privileged half reads from an artifact, every field checked."""

    result: Result
    pr_number: int | None
    ident: str | None  # None: the result names no id (``check --format json`` as is)


def write(
    directory: Path, data: dict[str, Any], comment: str, pr_number: int | None, ident: str
) -> Path:
    """Write the three files (``data``: ``jsonout.dump``'s, to which the ``id`` is added);
    returns the comment's path. Raises ``OSError``."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / RESULT).write_text(jsonout.dumps(jsonout.with_id(data, ident)), encoding="utf-8")
    comment_path = directory / COMMENT
    comment_path.write_text(comment, encoding="utf-8")
    pr = directory / PR_NUMBER
    if pr_number is not None:
        pr.write_text(f"{pr_number}\n", encoding="utf-8")
    elif pr.exists():
        pr.unlink()
    return comment_path


def _read(path: Path, limit: int) -> str:
    src = str(path)
    if path.is_symlink() or not path.is_file():
        raise InvalidArtifact("missing, or not a regular file", source=src)
    with path.open("rb") as f:
        raw = f.read(limit + 1)
    if len(raw) > limit:
        raise InvalidArtifact(f"larger than {limit} bytes", source=src)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidArtifact("not UTF-8", source=src) from None


def load(directory: Path) -> Saved:
    """The checked result, PR number and id from an artifact directory."""
    text = _read(directory / RESULT, MAX_RESULT_BYTES)
    result, ident = parse_result(text, source=str(directory / RESULT))
    pr_path = directory / PR_NUMBER
    pr = None
    if pr_path.exists() or pr_path.is_symlink():
        raw = _read(pr_path, MAX_PR_BYTES)
        try:
            pr = parse_pr_number(raw, "pr-number")
        except RatchetError as e:
            raise InvalidArtifact(e.message, source=str(pr_path)) from None
    return Saved(result, pr, ident)
