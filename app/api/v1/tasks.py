"""Poll background tasks of the caller's organization."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import CurrentPrincipal, TenantSession
from app.api.pagination import MAX_OFFSET
from app.core.errors import NotFound
from app.models.platform import Task
from app.schemas.tasks import TaskPage, TaskRead
from app.services import tasks as tasks_service

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.get("/{task_id}", response_model=TaskRead, responses={404: {"description": "Not found"}})
async def get_task(task_id: uuid.UUID, principal: CurrentPrincipal, session: TenantSession) -> Task:
    """Status, progress (0–100), result or error of one task."""
    task = await tasks_service.get_task_for_org(session, task_id, principal.tenant_org)
    if task is None:
        raise NotFound("Task not found")  # also for other orgs' ids
    return task


@router.get("", response_model=TaskPage)
async def list_tasks(
    principal: CurrentPrincipal,
    session: TenantSession,
    product_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> TaskPage:
    """The organization's tasks, newest first, optionally for one product."""
    items, total = await tasks_service.list_tasks_for_org(
        session, principal.tenant_org, product_id=product_id, limit=limit, offset=offset
    )
    return TaskPage(
        items=[TaskRead.model_validate(t) for t in items], total=total, limit=limit, offset=offset
    )
