from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm

from app.api.deps import MailerDep, PasswordHasherDep, SessionDep, SettingsDep
from app.core.security import create_access_token
from app.models import User
from app.schemas import Token, UserCreate, UserPublic
from app.services import user_service
from app.services.mail import welcome_message

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=UserPublic)
def register(
    body: UserCreate,
    session: SessionDep,
    hasher: PasswordHasherDep,
    mailer: MailerDep,
    background_tasks: BackgroundTasks,
) -> User:
    user = user_service.create_user(session, data=body, hasher=hasher)
    # Sent after the response, so a slow SMTP server never delays the sign-up.
    background_tasks.add_task(
        mailer.send_message, welcome_message(email=user.email, full_name=user.full_name)
    )
    return user


@router.post("/login")
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    hasher: PasswordHasherDep,
    settings: SettingsDep,
) -> Token:
    user = user_service.authenticate(
        session, email=form.username, password=form.password, hasher=hasher
    )
    if user is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Incorrect e-mail or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Token(access_token=create_access_token(user.id, settings))
