"""Deliveries: claim their task rows together, run each handler in a transaction, acknowledge.

The task row is the truth. Each step commits before Redis is told anything (XACK, retry ZADD),
so a crash at any point leaves either a pending entry (reclaimed) or a pending row (swept).
The deliveries of one read are claimed in one transaction per org (one UPDATE … WHERE id =
ANY(…) RETURNING). Each attempt then runs its handler and sets status=done in one transaction,
so a handler's writes and its done-mark commit together or not at all. The attempt's session
takes a connection only when the handler sends a statement; one that sent nothing has nothing to
commit with its mark: those marks are committed together (`DoneMarks`). A claim that only
claims commits without waiting for the WAL flush: the done-mark's commit, which does wait,
flushes it too. Acknowledgements are batched.
"""

import asyncio
import json
import logging
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import ARRAY, and_, any_, bindparam, or_, select, text, update
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
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
_stdlib_log = logging.getLogger("app.worker")

MAX_ERROR_CHARS = 4000
_DUE_SLACK = timedelta(milliseconds=50)
# infrastructure trouble (a database restart, Redis gone): the delivery is tried again
INTERRUPTIONS = (RedisError, OSError, SQLAlchemyError)
_PROCESSING = TaskStatus.PROCESSING.value
_UUIDS = ARRAY(UUID(as_uuid=True))

# Built once: constructing a statement costs more than running a cached one.
# A row is claimable when pending and due, or, for a reclaimed delivery (its worker died
# mid-attempt, or ours was interrupted), also when processing: the attempt is taken over.
_CLAIM = (
    update(Task)
    .where(
        Task.id == any_(bindparam("ids", type_=_UUIDS)),
        or_(
            Task.status == TaskStatus.PENDING.value,
            and_(Task.status == _PROCESSING, Task.id == any_(bindparam("retaken", type_=_UUIDS))),
        ),
        or_(Task.next_attempt_at.is_(None), Task.next_attempt_at <= bindparam("due")),
    )
    .values(
        status=_PROCESSING,
        attempts=Task.attempts + 1,
        started_at=bindparam("now"),
        next_attempt_at=None,
    )
    .returning(Task)
    .execution_options(synchronize_session=False)
)
# A claim lost with a crashed server (its commit not yet flushed) is harmless: no later commit
# of the attempt can have been flushed before it (WAL is written in order), so the attempt
# wrote nothing durable and its entry was never acknowledged; the row is claimable again.
_CLAIM_COMMITS_EARLY = text("SET LOCAL synchronous_commit = off")
_WHY_NOT = select(Task.id, Task.status, Task.next_attempt_at, Task.type, Task.request_id).where(
    Task.id == any_(bindparam("ids", type_=_UUIDS))
)
_DONE = (
    update(Task)
    .where(
        Task.id == bindparam("task_id"),
        Task.status == _PROCESSING,
        Task.attempts == bindparam("attempt"),
    )
    .values(
        status=TaskStatus.DONE.value,
        result=bindparam("result"),
        progress=100,
        error=None,
        finished_at=bindparam("finished_at"),
    )
    .execution_options(synchronize_session=False)
)
# Many attempts' done-marks in one statement; an attempt no longer ours matches nothing.
_DONE_MANY = text(
    """
    UPDATE tasks AS t
    SET status = 'done', result = v.result::jsonb, progress = 100, error = NULL,
        finished_at = :finished_at, updated_at = now()
    FROM unnest(CAST(:ids AS uuid[]), CAST(:attempts AS int[]), CAST(:results AS text[]))
        AS v(id, attempt, result)
    WHERE t.id = v.id AND t.attempts = v.attempt AND t.status = 'processing'
    RETURNING t.id
    """
)


def _logs(level: int) -> bool:
    """Whether a worker event at `level` is emitted (structlog formats even a dropped one)."""
    return _stdlib_log.isEnabledFor(level)


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


def _wrote_nothing(session: AsyncSession) -> bool:
    """The handler sent no statement (its session never took a connection) and left nothing
    to flush: it has no writes of its own. (`session.add` of the claimed row begins the
    session's transaction, never a connection's.)"""
    transaction = session.sync_session.get_transaction()
    sent = transaction is not None and bool(transaction.connections)
    return not (sent or session.new or session.dirty or session.deleted)


def _by_org(deliveries: Iterable[Delivery]) -> dict[uuid.UUID | None, list[Delivery]]:
    groups: dict[uuid.UUID | None, list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        assert delivery.job is not None
        groups[delivery.job.org_id].append(delivery)
    return groups


class DoneMarks:
    """Done-marks of attempts whose handler wrote nothing, committed together (group commit).

    The first mark is committed at once; marks arriving meanwhile wait for that commit and go
    in the next one, so an idle worker adds no delay and a busy one shares its transactions.
    Exactly-once holds as for a single mark: the handler has no writes that could be repeated
    or lost, and a mark commits only while the attempt is still ours."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._waiting: list[tuple[Claim, dict[str, Any], asyncio.Future[bool]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def mark(self, claim: Claim, result: dict[str, Any]) -> bool:
        """True once committed; False when the attempt is no longer ours; raises on trouble."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((claim, result, future))
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        batch: list[tuple[Claim, dict[str, Any], asyncio.Future[bool]]] = []
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                groups: dict[uuid.UUID | None, list[Any]] = defaultdict(list)
                for item in batch:
                    groups[item[0].job.org_id].append(item)
                for org_id, items in groups.items():
                    await self._commit(org_id, items)
        finally:
            self._flusher = None
            for _, _, future in [*batch, *self._waiting]:  # cancelled: no waiter left hanging
                if not future.done():
                    future.cancel()

    async def _commit(
        self,
        org_id: uuid.UUID | None,
        items: list[tuple[Claim, dict[str, Any], asyncio.Future[bool]]],
    ) -> None:
        params = {
            "ids": [claim.job.task_id for claim, _, _ in items],
            "attempts": [claim.attempt for claim, _, _ in items],
            "results": [json.dumps(result) for _, result, _ in items],
            "finished_at": _now(),
        }
        try:
            async with org_or_system_session(self._db, org_id) as session:
                done = set((await session.execute(_DONE_MANY, params)).scalars())
        except Exception as exc:  # each waiter retries its delivery (see Runner._guarded)
            for _, _, future in items:
                if not future.done():
                    future.set_exception(exc)
            return
        for claim, _, future in items:
            if not future.done():
                future.set_result(claim.job.task_id in done)


class Executor:
    """Runs deliveries for one worker; all collaborators are injected."""

    def __init__(self, deps: WorkerDeps) -> None:
        self.deps = deps
        self.done_marks = DoneMarks(deps.db)

    def session(self, org_id: uuid.UUID | None, *, lazy: bool = False) -> Any:
        return org_or_system_session(self.deps.db, org_id, lazy=lazy)

    async def ack(self, delivery: Delivery) -> None:
        if self.deps.acks is not None:
            self.deps.acks.add(delivery)
        else:
            await ack(self.deps.redis, delivery)

    async def process(self, delivery: Delivery) -> None:
        """One delivery on its own: claim → run → commit → XACK."""
        try:
            claims = await self.claim([delivery])
        except ClaimInterrupted as exc:
            assert exc.__cause__ is not None and not exc.claimed
            raise exc.__cause__ from None  # the caller's retry handles INTERRUPTIONS
        for held, claim in claims:
            await self.run(held, claim)

    async def claim(self, deliveries: Sequence[Delivery]) -> list[tuple[Delivery, Claim]]:
        """Txn A, one per org among `deliveries`: pending (or, when reclaimed, processing) →
        processing, attempts + 1. Returns what is ours to run; the rest is acknowledged (or
        parked until due). Raises `ClaimInterrupted` with what was claimed before trouble."""
        claims: list[tuple[Delivery, Claim]] = []
        for delivery in deliveries:
            if delivery.job is None:
                log.warning("malformed_message_dropped", message_id=delivery.message_id)
                await self.ack(delivery)
        groups = _by_org(d for d in deliveries if d.job is not None)
        for n, (org_id, group) in enumerate(groups.items()):
            try:
                claims += await self._claim_group(org_id, group)
            except INTERRUPTIONS as exc:
                rest = [d for later in list(groups.values())[n:] for d in later]
                raise ClaimInterrupted(claims, rest) from exc
        return claims

    async def _claim_group(
        self, org_id: uuid.UUID | None, group: list[Delivery]
    ) -> list[tuple[Delivery, Claim]]:
        """The common case is one UPDATE … RETURNING for the group; only the rows it did not
        match (finished, in flight elsewhere, not due yet, gone) are read, to say why."""
        by_id = {d.job.task_id: d for d in group if d.job is not None}
        now = _now()
        params = {
            "ids": list(by_id),
            "retaken": [task_id for task_id, d in by_id.items() if d.reclaimed],
            "due": now + _DUE_SLACK,
            "now": now,
        }
        claims: list[tuple[Delivery, Claim]] = []
        settled: list[Delivery] = []  # nothing to run: acknowledged after the commit
        parked: list[tuple[Delivery, datetime]] = []
        async with self.session(org_id) as session:
            for task in (await session.execute(_CLAIM, params)).scalars():
                delivery = by_id.pop(task.id)
                assert delivery.job is not None
                claim = await self._admit(session, task, delivery.job)
                if claim is None:
                    settled.append(delivery)  # failed for good (unknown type, exhausted)
                else:
                    claims.append((delivery, claim))
            if by_id:
                parked = await self._why_not_claimed(session, by_id)
            if not settled:
                # only claims: their commit need not wait for the WAL flush (see the module)
                await session.execute(_CLAIM_COMMITS_EARLY)
        for delivery, retry_at in parked:
            assert delivery.job is not None
            try:
                await schedule_retry(self.deps.redis, delivery.job, retry_at.timestamp())
            except (RedisError, OSError) as exc:  # left unacknowledged: reclaimed, parked again
                log.warning("task_park_deferred", task_id=str(delivery.job.task_id), error=exc)
                by_id.pop(delivery.job.task_id)
        for delivery in [*settled, *by_id.values()]:
            await self.ack(delivery)  # parked ones too: queue:retry has them now
        if _logs(logging.DEBUG):
            for delivery, claim in claims:
                log.debug(
                    "task_started",
                    task_id=str(claim.job.task_id),
                    attempt=claim.attempt,
                    reclaimed=delivery.reclaimed,
                )
        return claims

    async def _why_not_claimed(
        self, session: AsyncSession, unclaimed: dict[uuid.UUID, Delivery]
    ) -> list[tuple[Delivery, datetime]]:
        """Log why each row was not claimable; early duplicates are returned with their due
        time, to be parked until then."""
        found = {row.id: row for row in await session.execute(_WHY_NOT, {"ids": list(unclaimed)})}
        parked: list[tuple[Delivery, datetime]] = []
        for task_id, delivery in unclaimed.items():
            row = found.get(task_id)
            ids = {"task_id": str(task_id), "queue": delivery.queue}
            if row is None:
                log.warning("task_missing", **ids)
                continue
            ids |= {"task_type": row.type, "request_id": row.request_id}
            if row.status in (TaskStatus.DONE.value, TaskStatus.FAILED.value):
                log.info("task_already_finished", status=row.status, **ids)
            elif row.status == _PROCESSING:
                log.info("task_in_flight_elsewhere", **ids)  # a duplicate; the owner acks
            elif row.next_attempt_at is not None:
                parked.append((delivery, row.next_attempt_at))  # early duplicate: park it
        return parked

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
            metrics.start_latency(task.queue).observe(max(latency, 0))
        return Claim(job, task.type, task.attempts, limit, spec, task)

    async def run(
        self, delivery: Delivery, claim: Claim, *, marking: Callable[[], None] | None = None
    ) -> None:
        """Txn B: the handler's writes and status=done commit together, or not at all.
        `marking` is called when a handler that wrote nothing is done and waits for its mark."""
        # each delivery runs in its own asyncio task, so this binding is local to it
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            task_id=str(claim.job.task_id),
            queue=delivery.queue,
            consumer=self.deps.consumer,
            task_type=claim.type,
            request_id=claim.task.request_id,
        )
        started = time.perf_counter()
        outcome = "done"
        try:
            if not await self._run_and_mark(claim, marking):
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
            elapsed = time.perf_counter() - started
            metrics.duration(claim.type, outcome).observe(elapsed)
        if outcome == "done":
            metrics.done(claim.type).inc()
            if _logs(logging.INFO):
                log.info("task_done", attempt=claim.attempt, duration_ms=round(elapsed * 1000, 1))
        await self.ack(delivery)

    async def _run_and_mark(self, claim: Claim, marking: Callable[[], None] | None) -> bool:
        """The handler, then its done-mark in its transaction; False: the attempt is not ours.
        The session takes a connection only if the handler sends a statement."""
        async with self.session(claim.job.org_id, lazy=True) as session:
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
            result = await claim.spec.handler(ctx) or {}
            if not _wrote_nothing(session):
                finished = await session.execute(
                    _DONE,
                    {
                        "task_id": task.id,
                        "attempt": claim.attempt,
                        "result": result,
                        "finished_at": _now(),
                    },
                )
                return bool(finished.rowcount == 1)
        # nothing of the handler's to commit with the mark: it joins other attempts' marks
        if marking is not None:
            marking()
        return await self.done_marks.mark(claim, result)

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


class ClaimInterrupted(Exception):
    """A batch claim met infrastructure trouble: `claimed` are ours to run; `unsettled` (their
    org's transaction failed, or came after it) are to be tried again one by one."""

    def __init__(self, claimed: list[tuple[Delivery, Claim]], unsettled: list[Delivery]) -> None:
        super().__init__(f"{len(unsettled)} deliveries not claimed")
        self.claimed = claimed
        self.unsettled = unsettled


async def _no_progress(percent: int) -> None:
    return None
