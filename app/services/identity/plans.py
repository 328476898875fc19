"""Plans and limits from plan_limits; a beta exemption gives pro-level access until it ends."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Forbidden, NotFound
from app.models.enums import Plan
from app.services.identity import repository

FEATURES = frozenset({"compliance_engine"})
LIMITS = frozenset({"max_products", "max_users", "max_ai_tasks_per_day"})


@dataclass(frozen=True)
class PlanAccess:
    org_id: uuid.UUID
    plan: str  # as stored
    effective_plan: str  # after a running beta exemption
    beta_exempt_until: datetime | None
    max_products: int | None
    max_users: int | None
    max_ai_tasks_per_day: int | None
    compliance_engine: bool

    def require_feature(self, feature: str) -> None:
        if feature not in FEATURES:
            raise ValueError(f"unknown plan feature {feature!r}")
        if not getattr(self, feature):
            raise Forbidden(
                f"The {self.effective_plan} plan does not include {feature.replace('_', ' ')}",
                code="plan_upgrade_required",
            )

    def check_limit(self, limit: str, current: int) -> None:
        """Raise 403 plan_limit_reached if one more would exceed `limit` (None = unlimited)."""
        if limit not in LIMITS:
            raise ValueError(f"unknown plan limit {limit!r}")
        allowed: int | None = getattr(self, limit)
        if allowed is not None and current >= allowed:
            raise Forbidden(
                f"The {self.effective_plan} plan allows {allowed} ({limit})",
                code="plan_limit_reached",
                details={"limit": limit, "allowed": allowed},
            )


def effective_plan(plan: str, beta_exempt_until: datetime | None, now: datetime) -> str:
    exempt = beta_exempt_until is not None and beta_exempt_until > now
    return Plan.PRO.value if exempt and plan == Plan.FREE.value else plan


async def plan_access_for_org(
    session: AsyncSession, org_id: uuid.UUID, *, now: datetime | None = None
) -> PlanAccess:
    org = await repository.get_org(session, org_id)
    if org is None:
        raise NotFound("Organization not found")
    effective = effective_plan(org.plan, org.beta_exempt_until, now or datetime.now(UTC))
    limits = await repository.get_plan_limit(session, effective)
    if limits is None:
        raise RuntimeError(f"plan_limits has no row for {effective!r}")
    return PlanAccess(
        org_id=org.id,
        plan=org.plan,
        effective_plan=effective,
        beta_exempt_until=org.beta_exempt_until,
        max_products=limits.max_products,
        max_users=limits.max_users,
        max_ai_tasks_per_day=limits.max_ai_tasks_per_day,
        compliance_engine=limits.compliance_engine,
    )
