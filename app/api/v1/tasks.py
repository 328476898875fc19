"""Poll background tasks of the caller's organization."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from app.api.deps import CurrentPrincipal, RedisDep, TenantSession
from app.api.pagination import MAX_OFFSET
from app.core.errors import NotFound
from app.schemas.tasks import TaskPage, TaskRead
from app.services import tasks as tasks_service

router = APIRouter(prefix="/tasks", tags=["tasks"])

TaskStatusFilter = Literal["pending", "pending_retry", "processing", "done", "failed"]


@router.get("/{task_id}", response_model=TaskRead, responses={404: {"description": "Not found"}})
async def get_task(
    task_id: uuid.UUID, principal: CurrentPrincipal, session: TenantSession, redis: RedisDep
) -> TaskRead:
    """Status, progress (0–100), result or error of one task; `message` and `detail` say what
    it found (e.g. sources unavailable and when they are retried) and, while it runs, how many
    ingredients are done."""
    task = await tasks_service.get_task_for_org(session, task_id, principal.tenant_org)
    if task is None:
        raise NotFound("Task not found")  # also for other orgs' ids
    return await tasks_service.task_view(session, principal.tenant_org, task, redis=redis)


@router.get("", response_model=TaskPage)
async def list_tasks(
    principal: CurrentPrincipal,
    session: TenantSession,
    redis: RedisDep,
    product_id: uuid.UUID | None = None,
    status: Annotated[
        TaskStatusFilter | None,
        Query(description="Only tasks in this status; `pending_retry`: the scheduled retries"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> TaskPage:
    """The organization's tasks, newest first, optionally for one product or one status."""
    items, total = await tasks_service.list_tasks_for_org(
        session,
        principal.tenant_org,
        product_id=product_id,
        status=status,
        limit=limit,
        offset=offset,
    )
    views = await tasks_service.task_views(session, principal.tenant_org, items, redis=redis)
    return TaskPage(items=views, total=total, limit=limit, offset=offset)
