"""Batch claims (issue 18 item 3): one UPDATE … WHERE id = ANY(…) per read and org, and each
task claimed exactly once however many workers race for the same rows."""

import asyncio
import uuid
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy import event, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.config import Settings
from app.core.database import Database
from app.core.jobs import JobRef
from app.core.queue import Delivery, ensure_groups, publish
from app.models.platform import AuditLog, Task
from app.worker.execute import Executor, WorkerDeps
from tests.worker.conftest import Enqueue, finished, load_task, running_worker, wait_for_task

pytestmark = pytest.mark.infra

N = 40


def _deliveries(tasks: list[Task], *, first_id: int) -> list[Delivery]:
    return [
        Delivery(t.queue, f"{first_id + n}-0", JobRef(t.id, t.org_id, t.queue))
        for n, t in enumerate(tasks)
    ]


async def _effects(engine: AsyncEngine, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    async with AsyncSession(engine) as session:
        rows = await session.execute(
            select(AuditLog.resource_id, func.count())
            .where(AuditLog.action == "tasks.echo_effect", AuditLog.resource_id.in_(ids))
            .group_by(AuditLog.resource_id)
        )
        return {rid: int(n) for rid, n in rows.all() if rid is not None}


async def test_two_workers_claiming_the_same_rows_at_once_claim_each_exactly_once(
    fast_settings: Settings,
    db: Database,
    redis: Redis,
    enqueue: Enqueue,
    org_id: uuid.UUID,
    owner_engine: AsyncEngine,
) -> None:
    await ensure_groups(redis, ["default"])
    tasks = [await enqueue(org_id, {"message": n}) for n in range(N)]
    one = Executor(WorkerDeps(db, redis, fast_settings, "one"))
    other = Executor(WorkerDeps(db, redis, fast_settings, "other"))
    # every row is in two batches of each worker (duplicate messages), in different orders
    batch = _deliveries(tasks, first_id=1)
    again = _deliveries(tasks, first_id=1000)

    results = await asyncio.gather(
        one.claim(batch),
        other.claim(list(reversed(batch))),
        one.claim(again[1::2] + again[::2]),
        other.claim(again[N // 2 :] + again[: N // 2]),
    )

    claimed = [claim.job.task_id for result in results for _, claim in result]
    assert sorted(claimed) == sorted(t.id for t in tasks)  # each row once, by one claim
    async with AsyncSession(owner_engine) as session:
        rows = (await session.execute(select(Task.status, Task.attempts))).all()
    assert sorted(set(rows)) == [("processing", 1)]


async def test_duplicated_messages_read_by_two_workers_run_each_task_once(
    fast_settings: Settings,
    redis: Redis,
    enqueue: Enqueue,
    org_id: uuid.UUID,
    owner_engine: AsyncEngine,
) -> None:
    tasks = [await enqueue(org_id, {"message": n, "effect": True}) for n in range(N)]
    await publish(redis, [JobRef(t.id, t.org_id, t.queue) for t in tasks])  # every one twice
    settings = fast_settings.model_copy(update={"worker_concurrency": 8})

    async with running_worker(settings), running_worker(settings):
        done = [await wait_for_task(owner_engine, t.id, finished) for t in tasks]

    assert {(t.status, t.attempts) for t in done} == {("done", 1)}
    assert await _effects(owner_engine, [t.id for t in tasks]) == {t.id: 1 for t in tasks}


async def test_a_claim_that_fails_a_task_waits_for_the_wal_flush_and_a_plain_one_does_not(
    fast_settings: Settings,
    db: Database,
    redis: Redis,
    enqueue: Enqueue,
    org_id: uuid.UUID,
    owner_engine: AsyncEngine,
) -> None:
    """A claim may be lost with a crashed server (no later commit of its attempt can have been
    flushed); a failure the claim records and acknowledges may not."""
    await ensure_groups(redis, ["default"])
    plain, gone, ok = [await enqueue(org_id, {"message": n}) for n in range(3)]
    async with AsyncSession(owner_engine) as session:
        await session.execute(update(Task).where(Task.id == gone.id).values(type="tests.gone"))
        await session.commit()
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        statements.append(" ".join(sql.split()))

    executor = Executor(WorkerDeps(db, redis, fast_settings, "one"))
    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        [(_, claimed)] = await executor.claim(_deliveries([plain], first_id=1))
        early = list(statements)
        statements.clear()
        mixed = await executor.claim(_deliveries([gone, ok], first_id=10))
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)

    assert claimed.job.task_id == plain.id
    assert "SET LOCAL synchronous_commit = off" in early, early
    assert [claim.job.task_id for _, claim in mixed] == [ok.id]
    assert (await load_task(owner_engine, gone.id)).status == "failed"
    assert not [sql for sql in statements if "synchronous_commit" in sql], statements
