"""Audit-log reads (the only hand-written org_id filter of the audit context lives here)."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.platform import AuditLog


@dataclass(frozen=True)
class AuditFilter:
    """Filters for the audit-log query; all optional, combined with AND."""

    org_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


async def query(
    session: AsyncSession, filters: AuditFilter, *, limit: int = 20, offset: int = 0
) -> tuple[list[AuditLog], int]:
    """Newest first. RLS limits a tenant session to its own org; the superadmin session sees all."""
    conditions: list[ColumnElement[bool]] = []
    if filters.org_id is not None:
        conditions.append(AuditLog.org_id == filters.org_id)
    if filters.user_id is not None:
        conditions.append(AuditLog.user_id == filters.user_id)
    if filters.action:
        conditions.append(AuditLog.action == filters.action)
    if filters.since is not None:
        conditions.append(AuditLog.created_at >= filters.since)
    if filters.until is not None:
        conditions.append(AuditLog.created_at < filters.until)
    total = await session.scalar(select(func.count()).select_from(AuditLog).where(*conditions))
    rows = await session.scalars(
        select(AuditLog)
        .where(*conditions)
        .order_by(AuditLog.seq.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), int(total or 0)
