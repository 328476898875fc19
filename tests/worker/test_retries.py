"""Lifecycle, retries with backoff, permanent errors and the failure fallback, end to end."""

import time
import uuid
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.config import Settings
from app.core.queue import RETRY_KEY, retry_delay
from app.models.platform import AuditLog
from app.services.tasks import JobContext, register_handler
from tests.worker.conftest import (
    RETRY_BASE,
    Enqueue,
    finished,
    running_worker,
    wait_for_task,
)

pytestmark = pytest.mark.infra

STARTS: dict[str, list[float]] = {}
FAILS: dict[str, list[float]] = {}


@register_handler("tests.flaky_timed")
async def flaky_timed(ctx: JobContext) -> dict[str, Any]:
    """Fails on its first two attempts; records when each attempt started and failed."""
    key = str(ctx.task.id)
    STARTS.setdefault(key, []).append(time.monotonic())
    if ctx.task.attempts <= 2:
        FAILS.setdefault(key, []).append(time.monotonic())
        raise RuntimeError(f"flaky attempt {ctx.task.attempts}")
    return {"ok": True}


async def _audit_count(engine: AsyncEngine, action: str, task_id: uuid.UUID) -> int:
    async with AsyncSession(engine) as session:
        stmt = select(func.count()).where(
            AuditLog.action == action, AuditLog.resource_id == task_id
        )
        return int((await session.execute(stmt)).scalar_one())


@pytest.mark.parametrize(
    ("attempt", "expected"),
    [(1, 1), (2, 2), (3, 4), (4, 8), (9, 256), (10, 300), (20, 300)],
)
def test_backoff_schedule_doubles_and_caps_at_300s(attempt: int, expected: float) -> None:
    assert retry_delay(attempt, jitter=0.0) == expected


def test_jitter_only_lengthens_by_at_most_the_ratio() -> None:
    assert retry_delay(3, jitter=0.1, rand=lambda: 0.0) == 4
    assert retry_delay(3, jitter=0.1, rand=lambda: 0.999) == pytest.approx(4.4, abs=0.01)


async def test_enqueued_task_goes_pending_processing_done(
    fast_settings: Settings, enqueue: Enqueue, org_id: uuid.UUID, owner_engine: AsyncEngine
) -> None:
    task = await enqueue(org_id, {"message": "hi", "hang_attempts": 1, "hang_seconds": 0.4})
    assert task.status == "pending" and task.queue == "default"

    async with running_worker(fast_settings):
        busy = await wait_for_task(owner_engine, task.id, lambda t: t.status == "processing")
        assert busy.progress in (0, 50) and busy.started_at is not None
        done = await wait_for_task(owner_engine, task.id, finished)

    assert done.status == "done" and done.progress == 100
    assert done.result == {"echo": "hi", "attempt": 1}
    assert done.attempts == 1 and done.finished_at is not None


async def test_failing_twice_then_succeeding_ends_done_after_three_attempts(
    fast_settings: Settings, enqueue: Enqueue, org_id: uuid.UUID, owner_engine: AsyncEngine
) -> None:
    echo = await enqueue(org_id, {"fail_times": 2})
    timed = await enqueue(org_id, {}, type="tests.flaky_timed")

    async with running_worker(fast_settings):
        echo_done = await wait_for_task(owner_engine, echo.id, finished)
        timed_done = await wait_for_task(owner_engine, timed.id, finished)

    assert (echo_done.status, echo_done.attempts, echo_done.error) == ("done", 3, None)
    assert (timed_done.status, timed_done.attempts) == ("done", 3)
    starts, fails = STARTS[str(timed.id)], FAILS[str(timed.id)]
    gaps = [start - fail for fail, start in zip(fails, starts[1:], strict=True)]
    # delays follow base·2^(n-1): 1×, then 2× the base (scaled from 1 s, 2 s). A retry is never
    # early (strict lower bounds); the exact schedule is test_backoff_schedule's, since an upper
    # bound on wall time would measure the machine's load.
    slack = 0.02
    assert gaps[0] >= RETRY_BASE - slack
    assert gaps[1] >= 2 * RETRY_BASE - slack


async def test_always_failing_task_fails_after_three_attempts_and_runs_fallback(
    fast_settings: Settings, enqueue: Enqueue, org_id: uuid.UUID, owner_engine: AsyncEngine
) -> None:
    task = await enqueue(org_id, {"fail_times": 99})

    async with running_worker(fast_settings):
        failed = await wait_for_task(owner_engine, task.id, finished)

    assert (failed.status, failed.attempts) == ("failed", 3)
    assert failed.error == "RuntimeError: echo failure 3 of 99"
    assert await _audit_count(owner_engine, "task.failed", task.id) == 1
    assert await _audit_count(owner_engine, "tasks.echo_fallback", task.id) == 1


async def test_permanent_error_fails_at_once_without_retry(
    fast_settings: Settings,
    enqueue: Enqueue,
    org_id: uuid.UUID,
    owner_engine: AsyncEngine,
    redis: Redis,
) -> None:
    task = await enqueue(org_id, {"permanent": True})

    async with running_worker(fast_settings):
        failed = await wait_for_task(owner_engine, task.id, finished)

    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.error == "PermanentError: echo was asked to fail permanently"
    assert await redis.zcard(RETRY_KEY) == 0
    assert await _audit_count(owner_engine, "tasks.echo_fallback", task.id) == 1


async def test_max_attempts_comes_from_settings(
    fast_settings: Settings, enqueue: Enqueue, org_id: uuid.UUID, owner_engine: AsyncEngine
) -> None:
    task = await enqueue(org_id, {"fail_times": 99})

    async with running_worker(fast_settings.model_copy(update={"task_max_attempts": 2})):
        failed = await wait_for_task(owner_engine, task.id, finished)

    assert (failed.status, failed.attempts, failed.max_attempts) == ("failed", 2, 2)
