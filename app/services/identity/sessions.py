"""Sign-in, refresh-token rotation with family revocation on reuse, sign-out."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import DomainError, Forbidden, Unauthorized
from app.core.security import ACCESS_TOKEN_TTL, create_access_token
from app.core.unit_of_work import after_commit, keep_on_refusal
from app.models.enums import Role
from app.models.identity import RefreshToken
from app.services import audit
from app.services.audit import ClientInfo
from app.services.identity import repository, totp
from app.services.identity.limits import RateLimiter, failure_window, too_many
from app.services.identity.passwords import check_password
from app.services.identity.principals import PrincipalCache, sessions_revoked
from app.services.identity.repository import AuthUser
from app.services.identity.tokens import new_token, token_hash

log = structlog.get_logger(__name__)

INVALID_CREDENTIALS = "Invalid email or password"
FAILURE_SCOPE = "login:failures"
LOCKED = "too_many_attempts"
IP_FAILURE_WINDOW_SECONDS = 900


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    expires_in: int
    refresh_token: str | None
    user_id: uuid.UUID
    org_id: uuid.UUID | None
    role: str


def invalid_credentials() -> Unauthorized:
    """One body for unknown e-mail, wrong password, locked or wrong-entry accounts."""
    return Unauthorized(INVALID_CREDENTIALS, code="invalid_credentials")


async def issue_tokens(
    session: AsyncSession,
    settings: Settings,
    user: AuthUser,
    client: ClientInfo,
    *,
    family_id: uuid.UUID | None = None,
    with_refresh: bool = True,
) -> TokenPair:
    """Access JWT plus a new refresh token (stored hashed) in `family_id` or a new family.

    The family is the session: the access token carries it as `sid`, and revoking the family ends
    the access token too. Without a refresh token (super admins) the family still gets one row,
    whose token is never handed out, so that the session can be revoked like any other.
    """
    family = family_id or uuid.uuid4()
    access, _ = create_access_token(
        settings, user_id=user.id, org_id=user.org_id, role=user.role, session_id=family
    )
    secret = new_token()
    raw: str | None = secret if with_refresh else None
    now = datetime.now(UTC)
    lifetime = timedelta(days=settings.refresh_token_days) if with_refresh else ACCESS_TOKEN_TTL
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family,
            token_hash=token_hash(secret),
            issued_at=now,
            expires_at=now + lifetime,
            ip_address=client.ip,
            user_agent=client.user_agent,
        )
    )
    await session.flush()
    return TokenPair(
        access_token=access,
        expires_in=int(ACCESS_TOKEN_TTL.total_seconds()),
        refresh_token=raw,
        user_id=user.id,
        org_id=user.org_id,
        role=user.role,
    )


async def _count_ip_failure(redis: Redis, ip: str | None, *, reset: bool = False) -> int:
    """Consecutive failed sign-ins from one IP (reset by a success), kept for 15 minutes."""
    if not ip:
        return 0
    key = f"pifai:login-failures:ip:{ip}"
    try:
        if reset:
            await redis.delete(key)
            return 0
        count = int(await redis.incr(key))
        await redis.expire(key, IP_FAILURE_WINDOW_SECONDS)
    except (RedisError, OSError) as exc:  # an alert signal only: never fail a sign-in over it
        log.warning("login_ip_counter_unavailable", error=type(exc).__name__)
        return 0
    return count


async def login(
    session: AsyncSession,
    settings: Settings,
    redis: Redis,
    limiter: RateLimiter,
    *,
    email: str,
    password: str,
    totp_code: str | None,
    client: ClientInfo,
    super_admin: bool = False,
) -> TokenPair:
    """E-mail + password (+ TOTP); failures are audited and committed before the error is raised.

    `super_admin=True` is the separate super-admin entry: only super admins, TOTP always required.
    """
    email = email.strip().lower()
    await limiter.enforce(settings.login_rate_limit_ip, "login:ip", client.ip)
    await limiter.enforce(settings.login_rate_limit_account, "login:account", email)
    # failures are counted per e-mail whether or not it has an account: the lockout answer
    # ("too many attempts") is the same for both, so it reveals nothing
    failures = failure_window(settings.login_max_failures, settings.login_lock_base_seconds)
    if not await limiter.allows(failures, FAILURE_SCOPE, email):
        raise too_many(await limiter.retry_after(failures, FAILURE_SCOPE, email), code=LOCKED)
    error: DomainError | None = None
    pair: TokenPair | None = None
    user = await repository.auth_user_by_email(session, email)
    password_ok = check_password(password, user.password_hash if user else None)
    now = datetime.now(UTC)
    reason: str | None = None
    if user is None:
        reason = "unknown_account"
    elif (user.role == Role.SUPER_ADMIN) != super_admin:
        reason = "wrong_entry"
    elif not user.is_active:
        reason = "inactive"
    elif user.locked_until is not None and user.locked_until > now:
        reason = "locked"
    elif not password_ok:
        reason = "wrong_password"

    if reason == "locked" and user is not None:
        await audit.record(
            session,
            "auth.login_blocked",
            org_id=user.org_id,
            user_id=user.id,
            details={"reason": reason},
            client=client,
        )
        wait = int((user.locked_until - now).total_seconds()) + 1 if user.locked_until else 1
        error = too_many(wait, code=LOCKED)
    elif reason is not None:
        error = invalid_credentials()
        await _record_failure(session, settings, redis, user, email, reason, client)
        await limiter.hit(failures, FAILURE_SCOPE, email)
    else:
        assert user is not None
        error, pair = await _second_factor_and_issue(
            session, settings, redis, user, totp_code, client, super_admin=super_admin
        )
    if error is not None:
        keep_on_refusal(session)  # the failure's audit row, counters and revocations stay
        raise error
    assert pair is not None
    await limiter.clear(failures, FAILURE_SCOPE, email)
    return pair


async def _record_failure(
    session: AsyncSession,
    settings: Settings,
    redis: Redis,
    user: AuthUser | None,
    email: str,
    reason: str,
    client: ClientInfo,
) -> None:
    details: dict[str, object] = {"reason": reason}
    if user is None:
        details["email"] = email
    await audit.record(
        session,
        "auth.login_failed",
        org_id=user.org_id if user else None,
        user_id=user.id if user else None,
        details=details,
        client=client,
    )
    alerts: list[str] = []
    if user is not None and reason == "wrong_password":
        state = await repository.login_failed(
            session,
            user.id,
            max_failures=settings.login_max_failures,
            base=settings.login_lock_base_seconds,
            cap=settings.login_lock_max_seconds,
        )
        if state.newly_locked:
            alerts.append("account_locked")
            details["locked_until"] = state.locked_until.isoformat() if state.locked_until else None
    if await _count_ip_failure(redis, client.ip) == settings.login_max_failures:
        alerts.append("ip_failures")
    if alerts:
        # one row (and one alert) even when the account and the IP cross the line together
        await audit.record(
            session,
            "security.suspicious_login",
            org_id=user.org_id if user else None,
            user_id=user.id if user else None,
            details={"reasons": alerts, **{k: v for k, v in details.items() if k != "reason"}},
            client=client,
        )
        log.warning("security_alert", alert="suspicious_login", reasons=alerts, ip=client.ip)


async def _second_factor_and_issue(
    session: AsyncSession,
    settings: Settings,
    redis: Redis,
    user: AuthUser,
    totp_code: str | None,
    client: ClientInfo,
    *,
    super_admin: bool,
) -> tuple[DomainError | None, TokenPair | None]:
    if settings.auth_require_verified_email and not user.email_verified and not super_admin:
        return Forbidden("Verify your e-mail address first", code="email_not_verified"), None
    if user.totp_enabled or super_admin:
        if not user.totp_enabled:
            return Forbidden(
                "Two-factor authentication is not set up", code="totp_setup_required"
            ), None
        if not totp_code:
            return Unauthorized("TOTP code required", code="totp_required"), None
        if not await totp.check_code(session, settings, user.id, totp_code, allow_recovery=True):
            await audit.record(
                session, "auth.totp_failed", org_id=user.org_id, user_id=user.id, client=client
            )
            return Unauthorized("Invalid or already used TOTP code", code="totp_invalid"), None
    await repository.login_succeeded(session, user.id)
    await _count_ip_failure(redis, client.ip, reset=True)
    await audit.record(
        session,
        "auth.login_success",
        org_id=user.org_id,
        user_id=user.id,
        details={"method": "password", "super_admin": super_admin},
        client=client,
    )
    # super admins get no refresh token: every super-admin session starts with a TOTP code
    pair = await issue_tokens(session, settings, user, client, with_refresh=not super_admin)
    return None, pair


async def refresh(
    session: AsyncSession,
    settings: Settings,
    *,
    raw_token: str | None,
    client: ClientInfo,
    redis: Redis | None = None,
    cache: PrincipalCache | None = None,
) -> TokenPair:
    """Rotate: the presented token is spent; presenting a spent token revokes its whole family."""
    if not raw_token:
        raise Unauthorized("Missing refresh token", code="invalid_refresh_token")
    error: DomainError | None = None
    pair: TokenPair | None = None
    reused_family: uuid.UUID | None = None
    now = datetime.now(UTC)
    token = await repository.get_refresh_token_for_update(session, token_hash(raw_token))
    user = await repository.auth_user_by_id(session, token.user_id) if token else None
    if token is None or user is None:
        error = Unauthorized("Invalid refresh token", code="invalid_refresh_token")
    elif token.rotated_at is not None or token.revoked_at is not None:
        await repository.revoke_refresh_family(session, token.family_id, now)
        if token.revoked_at is None or token.rotated_at is not None:
            await audit.record(
                session,
                "security.refresh_token_reuse",
                org_id=user.org_id,
                user_id=user.id,
                resource_type="refresh_token_family",
                resource_id=token.family_id,
                client=client,
            )
        error = Unauthorized(
            "Refresh token already used; session revoked", code="invalid_refresh_token"
        )
        reused_family = token.family_id
    elif token.expires_at <= now or not user.is_active:
        token.revoked_at = now
        error = Unauthorized("Refresh token expired", code="invalid_refresh_token")
    else:
        token.rotated_at = now
        pair = await issue_tokens(session, settings, user, client, family_id=token.family_id)
    if reused_family is not None and redis is not None:
        family = reused_family  # the stolen access token ends too, once committed
        after_commit(session, lambda: sessions_revoked(cache, redis, [family]))
    if error is not None:
        keep_on_refusal(session)  # the failure's audit row, counters and revocations stay
        raise error
    assert pair is not None
    return pair


async def logout(
    session: AsyncSession,
    redis: Redis,
    cache: PrincipalCache | None,
    *,
    user_id: uuid.UUID,
    org_id: uuid.UUID | None,
    session_id: uuid.UUID | None,
    raw_token: str | None,
    client: ClientInfo,
) -> None:
    """End the caller's session (the access token's `sid`) and the presented refresh token's
    family, or every session of the user if no refresh token is given."""
    revoked: set[uuid.UUID] = set()
    now = datetime.now(UTC)
    token = (
        await repository.get_refresh_token_for_update(session, token_hash(raw_token))
        if raw_token
        else None
    )
    if token is not None and token.user_id == user_id:
        revoked.add(token.family_id)
        if session_id is not None:
            revoked.add(session_id)
        for family in revoked:
            await repository.revoke_refresh_family(session, family, now)
    else:
        revoked.update(await repository.revoke_refresh_tokens_of_user(session, user_id, now))
        if session_id is not None:
            revoked.add(session_id)
    await audit.record(session, "auth.logout", org_id=org_id, user_id=user_id, client=client)
    # once committed, tell every process (a Redis outage leaves the database as the fallback)
    ended = sorted(revoked)
    after_commit(session, lambda: sessions_revoked(cache, redis, ended))
