"""Progress a handler reports step by step (e.g. per ingredient), cheaply.

`task.progress` goes through `ctx.progress` (its own short transaction, so pollers see it while
the handler's transaction is open); the step counts go to a Redis hash keyed by task and attempt
(no transaction at all), which `GET /tasks/{id}` reads while the task is processing. Both are
written at most once per `interval` (a trailing write catches the last steps), so 17 ingredients
answered from the cache cost two writes, not 17. Neither touches status or attempts: finishing
still belongs to the attempt that claimed the row (exactly-once is unchanged).
"""

import asyncio
import time
import uuid
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.models.enums import TaskStatus
from app.models.platform import Task
from app.services.tasks.registry import JobContext

log = structlog.get_logger("app.worker")

PROGRESS_INTERVAL_SECONDS = 0.5
_KEY_TTL_SECONDS = 3600
_REDIS_TIMEOUT_SECONDS = 0.5


def _key(task_id: uuid.UUID, attempt: int) -> str:
    return f"task-progress:{task_id}:{attempt}"


@dataclass(frozen=True)
class StepCounts:
    phase: str
    done: int
    total: int


class StepProgress:
    """`async with StepProgress(ctx, total=n, phase="lookup", start=0, end=70) as p: ...
    await p.step()` moves `task.progress` from `start` to `end` in `total` steps."""

    def __init__(
        self,
        ctx: JobContext,
        *,
        total: int,
        phase: str,
        start: int = 0,
        end: int = 100,
        interval: float | None = None,
    ) -> None:
        self._ctx = ctx
        self._phase, self._total = phase, max(total, 0)
        self._start, self._end = start, end
        self._interval = PROGRESS_INTERVAL_SECONDS if interval is None else interval
        self.done = 0
        self.writes = 0
        self._written: int | None = None
        self._last = float("-inf")
        self._lock = asyncio.Lock()
        self._timer: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Self:
        await self._flush()  # "0 of n" is visible at once
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if exc_type is None:
            await self._flush()

    async def step(self) -> None:
        self.done = min(self.done + 1, self._total)
        wait = self._interval - (time.monotonic() - self._last)
        if self.done >= self._total or wait <= 0:
            await self._flush()
        elif self._timer is None:
            self._timer = asyncio.create_task(self._later(wait))

    async def _later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self._timer = None
        await self._flush()

    def _percent(self) -> int:
        if not self._total:
            return self._end
        return self._start + (self._end - self._start) * self.done // self._total

    async def _flush(self) -> None:
        async with self._lock:
            done = self.done
            if done == self._written:
                return
            self._last = time.monotonic()
            self._written = done
            self.writes += 1
            try:
                await self._ctx.progress(self._percent())
            except Exception as exc:  # best effort: progress never fails the work
                log.warning("task_progress_not_saved", error=type(exc).__name__)
            task = self._ctx.task
            try:
                async with asyncio.timeout(_REDIS_TIMEOUT_SECONDS):
                    async with self._ctx.redis.pipeline(transaction=False) as pipe:
                        key = _key(task.id, task.attempts)
                        pipe.hset(
                            key,
                            mapping={"phase": self._phase, "done": done, "total": self._total},
                        )
                        pipe.expire(key, _KEY_TTL_SECONDS)
                        await pipe.execute()
            except (RedisError, TimeoutError, OSError) as exc:  # best effort, like progress
                log.warning("task_step_counts_not_saved", error=type(exc).__name__)


async def live_counts(redis: Redis, tasks: list[Task]) -> dict[uuid.UUID, StepCounts]:
    """The step counts of the processing tasks among `tasks` (one round trip; none when
    Redis does not answer at once: the counts are a convenience, the row is the truth)."""
    running = [t for t in tasks if t.status == TaskStatus.PROCESSING.value]
    if not running:
        return {}
    try:
        async with asyncio.timeout(_REDIS_TIMEOUT_SECONDS):
            async with redis.pipeline(transaction=False) as pipe:
                for task in running:
                    pipe.hgetall(_key(task.id, task.attempts))
                answers = await pipe.execute()
    except (RedisError, TimeoutError, OSError) as exc:
        log.warning("task_step_counts_not_read", error=type(exc).__name__)
        return {}
    counts: dict[uuid.UUID, StepCounts] = {}
    for task, raw in zip(running, answers, strict=True):
        fields = {
            (k.decode() if isinstance(k, bytes) else str(k)): (
                v.decode() if isinstance(v, bytes) else str(v)
            )
            for k, v in (raw or {}).items()
        }
        try:
            counts[task.id] = StepCounts(fields["phase"], int(fields["done"]), int(fields["total"]))
        except (KeyError, ValueError):
            continue
    return counts
