"""Product use cases: create (with its 16 items and V0 draft), update, delete."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.authz import Permission
from app.core.errors import NotFound
from app.core.tenancy import Principal
from app.models import Product
from app.schemas.product_description import DEFAULT_MARKETS
from app.schemas.products import ProductCreate, ProductUpdate
from app.services import audit
from app.services.audit import ClientInfo
from app.services.identity import PlanAccess, authorize
from app.services.products.quota import ensure_product_quota
from app.services.products.repository import (
    delete_product_row,
    get_product_for_org,
    has_signed_version,
    insert_product,
)


@dataclass(frozen=True)
class DeletedProduct:
    kb_id: str | None  # to retire after commit
    retained: bool  # soft-deleted: files must be kept


async def create_product(
    session: AsyncSession,
    principal: Principal,
    *,
    payload: ProductCreate,
    access: PlanAccess,
    client: ClientInfo | None = None,
) -> Row[Any]:
    """Insert the product, its 16 `missing` documents, the V0 draft and the audit event in one
    transaction; returns the products row as inserted.

    One statement (issue 18, `repository.insert_product`); the server fills ids, statuses and
    timestamps."""
    org_id, user_id = principal.tenant_org, principal.user_id
    await ensure_product_quota(session, access, user_id=user_id, client=client)
    fields = payload.model_dump(exclude={"description", "markets"})
    values = {
        "org_id": org_id,
        "created_by": user_id,
        "description": payload.description.stated() if payload.description else None,
        "markets": [m.value for m in payload.markets or DEFAULT_MARKETS],
        **fields,
    }
    return await insert_product(session, values, client=client)


async def update_product(
    session: AsyncSession,
    principal: Principal,
    *,
    product_id: uuid.UUID,
    payload: ProductUpdate,
) -> Product:
    product = await get_product_for_org(session, product_id, principal.tenant_org, for_update=True)
    if product is None:
        raise NotFound("Product not found")
    for field, value in payload.model_dump(
        exclude_unset=True, exclude={"description", "markets"}
    ).items():
        if field in ("name", "category") and value is None:
            continue  # required columns: null means "unchanged"
        setattr(product, field, value)
    if "description" in payload.model_fields_set:
        # Field by field: what is given replaces, the rest is kept; null resets to the defaults.
        given = payload.description
        product.description = {**(product.description or {}), **given.stated()} if given else None
    if payload.markets is not None:
        product.markets = [m.value for m in payload.markets]
    await session.flush()
    await session.refresh(product)
    return product


async def delete_product(
    session: AsyncSession,
    principal: Principal,
    *,
    product_id: uuid.UUID,
    client: ClientInfo | None = None,
) -> DeletedProduct:
    """Soft-delete products with a signed version (10-year retention), hard-delete drafts."""
    await authorize(session, principal, Permission.PRODUCT_DELETE, client=client)
    org_id, user_id = principal.tenant_org, principal.user_id
    product = await get_product_for_org(session, product_id, org_id, for_update=True)
    if product is None:
        raise NotFound("Product not found")
    kb_id = product.rag_kb_id
    retained = await has_signed_version(session, product.id, org_id)
    if retained:
        product.deleted_at = datetime.now(UTC)
    else:
        await delete_product_row(session, product.id, org_id)
    await audit.record(
        session,
        "product.deleted",
        org_id=org_id,
        user_id=user_id,
        resource_type="product",
        resource_id=product_id,
        details={"mode": "soft" if retained else "hard"},
        client=client,
    )
    return DeletedProduct(kb_id=kb_id, retained=retained)
