"""The one sticky PR comment: found by its hidden marker *and* its author, updated in place.

A comment is ours only when both match, so someone who pastes the marker into their own
comment cannot get it overwritten or deleted. When the verdict or the bar changed since the
last run, the comment is posted anew (and the old one deleted) so the change notifies;
otherwise it is edited quietly, or left alone when nothing in it changed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from ratchet.github.client import GitHub
from ratchet.render.comment import state_of

CREATED = "created"
UPDATED = "updated"
RECREATED = "recreated"
UNCHANGED = "unchanged"
SKIPPED = "skipped"


@dataclass(frozen=True)
class Posted:
    id: int | None
    action: str
    url: str | None = None


def _is_ours(c: Any, marker: str, authors: Collection[str]) -> bool:
    if not isinstance(c, dict) or not isinstance(c.get("body"), str):
        return False
    user = c.get("user")
    login = user.get("login") if isinstance(user, dict) else None
    return login in authors and marker in c["body"].splitlines()


def find(gh: GitHub, repo: str, pr: int, marker: str, authors: Collection[str]) -> list[Any]:
    """Our comments on the PR, oldest first (every page of them)."""
    return [
        c
        for c in gh.paginate(f"/repos/{repo}/issues/{pr}/comments")
        if _is_ours(c, marker, authors)
    ]


def _posted(data: Any, action: str) -> Posted:
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return Posted(None, action)
    url = data.get("html_url")
    return Posted(data["id"], action, url if isinstance(url, str) else None)


def upsert(
    gh: GitHub,
    repo: str,
    pr: int,
    body: str,
    *,
    marker: str,
    authors: Collection[str],
    create: bool = True,
) -> Posted:
    """Create, update, re-post or leave the comment; ``create=False`` only touches an
    existing one."""
    mine = find(gh, repo, pr, marker, authors)
    if not mine:
        if not create:
            return Posted(None, SKIPPED)
        return _posted(
            gh.json("POST", f"/repos/{repo}/issues/{pr}/comments", json={"body": body}), CREATED
        )
    first, duplicates = mine[0], mine[1:]
    for extra in duplicates:  # a race of two runs left two: keep the oldest
        gh.request("DELETE", f"/repos/{repo}/issues/comments/{extra['id']}")
    if state_of(first["body"]) != state_of(body):
        new = gh.json("POST", f"/repos/{repo}/issues/{pr}/comments", json={"body": body})
        gh.request("DELETE", f"/repos/{repo}/issues/comments/{first['id']}")
        return _posted(new, RECREATED)
    if first["body"] == body:
        return _posted(first, UNCHANGED)
    data = gh.json("PATCH", f"/repos/{repo}/issues/comments/{first['id']}", json={"body": body})
    return _posted(data, UPDATED)
