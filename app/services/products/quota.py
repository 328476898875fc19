"""Plan limits on product creation (08 E3: a beta exemption grants pro-level limits)."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.services.identity import plan_access_for_org
from app.services.products.repository import count_active_products


async def ensure_product_quota(session: AsyncSession, org_id: uuid.UUID) -> None:
    """Raise 403 `plan_limit_reached` when the org's plan allows no further product."""
    access = await plan_access_for_org(session, org_id)
    access.check_limit("max_products", await count_active_products(session, org_id))
