from __future__ import annotations

import pytest

from app.core.config import Settings

pytestmark = pytest.mark.unit


def test_settings__default_to_sqlite_so_the_app_needs_no_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)

    assert Settings(_env_file=None).database_url.startswith("sqlite://")  # type: ignore[call-arg]


def test_settings__read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://demo:pw@127.0.0.1:5432/demo")
    monkeypatch.setenv("AVATAR_MAX_BYTES", "4096")

    settings = Settings(_env_file=None)  # type: ignore[call-arg]

    assert settings.database_url == "postgresql+psycopg://demo:pw@127.0.0.1:5432/demo"
    assert settings.avatar_max_bytes == 4096


def test_settings__read_a_dotenv_file(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("S3_BUCKET", raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("S3_BUCKET=from-dotenv\n", encoding="utf-8")

    assert Settings(_env_file=env_file).s3_bucket == "from-dotenv"  # type: ignore[call-arg]


def test_settings__generate_a_secret_key_that_never_shows_in_repr() -> None:
    first = Settings(_env_file=None)  # type: ignore[call-arg]
    second = Settings(_env_file=None)  # type: ignore[call-arg]

    assert len(first.secret_key.get_secret_value()) >= 32
    assert first.secret_key != second.secret_key
    assert first.secret_key.get_secret_value() not in repr(first)


def test_settings__reject_a_non_positive_avatar_limit() -> None:
    with pytest.raises(ValueError, match="avatar_max_bytes"):
        Settings(_env_file=None, avatar_max_bytes=0)  # type: ignore[call-arg]
