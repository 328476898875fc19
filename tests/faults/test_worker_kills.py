"""Worker processes SIGKILLed twenty times during a stream of tasks: none lost, none twice."""

import asyncio
import functools
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.asyncio as redis_asyncio
from redis.asyncio import Redis
from sqlalchemy import func, select
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
from tests.faults import handlers
from tests.faults.conftest import effects_per_task, eventually, fast, task_counts, worker_env

# redis: the worker subprocesses are given the suite's Redis URL
pytestmark = [pytest.mark.faults, pytest.mark.infra, pytest.mark.redis]

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KILLS = 20


class Zygote:
    """`python -m tests.faults.zygote`: forks real worker processes in milliseconds."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(  # fixed argv
            [sys.executable, "-m", "tests.faults.zygote"],
            cwd=ROOT,
            env={**os.environ, **env},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def _fork(self) -> int:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(b"fork\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"zygote exited with {self.proc.poll()}")
        return int(line)

    async def fork(self) -> int:
        return await asyncio.to_thread(self._fork)

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.kill()
        self.proc.wait(30)


@pytest.fixture
async def redis(settings: Settings, clean_db: None) -> AsyncIterator[Redis]:
    client = redis_asyncio.from_url(str(settings.redis_url))
    yield client
    await client.aclose()


async def _enqueue(db: Database, redis: Redis, org: uuid.UUID, n: int, seconds: float) -> list[Any]:
    jobs = JobBuffer()
    async with org_or_system_session(db, org) as session:
        made = [
            await tasks.enqueue(
                session,
                jobs,
                org_id=org,
                type=handlers.TASK_TYPE,
                payload={"seconds": seconds, "n": i},
            )
            for i in range(n)
        ]
    await publish(redis, jobs.drain())
    return [t.id for t in made]


async def _started_since(engine: AsyncEngine, ids: list[uuid.UUID], since: float) -> bool:
    async with AsyncSession(engine) as session:
        newest = await session.scalar(select(func.max(Task.started_at)).where(Task.id.in_(ids)))
    return newest is not None and newest.timestamp() > since


async def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


async def test_twenty_sigkilled_workers_lose_no_task_and_repeat_no_effect(
    settings: Settings, owner_engine: AsyncEngine, owner_session: AsyncSession, redis: Redis
) -> None:
    org = (await make_org(owner_session)).id
    await owner_session.commit()
    s = fast(settings, worker_concurrency=4)
    db = Database.connect(s)
    zygote = Zygote(worker_env(s))
    ids: list[uuid.UUID] = []
    try:
        ids += await _enqueue(db, redis, org, 12, 0.3)
        for _ in range(KILLS):
            forked_at = time.time()
            pid = await zygote.fork()
            # the new worker has claimed something (it is mid-task), then it dies
            claimed = functools.partial(_started_since, owner_engine, list(ids), forked_at)
            await eventually(claimed, "a claim")
            await asyncio.sleep(0.1)
            os.kill(pid, signal.SIGKILL)
            await eventually(functools.partial(_gone, pid), "the kill")
            ids += await _enqueue(db, redis, org, 3, 0.3)  # the stream goes on meanwhile

        interrupted = await task_counts(owner_engine, ids)
        assert interrupted.get("processing", 0) + interrupted.get("pending", 0) > 0

        runner = Runner(s)
        job = asyncio.create_task(runner.run())
        try:

            async def all_finished() -> bool:
                counts = await task_counts(owner_engine, ids)
                return counts.get("done", 0) + counts.get("failed", 0) == len(ids)

            await eventually(all_finished, "every task to finish", timeout=120)
        finally:
            runner.request_stop()
            await asyncio.wait_for(job, timeout=60)
    finally:
        zygote.close()
        await db.dispose()

    assert await task_counts(owner_engine, ids) == {"done": len(ids)}
    effects = await effects_per_task(owner_engine, ids)
    assert effects == dict.fromkeys(ids, 1)  # every task's effect exactly once
    async with AsyncSession(owner_engine) as session:
        retried = await session.scalar(
            select(func.count()).where(Task.id.in_(ids), Task.attempts > 1)
        )
    assert (retried or 0) >= 1  # the kills did land mid-task
