"""Accounts: self-service registration (new org + owner) and joining an org by invitation."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import PlanEnforcement, Settings
from app.core.errors import Conflict, DomainError, Forbidden
from app.core.security import hash_password
from app.core.tenancy import OrgId
from app.core.unit_of_work import set_tenant
from app.models.enums import AuthTokenPurpose, Plan, Role
from app.models.identity import AuthToken, Invitation, Organization, User
from app.services import audit
from app.services.audit import ClientInfo
from app.services.identity import repository
from app.services.identity.passwords import validate_password
from app.services.identity.plans import PlanAccess, plan_access_for_org, require_limit
from app.services.identity.tokens import new_token, token_hash

INVITABLE_ROLES = frozenset({Role.ADMIN, Role.MEMBER, Role.SA})


class InvalidToken(DomainError):
    status_code, code = 400, "invalid_token"


@dataclass(frozen=True)
class Registered:
    user: User
    organization: Organization
    verify_token: str


async def create_auth_token(
    session: AsyncSession, user_id: uuid.UUID, purpose: AuthTokenPurpose, ttl: timedelta
) -> str:
    """A single-use e-mail token; only its hash is stored."""
    raw, now = new_token(), datetime.now(UTC)
    session.add(
        AuthToken(
            user_id=user_id,
            purpose=purpose.value,
            token_hash=token_hash(raw),
            expires_at=now + ttl,
            created_at=now,
        )
    )
    await session.flush()
    return raw


async def register(
    session: AsyncSession,
    settings: Settings,
    *,
    email: str,
    password: str,
    full_name: str,
    org_name: str,
    org_type: str,
    client: ClientInfo,
) -> Registered:
    """Create an organization (free plan) and its first user, the owner."""
    email = email.strip().lower()
    validate_password(password, email=email)
    password_hash = hash_password(password)
    org_id = uuid.uuid4()  # chosen here so RLS's WITH CHECK accepts the insert
    await set_tenant(session, org_id)
    if await repository.auth_user_by_email(session, email) is not None:
        raise Conflict("This e-mail address is already registered", code="email_taken")
    org = Organization(id=org_id, name=org_name, type=org_type, plan=Plan.FREE.value)
    session.add(org)
    await session.flush()
    user = User(
        org_id=org_id,
        email=email,
        full_name=full_name,
        password_hash=password_hash,
        role=Role.OWNER.value,
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("This e-mail address is already registered", code="email_taken") from exc
    token = await create_auth_token(
        session,
        user.id,
        AuthTokenPurpose.VERIFY_EMAIL,
        timedelta(hours=settings.verify_email_token_hours),
    )
    await audit.record(
        session,
        "org.created",
        org_id=org_id,
        user_id=user.id,
        resource_type="organization",
        resource_id=org_id,
        details={"type": org_type},
        client=client,
    )
    return Registered(user, org, token)


@dataclass(frozen=True)
class Invited:
    invitation: Invitation
    token: str


async def invite(
    session: AsyncSession,
    settings: Settings,
    *,
    org_id: OrgId,
    inviter_id: uuid.UUID,
    email: str,
    role: Role,
    access: PlanAccess,
    client: ClientInfo,
) -> Invited:
    """An org owner/admin invites someone by e-mail; the token goes out by e-mail only."""
    email = email.strip().lower()
    if role not in INVITABLE_ROLES:
        raise Forbidden("Only admin, member or sa can be invited", code="role_not_invitable")
    if await repository.auth_user_by_email(session, email) is not None:
        raise Conflict("This e-mail address already has an account", code="email_taken")
    users = await repository.count_users_for_org(session, org_id)
    await require_limit(session, access, "max_users", users, user_id=inviter_id, client=client)
    raw, now = new_token(), datetime.now(UTC)
    invitation = Invitation(
        org_id=org_id,
        email=email,
        role=role.value,
        token_hash=token_hash(raw),
        invited_by=inviter_id,
        expires_at=now + timedelta(days=settings.invitation_days),
        created_at=now,
    )
    session.add(invitation)
    await session.flush()
    await audit.record(
        session,
        "user.invited",
        org_id=org_id,
        user_id=inviter_id,
        resource_type="invitation",
        resource_id=invitation.id,
        details={"role": role.value},
        client=client,
    )
    return Invited(invitation, raw)


async def accept_invitation(
    session: AsyncSession,
    *,
    token: str,
    password: str,
    full_name: str,
    enforcement: PlanEnforcement,
    client: ClientInfo,
) -> User:
    """Create the invited user in the inviting org; the invitation is single-use."""
    ref = await repository.invitation_by_token_hash(session, token_hash(token))
    now = datetime.now(UTC)
    if ref is None or ref.accepted_at is not None or ref.expires_at <= now:
        raise InvalidToken("Invitation is invalid or has expired")
    validate_password(password, email=ref.email)
    password_hash = hash_password(password)
    await set_tenant(session, ref.org_id)
    invitation = await repository.get_invitation_for_org_for_update(session, ref.id, ref.org_id)
    if invitation is None or invitation.accepted_at is not None:
        raise InvalidToken("Invitation is invalid or has expired")
    access = await plan_access_for_org(session, ref.org_id, enforcement)
    users = await repository.count_users_for_org(session, ref.org_id)
    await require_limit(session, access, "max_users", users, user_id=None, client=client)
    user = User(
        org_id=ref.org_id,
        email=ref.email,
        full_name=full_name,
        password_hash=password_hash,
        role=ref.role,
        email_verified_at=now,  # the token reached this address
    )
    session.add(user)
    invitation.accepted_at = now
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("This e-mail address already has an account", code="email_taken") from exc
    await audit.record(
        session,
        "user.joined",
        org_id=ref.org_id,
        user_id=user.id,
        resource_type="invitation",
        resource_id=ref.id,
        details={"role": ref.role},
        client=client,
    )
    return user
