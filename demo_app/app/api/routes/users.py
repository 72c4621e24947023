from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, UploadFile

from app.api.deps import ArqPoolDep, CurrentUser, S3ClientDep, SessionDep, SettingsDep
from app.models import User
from app.schemas import UserPublic
from app.services import avatar_service, jobs, user_service

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me", response_model=UserPublic)
def read_me(current_user: CurrentUser) -> User:
    return current_user


@router.put("/me/avatar", response_model=UserPublic)
def upload_avatar(
    file: UploadFile,
    current_user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    s3: S3ClientDep,
    arq_pool: ArqPoolDep,
    background_tasks: BackgroundTasks,
) -> User:
    # The declared Content-Type and file name are the client's word; the bytes decide.
    data = avatar_service.read_limited(file.file, max_bytes=settings.avatar_max_bytes)
    key = avatar_service.store_avatar(
        s3, bucket=settings.s3_bucket, user_id=current_user.id, data=data
    )
    user = user_service.set_avatar_key(session, user=current_user, key=key)
    background_tasks.add_task(jobs.enqueue_thumbnail, arq_pool, user_id=user.id, key=key)
    return user
