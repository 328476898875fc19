"""Item 10 safety assessment: per-line verdicts, MoS, basis and the product decision."""

import uuid

from fastapi import APIRouter, Request

from app.api.deps import CurrentPrincipal, TenantSession
from app.api.identity_deps import require_plan_access
from app.schemas.errors import ERROR_RESPONSES
from app.schemas.safety import SafetyRead
from app.services.regulatory import CheckerCache, shared_checker
from app.services.toxicology import safety

router = APIRouter(
    prefix="/products",
    tags=["safety"],
    responses=ERROR_RESPONSES,
    dependencies=[require_plan_access()],
)


@router.get("/{product_id}/safety", response_model=SafetyRead)
async def get_safety(
    product_id: uuid.UUID, principal: CurrentPrincipal, session: TenantSession, request: Request
) -> SafetyRead:
    """Recomputed from the current Item 3 and product description on every call (cached
    source answers only, no outbound call); another organisation's product is a 404. The
    analogue proposals of the latest Item 10 analysis come along, labelled as proposals the
    SA confirms or rejects: never a verdict, never a basis."""
    rule_cache: CheckerCache | None = getattr(request.app.state, "regulatory_checker", None)
    if rule_cache is None:  # the same per-app checker as the compliance check
        rule_cache = request.app.state.regulatory_checker = shared_checker()
    org_id = principal.tenant_org
    result, _ = await safety.assess_product(
        session, rule_cache, org_id=org_id, product_id=product_id
    )
    proposals = await safety.stored_proposals(
        session, org_id=org_id, product_id=product_id, result=result
    )
    return SafetyRead.model_validate(
        safety.serialize(result, product_id) | {"proposals": proposals}
    )
