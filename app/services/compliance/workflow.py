"""Responsibility matrix, seven-step workflow and the outsourcing register of a product."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFound
from app.engines.compliance import Cell, Workflow, derive_workflow, matrix_row
from app.models import Outsourcing
from app.services import audit, pif
from app.services.audit import ClientInfo
from app.services.compliance import repository
from app.services.compliance.lint import TenantPrincipal, require_org_type, require_product


def responsibility_matrix(org_type: str) -> list[Cell]:
    """The 16 cells of one org type (the route validates `org_type`)."""
    return matrix_row(org_type)


async def product_responsibilities(
    session: AsyncSession, principal: TenantPrincipal, product_id: uuid.UUID
) -> tuple[str, list[Cell]]:
    """The matrix row of the product's organization type."""
    await require_product(session, product_id, principal.tenant_org)
    org_type = await require_org_type(session, principal.tenant_org)
    return org_type, matrix_row(org_type)


async def product_workflow(
    session: AsyncSession, principal: TenantPrincipal, product_id: uuid.UUID
) -> Workflow:
    """Steps 1-7 from the item statuses, with outsourcing suggestions not yet registered."""
    org_id = principal.tenant_org
    product = await require_product(session, product_id, org_id)
    org_type = await require_org_type(session, org_id)
    documents = await pif.list_documents_for_org(session, product_id, org_id)
    signed = await repository.has_signed_version_for_org(session, product_id, org_id)
    facts = await pif.status_facts(session, product)  # change detection, via the review context
    registered = await repository.list_outsourcings_for_org(session, product_id, org_id)
    return derive_workflow(
        {d.item_number: d.status for d in documents},
        org_type,
        outsourced_registered=[o.item_number for o in registered],
        has_signed_version=signed,
        needs_resign=(not facts.signed_and_current) if signed else None,
    )


async def list_outsourcings(
    session: AsyncSession, principal: TenantPrincipal, product_id: uuid.UUID
) -> list[Outsourcing]:
    await require_product(session, product_id, principal.tenant_org)
    return await repository.list_outsourcings_for_org(session, product_id, principal.tenant_org)


async def add_outsourcing(
    session: AsyncSession,
    principal: TenantPrincipal,
    user_id: uuid.UUID,
    product_id: uuid.UUID,
    *,
    item_number: int,
    vendor: str,
    note: str | None,
    client: ClientInfo | None = None,
) -> Outsourcing:
    """Register who provides an item for this product."""
    product = await require_product(session, product_id, principal.tenant_org)
    row = Outsourcing(
        org_id=product.org_id,
        product_id=product.id,
        item_number=item_number,
        vendor=vendor,
        note=note,
        created_by=user_id,
    )
    session.add(row)
    await session.flush()
    await session.refresh(row)
    await audit.record(
        session,
        "compliance.outsourcing_added",
        org_id=product.org_id,
        user_id=user_id,
        resource_type="outsourcing",
        resource_id=row.id,
        details={"product_id": str(product.id), "item": item_number},
        client=client,
    )
    return row


async def remove_outsourcing(
    session: AsyncSession,
    principal: TenantPrincipal,
    user_id: uuid.UUID,
    product_id: uuid.UUID,
    outsourcing_id: uuid.UUID,
    *,
    client: ClientInfo | None = None,
) -> None:
    org_id = principal.tenant_org
    await require_product(session, product_id, org_id)
    if not await repository.delete_outsourcing_for_org(session, product_id, outsourcing_id, org_id):
        raise NotFound("Outsourcing entry not found")
    await audit.record(
        session,
        "compliance.outsourcing_removed",
        org_id=org_id,
        user_id=user_id,
        resource_type="outsourcing",
        resource_id=outsourcing_id,
        details={"product_id": str(product_id)},
        client=client,
    )
