"""Shared ingredient master: search, detail with toxicology and list status; formula check."""

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from app.api.accepted import ACCEPTED, accepted
from app.api.deps import CurrentPrincipal, Jobs, TenantSession
from app.api.identity_deps import require_plan_access
from app.core.errors import NotFound
from app.engines.regulatory import FormulaLine
from app.engines.regulatory.messages import language_from_header, localize
from app.models import ToxicologyCache
from app.schemas.errors import ERROR_RESPONSES
from app.schemas.ingredients import (
    CachedToxicology,
    CheckFormulaRequest,
    CheckFormulaResponse,
    IngredientDetail,
    IngredientRead,
    RegulatoryStatus,
    SearchPage,
    SearchResult,
)
from app.schemas.product_description import Market
from app.schemas.tasks import TaskAccepted
from app.services import formulation, tasks
from app.services.regulatory import CheckerCache, shared_checker
from app.services.regulatory import service as regulatory

router = APIRouter(prefix="/ingredients", tags=["ingredients"], responses=ERROR_RESPONSES)


def _checker_cache(request: Request) -> CheckerCache:
    cache: CheckerCache | None = getattr(request.app.state, "regulatory_checker", None)
    if cache is None:  # the process's one checker (shared with the lint and the safety jobs)
        cache = request.app.state.regulatory_checker = shared_checker()
    return cache


@router.get("/search", response_model=SearchPage)
async def search(
    principal: CurrentPrincipal,
    session: TenantSession,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchPage:
    """Match INCI names, synonyms, CAS, EC and Chinese names, best first."""
    hits = await formulation.search_ingredients(session, q, limit=limit)
    items = [
        SearchResult(
            **IngredientRead.model_validate(hit.ingredient).model_dump(),
            score=hit.score,
            matched_on=hit.matched_on,
        )
        for hit in hits
    ]
    return SearchPage(items=items, total=len(items))


@router.post(
    "/check-formula",
    response_model=CheckFormulaResponse,
    dependencies=[require_plan_access("compliance_engine")],
)
async def check_formula(
    body: CheckFormulaRequest, principal: CurrentPrincipal, session: TenantSession, request: Request
) -> CheckFormulaResponse:
    """Check a formula (or a product's confirmed Item 3) against the TW and EU lists.

    `product` is the closed product description the annex conditions are evaluated against;
    `markets` the target markets whose lists bind (default ["TW"]). Messages are zh-TW unless
    `Accept-Language` prefers English.
    """
    cache = _checker_cache(request)
    if body.product_id is not None:
        # The product's stored description and markets unless the request states them.
        report, product, markets = await regulatory.check_product_formula(
            session,
            cache,
            org_id=principal.tenant_org,
            product_id=body.product_id,
            product=body.product,
            markets=body.markets if "markets" in body.model_fields_set else None,
        )
    else:
        assert body.product is not None  # the request model requires it with `ingredients`
        product = body.product
        markets = list(body.markets)
        lines = [
            FormulaLine(
                inci=line.inci,
                cas=line.cas,
                concentration_pct=line.concentration,
                function=line.function,
                is_nano=line.is_nano,
            )
            for line in body.ingredients or []
        ]
        report = await regulatory.check_lines(
            session, cache, lines, product=product, markets=markets
        )
    # Messages in zh-TW unless the caller asks for English (`Accept-Language: en`).
    language = language_from_header(request.headers.get("accept-language"))
    report = localize(report, language)
    return CheckFormulaResponse(
        language=language,
        findings=report.findings,
        summary=report.summary,
        lines=report.lines,
        product=product,
        markets=[Market(m) for m in markets],
    )


@router.post("/{ingredient_id}/toxicology", **ACCEPTED)
async def refresh_toxicology(
    ingredient_id: uuid.UUID,
    response: Response,
    principal: CurrentPrincipal,
    session: TenantSession,
    jobs: Jobs,
) -> TaskAccepted:
    """Query every toxicology source again for this ingredient (202; poll the task). While a
    refresh of this ingredient is open, the same task id is returned."""
    if await formulation.get_ingredient(session, ingredient_id) is None:
        raise NotFound("Ingredient not found")
    task = await tasks.enqueue(
        session,
        jobs,
        org_id=principal.tenant_org,
        type="toxicology.refresh",
        payload={"ingredient_id": str(ingredient_id)},
        created_by=principal.user_id,
        coalesce=True,  # a second refresh while one is open returns the open task
    )
    return accepted(response, task)


@router.get("/{ingredient_id}", response_model=IngredientDetail)
async def get_ingredient(
    ingredient_id: uuid.UUID, principal: CurrentPrincipal, session: TenantSession
) -> IngredientDetail:
    ingredient = await formulation.get_ingredient(session, ingredient_id)
    if ingredient is None:
        raise NotFound("Ingredient not found")
    now = datetime.now(UTC)
    cached = await session.execute(
        select(ToxicologyCache).where(ToxicologyCache.ingredient_id == ingredient.id)
    )
    toxicology = [
        CachedToxicology.model_validate(row).model_copy(update={"stale": row.expires_at <= now})
        for row in cached.scalars()
    ]
    entries = await regulatory.list_status(session, ingredient.inci_name, ingredient.cas_numbers)
    statuses = [
        RegulatoryStatus(
            jurisdiction=e.jurisdiction,
            list_type=e.list_type,
            reference=f"{e.jurisdiction} Annex {e.annex}/{e.ref_no}" if e.annex else e.ref_no,
            max_concentration_pct=float(e.max_concentration_pct)
            if e.max_concentration_pct is not None
            else None,
            citation=e.citation,
        )
        for e in entries
    ]
    detail = IngredientDetail.model_validate(ingredient)
    return detail.model_copy(update={"toxicology": toxicology, "regulatory": statuses})
