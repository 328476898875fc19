"""Crash recovery: a SIGKILLed worker's task is reclaimed; SIGTERM releases; Redis outages."""

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

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
# Generous bounds on conditions we wait for (never fixed sleeps): a fresh interpreter importing
# the app takes ~8 s of CPU, far longer with `-n 8` on 2 cores.
STARTUP_TIMEOUT = 180.0
STEP_TIMEOUT = 60.0


async def _eventually(check: Callable[[], Awaitable[bool]], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.05)


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
            "WORKER_VISIBILITY_TIMEOUT_SECONDS": "10",
            "WORKER_HEARTBEAT_SECONDS": "0.2",
            "WORKER_DEAD_AFTER_SECONDS": "3",
            "WORKER_SHUTDOWN_GRACE_SECONDS": "0.2",
            "TASK_SWEEPER_INTERVAL_SECONDS": "3600",
        }
    )
    return env


@pytest.fixture
async def worker_process(
    settings: Settings, redis: Redis
) -> AsyncIterator[subprocess.Popen[bytes]]:
    """A real worker process (`python -m tests.echo_task`: app.worker plus the test handler) on
    the test database and Redis, yielded once it has started consuming (its heartbeat)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.echo_task"],  # fixed argv
        cwd=PROJECT_ROOT,
        env=_worker_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    async def started() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"worker process exited early with {proc.returncode}")
        return bool(await redis.keys("worker:heartbeat:*"))

    try:
        await _eventually(started, "the worker's first heartbeat", STARTUP_TIMEOUT)
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        await asyncio.to_thread(proc.wait, STEP_TIMEOUT)


async def _exited(proc: subprocess.Popen[bytes]) -> int:
    return await asyncio.to_thread(proc.wait, STEP_TIMEOUT)


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
    await wait_for_task(owner_engine, task.id, lambda t: t.progress == 50, timeout=STEP_TIMEOUT)
    worker_process.send_signal(signal.SIGKILL)
    assert await _exited(worker_process) == -signal.SIGKILL
    assert (await load_task(owner_engine, task.id)).status == "processing"

    async with running_worker(fast_settings):  # another consumer; claims after the timeout
        done = await wait_for_task(owner_engine, task.id, finished, timeout=STEP_TIMEOUT)

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
    await wait_for_task(owner_engine, task.id, lambda t: t.progress == 50, timeout=STEP_TIMEOUT)
    worker_process.send_signal(signal.SIGTERM)
    assert await _exited(worker_process) == 0

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
