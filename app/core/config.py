"""Settings, loaded once from the environment (and .env) and validated at start-up."""

import secrets
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated

import platformdirs
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url

DEV_SECRET_KEY = "dev-insecure-secret-key-change-me-0123456789"  # noqa: S105 - refused in production


class AppEnv(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    app_env: AppEnv = AppEnv.DEVELOPMENT
    log_level: str = "INFO"
    log_json: bool = True

    # Unset URLs mean "start the embedded PostgreSQL/Redis in data_dir" (never in production).
    database_url: str | None = None
    redis_url: str | None = None
    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("pifai")))

    # DATABASE_URL is the owner/migration login; the app logs in as these non-owner roles.
    app_db_role: str = "pifai"
    app_db_password: SecretStr | None = None
    superadmin_db_role: str = "pifai_superadmin"
    superadmin_db_password: SecretStr | None = None
    db_pool_size: int = 10

    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)
    fernet_key: SecretStr | None = None
    file_encryption_key: SecretStr | None = None
    admin_bootstrap_secret: SecretStr | None = None

    cors_origins: Annotated[list[str], NoDecode] = []
    max_upload_bytes: int = 25 * 1024 * 1024

    @model_validator(mode="after")
    def _refuse_insecure_production(self) -> "Settings":
        if self.app_env is not AppEnv.PRODUCTION:
            return self
        problems = []
        key = self.secret_key.get_secret_value()
        if key == DEV_SECRET_KEY or len(key) < 32:
            problems.append("SECRET_KEY must be set to a random value of at least 32 characters")
        for name in ("fernet_key", "file_encryption_key"):
            if getattr(self, name) is None:
                problems.append(f"{name.upper()} must be set")
        if not self.database_url or not self.redis_url:
            problems.append("DATABASE_URL and REDIS_URL must be set (no embedded servers)")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    @property
    def is_production(self) -> bool:
        return self.app_env is AppEnv.PRODUCTION

    @property
    def docs_enabled(self) -> bool:
        return self.app_env is not AppEnv.PRODUCTION

    @cached_property
    def owner_url(self) -> URL:
        """Async URL of the owner/migration login."""
        if not self.database_url:
            raise RuntimeError("database_url is not resolved; call resolve_servers() first")
        return to_async_url(self.database_url)

    def role_url(self, role: str, password: SecretStr | None) -> URL:
        """The owner URL with another login role (same host/database)."""
        return self.owner_url.set(
            username=role, password=password.get_secret_value() if password else None
        )

    @property
    def app_url(self) -> URL:
        return self.role_url(self.app_db_role, self.app_db_password)

    @property
    def superadmin_url(self) -> URL:
        return self.role_url(self.superadmin_db_role, self.superadmin_db_password)


def to_async_url(url: str) -> URL:
    """Accept postgres://, postgresql:// or postgresql+asyncpg:// and return the asyncpg form."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    return parsed.set(drivername="postgresql+asyncpg")


def generate_dev_secret() -> str:
    return secrets.token_urlsafe(48)
