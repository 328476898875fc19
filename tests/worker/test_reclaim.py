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


async def test_a_no_op_task_costs_two_statements_per_transaction_and_two_transactions(
    fast_settings: Settings, enqueue: Enqueue, org_id: uuid.UUID, owner_engine: AsyncEngine
) -> None:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        statements.append(sql.split()[0].upper())

    tasks = [await enqueue(org_id, {"message": n}) for n in range(3)]
    db = Database.connect(fast_settings, pre_ping=False)  # as the worker makes its own
    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with running_worker(fast_settings, db=db):
            for task in tasks:
                await wait_for_task(owner_engine, task.id, finished)
    finally:
        await db.dispose()
    # per task: the claim (set_config, UPDATE … RETURNING) and the run (set_config, UPDATE);
    # no pre-ping, no SELECT of the row, no separate progress or max_attempts write
    assert statements.count("UPDATE") == 2 * len(tasks), statements
    assert len(statements) <= 4 * len(tasks), statements
