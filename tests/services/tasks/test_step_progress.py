"""Per-step progress is cheap: throttled writes, a trailing write for the last steps, and the
counts keyed by the attempt that reports them."""

import asyncio
import uuid
from typing import Any, cast

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.models.platform import Task
from app.services.tasks import JobContext, StepProgress


class FakePipeline:
    def __init__(self, store: dict[str, dict[str, Any]]) -> None:
        self.store = store
        self.ops: list[tuple[str, dict[str, Any]]] = []

    async def __aenter__(self) -> "FakePipeline":
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def hset(self, key: str, mapping: dict[str, Any]) -> None:
        self.ops.append((key, mapping))

    def expire(self, key: str, seconds: int) -> None:
        return None

    async def execute(self) -> list[object]:
        for key, mapping in self.ops:
            self.store.setdefault(key, {}).update(mapping)
        return []


class FakeRedis:
    def __init__(self) -> None:
        self.store: dict[str, dict[str, Any]] = {}
        self.round_trips = 0

    def pipeline(self, transaction: bool = True) -> FakePipeline:
        self.round_trips += 1
        return FakePipeline(self.store)


def _context(reported: list[int], redis: FakeRedis) -> tuple[JobContext, Task]:
    task = Task(id=uuid.uuid4(), attempts=2)

    async def progress(percent: int) -> None:
        reported.append(percent)

    ctx = JobContext(
        session=cast(AsyncSession, None),
        task=task,
        settings=cast(Settings, None),
        progress=progress,
        redis=cast(Redis, redis),
    )
    return ctx, task


async def test_seventeen_quick_steps_cost_a_few_writes_and_end_exact() -> None:
    reported: list[int] = []
    redis = FakeRedis()
    ctx, task = _context(reported, redis)
    async with StepProgress(ctx, total=17, phase="lookup", end=70, interval=60) as steps:
        await asyncio.gather(*(steps.step() for _ in range(17)))
    assert reported == [0, 70]  # the start and the last step; nothing per ingredient
    assert steps.writes == 2 and redis.round_trips == 2
    assert redis.store[f"task-progress:{task.id}:2"] == {"phase": "lookup", "done": 17, "total": 17}


async def test_a_step_inside_the_interval_is_written_a_little_later() -> None:
    reported: list[int] = []
    ctx, _ = _context(reported, FakeRedis())
    async with StepProgress(ctx, total=4, phase="lookup", interval=0.05) as steps:
        await steps.step()
        await steps.step()
        assert reported == [0]  # throttled
        await asyncio.sleep(0.2)
        assert reported == [0, 50]  # the trailing write, without another step
        await steps.step()
        await steps.step()
    assert reported == [0, 50, 75, 100]  # past the interval, each step is written


async def test_a_failing_handler_leaves_no_late_write() -> None:
    reported: list[int] = []
    ctx, _ = _context(reported, FakeRedis())
    try:
        async with StepProgress(ctx, total=4, phase="lookup", interval=0.05) as steps:
            await steps.step()
            raise RuntimeError("handler failed")
    except RuntimeError:
        pass
    await asyncio.sleep(0.1)
    assert reported == [0]
