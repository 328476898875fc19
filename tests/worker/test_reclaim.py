"""Heartbeat-based reclaim and the cost of one task (issue 17 item 10, issue 18 item 3)."""

import asyncio
import uuid
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings
from app.core.database import Database
from app.core.queue import GROUP, claim_from_dead, ensure_groups, heartbeat_key, read, stream_name
from tests.worker.conftest import Enqueue, finished, running_worker, wait_for_task

pytestmark = pytest.mark.infra


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def test_entries_of_a_worker_without_heartbeat_are_taken_and_a_live_ones_are_not(
    redis: Redis,
) -> None:
    await ensure_groups(redis, ["default"])
    for n in range(2):
        await redis.xadd(stream_name("default"), {"task_id": str(uuid.uuid4()), "org_id": str(n)})
    # "live" reads one entry and keeps beating; "dead" reads the other and has no heartbeat key
    await redis.set(heartbeat_key("live"), "{}", px=60_000)
    [live_entry] = await read(redis, "live", ["default"], count=1, block_ms=10)
    [dead_entry] = await read(redis, "dead", ["default"], count=1, block_ms=10)
    await asyncio.sleep(0.05)

    taken = await claim_from_dead(redis, "rescuer", "default", min_idle_ms=20, count=10)

    assert [d.message_id for d in taken] == [dead_entry.message_id]
    assert taken[0].reclaimed
    pending = await redis.xpending_range(stream_name("default"), GROUP, "-", "+", 10)
    owners = {_text(p["message_id"]): _text(p["consumer"]) for p in pending}
    assert owners == {live_entry.message_id: "live", dead_entry.message_id: "rescuer"}


async def _statements(settings: Settings, owner_engine: AsyncEngine, tasks: list[Any]) -> list[str]:
    """The SQL the worker sends until `tasks` are finished (whitespace collapsed)."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        statements.append(" ".join(sql.split()))

    db = Database.connect(settings, pre_ping=False)  # as the worker makes its own
    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    await _work_off(settings, db, owner_engine, tasks)
    return statements


async def _work_off(
    settings: Settings, db: Database, owner_engine: AsyncEngine, tasks: list[Any]
) -> None:
    """Run a worker on `db` until every one of `tasks` is finished, then dispose of `db`."""
    try:
        async with running_worker(settings, db=db):
            for task in tasks:
                await wait_for_task(owner_engine, task.id, finished)
    finally:
        await db.dispose()


def _kinds(statements: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(batch claims, shared done-marks, per-task done-marks)."""
    updates = [sql for sql in statements if sql.startswith("UPDATE tasks")]
    claims = [sql for sql in updates if "RETURNING" in sql and "ANY" in sql]
    shared = [sql for sql in updates if sql.startswith("UPDATE tasks AS t SET status = 'done'")]
    single = [sql for sql in updates if sql not in claims and sql not in shared]
    return claims, shared, single


async def test_a_read_is_claimed_in_one_statement_and_write_free_tasks_share_done_marks(
    fast_settings: Settings, enqueue: Enqueue, org_id: uuid.UUID, owner_engine: AsyncEngine
) -> None:
    tasks = [await enqueue(org_id, {"message": n}) for n in range(6)]
    settings = fast_settings.model_copy(update={"worker_concurrency": 8})  # one read takes all

    statements = await _statements(settings, owner_engine, tasks)

    claims, shared, single = _kinds(statements)
    tenant = [sql for sql in statements if "set_config('app.current_org_id'" in sql]
    early = [sql for sql in statements if sql == "SET LOCAL synchronous_commit = off"]
    # one claim for the read; the echo writes nothing, so its done-marks go in shared
    # statements; each transaction is the tenant's set_config and one statement (the claim's
    # also says its commit need not wait for the WAL flush): no pre-ping, no SELECT of a
    # row, no done UPDATE of its own
    assert len(claims) == 1, statements
    assert 1 <= len(shared) <= len(tasks) and not single, statements
    assert len(tenant) == len(claims) + len(shared) and len(early) == len(claims), statements
    assert len(statements) == 2 * len(tenant) + len(early), statements


async def test_a_task_that_writes_commits_its_done_mark_in_its_own_transaction(
    fast_settings: Settings, enqueue: Enqueue, org_id: uuid.UUID, owner_engine: AsyncEngine
) -> None:
    tasks = [await enqueue(org_id, {"message": n, "effect": True}) for n in range(3)]
    settings = fast_settings.model_copy(update={"worker_concurrency": 8})

    statements = await _statements(settings, owner_engine, tasks)

    claims, shared, single = _kinds(statements)
    assert (len(claims), len(shared), len(single)) == (1, 0, len(tasks)), statements


async def test_a_write_free_task_takes_no_connection_of_its_own(
    fast_settings: Settings, enqueue: Enqueue, org_id: uuid.UUID, owner_engine: AsyncEngine
) -> None:
    tasks = [await enqueue(org_id, {"message": n}) for n in range(6)]
    settings = fast_settings.model_copy(update={"worker_concurrency": 8})
    taken: list[str] = []  # pooled connections checked out, then transactions begun on them

    db = Database.connect(settings, pre_ping=False)
    event.listen(db.engine.sync_engine.pool, "checkout", lambda *_: taken.append("checkout"))
    event.listen(db.engine.sync_engine, "begin", lambda *_: taken.append("begin"))
    await _work_off(settings, db, owner_engine, tasks)

    # only the claim and the shared done-marks connect, and each connection sends something
    assert taken and taken == ["checkout", "begin"] * (len(taken) // 2), taken
    assert len(taken) // 2 <= 1 + len(tasks), taken


async def test_the_next_read_runs_while_done_marks_commit_but_no_more_than_twice_concurrency(
    fast_settings: Settings, enqueue: Enqueue, org_id: uuid.UUID, owner_engine: AsyncEngine
) -> None:
    tasks = [await enqueue(org_id, {"message": n}) for n in range(6)]
    settings = fast_settings.model_copy(update={"worker_concurrency": 2})
    flush = asyncio.Event()  # the done-marks' commit waits for this (a slow WAL flush)

    async with running_worker(settings) as runner:
        marks = runner.executor.done_marks
        commit = marks._commit

        async def slow_commit(*args: Any) -> None:
            await flush.wait()
            await commit(*args)

        marks._commit = slow_commit  # type: ignore[method-assign,assignment]
        while len(runner.marking) < 4:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)  # a worker that read past its bound would hold more by now
        held, waiting = len(runner.held), len(runner.marking)
        flush.set()
        done = [await wait_for_task(owner_engine, t.id, finished) for t in tasks]

    # two handlers at a time, and two more deliveries whose handlers finished wait for marks
    assert (held, waiting) == (4, 4)
    assert {(t.status, t.attempts) for t in done} == {("done", 1)}
