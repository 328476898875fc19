"""Org-scoped queries for PIF documents and uploaded files."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import load_only

from app.core.tenancy import OrgId
from app.models import PifDocument, UploadedFile


async def list_documents_for_org(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId, *, summary: bool = False
) -> list[PifDocument]:
    """With `summary`, only the columns an item summary shows (not `data`/`ai_draft`, which can
    be large): reading any other attribute of the result then raises."""
    stmt = (
        select(PifDocument)
        .where(PifDocument.product_id == product_id, PifDocument.org_id == org_id)
        .order_by(PifDocument.item_number)
    )
    if summary:
        stmt = stmt.options(
            load_only(
                PifDocument.item_number,
                PifDocument.status,
                PifDocument.ai_confidence,
                PifDocument.status_reason,
                PifDocument.updated_at,
                raiseload=True,
            )
        )
    rows = await session.execute(stmt)
    return list(rows.scalars())


async def get_document_for_org(
    session: AsyncSession,
    product_id: uuid.UUID,
    item_number: int,
    org_id: OrgId,
    *,
    for_update: bool = False,
) -> PifDocument | None:
    stmt = select(PifDocument).where(
        PifDocument.product_id == product_id,
        PifDocument.item_number == item_number,
        PifDocument.org_id == org_id,
    )
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def document_status(
    session: AsyncSession, product_id: uuid.UUID, item_number: int, org_id: OrgId
) -> str | None:
    """The item's status alone (no row loaded into the session, no lock)."""
    stmt = select(PifDocument.status).where(
        PifDocument.product_id == product_id,
        PifDocument.item_number == item_number,
        PifDocument.org_id == org_id,
    )
    status: str | None = await session.scalar(stmt)
    return status


async def list_files_for_org(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId, item_number: int | None = None
) -> list[UploadedFile]:
    stmt = select(UploadedFile).where(
        UploadedFile.product_id == product_id, UploadedFile.org_id == org_id
    )
    if item_number is not None:
        stmt = stmt.where(UploadedFile.pif_item_number == item_number)
    rows = await session.execute(stmt.order_by(UploadedFile.created_at))
    return list(rows.scalars())


async def get_file_for_org(
    session: AsyncSession, product_id: uuid.UUID, file_id: uuid.UUID, org_id: OrgId
) -> UploadedFile | None:
    stmt = select(UploadedFile).where(
        UploadedFile.id == file_id,
        UploadedFile.product_id == product_id,
        UploadedFile.org_id == org_id,
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def find_duplicate_file(
    session: AsyncSession, product_id: uuid.UUID, item_number: int, sha256: str, org_id: OrgId
) -> UploadedFile | None:
    stmt = select(UploadedFile).where(
        UploadedFile.product_id == product_id,
        UploadedFile.org_id == org_id,
        UploadedFile.pif_item_number == item_number,
        UploadedFile.sha256 == sha256,
        UploadedFile.superseded_by.is_(None),
    )
    return (await session.execute(stmt.limit(1))).scalar_one_or_none()
