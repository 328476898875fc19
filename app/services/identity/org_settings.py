"""Organization settings: name and type (read by any member, changed by owners/admins)."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFound
from app.core.tenancy import OrgId
from app.models.identity import Organization
from app.services import audit
from app.services.audit import ClientInfo
from app.services.identity import repository


async def get_org_for_member(session: AsyncSession, org_id: OrgId) -> Organization:
    org = await repository.get_org(session, org_id)
    if org is None:
        raise NotFound("Organization not found")
    return org


async def update_org(
    session: AsyncSession,
    *,
    org_id: OrgId,
    user_id: uuid.UUID,
    name: str | None,
    org_type: str | None,
    client: ClientInfo,
) -> Organization:
    org = await get_org_for_member(session, org_id)
    changed: dict[str, object] = {}
    if name is not None and name != org.name:
        changed["name"], org.name = name, name
    if org_type is not None and org_type != org.type:
        changed["type"], org.type = org_type, org_type
    if changed:
        await session.flush()
        await audit.record(
            session,
            "org.settings_updated",
            org_id=org_id,
            user_id=user_id,
            resource_type="organization",
            resource_id=org_id,
            details={"changed": sorted(changed)},
            client=client,
        )
    return org
