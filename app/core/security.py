"""Password hashing and access-token encoding: the primitives every context shares."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import bcrypt
import jwt

from app.core.config import Settings

ACCESS_TOKEN_TTL = timedelta(minutes=15)
JWT_ALGORITHM = "HS256"
BCRYPT_ROUNDS = 12


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


def create_access_token(
    settings: Settings, *, user_id: uuid.UUID, org_id: uuid.UUID | None, role: str
) -> tuple[str, AccessClaims]:
    now = datetime.now(UTC)
    claims = AccessClaims(user_id, org_id, role, uuid.uuid4().hex, now + ACCESS_TOKEN_TTL)
    payload = {
        "sub": str(user_id),
        "org_id": str(org_id) if org_id else None,
        "role": role,
        "jti": claims.jti,
        "iat": int(now.timestamp()),
        "exp": int(claims.expires_at.timestamp()),
        "typ": "access",
    }
    token = jwt.encode(payload, settings.secret_key.get_secret_value(), algorithm=JWT_ALGORITHM)
    return token, claims


def decode_access_token(settings: Settings, token: str) -> AccessClaims:
    """Raise jwt.InvalidTokenError on anything but a valid, unexpired access token."""
    payload = jwt.decode(
        token,
        settings.secret_key.get_secret_value(),
        algorithms=[JWT_ALGORITHM],
        options={"require": ["sub", "exp", "iat", "jti", "role"]},
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
        )
    except (ValueError, TypeError) as exc:
        raise jwt.InvalidTokenError("malformed claims") from exc
