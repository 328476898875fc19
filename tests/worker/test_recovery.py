"""Crash recovery: a SIGKILLed worker's task is reclaimed; SIGTERM releases; Redis outages."""

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest
import redis.asyncio as redis_asyncio
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.config import Settings
from app.core.database import Database
from app.core.queue import stream_name
from app.models.platform import AuditLog
from app.worker.sweeper import sweep
from tests.worker.conftest import Enqueue, finished, load_task, running_worker, wait_for_task

pytestmark = pytest.mark.infra

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _worker_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "APP_ENV": "test",
            "DATABASE_URL": str(settings.database_url),
            "REDIS_URL": str(settings.redis_url),
            "LOG_JSON": "true",
            "WORKER_CONCURRENCY": "2",
            "WORKER_BLOCK_MS": "100",
            "WORKER_VISIBILITY_TIMEOUT_SECONDS": "1",
            "WORKER_HEARTBEAT_SECONDS": "0.2",
            "WORKER_SHUTDOWN_GRACE_SECONDS": "0.2",
            "TASK_SWEEPER_INTERVAL_SECONDS": "3600",
        }
    )
    return env


@pytest.fixture
def worker_process(settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    """A real `python -m app.worker` on the test database and Redis."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.worker"],  # fixed argv
        cwd=PROJECT_ROOT,
        env=_worker_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)


async def _effects(engine: AsyncEngine, task_id: uuid.UUID) -> int:
    async with AsyncSession(engine) as session:
        stmt = select(func.count()).where(
            AuditLog.action == "tasks.echo_effect", AuditLog.resource_id == task_id
        )
        return int((await session.execute(stmt)).scalar_one())


async def test_sigkilled_worker_task_is_reclaimed_and_its_effect_happens_once(
    fast_settings: Settings,
    enqueue: Enqueue,
    org_id: uuid.UUID,
    owner_engine: AsyncEngine,
    worker_process: subprocess.Popen[bytes],
) -> None:
    task = await enqueue(org_id, {"effect": True, "hang_attempts": 1, "hang_seconds": 60})
    # the first attempt has written its effect (uncommitted) and reported progress, then hangs
    await wait_for_task(owner_engine, task.id, lambda t: t.progress == 50, timeout=20)
    worker_process.send_signal(signal.SIGKILL)
    worker_process.wait(timeout=10)
    assert (await load_task(owner_engine, task.id)).status == "processing"

    async with running_worker(fast_settings):  # another consumer; claims after the timeout
        done = await wait_for_task(owner_engine, task.id, finished, timeout=15)

    assert (done.status, done.attempts) == ("done", 2)
    assert await _effects(owner_engine, task.id) == 1


async def test_sigterm_releases_in_flight_work_for_another_worker(
    fast_settings: Settings,
    enqueue: Enqueue,
    org_id: uuid.UUID,
    owner_engine: AsyncEngine,
    redis: Redis,
    worker_process: subprocess.Popen[bytes],
) -> None:
    task = await enqueue(org_id, {"effect": True, "hang_attempts": 1, "hang_seconds": 60})
    await wait_for_task(owner_engine, task.id, lambda t: t.progress == 50, timeout=20)
    worker_process.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(worker_process.wait, 10) == 0

    # the attempt is given back (its effect rolled back) and a fresh message waits for a worker
    released = await load_task(owner_engine, task.id)
    assert (released.status, released.attempts) == ("pending", 0)
    assert await _effects(owner_engine, task.id) == 0
    stream = stream_name("default")
    assert await redis.xlen(stream) == 1
    assert (await redis.xpending(stream, "workers"))["pending"] == 0


async def test_in_process_stop_waits_for_short_work(
    fast_settings: Settings, enqueue: Enqueue, org_id: uuid.UUID, owner_engine: AsyncEngine
) -> None:
    task = await enqueue(org_id, {"hang_attempts": 1, "hang_seconds": 0.3})
    async with running_worker(fast_settings):
        await wait_for_task(owner_engine, task.id, lambda t: t.status == "processing")
    # stop() let the 0.3 s task finish within the 2 s grace
    assert (await load_task(owner_engine, task.id)).status == "done"


async def test_api_accepts_work_while_redis_is_down_and_sweeper_enqueues_it_later(
    fast_settings: Settings,
    enqueue: Enqueue,
    org_id: uuid.UUID,
    owner_engine: AsyncEngine,
    db: Database,
    redis: Redis,
) -> None:
    unreachable = redis_asyncio.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    try:
        first = await enqueue(org_id, {"message": 1}, publisher=unreachable)
        second = await enqueue(None, {"message": 2}, publisher=unreachable)  # a system job
    finally:
        await unreachable.aclose()
    assert await redis.exists(stream_name("default")) == 0
    assert (await load_task(owner_engine, first.id)).status == "pending"

    assert await sweep(db, redis, grace_seconds=0) == 2
    assert await sweep(db, redis, grace_seconds=60) == 0  # republished at most once per grace
    async with running_worker(fast_settings):
        for task in (first, second):
            done = await wait_for_task(owner_engine, task.id, finished)
            assert (done.status, done.attempts) == ("done", 1)
