"""/admin: bootstrap and super-admin operations (TOTP on every call, audited BYPASSRLS)."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, status

from app.api.deps import (
    Client,
    DatabaseDep,
    RedisDep,
    RequestSession,
    SettingsDep,
    principal_cache,
)
from app.api.identity_deps import SuperAdminPrincipal
from app.api.pagination import MAX_OFFSET
from app.schemas.admin import (
    AdminOrgList,
    AdminOrgRead,
    AuditLogList,
    AuditLogRead,
    BootstrapIn,
    BootstrapOut,
    ExemptIn,
    PlanChangeIn,
)
from app.schemas.settings import OrgSettingsRead
from app.services.audit import AuditFilter
from app.services.identity import admin

router = APIRouter(prefix="/admin", tags=["admin"])

Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


@router.post("/bootstrap", status_code=status.HTTP_201_CREATED, response_model=BootstrapOut)
async def bootstrap(
    body: BootstrapIn,
    session: RequestSession,
    db: DatabaseDep,
    settings: SettingsDep,
    client: Client,
    secret: Annotated[str | None, Header(alias="X-Bootstrap-Secret")] = None,
) -> BootstrapOut:
    """Create the first super admin (TOTP enabled; provisioning returned once). Works once."""
    admin.check_bootstrap_secret(settings, secret)
    created = await admin.create_super_admin(
        session,
        db,
        settings,
        email=body.email,
        password=body.password,
        full_name=body.full_name,
        client=client,
    )
    return BootstrapOut(
        id=created.user.id,
        email=created.user.email,
        role=created.user.role,
        otpauth_uri=created.otpauth_uri,
        qr_svg=created.qr_svg,
        recovery_codes=created.recovery_codes,
    )


@router.get("/organizations", response_model=AdminOrgList)
async def list_organizations(
    principal: SuperAdminPrincipal,
    db: DatabaseDep,
    client: Client,
    limit: Limit = 20,
    offset: Offset = 0,
) -> AdminOrgList:
    """All organizations (BYPASSRLS session; audited `admin.bypass_rls`)."""
    items, total = await admin.list_organizations(
        db, actor_id=principal.user_id, client=client, limit=limit, offset=offset
    )
    return AdminOrgList(
        items=[
            AdminOrgRead(
                id=i.organization.id,
                name=i.organization.name,
                type=i.organization.type,
                plan=i.organization.plan,
                beta_exempt_until=i.organization.beta_exempt_until,
                created_at=i.organization.created_at,
                user_count=i.user_count,
            )
            for i in items
        ],
        total=total,
    )


@router.put("/organizations/{org_id}/plan", response_model=OrgSettingsRead)
async def change_plan(
    org_id: uuid.UUID,
    body: PlanChangeIn,
    principal: SuperAdminPrincipal,
    db: DatabaseDep,
    redis: RedisDep,
    client: Client,
    request: Request,
) -> OrgSettingsRead:
    """Change an organization's plan; audited `org.plan_changed`."""
    org = await admin.change_plan(
        db,
        actor_id=principal.user_id,
        org_id=org_id,
        plan=body.plan,
        client=client,
        redis=redis,
        cache=principal_cache(request),
    )
    return OrgSettingsRead.model_validate(org)


@router.post("/organizations/{org_id}/exempt", response_model=OrgSettingsRead)
async def exempt_organization(
    org_id: uuid.UUID,
    body: ExemptIn,
    principal: SuperAdminPrincipal,
    db: DatabaseDep,
    redis: RedisDep,
    client: Client,
    request: Request,
) -> OrgSettingsRead:
    """Grant a beta exemption (pro-level access) until the given time; audited."""
    org = await admin.exempt(
        db,
        actor_id=principal.user_id,
        org_id=org_id,
        until=body.until,
        client=client,
        redis=redis,
        cache=principal_cache(request),
    )
    return OrgSettingsRead.model_validate(org)


@router.get("/audit-logs", response_model=AuditLogList)
async def audit_logs(
    principal: SuperAdminPrincipal,
    db: DatabaseDep,
    client: Client,
    org_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    action: Annotated[str | None, Query(max_length=100)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> AuditLogList:
    """Audit log across all organizations, filtered by org, user, action and time; newest first."""
    rows, total = await admin.query_audit_logs(
        db,
        actor_id=principal.user_id,
        filters=AuditFilter(
            org_id=org_id, user_id=user_id, action=action, since=since, until=until
        ),
        limit=limit,
        offset=offset,
        client=client,
    )
    return AuditLogList(items=[AuditLogRead.model_validate(r) for r in rows], total=total)
