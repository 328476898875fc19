"""Task records as the API shows them: status, plus what they found and are doing, in words.

A handler may leave `result["detail"]` (see `TaskDetail`); a pending continuation may carry a
`reason` in its payload. Two things are read live: the step counts of a processing task (Redis,
see `progress`) and the next attempt of the retries a finished task scheduled (they move).
"""

import uuid
from datetime import datetime

from pydantic import ValidationError
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.tenancy import OrgId
from app.models.enums import TaskStatus
from app.models.platform import Task
from app.schemas.tasks import PENDING_RETRY, TaskDetail, TaskRead
from app.services.tasks import repository
from app.services.tasks.progress import StepCounts, live_counts
from app.services.tasks.registry import UnknownTaskType, get_handler

PHASE_WORDS = {"lookup": "looked up", "summary": "summarised"}


def when(at: datetime) -> str:
    """How a retry time reads in messages: `2026-12-01 16:30 UTC`."""
    return f"{at:%Y-%m-%d %H:%M} UTC"


def _stored_detail(task: Task) -> TaskDetail | None:
    raw = (task.result or {}).get("detail")
    if not isinstance(raw, dict):
        return None
    try:
        return TaskDetail.model_validate(raw)
    except ValidationError:
        return None


def _error_reason(error: str | None) -> str | None:
    if not error:
        return None
    kind, sep, text = error.partition(": ")
    return (text if sep and kind.isidentifier() else error).strip() or None


def _message(read: TaskRead, detail: TaskDetail | None, reason: str | None) -> str | None:
    if read.status == PENDING_RETRY and read.next_attempt_at is not None:
        because = _error_reason(read.error) or reason or "Waiting for a scheduled retry"
        return f"{because[:1].upper()}{because[1:]}; retry at {when(read.next_attempt_at)}"
    if detail is None:
        return None
    if read.status == TaskStatus.PROCESSING.value and detail.ingredients_total is not None:
        words = PHASE_WORDS.get(detail.phase or "", "done")
        return f"{detail.ingredients_done or 0} of {detail.ingredients_total} ingredients {words}"
    if read.status != TaskStatus.DONE.value or not detail.sources_unavailable:
        return None
    sources = ", ".join(detail.sources)
    total = detail.ingredients_total
    of = f" of {total}" if total is not None else ""
    if detail.outcome == "on_hold":
        head = (
            f"Toxicology sources unavailable ({sources}) for "
            f"{len(detail.ingredients_without_data)}{of} ingredients: the item is not a "
            "finished draft"
        )
        if detail.retry_at is not None:
            return f"{head}; retry at {when(detail.retry_at)}"
        return f"{head}; the scheduled retries have run (see the item's analysis task)"
    if detail.outcome == "gaps_after_retries":
        return (
            f"Toxicology sources still unavailable ({sources}) after the retries: the values "
            f"of {len(detail.ingredients_without_data)}{of} ingredients are data gaps"
        )
    head = (
        f"Some toxicology sources unavailable ({sources}) for "
        f"{len(detail.ingredients_affected)}{of} ingredients: the draft marks them"
    )
    if detail.retry_at is not None:
        return f"{head}; refresh at {when(detail.retry_at)}"
    return head


def _waiting_reason(task_type: str) -> str | None:
    try:
        return get_handler(task_type).waiting_reason
    except UnknownTaskType:
        return None


def _view(task: Task, counts: StepCounts | None, retries: dict[uuid.UUID, Task]) -> TaskRead:
    read = TaskRead.model_validate(task)
    detail = _stored_detail(task)
    if counts is not None:
        detail = (detail or TaskDetail()).model_copy(
            update={
                "phase": counts.phase,
                "ingredients_done": counts.done,
                "ingredients_total": counts.total,
            }
        )
    if detail is not None and detail.retry_task_ids:
        due = [
            t.next_attempt_at
            for i in detail.retry_task_ids
            if (t := retries.get(i)) is not None
            and t.status == TaskStatus.PENDING.value
            and t.next_attempt_at is not None
        ]
        detail = detail.model_copy(update={"retry_at": min(due) if due else None})
    reason = task.payload.get("reason") if isinstance(task.payload, dict) else None
    if not isinstance(reason, str):
        reason = _waiting_reason(task.type)
    message = _message(read, detail, reason)
    return read.model_copy(update={"detail": detail, "message": message})


async def task_views(
    session: AsyncSession, org_id: OrgId, tasks: list[Task], *, redis: Redis | None = None
) -> list[TaskRead]:
    """`tasks` as the API shows them: at most one Redis round trip (step counts of the
    processing ones, when `redis` is given) and one query (the retries they scheduled)."""
    counts = await live_counts(redis, tasks) if redis is not None else {}
    wanted = {
        i
        for task in tasks
        if (detail := _stored_detail(task)) is not None
        for i in detail.retry_task_ids
    }
    found = await repository.get_tasks_for_org(session, org_id, wanted)
    retries = {t.id: t for t in found}
    return [_view(task, counts.get(task.id), retries) for task in tasks]


async def task_view(
    session: AsyncSession, org_id: OrgId, task: Task, *, redis: Redis | None = None
) -> TaskRead:
    [view] = await task_views(session, org_id, [task], redis=redis)
    return view
