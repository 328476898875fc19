"""Identity queries. Lookups before the org is known go through SECURITY DEFINER functions."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.tenancy import OrgId
from app.models.identity import AuthToken, Invitation, Organization, PlanLimit, RefreshToken, User


@dataclass(frozen=True)
class AuthUser:
    """The narrow view of a user the definer functions return (no secrets but the hash)."""

    id: uuid.UUID
    org_id: uuid.UUID | None
    email: str
    full_name: str
    password_hash: str | None
    role: str
    is_active: bool
    email_verified: bool
    totp_enabled: bool
    failed_login_count: int
    locked_until: datetime | None
    lock_count: int


async def _auth_user(session: AsyncSession, sql: str, params: dict[str, object]) -> AuthUser | None:
    row = (await session.execute(text(sql), params)).mappings().first()
    return AuthUser(**dict(row)) if row else None


async def auth_user_by_email(session: AsyncSession, email: str) -> AuthUser | None:
    return await _auth_user(session, "SELECT * FROM auth_user_by_email(:e)", {"e": email})


async def auth_user_by_id(session: AsyncSession, user_id: uuid.UUID) -> AuthUser | None:
    return await _auth_user(session, "SELECT * FROM auth_user_by_id(:u)", {"u": user_id})


async def auth_user_by_google_sub(session: AsyncSession, sub: str) -> AuthUser | None:
    return await _auth_user(session, "SELECT * FROM auth_user_by_google_sub(:s)", {"s": sub})


async def super_admin_exists(session: AsyncSession) -> bool:
    return bool(await session.scalar(text("SELECT auth_super_admin_exists()")))


@dataclass(frozen=True)
class FailureState:
    failed_login_count: int
    locked_until: datetime | None
    newly_locked: bool


async def login_failed(
    session: AsyncSession, user_id: uuid.UUID, *, max_failures: int, base: int, cap: int
) -> FailureState:
    row = (
        await session.execute(
            text("SELECT * FROM auth_login_failed(:u, :m, :b, :c)"),
            {"u": user_id, "m": max_failures, "b": base, "c": cap},
        )
    ).one()
    return FailureState(row[0], row[1], bool(row[2]))


async def login_succeeded(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(text("SELECT auth_login_succeeded(:u)"), {"u": user_id})


@dataclass(frozen=True)
class TotpState:
    enabled: bool
    secret: str | None  # Fernet token
    last_step: int | None


async def totp_state(session: AsyncSession, user_id: uuid.UUID) -> TotpState | None:
    row = (await session.execute(text("SELECT * FROM auth_totp_state(:u)"), {"u": user_id})).first()
    return TotpState(bool(row[0]), row[1], row[2]) if row else None


async def totp_consume_step(session: AsyncSession, user_id: uuid.UUID, step: int) -> bool:
    sql = text("SELECT auth_totp_consume_step(:u, :s)")
    return bool(await session.scalar(sql, {"u": user_id, "s": step}))


async def consume_recovery_code(session: AsyncSession, user_id: uuid.UUID, code_hash: str) -> bool:
    sql = text("SELECT auth_consume_recovery_code(:u, :h)")
    return bool(await session.scalar(sql, {"u": user_id, "h": code_hash}))


async def set_password(session: AsyncSession, user_id: uuid.UUID, password_hash: str) -> None:
    await session.execute(
        text("SELECT auth_set_password(:u, :h)"), {"u": user_id, "h": password_hash}
    )


async def mark_email_verified(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(text("SELECT auth_mark_email_verified(:u)"), {"u": user_id})


@dataclass(frozen=True)
class InvitationRef:
    id: uuid.UUID
    org_id: OrgId
    email: str
    role: str
    expires_at: datetime
    accepted_at: datetime | None


async def invitation_by_token_hash(session: AsyncSession, token_hash: str) -> InvitationRef | None:
    row = (
        (
            await session.execute(
                text("SELECT * FROM auth_invitation_by_token(:h)"), {"h": token_hash}
            )
        )
        .mappings()
        .first()
    )
    return InvitationRef(**dict(row)) if row else None


# --- tenant-scoped (RLS applies; the explicit org filter is the first safeguard) ---------------


async def get_org(session: AsyncSession, org_id: OrgId) -> Organization | None:
    return await session.scalar(select(Organization).where(Organization.id == org_id))


async def get_user_for_org(session: AsyncSession, user_id: uuid.UUID, org_id: OrgId) -> User | None:
    return await session.scalar(select(User).where(User.id == user_id, User.org_id == org_id))


async def list_users_for_org(session: AsyncSession, org_id: OrgId) -> list[User]:
    rows = await session.scalars(
        select(User).where(User.org_id == org_id).order_by(User.created_at)
    )
    return list(rows)


async def count_users_for_org(session: AsyncSession, org_id: OrgId) -> int:
    total = await session.scalar(
        select(func.count()).select_from(User).where(User.org_id == org_id)
    )
    return int(total or 0)


async def get_invitation_for_org(
    session: AsyncSession, invitation_id: uuid.UUID, org_id: OrgId
) -> Invitation | None:
    stmt = select(Invitation).where(Invitation.id == invitation_id, Invitation.org_id == org_id)
    return await session.scalar(stmt)


async def get_plan_limit(session: AsyncSession, plan: str) -> PlanLimit | None:
    return await session.scalar(select(PlanLimit).where(PlanLimit.plan == plan))


# --- token tables (no org_id, no RLS: found by secret hash) ------------------------------------


async def get_refresh_token_for_update(
    session: AsyncSession, token_hash: str
) -> RefreshToken | None:
    stmt = select(RefreshToken).where(RefreshToken.token_hash == token_hash).with_for_update()
    return await session.scalar(stmt)


async def revoke_refresh_family(session: AsyncSession, family_id: uuid.UUID, at: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=at)
    )


async def revoke_refresh_tokens_of_user(
    session: AsyncSession, user_id: uuid.UUID, at: datetime
) -> list[uuid.UUID]:
    """Revoke every session of the user; returns the session (family) ids that were live."""
    rows = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=at)
        .returning(RefreshToken.family_id)
    )
    return sorted(set(rows.scalars()))


async def get_auth_token_for_update(
    session: AsyncSession, token_hash: str, purpose: str
) -> AuthToken | None:
    stmt = (
        select(AuthToken)
        .where(AuthToken.token_hash == token_hash, AuthToken.purpose == purpose)
        .with_for_update()
    )
    return await session.scalar(stmt)


async def get_invitation_for_org_for_update(
    session: AsyncSession, invitation_id: uuid.UUID, org_id: OrgId
) -> Invitation | None:
    return await session.scalar(
        select(Invitation)
        .where(Invitation.id == invitation_id, Invitation.org_id == org_id)
        .with_for_update()
    )


async def link_google_sub(
    session: AsyncSession, user_id: uuid.UUID, org_id: OrgId, sub: str
) -> None:
    await session.execute(
        update(User).where(User.id == user_id, User.org_id == org_id).values(google_sub=sub)
    )


async def organizations_with_user_counts(
    session: AsyncSession, *, limit: int, offset: int
) -> tuple[list[tuple[Organization, int]], int]:
    """Every org (BYPASSRLS session only) with its number of users, newest first."""
    total = await session.scalar(select(func.count()).select_from(Organization))
    users = select(User.org_id, func.count().label("n")).group_by(User.org_id).subquery()
    rows = await session.execute(
        select(Organization, func.coalesce(users.c.n, 0))
        .outerjoin(users, users.c.org_id == Organization.id)
        .order_by(Organization.created_at.desc(), Organization.id)
        .limit(limit)
        .offset(offset)
    )
    return [(org, int(n)) for org, n in rows.all()], int(total or 0)


async def user_ids_of_org(session: AsyncSession, org_id: OrgId) -> list[uuid.UUID]:
    """Every user of the org (e.g. to drop their cached plan after a plan change)."""
    return list(await session.scalars(select(User.id).where(User.org_id == org_id)))
