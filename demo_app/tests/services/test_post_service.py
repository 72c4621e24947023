from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from app.core.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from app.models import Post, User
from app.schemas import MAX_PAGE_SIZE, PostCreate, PostUpdate
from app.services import post_service

pytestmark = pytest.mark.integration

MakeUser = Callable[..., User]
MakePost = Callable[..., Post]


def test_create_post__belongs_to_its_author(db_session: Session, make_user: MakeUser) -> None:
    author = make_user()

    post = post_service.create_post(
        db_session, author=author, data=PostCreate(title="Hello", body="First!")
    )

    assert post.id is not None
    assert post.author_id == author.id
    assert post.created_at is not None
    assert post.updated_at is None


def test_get_post__missing_post_is_not_found(db_session: Session) -> None:
    with pytest.raises(NotFoundError, match="12345"):
        post_service.get_post(db_session, 12345)


def test_list_posts__empty_database_gives_an_empty_page(db_session: Session) -> None:
    assert post_service.list_posts(db_session, limit=10, offset=0) == ([], 0)


def test_list_posts__pages_newest_first(db_session: Session, make_post: MakePost) -> None:
    posts = [make_post(title=f"post {i}") for i in range(5)]

    first, total = post_service.list_posts(db_session, limit=2, offset=0)
    last, _ = post_service.list_posts(db_session, limit=2, offset=4)
    beyond, _ = post_service.list_posts(db_session, limit=2, offset=5)

    assert total == 5
    assert first == [posts[4], posts[3]]
    assert last == [posts[0]]
    assert beyond == []


@pytest.mark.parametrize("limit", [1, MAX_PAGE_SIZE])
def test_list_posts__accepts_page_sizes_at_the_bounds(db_session: Session, limit: int) -> None:
    assert post_service.list_posts(db_session, limit=limit, offset=0) == ([], 0)


@pytest.mark.parametrize(
    ("limit", "offset"), [(0, 0), (MAX_PAGE_SIZE + 1, 0), (10, -1)], ids=["zero", "over", "neg"]
)
def test_list_posts__rejects_page_parameters_out_of_range(
    db_session: Session, limit: int, offset: int
) -> None:
    with pytest.raises(InvalidInputError):
        post_service.list_posts(db_session, limit=limit, offset=offset)


def test_update_post__author_changes_only_the_given_fields(
    db_session: Session, make_post: MakePost, make_user: MakeUser
) -> None:
    author = make_user()
    post = make_post(author=author, title="Old", body="Body stays")

    updated = post_service.update_post(
        db_session, post_id=post.id, actor=author, data=PostUpdate(title="New")
    )

    assert (updated.title, updated.body) == ("New", "Body stays")
    assert updated.updated_at is not None


def test_update_post__someone_else_is_denied(
    db_session: Session, make_post: MakePost, make_user: MakeUser
) -> None:
    post = make_post(title="Mine")

    with pytest.raises(PermissionDeniedError):
        post_service.update_post(
            db_session, post_id=post.id, actor=make_user(), data=PostUpdate(title="Theirs")
        )
    db_session.refresh(post)
    assert post.title == "Mine"


def test_update_post__missing_post_is_not_found(db_session: Session, make_user: MakeUser) -> None:
    with pytest.raises(NotFoundError):
        post_service.update_post(
            db_session, post_id=999, actor=make_user(), data=PostUpdate(title="x")
        )


def test_delete_post__author_removes_it(
    db_session: Session, make_post: MakePost, make_user: MakeUser
) -> None:
    author = make_user()
    post = make_post(author=author)

    post_service.delete_post(db_session, post_id=post.id, actor=author)

    assert db_session.get(Post, post.id) is None


def test_delete_post__someone_else_is_denied(
    db_session: Session, make_post: MakePost, make_user: MakeUser
) -> None:
    post = make_post()

    with pytest.raises(PermissionDeniedError):
        post_service.delete_post(db_session, post_id=post.id, actor=make_user())
    assert db_session.get(Post, post.id) is not None


def test_deleting_a_user__deletes_their_posts(
    db_session: Session, make_post: MakePost, make_user: MakeUser
) -> None:
    author = make_user()
    post_id = make_post(author=author).id

    db_session.delete(author)
    db_session.commit()

    assert db_session.get(Post, post_id) is None
