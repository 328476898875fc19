"""One delivery: claim the task row, run its handler in a transaction, then acknowledge.

The task row is the truth. Each step commits before Redis is told anything (XACK, retry ZADD),
so a crash at any point leaves either a pending entry (reclaimed) or a pending row (swept).
A task costs two transactions: the claim (one UPDATE … RETURNING) and the run (the handler's
writes plus status=done); the acknowledgement is batched with others'.
"""

import asyncio
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from redis.asyncio import Redis
from sqlalchemy import ColumnElement, or_, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.ai.providers import NoTools, ToolBox
from app.core.config import Settings
from app.core.database import Database
from app.core.jobs import JobRef
from app.core.queue import AckBatcher, Delivery, ack, publish, retry_delay, schedule_retry
from app.core.system_context import org_or_system_session
from app.models.enums import TaskStatus
from app.models.platform import Task
from app.services import audit
from app.services.tasks import (
    HandlerSpec,
    JobContext,
    PermanentError,
    ProgressReporter,
    RetryLater,
    UnknownTaskType,
    get_handler,
)
from app.worker import metrics

log = structlog.get_logger("app.worker")

MAX_ERROR_CHARS = 4000
_DUE_SLACK = timedelta(milliseconds=50)


@dataclass
class WorkerDeps:
    db: Database
    redis: Redis
    settings: Settings
    consumer: str
    rand: Callable[[], float] = field(default=random.random)  # jitter source, injectable
    tools: ToolBox = field(default_factory=NoTools)  # what AI providers in handlers may call
    acks: AckBatcher | None = None  # None: acknowledge each delivery at once


@dataclass(frozen=True)
class Claim:
    job: JobRef
    type: str
    attempt: int
    limit: int
    spec: HandlerSpec
    task: Task  # the row as claimed (detached); the run's session adopts it without a SELECT


def _now() -> datetime:
    return datetime.now(UTC)


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]


async def _lock_task(session: AsyncSession, task_id: uuid.UUID) -> Task | None:
    stmt = select(Task).where(Task.id == task_id).with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


def _owned(task: Task | None, claim: Claim) -> bool:
    return (
        task is not None
        and task.status == TaskStatus.PROCESSING.value
        and task.attempts == claim.attempt
    )


class Executor:
    """Runs deliveries for one worker; all collaborators are injected."""

    def __init__(self, deps: WorkerDeps) -> None:
        self.deps = deps

    def session(self, org_id: uuid.UUID | None) -> Any:
        return org_or_system_session(self.deps.db, org_id)

    async def ack(self, delivery: Delivery) -> None:
        if self.deps.acks is not None:
            self.deps.acks.add(delivery)
        else:
            await ack(self.deps.redis, delivery)

    async def process(self, delivery: Delivery) -> None:
        """Claim → run → commit → XACK; failures retry or fail; cancellation releases."""
        job = delivery.job
        if job is None:
            log.warning("malformed_message_dropped", message_id=delivery.message_id)
            await self.ack(delivery)
            return
        # each delivery runs in its own asyncio task, so this binding is local to it
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            task_id=str(job.task_id), queue=delivery.queue, consumer=self.deps.consumer
        )
        claim = await self._claim(delivery, job)
        if claim is None:
            await self.ack(delivery)
            return
        await self._run(delivery, claim)

    async def _claim(self, delivery: Delivery, job: JobRef) -> Claim | None:
        """Txn A: pending (or, when reclaimed, processing) → processing, attempts + 1.

        The common case is one UPDATE … RETURNING; only when it matches nothing (finished, in
        flight elsewhere, not due yet, gone) does a SELECT say why."""
        retry_at: datetime | None = None
        claim: Claim | None = None
        now = _now()
        claimable: ColumnElement[bool] = Task.status == TaskStatus.PENDING.value
        if delivery.reclaimed:  # its worker died mid-attempt: take the attempt over
            claimable = or_(claimable, Task.status == TaskStatus.PROCESSING.value)
        async with self.session(job.org_id) as session:
            claimed = await session.execute(
                update(Task)
                .where(
                    Task.id == job.task_id,
                    claimable,
                    or_(Task.next_attempt_at.is_(None), Task.next_attempt_at <= now + _DUE_SLACK),
                )
                .values(
                    status=TaskStatus.PROCESSING.value,
                    attempts=Task.attempts + 1,
                    started_at=now,
                    next_attempt_at=None,
                )
                .returning(Task)
                .execution_options(synchronize_session=False)
            )
            task = claimed.scalar_one_or_none()
            if task is None:
                retry_at = await self._why_not_claimed(session, job)
            else:
                structlog.contextvars.bind_contextvars(
                    task_type=task.type, request_id=task.request_id
                )
                claim = await self._admit(session, task, job)
        if retry_at is not None:
            await schedule_retry(self.deps.redis, job, retry_at.timestamp())
            return None
        if claim is None:
            return None
        log.info("task_started", attempt=claim.attempt, reclaimed=delivery.reclaimed)
        return claim

    async def _why_not_claimed(self, session: AsyncSession, job: JobRef) -> datetime | None:
        """Log why the row was not claimable; an early duplicate's due time is returned."""
        task = (
            await session.execute(select(Task).where(Task.id == job.task_id))
        ).scalar_one_or_none()
        if task is None:
            log.warning("task_missing")
            return None
        structlog.contextvars.bind_contextvars(task_type=task.type, request_id=task.request_id)
        if task.status in (TaskStatus.DONE.value, TaskStatus.FAILED.value):
            log.info("task_already_finished", status=task.status)
        elif task.status == TaskStatus.PROCESSING.value:
            log.info("task_in_flight_elsewhere")  # a duplicate message; the owner acks
        elif task.next_attempt_at is not None:
            return task.next_attempt_at  # early duplicate: park it until due
        return None

    async def _admit(self, session: AsyncSession, task: Task, job: JobRef) -> Claim | None:
        """The claimed row (locked by the UPDATE): fail it when it cannot run, else a Claim."""
        try:
            spec = get_handler(task.type)
        except UnknownTaskType as exc:
            task.attempts -= 1
            await self._fail(session, task, None, _error_text(exc), reason="unknown_type")
            return None
        limit = spec.max_attempts or self.deps.settings.task_max_attempts
        if task.attempts > limit:  # the last attempt died with its worker
            task.attempts -= 1
            error = task.error or "worker lost the task on its last try"
            await self._fail(session, task, spec, error, reason="exhausted")
            return None
        if task.max_attempts != limit:
            task.max_attempts = limit  # flushed with the commit
        if task.enqueued_at is not None and task.started_at is not None:
            latency = (task.started_at - task.enqueued_at).total_seconds()
            metrics.TASK_START_LATENCY.labels(task.queue).observe(max(latency, 0))
        return Claim(job, task.type, task.attempts, limit, spec, task)

    async def _run(self, delivery: Delivery, claim: Claim) -> None:
        """Txn B: the handler's writes and status=done commit together, or not at all."""
        started = time.perf_counter()
        outcome = "done"
        try:
            async with self.session(claim.job.org_id) as session:
                task = claim.task
                session.add(task)  # detached from the claim's session: adopted, not re-read
                ctx = JobContext(
                    session,
                    task,
                    self.deps.settings,
                    self._progress(claim),
                    self.deps.redis,
                    tools=self.deps.tools,
                )
                result = await claim.spec.handler(ctx)
                finished = await session.execute(
                    update(Task)
                    .where(
                        Task.id == task.id,
                        Task.status == TaskStatus.PROCESSING.value,
                        Task.attempts == claim.attempt,
                    )
                    .values(
                        status=TaskStatus.DONE.value,
                        result=result or {},
                        progress=100,
                        error=None,
                        finished_at=_now(),
                    )
                    .execution_options(synchronize_session=False)
                )
                if finished.rowcount != 1:
                    raise _LostOwnership
        except _LostOwnership:
            outcome = "lost"
            log.warning("task_ownership_lost")  # rolled back; the new owner acks its entry
        except asyncio.CancelledError:
            outcome = "released"
            await self._release(delivery, claim)
            raise
        except Exception as exc:
            outcome = await self._after_failure(claim, exc)
        finally:
            metrics.TASK_DURATION.labels(claim.type, outcome).observe(time.perf_counter() - started)
        if outcome == "done":
            metrics.TASKS_DONE.labels(claim.type).inc()
            log.info("task_done", attempt=claim.attempt)
        await self.ack(delivery)

    async def _after_failure(self, claim: Claim, exc: Exception) -> str:
        """Txn C: schedule a retry with backoff, or mark failed (permanent / out of attempts)."""
        error = _error_text(exc)
        permanent = isinstance(exc, PermanentError)
        final = permanent or claim.attempt >= claim.limit
        # the traceback is logged once, when the task gives up; retries log the error text
        log.warning(
            "task_attempt_failed",
            attempt=claim.attempt,
            error=error,
            exc_info=exc if final else None,
        )
        delay, due_at = 0.0, 0.0
        async with self.session(claim.job.org_id) as session:
            task = await _lock_task(session, claim.job.task_id)
            if task is None or not _owned(task, claim):
                return "lost"
            if final:
                reason = "permanent" if permanent else "exhausted"
                await self._fail(session, task, claim.spec, error, reason=reason)
                outcome = "failed"
            else:
                s = self.deps.settings
                delay = retry_delay(
                    claim.attempt,
                    base=s.task_retry_base_seconds,
                    cap=s.task_retry_max_seconds,
                    jitter=s.task_retry_jitter,
                    rand=self.deps.rand,
                )
                if isinstance(exc, RetryLater):  # an outage: not before the source is back
                    delay = max(delay, exc.delay_seconds)
                task.status = TaskStatus.PENDING.value
                task.error = error
                task.progress = 0
                task.next_attempt_at = _now() + timedelta(seconds=delay)
                due_at = task.next_attempt_at.timestamp()
                outcome = "retry"
        if outcome == "retry":
            metrics.TASK_RETRIES.labels(claim.type).inc()
            log.info("task_retry_scheduled", attempt=claim.attempt, delay_s=round(delay, 3))
            await schedule_retry(self.deps.redis, claim.job, due_at)
        return outcome

    async def _fail(
        self,
        session: AsyncSession,
        task: Task,
        spec: HandlerSpec | None,
        error: str,
        *,
        reason: str,
    ) -> None:
        """Failed for good: record the error, audit it, run the context's fallback (savepoint)."""
        task.status = TaskStatus.FAILED.value
        task.error = error
        task.finished_at = _now()
        task.next_attempt_at = None
        await audit.record(
            session,
            "task.failed",
            org_id=task.org_id,
            resource_type="task",
            resource_id=task.id,
            details={"type": task.type, "attempts": task.attempts, "reason": reason},
        )
        metrics.TASK_FAILURES.labels(task.type, reason).inc()
        log.warning("task_failed", reason=reason, attempts=task.attempts, error=error)
        if spec is None or spec.on_failed is None:
            return
        ctx = JobContext(session, task, self.deps.settings, _no_progress, self.deps.redis)
        try:
            async with session.begin_nested():
                await spec.on_failed(ctx)
        except Exception:
            log.exception("task_fallback_failed")

    async def _release(self, delivery: Delivery, claim: Claim) -> None:
        """Shutdown mid-task: give the attempt back, republish, and acknowledge ours."""
        try:
            async with self.session(claim.job.org_id) as session:
                released = await session.execute(
                    update(Task)
                    .where(
                        Task.id == claim.job.task_id,
                        Task.status == TaskStatus.PROCESSING.value,
                        Task.attempts == claim.attempt,
                    )
                    .values(
                        status=TaskStatus.PENDING.value,
                        attempts=claim.attempt - 1,
                        progress=0,
                        enqueued_at=_now(),
                    )
                    .execution_options(synchronize_session=False)
                )
            if released.rowcount == 1:
                await publish(self.deps.redis, [claim.job])
                await self.ack(delivery)
            log.info("task_released", attempt=claim.attempt)
        except Exception:  # the entry stays pending and is reclaimed after the timeout
            log.exception("task_release_failed")

    def _progress(self, claim: Claim) -> ProgressReporter:
        async def report(percent: int) -> None:
            # own short transaction, so pollers see it while the handler's transaction is open
            value = max(0, min(100, int(percent)))
            try:
                async with self.session(claim.job.org_id) as session:
                    await session.execute(text("SET LOCAL lock_timeout = '2s'"))
                    await session.execute(
                        update(Task)
                        .where(Task.id == claim.job.task_id, Task.status == "processing")
                        .values(progress=value)
                        .execution_options(synchronize_session=False)
                    )
            except DBAPIError as exc:  # best effort: a handler holding the row lock wins
                log.warning("task_progress_not_saved", error=type(exc).__name__)

        return report


class _LostOwnership(Exception):
    pass


async def _no_progress(percent: int) -> None:
    return None
