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


# per Settings object: judging the key's strength on every request cost more than the HMAC
_signing_keys: dict[int, tuple[Settings, str]] = {}


def signing_key(settings: Settings) -> str:
    """SECRET_KEY (validated at start-up in production), else the per-data-dir development key.

    A published placeholder (old default, .env.example value) is never used, even in development.
    """
    known = _signing_keys.get(id(settings))
    if known is not None and known[0] is settings:
        return known[1]
    key = _signing_key(settings)
    _signing_keys[id(settings)] = (settings, key)
    return key


def _signing_key(settings: Settings) -> str:
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


# Tokens already verified, by (signing key, token): the same bytes under the same key verify the
# same way, so only the expiry is checked again (issue 18: PyJWT was ~5 % of a list request).
_verified: dict[tuple[str, str], AccessClaims] = {}
_VERIFIED_MAX = 4096


def decode_access_token(settings: Settings, token: str) -> AccessClaims:
    """Raise jwt.InvalidTokenError on anything but a valid, unexpired access token."""
    key = signing_key(settings)
    claims = _verified.get((key, token))
    if claims is not None:
        if claims.expires_at > datetime.now(UTC):
            return claims
        del _verified[(key, token)]
        raise jwt.ExpiredSignatureError("Signature has expired")
    claims = _decode_access_token(key, token)
    if len(_verified) >= _VERIFIED_MAX:
        _verified.clear()  # bounded; a miss only costs one verification
    _verified[(key, token)] = claims
    return claims


def _decode_access_token(key: str, token: str) -> AccessClaims:
    payload = jwt.decode(
        token,
        key,
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
