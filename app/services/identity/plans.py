"""Plans and limits from plan_limits; a beta exemption gives pro-level access until it ends."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import PlanEnforcement
from app.core.errors import Forbidden, NotFound
from app.core.tenancy import OrgId
from app.models.enums import Plan
from app.services import audit
from app.services.audit import ClientInfo
from app.services.identity import repository

FEATURES = frozenset({"compliance_engine"})
LIMITS = frozenset({"max_products", "max_users", "max_ai_tasks_per_day"})


@dataclass(frozen=True)
class PlanAccess:
    org_id: OrgId
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


TOP_PLAN = Plan.ENTERPRISE


@lru_cache(maxsize=4096)  # immutable, one per org: built once, not on every request
def unrestricted(org_id: OrgId) -> PlanAccess:
    """PLAN_ENFORCEMENT=off: the top plan's access (every feature, no limits), read from nothing."""
    return PlanAccess(
        org_id=org_id,
        plan=TOP_PLAN.value,
        effective_plan=TOP_PLAN.value,
        beta_exempt_until=None,
        max_products=None,
        max_users=None,
        max_ai_tasks_per_day=None,
        compliance_engine=True,
    )


def effective_plan(plan: str, beta_exempt_until: datetime | None, now: datetime) -> str:
    exempt = beta_exempt_until is not None and beta_exempt_until > now
    return Plan.PRO.value if exempt and plan == Plan.FREE.value else plan


async def plan_access_for_org(
    session: AsyncSession,
    org_id: OrgId,
    enforcement: PlanEnforcement,
    *,
    now: datetime | None = None,
) -> PlanAccess:
    """The org's effective plan in SaaS mode; with enforcement off, the top plan's access."""
    if enforcement is PlanEnforcement.OFF:
        return unrestricted(org_id)
    org = await repository.get_org(session, org_id)
    if org is None:
        raise NotFound("Organization not found")
    effective = effective_plan(org.plan, org.beta_exempt_until, now or datetime.now(UTC))
    limits = await repository.get_plan_limit(session, effective)
    if limits is None:
        raise RuntimeError(f"plan_limits has no row for {effective!r}")
    return PlanAccess(
        org_id=OrgId(org.id),
        plan=org.plan,
        effective_plan=effective,
        beta_exempt_until=org.beta_exempt_until,
        max_products=limits.max_products,
        max_users=limits.max_users,
        max_ai_tasks_per_day=limits.max_ai_tasks_per_day,
        compliance_engine=limits.compliance_engine,
    )


async def require_limit(
    session: AsyncSession,
    access: PlanAccess,
    limit: str,
    current: int,
    *,
    user_id: uuid.UUID | None,
    client: ClientInfo | None = None,
) -> None:
    """`check_limit`, with the refusal audited (`plan.denied`) in its own transaction."""
    try:
        access.check_limit(limit, current)
    except Forbidden as exc:
        await _record_plan_denied(session, access, exc, user_id=user_id, client=client)
        raise


async def require_feature(
    session: AsyncSession,
    access: PlanAccess,
    feature: str,
    *,
    user_id: uuid.UUID | None,
    client: ClientInfo | None = None,
) -> None:
    """`PlanAccess.require_feature`, with the refusal audited (`plan.denied`)."""
    try:
        access.require_feature(feature)
    except Forbidden as exc:
        await _record_plan_denied(
            session, access, exc, user_id=user_id, client=client, feature=feature
        )
        raise


async def _record_plan_denied(
    session: AsyncSession,
    access: PlanAccess,
    exc: Forbidden,
    *,
    user_id: uuid.UUID | None,
    client: ClientInfo | None,
    feature: str | None = None,
) -> None:
    details: dict[str, object] = {"code": exc.code, "plan": access.effective_plan}
    if feature is not None:
        details["feature"] = feature
    if isinstance(exc.details, dict):
        details.update(exc.details)
    await audit.record_denied(
        session,
        "plan.denied",
        org_id=access.org_id,
        user_id=user_id,
        details=details,
        client=client,
    )
