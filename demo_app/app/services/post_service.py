"""Posts: every rule about who may do what lives here, not in the routes."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from app.models import Post, User
from app.schemas import MAX_PAGE_SIZE, PostCreate, PostUpdate


def create_post(session: Session, *, author: User, data: PostCreate) -> Post:
    post = Post(title=data.title, body=data.body, author_id=author.id)
    session.add(post)
    session.commit()
    session.refresh(post)
    return post


def get_post(session: Session, post_id: int) -> Post:
    post = session.get(Post, post_id)
    if post is None:
        raise NotFoundError(f"post {post_id} does not exist")
    return post


def list_posts(session: Session, *, limit: int, offset: int) -> tuple[list[Post], int]:
    """Newest first; returns one page and the total number of posts."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInputError(f"limit must be between 1 and {MAX_PAGE_SIZE}")
    if offset < 0:
        raise InvalidInputError("offset must not be negative")
    total = session.scalar(select(func.count()).select_from(Post)) or 0
    page = session.scalars(
        select(Post).order_by(Post.created_at.desc(), Post.id.desc()).limit(limit).offset(offset)
    )
    return list(page), total


def update_post(session: Session, *, post_id: int, actor: User, data: PostUpdate) -> Post:
    post = _get_own_post(session, post_id=post_id, actor=actor)
    for field, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(post, field, value)
    session.commit()
    session.refresh(post)
    return post


def delete_post(session: Session, *, post_id: int, actor: User) -> None:
    post = _get_own_post(session, post_id=post_id, actor=actor)
    session.delete(post)
    session.commit()


def _get_own_post(session: Session, *, post_id: int, actor: User) -> Post:
    post = get_post(session, post_id)
    if post.author_id != actor.id:
        raise PermissionDeniedError("only the author may change this post")
    return post
