"""/settings: organization settings, third-party API keys, members and the org's audit trail."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import Client, CurrentPrincipal, SettingsDep, TenantSession, require_permission
from app.api.identity_deps import OutboundTransport
from app.api.pagination import MAX_OFFSET
from app.core.authz import Permission
from app.schemas.admin import AuditLogList, AuditLogRead
from app.schemas.settings import (
    ApiKeyIn,
    ApiKeyList,
    ApiKeyRead,
    ApiKeyTestRead,
    MemberList,
    MemberRead,
    OrgSettingsRead,
    OrgSettingsUpdate,
)
from app.services import audit
from app.services.audit import AuditFilter
from app.services.identity import account, api_keys, org_settings

router = APIRouter(prefix="/settings", tags=["settings"])

OrgAdmin = require_permission(Permission.ORG_SETTINGS_MANAGE)
AuditReader = require_permission(Permission.AUDIT_LOG_READ)


@router.get("/org", response_model=OrgSettingsRead)
async def get_org_settings(principal: CurrentPrincipal, session: TenantSession) -> OrgSettingsRead:
    """Org name, type, plan and beta exemption (any member)."""
    org = await org_settings.get_org_for_member(session, principal.tenant_org)
    return OrgSettingsRead.model_validate(org)


@router.put("/org", response_model=OrgSettingsRead, dependencies=[OrgAdmin])
async def update_org_settings(
    body: OrgSettingsUpdate, principal: CurrentPrincipal, session: TenantSession, client: Client
) -> OrgSettingsRead:
    """Change name/type (owners and admins)."""
    org = await org_settings.update_org(
        session,
        org_id=principal.tenant_org,
        user_id=principal.user_id,
        name=body.name,
        org_type=body.type.value if body.type else None,
        client=client,
    )
    return OrgSettingsRead.model_validate(org)


@router.get("/api-keys", response_model=ApiKeyList, dependencies=[OrgAdmin])
async def list_api_keys(
    principal: CurrentPrincipal, session: TenantSession, settings: SettingsDep
) -> ApiKeyList:
    """Services with a key set; never the key (last 4 characters at most)."""
    items = await api_keys.list_keys(session, settings, principal.tenant_org)
    return ApiKeyList(items=[ApiKeyRead.model_validate(i) for i in items])


@router.put("/api-keys/{service}", response_model=ApiKeyRead, dependencies=[OrgAdmin])
async def set_api_key(
    service: str,
    body: ApiKeyIn,
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    client: Client,
) -> ApiKeyRead:
    """Store a third-party key Fernet-encrypted (null removes it)."""
    status = await api_keys.set_key(
        session,
        settings,
        org_id=principal.tenant_org,
        user_id=principal.user_id,
        service_name=service,
        key=body.key,
        client=client,
    )
    return ApiKeyRead.model_validate(status)


@router.post("/api-keys/{service}/test", response_model=ApiKeyTestRead, dependencies=[OrgAdmin])
async def test_api_key(
    service: str,
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    transport: OutboundTransport,
) -> ApiKeyTestRead:
    """Fail-soft connectivity check against the service's allow-listed host."""
    result = await api_keys.test_key(
        session, settings, org_id=principal.tenant_org, service_name=service, transport=transport
    )
    return ApiKeyTestRead.model_validate(result)


@router.get("/users", response_model=MemberList)
async def list_members(principal: CurrentPrincipal, session: TenantSession) -> MemberList:
    """Members of the caller's organization (any member)."""
    users = await account.list_members(session, principal.tenant_org)
    return MemberList(items=[MemberRead.model_validate(u) for u in users], total=len(users))


@router.get("/audit-logs", response_model=AuditLogList, dependencies=[AuditReader])
async def org_audit_logs(
    principal: CurrentPrincipal,
    session: TenantSession,
    user_id: uuid.UUID | None = None,
    action: Annotated[str | None, Query(max_length=100)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> AuditLogList:
    """The organization's own audit trail (RLS also limits it to the org)."""
    filters = AuditFilter(
        org_id=principal.tenant_org,
        user_id=user_id,
        action=action,
        since=since,
        until=until,
    )
    rows, total = await audit.query(session, filters, limit=limit, offset=offset)
    return AuditLogList(items=[AuditLogRead.model_validate(r) for r in rows], total=total)
