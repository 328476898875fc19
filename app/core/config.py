"""Settings, loaded once from the environment (and .env) and validated at start-up."""

import base64
import binascii
import math
import secrets
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import platformdirs
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url

# Keys that were published (the old built-in default, the .env.example placeholder, look-alikes):
# anyone could sign tokens with them, so they are never used for signing.
PUBLIC_SECRET_KEYS = frozenset(
    {
        "dev-insecure-secret-key-change-me-0123456789",  # the pre-hardening built-in default
        "change-me-to-a-long-random-value-of-at-least-32-characters",  # .env.example until 2026-12
        "change-me",
        "changeme",
        "secret",
        "secret-key",
        "your-secret-key",
        "replace-me",
    }
)
MIN_SECRET_BYTES = 32
MIN_SECRET_ENTROPY_BITS_PER_CHAR = 3.0


def _key_material(key: str) -> bytes:
    """The bytes a key encodes: hex or base64(url) when it parses as such, else its UTF-8."""
    stripped = key.strip()
    if len(stripped) % 2 == 0:
        try:
            return bytes.fromhex(stripped)
        except ValueError:
            pass
    try:
        padded = stripped + "=" * (-len(stripped) % 4)
        return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return stripped.encode()


def _entropy_bits_per_char(text: str) -> float:
    counts, total = Counter(text), len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values()) if total else 0.0


def weak_secret_reason(key: str) -> str | None:
    """Why `key` must not sign tokens (published, too short, too uniform), or None."""
    lowered = key.strip().lower()
    if lowered in PUBLIC_SECRET_KEYS or "change-me" in lowered or "changeme" in lowered:
        return "is a published placeholder"
    if len(_key_material(key)) < MIN_SECRET_BYTES:
        return f"encodes fewer than {MIN_SECRET_BYTES} bytes"
    if _entropy_bits_per_char(key.strip()) < MIN_SECRET_ENTROPY_BITS_PER_CHAR:
        return "has too little entropy (repeated characters)"
    return None


class StorageBackend(StrEnum):
    LOCAL = "local"
    S3 = "s3"


class AppEnv(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class EmailBackend(StrEnum):
    CONSOLE = "console"
    SMTP = "smtp"


class PlanEnforcement(StrEnum):
    OFF = "off"  # self-hosting: every org gets the top plan's access, no limits
    SAAS = "saas"  # a SaaS operator's plans: features and limits from plan_limits


class CookieSameSite(StrEnum):
    STRICT = "strict"
    LAX = "lax"
    NONE = "none"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    app_env: AppEnv = AppEnv.DEVELOPMENT
    log_level: str = "INFO"
    log_json: bool = True
    # FastAPI's native OpenTelemetry spans/metrics/logs through the global providers; off unless
    # an operator configures OpenTelemetry (checking for providers cost ~2 % of a request)
    otel_enabled: bool = False

    # Unset URLs mean "start the embedded PostgreSQL/Redis in data_dir" (never in production).
    database_url: str | None = None
    redis_url: str | None = None
    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("pifai")))

    # DATABASE_URL is the owner/migration login; the app logs in as these non-owner roles.
    app_db_role: str = "pifai"
    app_db_password: SecretStr | None = None
    superadmin_db_role: str = "pifai_superadmin"
    superadmin_db_password: SecretStr | None = None
    sync_db_role: str = "pifai_sync"  # writes the shared reference tables (chemical sync tasks)
    sync_db_password: SecretStr | None = None
    db_pool_size: int = 10

    # JWT signing key; unset outside production = a random key kept in data_dir (app.core.security)
    secret_key: SecretStr | None = None
    principal_cache_seconds: float = Field(default=30.0, ge=0)  # role/org/active, per process
    fernet_key: SecretStr | None = None
    file_encryption_key: SecretStr | None = None
    admin_bootstrap_secret: SecretStr | None = None

    cors_origins: Annotated[list[str], NoDecode] = []
    max_upload_bytes: int = 25 * 1024 * 1024
    max_json_body_bytes: int = 2 * 1024 * 1024  # any non-upload body, enforced before reading
    max_auth_body_bytes: int = 16 * 1024  # /auth/* bodies (credentials, tokens)
    storage_dir: Path | None = None  # local file storage; default <data_dir>/files
    storage_backend: StorageBackend = StorageBackend.LOCAL
    s3_bucket: str = ""
    s3_endpoint_url: str | None = None  # any S3-compatible API (MinIO, Ceph, …); None = AWS
    s3_region: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    s3_prefix: str = ""
    s3_server_side_encryption: str | None = None  # e.g. "aws:kms" (SSE-KMS, spec 08 E6)
    s3_kms_key_id: str | None = None

    # Central RAG service (spec 04 §4); "configured" means base, key and tenant are all set.
    rag_api_base: str = ""
    rag_api_key: SecretStr = SecretStr("")
    rag_tenant_id: str = ""
    rag_timeout_seconds: float = 20.0
    rag_kb_name_prefix: str = "pif"

    # Toxicology sources (spec 04 §5); PubChem needs no key, CompTox does.
    toxicology_sources: Annotated[list[str], NoDecode] = [
        "pubchem",
        "echa",
        "echemportal",
        "comptox",
    ]
    pubchem_requests_per_second: int = 5
    contact_email: str | None = None  # sent in the outbound User-Agent (polite use)
    echa_api_key: SecretStr | None = None
    comptox_api_key: SecretStr | None = None
    toxicology_cache_days: int = 30
    toxicology_retry_minutes: int = 15  # an unavailable source is asked again after this

    # AI provider: the deterministic local engine unless an Anthropic key is set (spec 04 §6).
    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    ai_complex_model: str = "claude-sonnet-5"
    ai_light_model: str = "claude-haiku-4-5"
    ai_max_tool_iterations: int = Field(default=8, ge=1, le=50)
    ai_fallback_to_local: bool = True  # an invalid model answer falls back to the local engine
    # Offline OCR of formula images and scanned PDF pages (models ship in the rapidocr wheel).
    ocr_enabled: bool = True
    ocr_max_pages: int = Field(default=10, ge=1, le=200)  # pages of a scanned PDF per file
    ocr_max_pixels: int = Field(default=40_000_000, ge=1_000_000)  # per image / rendered page
    ocr_dpi: int = Field(default=200, ge=72, le=600)  # rasterisation of image-only PDF pages
    ocr_threads: int = Field(default=2, ge=1, le=64)  # ONNX Runtime intra-op threads

    @field_validator("toxicology_sources", mode="before")
    @classmethod
    def _split_sources(cls, value: object) -> object:
        return (
            [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else value
        )

    # Background worker (Redis Streams); env names are the upper-case field names.
    worker_concurrency: int = Field(default=16, ge=1, le=256)  # measured: bench/RESULTS.md
    worker_block_ms: int = Field(default=1000, ge=10)  # XREADGROUP BLOCK; bounds shutdown delay
    worker_visibility_timeout_seconds: float = Field(default=300.0, gt=0)  # then XAUTOCLAIM
    worker_heartbeat_seconds: float = Field(default=5.0, gt=0)
    # a worker whose heartbeat key is this old is dead: its entries are reclaimed (≪ visibility)
    worker_dead_after_seconds: float = Field(default=15.0, gt=0)
    worker_shutdown_grace_seconds: float = Field(default=30.0, ge=0)
    worker_metrics_port: int = Field(default=0, ge=0, le=65535)  # 0: no separate /metrics port
    task_max_attempts: int = Field(default=3, ge=1, le=50)
    task_retry_base_seconds: float = Field(default=1.0, gt=0)  # delay(n) = base * 2^(n-1)
    task_retry_max_seconds: float = Field(default=300.0, gt=0)
    task_retry_jitter: float = Field(default=0.1, ge=0, le=1)  # up to +10 % of the delay
    task_retry_poll_seconds: float = Field(default=0.5, gt=0)  # how often due retries move
    task_sweeper_interval_seconds: float = Field(default=30.0, gt=0)
    task_sweeper_grace_seconds: float = Field(default=60.0, ge=0)  # pending this long: republish

    # identity: e-mail, sessions, sign-in providers, abuse limits
    public_base_url: str = "http://localhost:8000"
    email_backend: EmailBackend = EmailBackend.CONSOLE
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "PIF AI <no-reply@localhost>"
    smtp_starttls: bool = False
    smtp_use_tls: bool = False
    smtp_timeout_seconds: float = 10.0
    google_client_id: str | None = None
    google_jwks_url: str = "https://www.googleapis.com/oauth2/v3/certs"
    google_jwks_cache_seconds: int = 3600
    # Turnstile (default URL) or reCAPTCHA (https://www.google.com/recaptcha/api/siteverify)
    antibot_secret: SecretStr | None = None
    antibot_verify_url: str = "https://challenges.cloudflare.com/turnstile/v0/siteverify"
    plan_enforcement: PlanEnforcement = PlanEnforcement.OFF
    auth_require_verified_email: bool = False  # forced true in production
    refresh_token_days: int = 7
    verify_email_token_hours: int = 24
    reset_password_token_minutes: int = 60
    invitation_days: int = 7
    refresh_cookie_name: str = "pifai_refresh"
    refresh_cookie_secure: bool = True
    refresh_cookie_samesite: CookieSameSite = CookieSameSite.STRICT
    refresh_cookie_path: str = "/api/v1/auth"
    login_rate_limit_ip: str = "30/minute"
    login_rate_limit_account: str = "10/minute"
    forgot_password_rate_limit_ip: str = "10/hour"
    forgot_password_rate_limit_account: str = "3/hour"
    register_rate_limit_ip: str = "10/hour"
    register_rate_limit_account: str = "3/hour"
    reset_password_rate_limit_ip: str = "20/hour"
    login_max_failures: int = 5
    login_lock_base_seconds: int = 300  # doubled on every further lock
    login_lock_max_seconds: int = 86400

    @model_validator(mode="after")
    def _refuse_insecure_production(self) -> "Settings":
        if self.app_env is not AppEnv.PRODUCTION:
            return self
        problems = []
        if self.secret_key is None:
            problems.append("SECRET_KEY must be set")
        elif reason := weak_secret_reason(self.secret_key.get_secret_value()):
            problems.append(
                f"SECRET_KEY {reason}; generate one with "
                '`python -c "import secrets; print(secrets.token_urlsafe(48))"`'
            )
        for name in ("fernet_key", "file_encryption_key"):
            if getattr(self, name) is None:
                problems.append(f"{name.upper()} must be set")
        if not self.database_url or not self.redis_url:
            problems.append("DATABASE_URL and REDIS_URL must be set (no embedded servers)")
        if self.google_client_id and self.antibot_secret is None:
            problems.append("ANTIBOT_SECRET must be set when Google sign-in is enabled")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        self.auth_require_verified_email = True  # never bypassed in production
        return self

    @property
    def is_production(self) -> bool:
        return self.app_env is AppEnv.PRODUCTION

    @property
    def docs_enabled(self) -> bool:
        return self.app_env is not AppEnv.PRODUCTION

    @property
    def owner_url(self) -> URL:
        """Async URL of the owner/migration login (not cached: `model_copy` would carry it)."""
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

    @property
    def sync_url(self) -> URL:
        return self.role_url(self.sync_db_role, self.sync_db_password)


def to_async_url(url: str) -> URL:
    """Accept postgres://, postgresql:// or postgresql+asyncpg:// and return the asyncpg form."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    return parsed.set(drivername="postgresql+asyncpg")


def generate_dev_secret() -> str:
    return secrets.token_urlsafe(48)
