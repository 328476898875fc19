"""E-mail flows: verify address, forgot password (never reveals existence), reset password."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.security import hash_password
from app.models.enums import AuthTokenPurpose
from app.models.identity import AuthToken
from app.services import audit
from app.services.audit import ClientInfo
from app.services.identity import repository
from app.services.identity.limits import RateLimiter
from app.services.identity.mailer import Mail
from app.services.identity.passwords import validate_password
from app.services.identity.registration import InvalidToken, create_auth_token
from app.services.identity.tokens import token_hash


def verification_mail(settings: Settings, email: str, token: str) -> Mail:
    link = f"{settings.public_base_url.rstrip('/')}/verify-email?token={token}"
    body = f"Confirm your e-mail address for PIF AI:\n\n{link}\n\nToken: {token}\n"
    return Mail(to=email, subject="Confirm your e-mail address", body=body)


def reset_mail(settings: Settings, email: str, token: str) -> Mail:
    link = f"{settings.public_base_url.rstrip('/')}/reset-password?token={token}"
    body = (
        f"Someone asked to reset your PIF AI password. If it was you, open:\n\n{link}\n\n"
        f"Token: {token}\n\nThe link expires in {settings.reset_password_token_minutes} minutes."
    )
    return Mail(to=email, subject="Reset your password", body=body)


def invitation_mail(settings: Settings, email: str, token: str, org_name: str) -> Mail:
    link = f"{settings.public_base_url.rstrip('/')}/accept-invitation?token={token}"
    body = f"You are invited to join {org_name} on PIF AI:\n\n{link}\n\nToken: {token}\n"
    return Mail(to=email, subject=f"Invitation to {org_name}", body=body)


async def verify_email(session: AsyncSession, *, token: str, client: ClientInfo) -> None:
    """Consume a verification token (single use, expiring)."""
    row = await repository.get_auth_token_for_update(
        session, token_hash(token), AuthTokenPurpose.VERIFY_EMAIL.value
    )
    now = datetime.now(UTC)
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise InvalidToken("Verification link is invalid or has expired")
    row.used_at = now
    await repository.mark_email_verified(session, row.user_id)
    user = await repository.auth_user_by_id(session, row.user_id)
    await audit.record(
        session,
        "auth.email_verified",
        org_id=user.org_id if user else None,
        user_id=row.user_id,
        client=client,
    )


async def forgot_password(
    session: AsyncSession,
    settings: Settings,
    limiter: RateLimiter,
    *,
    email: str,
    client: ClientInfo,
) -> Mail | None:
    """Return the reset mail to send, or None; the caller answers the same either way."""
    email = email.strip().lower()
    await limiter.enforce(settings.forgot_password_rate_limit_ip, "forgot:ip", client.ip)
    await limiter.enforce(settings.forgot_password_rate_limit_account, "forgot:account", email)
    user = await repository.auth_user_by_email(session, email)
    if user is None or not user.is_active:
        return None
    token = await create_auth_token(
        session,
        user.id,
        AuthTokenPurpose.RESET_PASSWORD,
        timedelta(minutes=settings.reset_password_token_minutes),
    )
    await audit.record(
        session,
        "auth.password_reset_requested",
        org_id=user.org_id,
        user_id=user.id,
        client=client,
    )
    return reset_mail(settings, user.email, token)


async def reset_password(
    session: AsyncSession, *, token: str, new_password: str, client: ClientInfo
) -> list[uuid.UUID]:
    """Set a new password, spend every open reset token and revoke all sessions (returned)."""
    row = await repository.get_auth_token_for_update(
        session, token_hash(token), AuthTokenPurpose.RESET_PASSWORD.value
    )
    now = datetime.now(UTC)
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise InvalidToken("Reset link is invalid or has expired")
    user = await repository.auth_user_by_id(session, row.user_id)
    if user is None:
        raise InvalidToken("Reset link is invalid or has expired")
    validate_password(new_password, email=user.email)
    await repository.set_password(session, user.id, hash_password(new_password))
    await repository.mark_email_verified(session, user.id)  # the link reached the inbox
    await session.execute(
        update(AuthToken)
        .where(
            AuthToken.user_id == user.id,
            AuthToken.purpose == AuthTokenPurpose.RESET_PASSWORD.value,
            AuthToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    ended = await repository.revoke_refresh_tokens_of_user(session, user.id, now)
    await audit.record(
        session, "auth.password_reset", org_id=user.org_id, user_id=user.id, client=client
    )
    return ended
