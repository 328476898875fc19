"""The RAG client from settings, questions to a product's KB, and the KB back-fill."""

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import Conflict, NotFound, ServiceUnavailable
from app.core.tenancy import OrgId
from app.integrations.rag import RagAnswer, RagClient, RagServiceError, RagSettings
from app.models import Product
from app.services.products import get_product_for_org


def rag_client(settings: Settings) -> RagClient:
    return RagClient(
        RagSettings(
            api_base=settings.rag_api_base,
            api_key=settings.rag_api_key.get_secret_value(),
            tenant_id=settings.rag_tenant_id,
            timeout_seconds=settings.rag_timeout_seconds,
            kb_name_prefix=settings.rag_kb_name_prefix,
        ),
        contact_email=settings.contact_email,
    )


async def ask_product(
    session: AsyncSession,
    rag: RagClient,
    *,
    org_id: OrgId,
    product_id: uuid.UUID,
    question: str,
) -> RagAnswer:
    """Ask the product's knowledge base; the KB id comes only from the org-scoped lookup."""
    product = await get_product_for_org(session, product_id, org_id)
    if product is None:
        raise NotFound("Product not found")
    if not rag.configured:
        raise ServiceUnavailable("The knowledge service is not configured", code="rag_unavailable")
    if not product.rag_kb_id:
        raise Conflict(
            "This product has no knowledge base yet; it is created in the background",
            code="knowledge_base_pending",
        )
    try:
        return await rag.ask(product.rag_kb_id, question)
    except RagServiceError as exc:
        raise ServiceUnavailable(
            "The knowledge service is unavailable; try again later", code="rag_unavailable"
        ) from exc


async def backfill_knowledge_bases(
    session: AsyncSession, rag: RagClient, *, limit: int
) -> tuple[int, int]:
    """(created, still missing) for products without a KB, oldest first (a platform job)."""
    rows = await session.execute(
        select(Product.id, Product.org_id, Product.name)
        .where(Product.rag_kb_id.is_(None), Product.deleted_at.is_(None))
        .order_by(Product.created_at)
        .limit(limit)
    )
    created = missing = 0
    for product_id, org_id, name in rows.all():
        kb_id = await rag.safe_create_kb(org_id, product_id, name)
        if kb_id is None:
            missing += 1
            continue
        await session.execute(
            update(Product)
            .where(Product.id == product_id, Product.rag_kb_id.is_(None))
            .values(rag_kb_id=kb_id)
        )
        await session.commit()  # each KB id is kept even if a later one fails
        created += 1
    return created, missing
