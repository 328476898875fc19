"""TOTP (RFC 6238, 30-s step, ±1 step) with a replay guard, and single-use recovery codes."""

import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass

import pyotp
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.crypto import decrypt_str, encrypt_str
from app.core.errors import Conflict, DomainError, Forbidden, NotFound, Unauthorized
from app.core.tenancy import OrgId
from app.core.unit_of_work import set_tenant
from app.services import audit
from app.services.audit import ClientInfo
from app.services.identity import repository

log = structlog.get_logger(__name__)

STEP_SECONDS = 30
VALID_WINDOW = 1
ISSUER = "PIF AI"
RECOVERY_CODE_COUNT = 10


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def match_step(
    secret: str, code: str, *, last_step: int | None, now: float | None = None
) -> int | None:
    """The time step `code` belongs to (within ±1 step), if newer than `last_step`; else None."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    base = current_step(now)
    for step in range(base - VALID_WINDOW, base + VALID_WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def provisioning(secret: str, email: str) -> tuple[str, str]:
    """otpauth:// URI and the same as an inline SVG QR code."""
    uri = pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(name=email, issuer_name=ISSUER)
    import segno  # the QR writer loads with the first enrolment, not with the app

    svg: str = segno.make(uri, error="m").svg_inline(scale=4)
    return uri, svg


def new_recovery_codes() -> list[str]:
    return [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODE_COUNT)]


def recovery_code_hash(code: str) -> str:
    normalised = code.strip().lower().replace("-", "").replace(" ", "")
    return hashlib.sha256(normalised.encode()).hexdigest()


def _looks_like_recovery_code(code: str) -> bool:
    return len(code.strip().replace("-", "")) == 16


async def check_code(
    session: AsyncSession,
    settings: Settings,
    user_id: uuid.UUID,
    code: str,
    *,
    allow_recovery: bool = False,
) -> bool:
    """Verify a TOTP code (consuming its step) or, if allowed, a recovery code (consuming it)."""
    state = await repository.totp_state(session, user_id)
    if state is None or not state.enabled or not state.secret:
        return False
    if allow_recovery and _looks_like_recovery_code(code):
        return await repository.consume_recovery_code(session, user_id, recovery_code_hash(code))
    step = match_step(decrypt_str(settings, state.secret), code, last_step=state.last_step)
    if step is None:
        return False
    # atomic in SQL: a concurrent request with the same code loses here
    return await repository.totp_consume_step(session, user_id, step)


async def require_code(
    session: AsyncSession,
    settings: Settings,
    *,
    user_id: uuid.UUID,
    org_id: uuid.UUID | None,
    code: str | None,
    client: ClientInfo,
) -> None:
    """Raise unless the user has TOTP enabled and `code` is a fresh valid code.

    Every refusal is audited (`auth.totp_failed`) in its own transaction, so the row is kept.
    """
    error: DomainError | None = None
    state = await repository.totp_state(session, user_id)
    if state is None or not state.enabled:
        error = Forbidden("Enable two-factor authentication first", code="totp_setup_required")
    elif not code:
        error = Unauthorized("TOTP code required (X-TOTP-Code header)", code="totp_required")
    elif not await check_code(session, settings, user_id, code):
        error = Unauthorized("Invalid or already used TOTP code", code="totp_invalid")
    if error is not None:
        await audit.record_denied(
            session,
            "auth.totp_failed",
            org_id=org_id,
            user_id=user_id,
            details={"reason": error.code},
            client=client,
        )
        raise error


@dataclass(frozen=True)
class TotpSetup:
    otpauth_uri: str
    qr_svg: str


async def setup(
    session: AsyncSession, settings: Settings, *, user_id: uuid.UUID, org_id: OrgId
) -> TotpSetup:
    """Store a new (not yet enabled) secret, Fernet-encrypted; refused once TOTP is enabled."""
    await set_tenant(session, org_id)
    user = await repository.get_user_for_org(session, user_id, org_id)
    if user is None:
        raise NotFound("User not found")
    if user.totp_enabled:
        raise Conflict("Two-factor authentication is already enabled", code="totp_enabled")
    secret = pyotp.random_base32()
    user.totp_secret = encrypt_str(settings, secret)
    user.totp_last_step = None
    uri, svg = provisioning(secret, user.email)
    return TotpSetup(uri, svg)


async def enable(
    session: AsyncSession,
    settings: Settings,
    *,
    user_id: uuid.UUID,
    org_id: OrgId,
    code: str,
    client: ClientInfo,
) -> list[str]:
    """Check the first code, enable TOTP and return fresh recovery codes (shown once)."""
    error: DomainError | None = None
    codes: list[str] = []
    await set_tenant(session, org_id)
    user = await repository.get_user_for_org(session, user_id, org_id)
    if user is None:
        raise NotFound("User not found")
    if user.totp_enabled:
        raise Conflict("Two-factor authentication is already enabled", code="totp_enabled")
    if not user.totp_secret:
        raise Conflict("Call setup-2fa first", code="totp_not_set_up")
    step = match_step(decrypt_str(settings, user.totp_secret), code, last_step=None)
    if step is None:
        await audit.record_denied(
            session, "auth.totp_failed", org_id=org_id, user_id=user_id, client=client
        )
        error = Unauthorized("Invalid TOTP code", code="totp_invalid")
    else:
        codes = new_recovery_codes()
        user.totp_enabled = True
        user.totp_last_step = step
        user.recovery_codes = [recovery_code_hash(c) for c in codes]
        await audit.record(
            session, "auth.totp_enabled", org_id=org_id, user_id=user_id, client=client
        )
    if error is not None:
        raise error
    return codes
