"""Plan limits on product creation (08 E3: a beta exemption grants pro-level limits)."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Forbidden
from app.models import Organization, PlanLimit
from app.models.enums import Plan
from app.services.products.repository import count_active_products


async def effective_plan(session: AsyncSession, org_id: uuid.UUID) -> PlanLimit | None:
    org = (
        await session.execute(select(Organization).where(Organization.id == org_id))
    ).scalar_one_or_none()
    if org is None:
        return None
    plan = org.plan
    exempt = org.beta_exempt_until is not None and org.beta_exempt_until > datetime.now(UTC)
    if exempt and plan == Plan.FREE:
        plan = Plan.PRO
    return (
        await session.execute(select(PlanLimit).where(PlanLimit.plan == plan))
    ).scalar_one_or_none()


async def ensure_product_quota(session: AsyncSession, org_id: uuid.UUID) -> None:
    """Raise 403 `plan_limit_reached` when the org's plan allows no further product."""
    limits = await effective_plan(session, org_id)
    if limits is None or limits.max_products is None:
        return
    if await count_active_products(session, org_id) >= limits.max_products:
        raise Forbidden(
            f"Your plan allows {limits.max_products} products; upgrade to add more",
            code="plan_limit_reached",
            details={"plan": limits.plan, "max_products": limits.max_products},
        )
