"""Settings read from the environment (and an optional `.env` file)."""

from __future__ import annotations

import secrets

from pydantic import EmailStr, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

API_PREFIX = "/api/v1"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    project_name: str = "Demo"

    # SQLite by default so the app runs with no server at all;
    # e.g. DATABASE_URL=postgresql+psycopg://user:pw@127.0.0.1:5432/demo for PostgreSQL.
    database_url: str = "sqlite:///./demo.db"
    # Demo convenience: create missing tables at startup. A real project runs migrations.
    create_tables: bool = True

    # A fresh random key per process unless one is configured: tokens then die with the
    # process, which is the safe failure for a forgotten setting.
    secret_key: SecretStr = Field(default_factory=lambda: SecretStr(secrets.token_urlsafe(32)))
    jwt_algorithm: str = "HS256"
    access_token_expire_minutes: int = Field(default=60, gt=0)
    # Argon2 cost parameters; argon2-cffi's defaults. Tests lower them to stay fast.
    password_hash_time_cost: int = Field(default=3, ge=1)
    password_hash_memory_cost: int = Field(default=65536, ge=8)  # KiB

    redis_url: str = "redis://127.0.0.1:6379/0"

    s3_bucket: str = "demo-avatars"
    s3_region: str = "us-east-1"
    s3_endpoint_url: str | None = None
    avatar_max_bytes: int = Field(default=2 * 1024 * 1024, gt=0)

    mail_server: str = "127.0.0.1"
    mail_port: int = 1025
    mail_username: str = ""
    mail_password: SecretStr = SecretStr("")
    mail_from: EmailStr = "noreply@example.com"
    mail_starttls: bool = False
    mail_ssl_tls: bool = False
