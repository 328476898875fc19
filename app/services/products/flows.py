"""Multi-step product flows: local commit first, then the fail-soft knowledge-base calls."""

import uuid

import structlog

from app.core.database import Database
from app.core.storage import Storage
from app.integrations.rag import RagClient
from app.models import Product
from app.schemas.products import ProductCreate
from app.services.audit import ClientInfo
from app.services.pif.repository import list_files_for_org
from app.services.products import repository, service

log = structlog.get_logger(__name__)


async def create_product_with_kb(
    db: Database,
    rag: RagClient,
    *,
    org_id: uuid.UUID,
    user_id: uuid.UUID,
    payload: ProductCreate,
    client: ClientInfo | None = None,
) -> Product:
    """Commit the product and its 16 items, then ask for a knowledge base (never blocking)."""
    async with db.tenant(org_id) as session:
        product = await service.create_product(
            session, org_id=org_id, user_id=user_id, payload=payload, client=client
        )
    kb_id = await rag.safe_create_kb(org_id, product.id, product.name)
    if kb_id is None:
        log.warning("product_created_without_kb", product_id=str(product.id))
        return product
    async with db.tenant(org_id) as session:
        stored = await repository.get_product_for_org(session, product.id, org_id, for_update=True)
        if stored is not None:
            stored.rag_kb_id = kb_id
            await session.flush()
            await session.refresh(stored)
            return stored
    return product


async def delete_product_and_kb(
    db: Database,
    rag: RagClient,
    storage: Storage,
    *,
    org_id: uuid.UUID,
    user_id: uuid.UUID,
    product_id: uuid.UUID,
    client: ClientInfo | None = None,
) -> None:
    """Delete (or retire) locally first; then drop blobs of hard-deleted drafts and the KB."""
    async with db.tenant(org_id) as session:
        files = await list_files_for_org(session, product_id, org_id)
        deleted = await service.delete_product(
            session, org_id=org_id, user_id=user_id, product_id=product_id, client=client
        )
    if not deleted.retained:
        for record in files:
            await storage.delete(record.storage_key)
    if deleted.kb_id:
        await rag.safe_delete_kb(deleted.kb_id)
