"""Products (Item 1): create, list, read, update, delete."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, StringConstraints

from app.api.deps import RagDep, StorageDep
from app.api.identity_deps import Tenant
from app.api.pagination import MAX_OFFSET
from app.core.errors import NotFound
from app.models.enums import DocumentStatus, PifStatus
from app.schemas.errors import ERROR_RESPONSES
from app.schemas.products import (
    ProductCreate,
    ProductDetail,
    ProductPage,
    ProductRead,
    ProductUpdate,
)
from app.services import knowledge, products
from app.services.pif.repository import list_documents_for_org
from app.services.pif.status import completion_ratio
from app.services.products.flows import create_product_with_kb, delete_product_and_kb
from app.services.products.views import product_json, product_page_json

router = APIRouter(
    prefix="/products",
    tags=["products"],
    responses=ERROR_RESPONSES,
)
# Every route takes `ctx: Tenant`, one dependency that does what a router-level
# `require_plan_access()` plus `CurrentPrincipal`/`TenantSession` did (issue 18).


@router.post("", status_code=201, response_model=ProductRead)
async def create_product(payload: ProductCreate, ctx: Tenant, rag: RagDep) -> Response:
    """Create a product with its 16 PIF items (`missing`) and V0 draft; the KB is fail-soft."""
    product = await create_product_with_kb(
        ctx.session, rag, ctx.principal, payload=payload, access=ctx.plan, client=ctx.client
    )
    # the ProductRead body rendered from the row as the list does (no validation, issue 18)
    return Response(content=product_json(product), status_code=201, media_type="application/json")


@router.get("", response_model=ProductPage)
async def list_products(
    ctx: Tenant,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    status: PifStatus | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Search by name")] = None,
) -> Response:
    """The caller's products, newest first."""
    rows, total = await products.list_products_for_org(
        ctx.session, ctx.principal.tenant_org, limit=limit, offset=offset, status=status, search=q
    )
    # the ProductPage body rendered once from the rows (no per-row validation, issue 18)
    body = product_page_json(rows, total=total, limit=limit, offset=offset)
    return Response(content=body, media_type="application/json")


@router.get("/{product_id}", response_model=ProductDetail)
async def get_product(product_id: uuid.UUID, ctx: Tenant) -> ProductDetail:
    session, principal = ctx.session, ctx.principal
    product = await products.get_product_for_org(session, product_id, principal.tenant_org)
    if product is None:
        raise NotFound("Product not found")
    documents = await list_documents_for_org(
        session, product.id, principal.tenant_org, summary=True
    )
    counts: dict[str, int] = {}
    for doc in documents:
        counts[doc.status] = counts.get(doc.status, 0) + 1
    detail = ProductDetail.model_validate(product)
    detail.item_status_counts = counts
    detail.completion = completion_ratio(DocumentStatus(d.status) for d in documents)
    return detail


@router.put("/{product_id}", response_model=ProductRead)
@router.patch("/{product_id}", response_model=ProductRead)
async def update_product(
    product_id: uuid.UUID,
    payload: ProductUpdate,
    ctx: Tenant,
) -> ProductRead:
    """Update Item 1 fields given (others kept); `description` is merged field by field
    (`"description": null` resets it to the category defaults), `markets` replaced."""
    product = await products.update_product(
        ctx.session, ctx.principal, product_id=product_id, payload=payload
    )
    return ProductRead.model_validate(product)


@router.delete(
    "/{product_id}",
    status_code=204,
    response_class=Response,
)
async def delete_product(
    product_id: uuid.UUID, ctx: Tenant, rag: RagDep, storage: StorageDep
) -> Response:
    """Admins only (Permission.PRODUCT_DELETE). Signed PIFs are kept (soft delete), drafts go."""
    await delete_product_and_kb(
        ctx.session, rag, storage, ctx.principal, product_id=product_id, client=ctx.client
    )
    return Response(status_code=204)


class AskRequest(BaseModel):
    question: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
    ]


class AskAnswer(BaseModel):
    answer: str
    sources: list[Any]
    from_wiki: bool
    response_time: float | None


@router.post("/{product_id}/ask", response_model=AskAnswer)
async def ask(
    product_id: uuid.UUID,
    body: AskRequest,
    ctx: Tenant,
    rag: RagDep,
) -> AskAnswer:
    """Ask the product's knowledge base (central RAG; `from_wiki` = compiled wiki tier)."""
    answer = await knowledge.ask_product(
        ctx.session,
        rag,
        org_id=ctx.principal.tenant_org,
        product_id=product_id,
        question=body.question,
    )
    return AskAnswer(**vars(answer))
