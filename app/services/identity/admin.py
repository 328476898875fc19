"""Super-admin use cases. Every one runs through audit.superadmin_session() (audited BYPASSRLS)."""

import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pyotp
from redis.asyncio import Redis
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.crypto import encrypt_str
from app.core.database import Database
from app.core.errors import Conflict, Forbidden, NotFound
from app.core.security import hash_password
from app.core.tenancy import OrgId
from app.models.enums import Plan, Role
from app.models.identity import Organization, User
from app.models.platform import AuditLog
from app.services import audit
from app.services.audit import AuditFilter, ClientInfo
from app.services.identity import repository, totp
from app.services.identity.passwords import validate_password
from app.services.identity.principals import PrincipalCache, users_changed


@dataclass(frozen=True)
class SuperAdminCreated:
    user: User
    otpauth_uri: str
    qr_svg: str
    recovery_codes: list[str]


def check_bootstrap_secret(settings: Settings, presented: str | None) -> None:
    """Constant-time compare; the endpoint does not exist without a configured secret."""
    expected = settings.admin_bootstrap_secret
    if expected is None:
        raise NotFound("Not found")
    if not presented or not hmac.compare_digest(
        presented.encode(), expected.get_secret_value().encode()
    ):
        raise Forbidden("Invalid bootstrap secret", code="invalid_bootstrap_secret")


async def create_super_admin(
    session: AsyncSession,
    db: Database,
    settings: Settings,
    *,
    email: str,
    password: str,
    full_name: str,
    client: ClientInfo,
    only_if_none: bool = True,
) -> SuperAdminCreated:
    """A new platform-staff record (no org), TOTP enabled from the start; never a promotion."""
    email = email.strip().lower()
    if only_if_none and await repository.super_admin_exists(session):
        raise Conflict(
            "A super admin already exists; bootstrap is disabled", code="bootstrap_disabled"
        )
    if await repository.auth_user_by_email(session, email) is not None:
        raise Conflict("This e-mail address already has an account", code="email_taken")
    validate_password(password, email=email)
    secret = pyotp.random_base32()
    codes = totp.new_recovery_codes()
    user = User(
        org_id=None,
        email=email,
        full_name=full_name,
        password_hash=hash_password(password),
        role=Role.SUPER_ADMIN.value,
        email_verified_at=datetime.now(UTC),
        totp_secret=encrypt_str(settings, secret),
        totp_enabled=True,
        recovery_codes=[totp.recovery_code_hash(c) for c in codes],
    )
    async with audit.superadmin_session(
        db, actor_id=None, reason="bootstrap", client=client
    ) as session:
        # serialise concurrent bootstraps, then re-check under the lock
        await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('pifai.bootstrap'))"))
        if only_if_none and await repository.super_admin_exists(session):
            raise Conflict(
                "A super admin already exists; bootstrap is disabled", code="bootstrap_disabled"
            )
        session.add(user)
        await session.flush()
        await audit.record(
            session,
            "admin.super_admin_created",
            user_id=user.id,
            resource_type="user",
            resource_id=user.id,
            client=client,
        )
    uri, svg = totp.provisioning(secret, email)
    return SuperAdminCreated(user, uri, svg, codes)


@dataclass(frozen=True)
class OrgSummary:
    organization: Organization
    user_count: int


async def list_organizations(
    db: Database, *, actor_id: uuid.UUID, client: ClientInfo, limit: int, offset: int
) -> tuple[list[OrgSummary], int]:
    async with audit.superadmin_session(
        db, actor_id=actor_id, reason="list_organizations", client=client
    ) as s:
        rows, total = await repository.organizations_with_user_counts(s, limit=limit, offset=offset)
    return [OrgSummary(org, n) for org, n in rows], total


async def change_plan(
    db: Database,
    *,
    actor_id: uuid.UUID,
    org_id: uuid.UUID,
    plan: Plan,
    client: ClientInfo,
    redis: Redis | None = None,
    cache: PrincipalCache | None = None,
) -> Organization:
    """Audited `org.plan_changed`; with `redis`, every member's cached plan is dropped after the
    commit (in every process), so the next request is judged by the new plan."""
    async with audit.superadmin_session(
        db, actor_id=actor_id, reason="change_plan", client=client
    ) as s:
        org = await s.scalar(
            select(Organization).where(Organization.id == org_id).with_for_update()
        )
        if org is None:
            raise NotFound("Organization not found")
        previous = org.plan
        org.plan = plan.value
        await s.flush()
        await audit.record(
            s,
            "org.plan_changed",
            org_id=org_id,
            user_id=actor_id,
            resource_type="organization",
            resource_id=org_id,
            details={"from": previous, "to": plan.value},
            client=client,
        )
        members = await repository.user_ids_of_org(s, OrgId(org_id))
    if redis is not None:
        await users_changed(cache, redis, members)
    return org


async def exempt(
    db: Database,
    *,
    actor_id: uuid.UUID,
    org_id: uuid.UUID,
    until: datetime | None,
    client: ClientInfo,
    redis: Redis | None = None,
    cache: PrincipalCache | None = None,
) -> Organization:
    """Grant (or with None, end) a beta exemption: pro-level access until `until` (members'
    cached plans dropped as in `change_plan`)."""
    async with audit.superadmin_session(
        db, actor_id=actor_id, reason="exempt_organization", client=client
    ) as s:
        org = await s.scalar(
            select(Organization).where(Organization.id == org_id).with_for_update()
        )
        if org is None:
            raise NotFound("Organization not found")
        org.beta_exempt_until = until
        await s.flush()
        await audit.record(
            s,
            "admin.org_exempted",
            org_id=org_id,
            user_id=actor_id,
            resource_type="organization",
            resource_id=org_id,
            details={"until": until.isoformat() if until else None},
            client=client,
        )
        members = await repository.user_ids_of_org(s, OrgId(org_id))
    if redis is not None:
        await users_changed(cache, redis, members)
    return org


async def query_audit_logs(
    db: Database,
    *,
    actor_id: uuid.UUID,
    filters: AuditFilter,
    limit: int,
    offset: int,
    client: ClientInfo,
) -> tuple[list[AuditLog], int]:
    async with audit.superadmin_session(
        db, actor_id=actor_id, reason="query_audit_logs", client=client
    ) as s:
        return await audit.query(s, filters, limit=limit, offset=offset)
