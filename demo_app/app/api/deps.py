"""Every dependency a route can ask for, as an `Annotated` alias.

The clients of external services are built once in the lifespan (`app.main`) and handed
out from `app.state`; tests replace them by patching the factories `app.main` uses, or
with `app.dependency_overrides`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from arq.connections import ArqRedis
from botocore.client import BaseClient
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from fastapi_mail import FastMail
from pwdlib import PasswordHash
from sqlalchemy.orm import Session

from app.core.config import API_PREFIX, Settings
from app.core.security import InvalidTokenError, decode_access_token
from app.models import MAX_ID, User


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


def get_s3_client(request: Request) -> BaseClient:
    client: BaseClient = request.app.state.s3
    return client


def get_mailer(request: Request) -> FastMail:
    mailer: FastMail = request.app.state.mailer
    return mailer


def get_arq_pool(request: Request) -> ArqRedis:
    pool: ArqRedis = request.app.state.arq_pool
    return pool


def get_password_hasher(request: Request) -> PasswordHash:
    hasher: PasswordHash = request.app.state.password_hasher
    return hasher


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
S3ClientDep = Annotated[BaseClient, Depends(get_s3_client)]
MailerDep = Annotated[FastMail, Depends(get_mailer)]
ArqPoolDep = Annotated[ArqRedis, Depends(get_arq_pool)]
PasswordHasherDep = Annotated[PasswordHash, Depends(get_password_hasher)]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl=f"{API_PREFIX}/auth/login")
TokenDep = Annotated[str, Depends(oauth2_scheme)]


def get_current_user(session: SessionDep, settings: SettingsDep, token: TokenDep) -> User:
    unauthorized = HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": "Bearer"},
    )
    try:
        user_id = decode_access_token(token, settings)
    except InvalidTokenError:
        raise unauthorized from None
    user = session.get(User, user_id) if 1 <= user_id <= MAX_ID else None
    if user is None:
        raise unauthorized
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
