"""The worker loop: read streams, claim each read together, run its deliveries concurrently,
reclaim, retry, sweep, heartbeat."""

import asyncio
import contextlib
import dataclasses
import functools
import gc
import json
import os
import random
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import redis.asyncio as redis_asyncio
import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError
from sqlalchemy.exc import SQLAlchemyError

from app.core.config import Settings
from app.core.database import Database
from app.core.queue import (
    GROUP,
    AckBatcher,
    Delivery,
    autoclaim,
    claim_from_dead,
    ensure_groups,
    heartbeat_key,
    move_due_retries,
    read,
    stream_name,
    touch,
)
from app.core.system_context import untenanted_session
from app.services import reference
from app.services.compliance import taiwan_today
from app.services.review import enqueue_daily_digests
from app.services.tasks import Queue, load_handlers
from app.worker import metrics
from app.worker.execute import INTERRUPTIONS, Claim, ClaimInterrupted, Executor, WorkerDeps
from app.worker.sweeper import sweep

EXPIRY_DIGEST_SECONDS = 24 * 3600

log = structlog.get_logger("app.worker")

ALL_QUEUES = [q.value for q in Queue]
_IDLE_CONSUMER_MS = 3_600_000  # forget consumers idle for an hour with nothing pending
_ERROR_BACKOFF_S = 1.0
_INTERRUPTED_BACKOFF_MAX_S = 5.0
_SPARE_CONNECTIONS = 4  # claims, done-marks, progress, sweeps beside the running deliveries


def _key(delivery: Delivery) -> tuple[str, str]:
    return (delivery.queue, delivery.message_id)


def freeze_start_up() -> None:
    """For a worker process: keep start-up objects (every handler module too) out of later full
    collections, each of which paused the worker 0.3-0.6 s (issue 18 measurement)."""
    load_handlers()
    gc.collect()
    gc.freeze()


def consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Runner:
    """One worker: `await run()` until `request_stop()`; owns nothing it was given."""

    def __init__(
        self,
        settings: Settings,
        *,
        db: Database | None = None,
        redis: Redis | None = None,
        queues: list[str] | None = None,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.settings = settings
        self._own_db = db is None
        self._own_redis = redis is None
        # no pre-ping: a connection that died with a restarted server fails one statement, the
        # pool drops it and the interrupted delivery is retried here (see _guarded)
        # a connection per running delivery, kept in the pool (an overflow connection is closed
        # on return, so a busy worker would connect to PostgreSQL again for every task)
        pool = max(settings.db_pool_size, settings.worker_concurrency + _SPARE_CONNECTIONS)
        self.db = db or Database.connect(settings.model_copy(update={"db_pool_size": pool}))
        self.redis = redis or redis_asyncio.from_url(str(settings.redis_url))
        self.queues = queues or ALL_QUEUES
        self.consumer = consumer_name()
        tools = reference.toolbox(reference.ToolDeps(sessions=lambda: untenanted_session(self.db)))
        self.acks = AckBatcher(self.redis)
        deps = WorkerDeps(
            self.db, self.redis, settings, self.consumer, rand, tools=tools, acks=self.acks
        )
        self.executor = Executor(deps)
        # read and not yet finished (what the heartbeat keeps ours), and the tasks holding them
        self.held: dict[tuple[str, str], Delivery] = {}
        # held, handler finished, waiting only for a shared done-mark's commit (no connection)
        self.marking: set[tuple[str, str]] = set()
        self.jobs: set[asyncio.Task[None]] = set()
        self._freed = asyncio.Event()
        self._stop = asyncio.Event()

    def request_stop(self) -> None:
        self._stop.set()

    @property
    def free_slots(self) -> int:
        """Up to `worker_concurrency` handlers run; as many deliveries again may wait for their
        done-mark, so the next read runs while the last one's marks commit (the WAL flush)."""
        c = self.settings.worker_concurrency
        running = len(self.held) - len(self.marking)
        return max(min(c - running, 2 * c - len(self.held)), 0)

    async def run(self) -> None:
        load_handlers()
        await self._until_redis(lambda: ensure_groups(self.redis, self.queues))
        log.info(
            "worker_started",
            consumer=self.consumer,
            concurrency=self.settings.worker_concurrency,
            queues=self.queues,
        )
        s = self.settings
        loops = [
            asyncio.create_task(self._every(s.worker_heartbeat_seconds, self._heartbeat)),
            asyncio.create_task(
                self._every(
                    min(s.worker_visibility_timeout_seconds / 2, s.worker_dead_after_seconds / 3),
                    self._reclaim,
                )
            ),
            asyncio.create_task(self._every(s.task_retry_poll_seconds, self._move_retries)),
            asyncio.create_task(
                self._every(s.task_sweeper_interval_seconds, self._sweep, delay_first=True)
            ),
            # daily (first run a day after start); one digest task per org and day, idempotent
            asyncio.create_task(
                self._every(EXPIRY_DIGEST_SECONDS, self._expiry_digests, delay_first=True)
            ),
        ]
        try:
            await self._consume()
        finally:
            for loop in loops:
                loop.cancel()
            await asyncio.gather(*loops, return_exceptions=True)
            await self._drain()
            await self.acks.close()
            await self._close()
            log.info("worker_stopped", consumer=self.consumer)

    async def _consume(self) -> None:
        block_ms = self.settings.worker_block_ms
        while not self._stop.is_set():
            if self.free_slots == 0:
                self._freed.clear()
                if self.free_slots == 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._freed.wait(), timeout=block_ms / 1000)
                continue
            try:
                deliveries = await read(
                    self.redis, self.consumer, self.queues, count=self.free_slots, block_ms=block_ms
                )
            except ResponseError as exc:
                if "NOGROUP" not in str(exc):
                    raise
                # Redis came back without our streams (restarted, data lost): make them again;
                # the sweeper republishes the pending rows whose messages went with it
                log.warning("worker_groups_missing")
                await self._until_redis(lambda: ensure_groups(self.redis, self.queues))
                continue
            except (RedisError, OSError) as exc:
                log.warning("worker_read_failed", error=type(exc).__name__)
                await self._pause(_ERROR_BACKOFF_S)
                continue
            if deliveries:
                self._start(deliveries)

    def _start(self, deliveries: list[Delivery]) -> None:
        """Hold what one read (or one reclaim) returned and claim it in one go."""
        for delivery in deliveries:
            self.held[_key(delivery)] = delivery
        metrics.WORKER_INFLIGHT.set(len(self.held))
        self._spawn(self._claim_and_run(deliveries))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self.jobs.add(task)
        task.add_done_callback(self.jobs.discard)

    def _marking(self, delivery: Delivery) -> None:
        self.marking.add(_key(delivery))
        self._freed.set()

    def _let_go(self, delivery: Delivery) -> None:
        self.marking.discard(_key(delivery))
        if self.held.pop(_key(delivery), None) is not None:
            metrics.WORKER_INFLIGHT.set(len(self.held))
            self._freed.set()

    async def _claim_and_run(self, deliveries: list[Delivery]) -> None:
        """One claim for the batch, then each claimed delivery runs in its own task. A batch
        whose claim was interrupted is retried delivery by delivery (see _guarded)."""
        handed_off: set[tuple[str, str]] = set()
        try:
            try:
                claims = await self.executor.claim(deliveries)
            except ClaimInterrupted as exc:
                cause = type(exc.__cause__).__name__
                log.warning("claim_interrupted", error=cause, count=len(exc.unsettled))
                claims = exc.claimed
                for delivery in exc.unsettled:
                    handed_off.add(_key(delivery))
                    self._spawn(self._guarded(delivery, interrupted=True))
            for delivery, claim in claims:
                handed_off.add(_key(delivery))
                self._spawn(self._guarded(delivery, claim))
        finally:
            for delivery in deliveries:
                if _key(delivery) not in handed_off:
                    self._let_go(delivery)  # acknowledged, parked, or left for a reclaim

    async def _guarded(
        self, delivery: Delivery, claim: Claim | None = None, *, interrupted: bool = False
    ) -> None:
        """Infrastructure trouble (a database restart, Redis gone) interrupts a delivery: it
        stays ours (the heartbeat keeps it) and is tried again here with backoff, as a reclaim
        (the row may be `processing` from our own claim). On stop it is left pending for the
        next worker."""
        backoff = _ERROR_BACKOFF_S / 2
        try:
            while True:
                if interrupted:
                    if self._stop.is_set():
                        return
                    await self._pause(backoff)
                    if self._stop.is_set():
                        return
                    backoff = min(backoff * 2, _INTERRUPTED_BACKOFF_MAX_S)
                    delivery = dataclasses.replace(delivery, reclaimed=True)
                self.marking.discard(_key(delivery))  # running (again)
                try:
                    if claim is not None:
                        marking = functools.partial(self._marking, delivery)
                        await self.executor.run(delivery, claim, marking=marking)
                    else:
                        await self.executor.process(delivery)
                    return
                except INTERRUPTIONS as exc:
                    log.warning("delivery_interrupted", error=type(exc).__name__)
                claim, interrupted = None, True
        finally:
            self._let_go(delivery)

    async def _drain(self) -> None:
        """Graceful stop: let in-flight work finish, then cancel (release) what remains."""
        if not self.jobs:
            return
        grace = self.settings.worker_shutdown_grace_seconds
        log.info("worker_draining", inflight=len(self.held), grace_s=grace)
        deadline = time.monotonic() + grace
        while self.jobs and (left := deadline - time.monotonic()) > 0:
            await asyncio.wait(list(self.jobs), timeout=left)
        while self.jobs:  # a claim finishing now may still start runs: cancel those too
            still_running = list(self.jobs)
            for task in still_running:
                task.cancel()
            await asyncio.gather(*still_running, return_exceptions=True)

    async def _close(self) -> None:
        with contextlib.suppress(RedisError, OSError):
            await self.redis.delete(self._heartbeat_key)
        if self._own_redis:
            await self.redis.aclose()
        if self._own_db:
            await self.db.dispose()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)

    async def _until_redis(self, step: Callable[[], Awaitable[Any]]) -> None:
        while not self._stop.is_set():
            try:
                await step()
                return
            except (RedisError, OSError) as exc:
                log.warning("worker_waiting_for_redis", error=type(exc).__name__)
                await self._pause(_ERROR_BACKOFF_S)

    async def _every(
        self, seconds: float, step: Callable[[], Awaitable[None]], *, delay_first: bool = False
    ) -> None:
        if delay_first:
            await self._pause(seconds)
        while not self._stop.is_set():
            try:
                await step()
            except (RedisError, OSError, SQLAlchemyError) as exc:
                log.warning("worker_loop_failed", loop=step.__name__, error=type(exc).__name__)
            await self._pause(seconds)

    @property
    def _heartbeat_key(self) -> str:
        return heartbeat_key(self.consumer)

    async def _heartbeat(self) -> None:
        """Keep in-flight entries from being reclaimed, advertise liveness, refresh gauges."""
        await touch(self.redis, self.consumer, list(self.held.values()))
        beat = {"at": time.time(), "inflight": len(self.held)}
        # the key outlives a few missed beats; once it is gone, others reclaim our entries
        ttl_ms = max(int(self.settings.worker_dead_after_seconds * 1000), 1)
        await self.redis.set(self._heartbeat_key, json.dumps(beat), px=ttl_ms)
        await metrics.refresh_queue_gauges(self.redis, self.queues)
        log.debug("worker_heartbeat", inflight=len(self.held))

    async def _reclaim(self) -> None:
        """Take over what dead consumers left pending: at once when their heartbeat key has
        expired (`worker_dead_after_seconds`), and in any case past the visibility timeout."""
        min_idle = int(self.settings.worker_visibility_timeout_seconds * 1000)
        dead_idle = int(self.settings.worker_dead_after_seconds * 1000)
        for queue in self.queues:
            if self.free_slots == 0 or self._stop.is_set():
                return
            mine = {d.message_id for d in self.held.values()}
            claimed = await claim_from_dead(
                self.redis,
                self.consumer,
                queue,
                min_idle_ms=min(dead_idle, min_idle),
                count=self.free_slots,
                keep=mine,
            )
            if self.free_slots > len(claimed):
                claimed += await autoclaim(
                    self.redis,
                    self.consumer,
                    queue,
                    min_idle_ms=min_idle,
                    count=self.free_slots - len(claimed),
                )
            taken = [d for d in claimed if d.message_id not in mine]
            for delivery in taken:
                log.info("task_reclaimed", message_id=delivery.message_id, queue=queue)
            if taken:
                self._start(taken)
            await self._forget_dead_consumers(queue)

    async def _forget_dead_consumers(self, queue: str) -> None:
        for info in await self.redis.xinfo_consumers(stream_name(queue), GROUP):
            name = info["name"].decode() if isinstance(info["name"], bytes) else info["name"]
            if name != self.consumer and info["pending"] == 0 and info["idle"] > _IDLE_CONSUMER_MS:
                await self.redis.xgroup_delconsumer(stream_name(queue), GROUP, name)

    async def _move_retries(self) -> None:
        await move_due_retries(self.redis)

    async def _expiry_digests(self) -> None:
        await enqueue_daily_digests(self.db, self.redis, today=taiwan_today())

    async def _sweep(self) -> None:
        await sweep(self.db, self.redis, grace_seconds=self.settings.task_sweeper_grace_seconds)
