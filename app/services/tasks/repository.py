"""Task queries; every tenant read filters on org_id (RLS is the second safeguard)."""

import hashlib
import json
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, cast, func, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.tenancy import OrgId
from app.models.enums import TaskStatus
from app.models.platform import Task
from app.schemas.tasks import PENDING_RETRY


async def get_task_for_org(session: AsyncSession, task_id: uuid.UUID, org_id: OrgId) -> Task | None:
    stmt = select(Task).where(Task.id == task_id, Task.org_id == org_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def list_tasks_for_org(
    session: AsyncSession,
    org_id: OrgId,
    *,
    product_id: uuid.UUID | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Task], int]:
    """Newest first, with the total before paging. `status` as the API shows it: `pending`
    (not waiting for a retry), `pending_retry` (pending with a scheduled next attempt), ..."""
    where: list[ColumnElement[bool]] = [Task.org_id == org_id]
    if product_id is not None:
        where.append(Task.product_id == product_id)
    if status == PENDING_RETRY:
        where += [Task.status == TaskStatus.PENDING.value, Task.next_attempt_at.is_not(None)]
    elif status == TaskStatus.PENDING.value:
        where += [Task.status == TaskStatus.PENDING.value, Task.next_attempt_at.is_(None)]
    elif status is not None:
        where.append(Task.status == status)
    total = (
        await session.execute(select(func.count()).select_from(Task).where(*where))
    ).scalar_one()
    rows = await session.execute(
        select(Task)
        .where(*where)
        .order_by(Task.created_at.desc(), Task.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows.scalars()), int(total)


async def latest_item_task(
    session: AsyncSession,
    org_id: OrgId,
    product_id: uuid.UUID,
    item_number: int,
    type: str,
) -> Task | None:
    """The newest task of `type` for one PIF item (its analysis), whatever its status."""
    stmt = (
        select(Task)
        .where(
            Task.org_id == org_id,
            Task.product_id == product_id,
            Task.type == type,
            Task.payload.contains({"item_number": item_number}),
        )
        .order_by(Task.created_at.desc(), Task.id)
        .limit(1)
    )
    found: Task | None = await session.scalar(stmt)
    return found


async def pending_retries_for_product(
    session: AsyncSession,
    org_id: OrgId,
    product_id: uuid.UUID,
    *,
    item_analyses_only: bool = False,
    limit: int | None = 50,
) -> list[Task]:
    """The product's tasks waiting for a scheduled retry (`pending_retry`), soonest first;
    `item_analyses_only`: just the item analyses (payload `item_number`)."""
    stmt = select(Task).where(
        Task.org_id == org_id,
        Task.product_id == product_id,
        Task.status == TaskStatus.PENDING.value,
        Task.next_attempt_at.is_not(None),
    )
    if item_analyses_only:
        stmt = stmt.where(Task.payload.has_key("item_number"))
    stmt = stmt.order_by(Task.next_attempt_at, Task.id).limit(limit)
    return list((await session.execute(stmt)).scalars())


async def get_tasks_for_org(
    session: AsyncSession, org_id: OrgId, task_ids: Iterable[uuid.UUID]
) -> list[Task]:
    ids = list(task_ids)
    if not ids:
        return []
    stmt = select(Task).where(Task.org_id == org_id, Task.id.in_(ids))
    return list((await session.execute(stmt)).scalars())


async def get_task_by_idempotency_key(
    session: AsyncSession, org_id: uuid.UUID | None, key: str
) -> Task | None:
    org_filter = Task.org_id.is_(None) if org_id is None else Task.org_id == org_id
    stmt = select(Task).where(org_filter, Task.idempotency_key == key)
    return (await session.execute(stmt)).scalars().first()


async def open_twin(
    session: AsyncSession,
    org_id: uuid.UUID | None,
    type: str,
    product_id: uuid.UUID | None,
    payload: dict[str, Any],
) -> Task | None:
    """The open task doing exactly this work; concurrent callers are serialised per work item."""
    canonical = json.dumps([str(org_id), type, str(product_id), payload], sort_keys=True)
    lock = int.from_bytes(hashlib.sha256(canonical.encode()).digest()[:8], "big", signed=True)
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock})
    stmt = (
        select(Task)
        .where(
            Task.org_id.is_(None) if org_id is None else Task.org_id == org_id,
            Task.type == type,
            Task.product_id.is_(None) if product_id is None else Task.product_id == product_id,
            Task.payload == cast(payload, JSONB),
            Task.status.in_([TaskStatus.PENDING.value, TaskStatus.PROCESSING.value]),
        )
        .order_by(Task.enqueued_at)
        .limit(1)
    )
    found: Task | None = await session.scalar(stmt)
    return found
