"""PostgreSQL restarted under load: requests answer 503 (never 500, never hang), the worker and
the pool reconnect, and no task is lost or run twice."""

import asyncio
import collections
import uuid
from pathlib import Path

import pytest
import redis.asyncio as redis_asyncio
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

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

# redis: the worker subprocesses are given the suite's Redis URL
pytestmark = [pytest.mark.faults, pytest.mark.infra, pytest.mark.redis]

REQUEST_BOUND_S = 20.0  # a request that takes longer than this hangs


async def test_postgres_restart_under_load_503_not_500_and_no_task_lost(
    settings: Settings, private_postgres: tuple[Path, str], clean_db: None
) -> None:
    data_dir, url = private_postgres
    s = fast(settings, database_url=url)
    owner = create_async_engine(s.owner_url, pool_size=2, pool_pre_ping=True)
    async with AsyncSession(owner, expire_on_commit=False) as session:
        actor = await make_actor(session, s)
    app = create_app(s, run_startup_migrations=False)
    db = Database.connect(s)
    redis = redis_asyncio.from_url(str(s.redis_url))
    statuses: collections.Counter[int] = collections.Counter()
    ids: list[uuid.UUID] = []
    down = asyncio.Event()
    runner = Runner(s)
    job = asyncio.create_task(runner.run())

    async def queue(n: int) -> None:
        jobs = JobBuffer()
        try:
            async with org_or_system_session(db, actor.org_id) as session:
                task = await tasks.enqueue(
                    session,
                    jobs,
                    org_id=actor.org_id,
                    type=handlers.TASK_TYPE,
                    payload={"n": n, "seconds": 0.05},
                )
        except Exception:  # the database is down: nothing was queued (the caller sees 503)
            assert down.is_set()
            return
        await publish(redis, jobs.drain())
        ids.append(task.id)

    try:
        async with (
            app.router.lifespan_context(app),
            AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as http,
        ):

            async def load(stop: asyncio.Event) -> None:
                n = 0
                while not stop.is_set():
                    response = await asyncio.wait_for(
                        http.get("/api/v1/products", headers=actor.headers), REQUEST_BOUND_S
                    )
                    statuses[response.status_code] += 1
                    await queue(n)
                    n += 1
                    await asyncio.sleep(0.02)

            stop = asyncio.Event()
            loader = asyncio.create_task(load(stop))
            await eventually(lambda: asyncio.sleep(0, len(ids) >= 20), "some work queued")
            down.set()
            await asyncio.to_thread(embedded.stop_postgres, data_dir)
            await asyncio.sleep(1.5)  # requests and the worker meet a dead server
            await asyncio.to_thread(embedded.ensure_postgres_running, data_dir)
            before = len(ids)
            await eventually(lambda: asyncio.sleep(0, len(ids) >= before + 20), "work again")
            stop.set()
            await loader

            async def all_done() -> bool:
                return (await task_counts(owner, ids)).get("done", 0) == len(ids)

            await eventually(all_done, "every queued task to run", timeout=90)
            after = await http.get("/api/v1/products", headers=actor.headers)
            assert after.status_code == 200  # the pool recovered
    finally:
        runner.request_stop()
        await asyncio.wait_for(job, timeout=60)
        await redis.aclose()
        await db.dispose()

    assert statuses[500] == 0, statuses
    assert set(statuses) <= {200, 503}, statuses
    assert statuses[503] >= 1, statuses  # the outage was met, and answered 503
    assert await effects_per_task(owner, ids) == dict.fromkeys(ids, 1)
    await owner.dispose()
