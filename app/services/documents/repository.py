"""The facts around a snapshot the PDF shows: the organization and who signed."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.tenancy import OrgId
from app.models import Organization, SaReview, User


async def get_org_for_org(session: AsyncSession, org_id: OrgId) -> Organization | None:
    row = await session.execute(select(Organization).where(Organization.id == org_id))
    return row.scalar_one_or_none()


async def get_signing_review_for_org(
    session: AsyncSession, review_id: uuid.UUID, org_id: OrgId
) -> tuple[SaReview, User | None] | None:
    """The review that signed a version, with its SA (None when the SA is gone)."""
    stmt = (
        select(SaReview, User)
        .outerjoin(User, (User.id == SaReview.sa_id) & (User.org_id == org_id))
        .where(SaReview.id == review_id, SaReview.org_id == org_id)
    )
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row is not None else None
