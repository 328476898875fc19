"""The caller's own account view and the org's member list."""

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import Database
from app.core.errors import NotFound
from app.models.identity import Organization, User
from app.services.identity import repository
from app.services.identity.repository import AuthUser


@dataclass(frozen=True)
class Me:
    user: AuthUser
    organization: Organization | None


async def get_me(db: Database, *, user_id: uuid.UUID, org_id: uuid.UUID | None) -> Me:
    async with db.tenant(org_id) as session:
        user = await repository.auth_user_by_id(session, user_id)
        if user is None or user.org_id != org_id:
            raise NotFound("User not found")
        org = await repository.get_org(session, org_id) if org_id else None
    return Me(user, org)


async def list_members(session: AsyncSession, org_id: uuid.UUID) -> list[User]:
    return await repository.list_users_for_org(session, org_id)
