"""Use cases: enqueue background work inside the caller's transaction, retry failed tasks."""

import uuid
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.jobs import JobBuffer, JobRef
from app.models.enums import TaskStatus
from app.models.platform import Task
from app.services.tasks import repository
from app.services.tasks.registry import get_handler

# the column default; a deployment that changes `task_max_attempts` pays one UPDATE per claim
_DEFAULT_MAX_ATTEMPTS = 3


def job_ref(task: Task) -> JobRef:
    return JobRef(task.id, task.org_id, task.queue)


async def enqueue(
    session: AsyncSession,
    jobs: JobBuffer,
    *,
    org_id: uuid.UUID | None,
    type: str,
    payload: dict[str, Any],
    product_id: uuid.UUID | None = None,
    created_by: uuid.UUID | None = None,
    idempotency_key: str | None = None,
    request_id: str | None = None,
    not_before: datetime | None = None,
    coalesce: bool = False,
) -> Task:
    """Insert a pending task row and buffer its message (published after the caller commits).

    With `not_before` the task waits until then (the worker parks an early message, the sweeper
    publishes it when due). With `coalesce` an open (pending or processing) task of the same
    org, type, product and payload is returned instead of queueing the same work again.
    """
    spec = get_handler(type)  # unknown types fail here, inside the request, not in the worker
    if coalesce:
        existing = await repository.open_twin(session, org_id, type, product_id, payload)
        if existing is not None:
            return existing
    if idempotency_key is not None:
        existing = await repository.get_task_by_idempotency_key(session, org_id, idempotency_key)
        if existing is not None:
            return existing
    if request_id is None:
        request_id = structlog.contextvars.get_contextvars().get("request_id")
    task = Task(
        id=uuid.uuid4(),
        org_id=org_id,
        product_id=product_id,
        type=type,
        queue=spec.queue.value,
        status=TaskStatus.PENDING.value,
        payload=payload,
        progress=0,
        attempts=0,
        # the worker's claim then never has to correct it (one statement per claim)
        max_attempts=spec.max_attempts or _DEFAULT_MAX_ATTEMPTS,
        enqueued_at=datetime.now(UTC),
        idempotency_key=idempotency_key,
        request_id=request_id,
        created_by=created_by,
        next_attempt_at=not_before,
    )
    try:
        async with session.begin_nested():
            session.add(task)
    except IntegrityError:
        if idempotency_key is None:
            raise
        # a concurrent request with the same key won the insert
        winner = await repository.get_task_by_idempotency_key(session, org_id, idempotency_key)
        if winner is None:
            raise
        return winner
    await session.refresh(task)
    jobs.add(job_ref(task))
    return task


async def requeue(session: AsyncSession, task: Task, jobs: JobBuffer) -> Task:
    """Reset a failed task to pending with a fresh attempt budget and buffer its message."""
    task.status = TaskStatus.PENDING.value
    task.attempts = 0
    task.progress = 0
    task.error = None
    task.result = None
    task.next_attempt_at = None
    task.started_at = None
    task.finished_at = None
    task.enqueued_at = datetime.now(UTC)
    await session.flush()
    await session.refresh(task)
    jobs.add(job_ref(task))
    return task
