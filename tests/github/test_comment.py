"""The sticky comment against the fake API: one per PR and id, found on any page."""

from __future__ import annotations

import pytest
import requests

from ratchet.github import comment
from ratchet.github.client import GitHub
from ratchet.github.settings import Secret
from ratchet.render.comment import marker, render
from tests.github.conftest import BOT, REPOSITORY, TOKEN
from tests.github.test_render_comment import result_for

pytestmark = pytest.mark.integration

MARKER = marker("")


@pytest.fixture
def gh(fake_github, no_sleep):
    with requests.Session() as s:
        yield GitHub(s, fake_github.url, Secret(TOKEN), sleep=no_sleep)


def text(threshold=50, covered=9):
    return render(result_for({"a.py": (covered, 10 - covered)}, threshold=threshold))


def upsert(gh, new_body, **kw):
    return comment.upsert(gh, REPOSITORY, 7, new_body, marker=MARKER, authors={BOT}, **kw)


def test_upsert__creates_then_edits_in_place(fake_github, gh):
    first = upsert(gh, text(covered=9))
    assert first.action == comment.CREATED
    second = upsert(gh, text(covered=8))  # same verdict, same bar: a quiet edit
    assert (second.action, second.id) == (comment.UPDATED, first.id)
    assert list(fake_github.comments) == [first.id]
    assert "80.00%" in fake_github.comments[first.id]["body"]
    assert [c.method for c in fake_github.writes()] == ["POST", "PATCH"]


def test_upsert__identical_body_is_not_touched(fake_github, gh):
    upsert(gh, text())
    again = upsert(gh, text())
    assert again.action == comment.UNCHANGED
    assert [c.method for c in fake_github.writes()] == ["POST"]


def test_upsert__a_new_verdict_or_bar_is_posted_anew(fake_github, gh):
    old = upsert(gh, text(threshold=50))
    new = upsert(gh, text(threshold=95))  # now failing: re-post so it notifies
    assert new.action == comment.RECREATED
    assert list(fake_github.comments) == [new.id] and new.id != old.id
    assert [c.method for c in fake_github.writes()] == ["POST", "POST", "DELETE"]


def test_upsert__finds_its_comment_on_a_later_page(fake_github, gh):
    for i in range(5):
        fake_github.add_comment(f"review {i}", login="alice")
    mine = fake_github.add_comment(text(covered=9))
    fake_github.add_comment("later", login="bob")
    posted = upsert(gh, text(covered=8))
    assert (posted.action, posted.id) == (comment.UPDATED, mine)
    pages = [c for c in fake_github.calls if c.method == "GET" and c.path.endswith("/comments")]
    assert len(pages) == 4  # page size 2: 7 comments
    assert pages[1].query == {"per_page": "2", "page": "2"}


def test_upsert__the_marker_in_someone_elses_comment_is_left_alone(fake_github, gh):
    theirs = fake_github.add_comment(f"{MARKER}\nI copied your marker", login="mallory")
    posted = upsert(gh, text())
    assert posted.action == comment.CREATED
    assert fake_github.comments[theirs]["body"] == f"{MARKER}\nI copied your marker"
    assert all(str(theirs) not in c.path for c in fake_github.writes())


def test_upsert__duplicates_from_a_race_are_removed(fake_github, gh):
    keep = fake_github.add_comment(text(covered=9))
    dup = fake_github.add_comment(text(covered=9))
    posted = upsert(gh, text(covered=8))
    assert posted.id == keep
    assert dup not in fake_github.comments and keep in fake_github.comments


def test_upsert__other_ids_are_other_comments(fake_github, gh):
    web = fake_github.add_comment(render(result_for({"a.py": (1, 1)}), ident="web"))
    posted = upsert(gh, text())
    assert posted.action == comment.CREATED
    assert web in fake_github.comments


def test_upsert__create_false_only_updates(fake_github, gh):
    assert upsert(gh, text(), create=False).action == comment.SKIPPED
    assert fake_github.writes() == []
