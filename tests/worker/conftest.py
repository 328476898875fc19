"""Worker fixtures: real PostgreSQL and Redis, fast timings, an in-process runner on demand."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
import redis.asyncio as redis_asyncio
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.config import Settings
from app.core.database import Database
from app.core.jobs import JobBuffer
from app.core.queue import publish
from app.core.system_context import org_or_system_session
from app.models.platform import Task
from app.services import tasks
from app.worker.runner import Runner
from tests.factories import make_org

pytestmark = pytest.mark.infra

RETRY_BASE = 0.25  # seconds: the 1 s, 2 s, 4 s schedule scaled down


@pytest.fixture(scope="session")
def fast_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "worker_concurrency": 4,
            "worker_block_ms": 100,
            # long enough that a loaded machine's event-loop stalls never make a worker
            # reclaim its own in-flight work (reclaim tests wait on conditions, not this value)
            "worker_visibility_timeout_seconds": 10.0,
            "worker_heartbeat_seconds": 0.2,
            # a dead worker's entries are taken once its heartbeat key is gone; generous, so a
            # stalled (loaded) worker is not taken for dead
            "worker_dead_after_seconds": 3.0,
            "worker_shutdown_grace_seconds": 2.0,
            "task_retry_base_seconds": RETRY_BASE,
            "task_retry_jitter": 0.0,
            "task_retry_poll_seconds": 0.02,
            "task_sweeper_interval_seconds": 3600.0,  # tests run the sweeper explicitly
        }
    )


@pytest.fixture
async def db(settings: Settings, clean_db: None) -> AsyncIterator[Database]:
    database = Database.connect(settings)
    yield database
    await database.dispose()


@pytest.fixture
async def redis(settings: Settings, clean_db: None) -> AsyncIterator[Redis]:
    client = redis_asyncio.from_url(str(settings.redis_url))
    yield client
    await client.aclose()


@pytest.fixture
async def org_id(owner_session: AsyncSession) -> uuid.UUID:
    org = await make_org(owner_session)
    await owner_session.commit()
    return org.id


Enqueue = Callable[..., Awaitable[Task]]


@pytest.fixture
def enqueue(db: Database, redis: Redis) -> Enqueue:
    """Enqueue as a request does: insert in a transaction, publish after commit."""

    async def _enqueue(
        org: uuid.UUID | None,
        payload: dict[str, Any],
        *,
        type: str = "tasks.echo",
        publisher: Redis | None = None,
        **kwargs: Any,
    ) -> Task:
        jobs = JobBuffer()
        async with org_or_system_session(db, org) as session:
            task = await tasks.enqueue(
                session, jobs, org_id=org, type=type, payload=payload, **kwargs
            )
        await publish(publisher or redis, jobs.drain())
        return task

    return _enqueue


@asynccontextmanager
async def running_worker(settings: Settings, **kwargs: Any) -> AsyncIterator[Runner]:
    runner = Runner(settings, **kwargs)
    job = asyncio.create_task(runner.run())
    try:
        yield runner
    finally:
        runner.request_stop()
        await asyncio.wait_for(job, timeout=60)


async def load_task(engine: AsyncEngine, task_id: uuid.UUID) -> Task:
    async with AsyncSession(engine, expire_on_commit=False) as session:
        return (await session.execute(select(Task).where(Task.id == task_id))).scalar_one()


async def wait_for_task(
    engine: AsyncEngine,
    task_id: uuid.UUID,
    done: Callable[[Task], bool],
    *,
    timeout: float = 60.0,  # generous: a bound against a hang, not a timing assertion
) -> Task:
    """Poll the row (as the owner) until `done(task)` holds."""
    deadline = time.monotonic() + timeout
    while True:
        task = await load_task(engine, task_id)
        if done(task):
            return task
        if time.monotonic() > deadline:
            raise AssertionError(
                f"task {task_id} stuck at {task.status} (attempts {task.attempts})"
            )
        await asyncio.sleep(0.02)


def finished(task: Task) -> bool:
    return task.status in ("done", "failed")
