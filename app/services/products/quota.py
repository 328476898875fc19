"""Plan limits on product creation (08 E3: a beta exemption grants pro-level limits)."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.services.audit import ClientInfo
from app.services.identity import PlanAccess, require_limit
from app.services.products.repository import count_active_products


async def ensure_product_quota(
    session: AsyncSession,
    access: PlanAccess,
    *,
    user_id: uuid.UUID,
    client: ClientInfo | None = None,
) -> None:
    """Raise 403 `plan_limit_reached` (audited) when the org's plan allows no further product."""
    if access.max_products is None:
        return  # unlimited: nothing to count (one round trip less per create)
    current = await count_active_products(session, access.org_id)
    await require_limit(session, access, "max_products", current, user_id=user_id, client=client)
