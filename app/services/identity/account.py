"""The caller's own account view and the org's member list."""

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFound
from app.core.tenancy import OrgId
from app.core.unit_of_work import set_tenant
from app.models.identity import Organization, User
from app.services.identity import repository
from app.services.identity.repository import AuthUser


@dataclass(frozen=True)
class Me:
    user: AuthUser
    organization: Organization | None


async def get_me(session: AsyncSession, *, user_id: uuid.UUID, org_id: OrgId | None) -> Me:
    if org_id is not None:
        await set_tenant(session, org_id)
    user = await repository.auth_user_by_id(session, user_id)
    if user is None or user.org_id != org_id:
        raise NotFound("User not found")
    org = await repository.get_org(session, org_id) if org_id else None
    return Me(user, org)


async def list_members(session: AsyncSession, org_id: OrgId) -> list[User]:
    return await repository.list_users_for_org(session, org_id)
