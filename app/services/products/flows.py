"""Multi-step product flows: the local write commits first, then the fail-soft RAG calls run
with no transaction open (on the request's one connection)."""

import uuid
from typing import Any

import structlog
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.storage import Storage
from app.core.tenancy import Principal
from app.core.unit_of_work import after_commit, commit
from app.integrations.rag import RagClient
from app.models import Product
from app.schemas.products import ProductCreate
from app.services.audit import ClientInfo
from app.services.identity import PlanAccess
from app.services.products import repository, service

log = structlog.get_logger(__name__)


async def create_product_with_kb(
    session: AsyncSession,
    rag: RagClient,
    principal: Principal,
    *,
    payload: ProductCreate,
    access: PlanAccess,
    client: ClientInfo | None = None,
) -> Row[Any] | Product:
    """Commit the product and its 16 items, then ask for a knowledge base (never blocking).
    The product as inserted, or as stored with its KB id."""
    product = await service.create_product(
        session, principal, payload=payload, access=access, client=client
    )
    await commit(session)  # the product stands on its own; the RAG call holds no transaction
    kb_id = await rag.safe_create_kb(principal.tenant_org, product.id, product.name)
    if kb_id is None:
        log.warning("product_created_without_kb", product_id=str(product.id))
        return product
    stored = await repository.get_product_for_org(
        session, product.id, principal.tenant_org, for_update=True
    )
    if stored is None:  # deleted meanwhile
        return product
    stored.rag_kb_id = kb_id
    await session.flush()
    await session.refresh(stored)
    return stored


async def delete_product_and_kb(
    session: AsyncSession,
    rag: RagClient,
    storage: Storage,
    principal: Principal,
    *,
    product_id: uuid.UUID,
    client: ClientInfo | None = None,
) -> None:
    """Delete (or retire) locally; after commit drop blobs of hard-deleted drafts and the KB."""
    file_keys = await repository.file_keys_for_product(session, product_id, principal.tenant_org)
    deleted = await service.delete_product(session, principal, product_id=product_id, client=client)

    async def cleanup() -> None:
        if not deleted.retained:
            for key in file_keys:
                await storage.delete(key)
        if deleted.kb_id:
            await rag.safe_delete_kb(deleted.kb_id)

    after_commit(session, cleanup)
