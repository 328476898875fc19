"""Production refuses to start without real secrets; dev/test have safe defaults."""

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from app.core.config import AppEnv, Settings, to_async_url, weak_secret_reason

REAL_KEY = "q3J0Yx8vN2kRw5LmT9bHc4ZpUe7AsDf1GhKj6XoVnBi0MlWy"  # random, 48 base64 chars


def test_production_refuses_default_secret() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(app_env=AppEnv.PRODUCTION, database_url="postgresql://x/y", redis_url="redis://x")


def test_production_refuses_embedded_servers() -> None:
    with pytest.raises(ValidationError, match="DATABASE_URL and REDIS_URL"):
        Settings(
            app_env=AppEnv.PRODUCTION,
            secret_key=REAL_KEY,
            fernet_key="k",
            file_encryption_key="k",
        )


def test_production_accepts_real_secrets() -> None:
    settings = Settings(
        app_env=AppEnv.PRODUCTION,
        secret_key=REAL_KEY,
        fernet_key="k",
        file_encryption_key="k",
        database_url="postgresql://owner@db/pifai",
        redis_url="redis://cache:6379/0",
    )
    assert not settings.docs_enabled
    assert settings.app_url.username == "pifai"
    assert settings.superadmin_url.username == "pifai_superadmin"


def test_production_google_sign_in_needs_the_anti_bot_check() -> None:
    real: dict[str, Any] = {
        "secret_key": REAL_KEY,
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


ENV_EXAMPLE_PLACEHOLDER = "change-me-to-a-long-random-value-of-at-least-32-characters"
OLD_BUILT_IN_DEFAULT = "dev-insecure-secret-key-change-me-0123456789"


@pytest.mark.parametrize(
    "key",
    [
        ENV_EXAMPLE_PLACEHOLDER,
        OLD_BUILT_IN_DEFAULT,
        "s" * 40,  # long, but one character repeated
        "abababababababababababababababababababab",
        "0123456789abcdef" * 2,  # 32 hex characters = 16 bytes
        "short",
    ],
)
def test_production_refuses_placeholder_and_weak_keys(key: str) -> None:
    assert weak_secret_reason(key) is not None
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(
            app_env=AppEnv.PRODUCTION,
            secret_key=key,
            fernet_key="k",
            file_encryption_key="k",
            database_url="postgresql://owner@db/pifai",
            redis_url="redis://cache:6379/0",
        )


def test_generated_keys_pass() -> None:
    import os
    import secrets

    assert weak_secret_reason(secrets.token_urlsafe(48)) is None
    assert weak_secret_reason(os.urandom(32).hex()) is None


def test_the_env_example_ships_no_usable_key() -> None:
    from pathlib import Path

    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    active = [line for line in example.splitlines() if line.startswith("SECRET_KEY=")]
    assert all(weak_secret_reason(line.split("=", 1)[1]) for line in active)


def test_development_signing_key_is_per_data_dir_and_private(tmp_path: Path) -> None:
    import stat

    from app.core.security import DEV_SIGNING_KEY_FILE, signing_key

    one = Settings(_env_file=None, data_dir=tmp_path / "one")
    two = Settings(_env_file=None, data_dir=tmp_path / "two")
    assert signing_key(one) != signing_key(two)
    assert signing_key(one) == signing_key(one)
    assert weak_secret_reason(signing_key(one)) is None
    mode = stat.S_IMODE((tmp_path / "one" / DEV_SIGNING_KEY_FILE).stat().st_mode)
    assert mode == 0o600
    copied = Settings(
        _env_file=None,
        data_dir=tmp_path / "one",
        secret_key=ENV_EXAMPLE_PLACEHOLDER,
    )
    assert signing_key(copied) == signing_key(one)  # a copied placeholder is never used
