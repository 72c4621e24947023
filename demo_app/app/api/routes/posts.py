from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Path, Query, status

from app.api.deps import ArqPoolDep, CurrentUser, SessionDep
from app.models import MAX_ID, Post
from app.schemas import MAX_PAGE_SIZE, PostCreate, PostPage, PostPublic, PostUpdate
from app.services import jobs, post_service

router = APIRouter(prefix="/posts", tags=["posts"])

PostId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=PostPublic)
def create_post(
    body: PostCreate,
    current_user: CurrentUser,
    session: SessionDep,
    arq_pool: ArqPoolDep,
    background_tasks: BackgroundTasks,
) -> Post:
    post = post_service.create_post(session, author=current_user, data=body)
    background_tasks.add_task(
        jobs.enqueue_new_post_notification,
        arq_pool,
        post_id=post.id,
        title=post.title,
        author_email=current_user.email,
    )
    return post


@router.get("")
def list_posts(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> PostPage:
    posts, total = post_service.list_posts(session, limit=limit, offset=offset)
    return PostPage(
        items=[PostPublic.model_validate(p) for p in posts],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/{post_id}", response_model=PostPublic)
def read_post(post_id: PostId, session: SessionDep) -> Post:
    return post_service.get_post(session, post_id)


@router.patch("/{post_id}", response_model=PostPublic)
def update_post(
    post_id: PostId, body: PostUpdate, current_user: CurrentUser, session: SessionDep
) -> Post:
    return post_service.update_post(session, post_id=post_id, actor=current_user, data=body)


@router.delete("/{post_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_post(post_id: PostId, current_user: CurrentUser, session: SessionDep) -> None:
    post_service.delete_post(session, post_id=post_id, actor=current_user)
