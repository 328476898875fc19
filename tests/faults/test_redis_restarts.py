"""Redis SIGKILLed a hundred times while products are created and tasks queued: the API answers
201 (or a structured 503, never 500), and every queued task runs once Redis is back."""

import asyncio
import collections
import os
import signal
import uuid
from pathlib import Path

import pytest
import redis.asyncio as redis_asyncio
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core import embedded
from app.core.config import Settings
from app.core.database import Database
from app.core.jobs import JobBuffer
from app.core.queue import publish
from app.core.system_context import org_or_system_session
from app.main import create_app
from app.services import tasks
from app.worker.runner import Runner
from tests.factories import make_actor
from tests.faults import handlers
from tests.faults.conftest import effects_per_task, eventually, fast, task_counts

pytestmark = [pytest.mark.faults, pytest.mark.infra]

KILLS = int(os.environ.get("FAULT_REDIS_KILLS", "100"))


def _kill_redis(data_dir: Path) -> None:
    pid = embedded.redis_pid(data_dir)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert embedded.wait_redis_stopped(data_dir)


async def test_redis_killed_a_hundred_times_no_500_and_every_task_runs(
    settings: Settings,
    owner_engine: AsyncEngine,
    owner_session: AsyncSession,
    private_redis: Path,
) -> None:
    actor = await make_actor(owner_session, settings)
    url = f"unix://{private_redis / 'redis' / 'redis.sock'}"
    s = fast(settings, redis_url=url)
    app = create_app(s, run_startup_migrations=False)
    db = Database.connect(s)
    publisher = redis_asyncio.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    statuses: collections.Counter[int] = collections.Counter()
    ids: list[uuid.UUID] = []
    runner = Runner(s)
    job = asyncio.create_task(runner.run())

    async def queue_one(n: int) -> None:
        jobs = JobBuffer()  # as a request does: the row commits, publishing is fail-soft
        async with org_or_system_session(db, actor.org_id) as session:
            task = await tasks.enqueue(
                session, jobs, org_id=actor.org_id, type=handlers.TASK_TYPE, payload={"n": n}
            )
        await publish(publisher, jobs.drain())
        ids.append(task.id)

    try:
        async with (
            app.router.lifespan_context(app),
            AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as http,
        ):
            for n in range(KILLS):
                await asyncio.to_thread(_kill_redis, private_redis)
                down = await http.post(
                    "/api/v1/products",
                    json={"name": f"Down {n}", "category": "general"},
                    headers=actor.headers,
                )
                statuses[down.status_code] += 1
                await queue_one(2 * n)
                listed = await http.get("/api/v1/tasks?limit=1", headers=actor.headers)
                statuses[listed.status_code] += 1
                await asyncio.to_thread(embedded.start_redis, private_redis)
                up = await http.post(
                    "/api/v1/products",
                    json={"name": f"Up {n}", "category": "general"},
                    headers=actor.headers,
                )
                statuses[up.status_code] += 1
                await queue_one(2 * n + 1)

            assert statuses[500] == 0, statuses
            assert set(statuses) <= {200, 201, 503}, statuses
            assert statuses[201] >= KILLS, statuses  # at least every creation with Redis up

            async def all_done() -> bool:
                return (await task_counts(owner_engine, ids)).get("done", 0) == len(ids)

            await eventually(all_done, "every queued task to run", timeout=90)
    finally:
        runner.request_stop()
        await asyncio.wait_for(job, timeout=60)
        await publisher.aclose()
        await db.dispose()

    assert await effects_per_task(owner_engine, ids) == dict.fromkeys(ids, 1)
