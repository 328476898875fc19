"""Password hashing and access-token encoding: the primitives every context shares."""

import os
import secrets
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bcrypt
import jwt
import structlog

from app.core.config import Settings, weak_secret_reason

log = structlog.get_logger(__name__)

ACCESS_TOKEN_TTL = timedelta(minutes=15)
JWT_ALGORITHM = "HS256"
BCRYPT_ROUNDS = 12
DEV_SIGNING_KEY_FILE = "jwt-signing.key"

_dev_keys: dict[Path, str] = {}
_dev_keys_lock = threading.Lock()


def _dev_signing_key(data_dir: Path) -> str:
    """Outside production: a random key generated on first use and kept (0600) in the data dir."""
    path = (data_dir / DEV_SIGNING_KEY_FILE).resolve()
    with _dev_keys_lock:
        if path in _dev_keys:
            return _dev_keys[path]
        if not path.exists():
            data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process created it first
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_urlsafe(48))
        key = path.read_text().strip()
        _dev_keys[path] = key
        return key


def signing_key(settings: Settings) -> str:
    """SECRET_KEY (validated at start-up in production), else the per-data-dir development key.

    A published placeholder (old default, .env.example value) is never used, even in development.
    """
    if settings.secret_key is not None:
        key = settings.secret_key.get_secret_value()
        reason = weak_secret_reason(key)
        if reason is None or (not settings.is_production and "placeholder" not in reason):
            return key
        if settings.is_production:
            raise RuntimeError(f"SECRET_KEY {reason}")
        log.warning("secret_key_ignored", reason=reason, using=DEV_SIGNING_KEY_FILE)
    elif settings.is_production:
        raise RuntimeError("SECRET_KEY must be set in production")
    return _dev_signing_key(settings.data_dir)


def hash_password(password: str) -> str:
    """bcrypt, cost 12 (hashes start with $2b$12$)."""
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(BCRYPT_ROUNDS)).decode()


def verify_password(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        return False
    try:
        return bcrypt.checkpw(password.encode(), password_hash.encode())
    except ValueError:
        return False


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    org_id: uuid.UUID | None
    role: str
    jti: str
    expires_at: datetime
    session_id: uuid.UUID  # the refresh-token family this access token belongs to


def create_access_token(
    settings: Settings,
    *,
    user_id: uuid.UUID,
    org_id: uuid.UUID | None,
    role: str,
    session_id: uuid.UUID | None = None,
) -> tuple[str, AccessClaims]:
    """`role`/`org_id` are informational: each request reads them from the database."""
    now = datetime.now(UTC)
    claims = AccessClaims(
        user_id, org_id, role, uuid.uuid4().hex, now + ACCESS_TOKEN_TTL, session_id or uuid.uuid4()
    )
    payload = {
        "sub": str(user_id),
        "org_id": str(org_id) if org_id else None,
        "role": role,
        "jti": claims.jti,
        "sid": str(claims.session_id),
        "iat": int(now.timestamp()),
        "exp": int(claims.expires_at.timestamp()),
        "typ": "access",
    }
    token = jwt.encode(payload, signing_key(settings), algorithm=JWT_ALGORITHM)
    return token, claims


def decode_access_token(settings: Settings, token: str) -> AccessClaims:
    """Raise jwt.InvalidTokenError on anything but a valid, unexpired access token."""
    payload = jwt.decode(
        token,
        signing_key(settings),
        algorithms=[JWT_ALGORITHM],
        options={"require": ["sub", "exp", "iat", "jti", "role", "sid"]},
    )
    if payload.get("typ") != "access":
        raise jwt.InvalidTokenError("not an access token")
    try:
        org = payload.get("org_id")
        return AccessClaims(
            user_id=uuid.UUID(payload["sub"]),
            org_id=uuid.UUID(org) if org else None,
            role=str(payload["role"]),
            jti=str(payload["jti"]),
            expires_at=datetime.fromtimestamp(payload["exp"], UTC),
            session_id=uuid.UUID(str(payload["sid"])),
        )
    except (ValueError, TypeError) as exc:
        raise jwt.InvalidTokenError("malformed claims") from exc
