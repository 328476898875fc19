"""Production refuses to start without real secrets; dev/test have safe defaults."""

import pytest
from pydantic import ValidationError

from app.core.config import AppEnv, Settings, to_async_url


def test_production_refuses_default_secret() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(app_env=AppEnv.PRODUCTION, database_url="postgresql://x/y", redis_url="redis://x")


def test_production_refuses_embedded_servers() -> None:
    with pytest.raises(ValidationError, match="DATABASE_URL and REDIS_URL"):
        Settings(
            app_env=AppEnv.PRODUCTION,
            secret_key="s" * 40,
            fernet_key="k",
            file_encryption_key="k",
        )


def test_production_accepts_real_secrets() -> None:
    settings = Settings(
        app_env=AppEnv.PRODUCTION,
        secret_key="s" * 40,
        fernet_key="k",
        file_encryption_key="k",
        database_url="postgresql://owner@db/pifai",
        redis_url="redis://cache:6379/0",
    )
    assert not settings.docs_enabled
    assert settings.app_url.username == "pifai"
    assert settings.superadmin_url.username == "pifai_superadmin"


def test_production_google_sign_in_needs_the_anti_bot_check() -> None:
    real = {
        "secret_key": "s" * 40,
        "fernet_key": "k",
        "file_encryption_key": "k",
        "database_url": "postgresql://owner@db/pifai",
        "redis_url": "redis://cache:6379/0",
    }
    with pytest.raises(ValidationError, match="ANTIBOT_SECRET"):
        Settings(app_env=AppEnv.PRODUCTION, google_client_id="id", **real)
    Settings(app_env=AppEnv.PRODUCTION, google_client_id="id", antibot_secret="x", **real)


@pytest.mark.parametrize(
    "url", ["postgres://u@h/d", "postgresql://u@h/d", "postgresql+asyncpg://u@h/d"]
)
def test_database_urls_are_normalised_to_asyncpg(url: str) -> None:
    assert to_async_url(url).drivername == "postgresql+asyncpg"
