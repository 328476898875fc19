"""Redis Streams transport: one stream per queue; the message carries only ids.

A thin layer over redis-py's asyncio streams API (decision in docs/decisions.md): publish after
commit, one consumer group per stream, XACK only after the task row is committed, XAUTOCLAIM for
entries a dead consumer left pending, and a sorted set of retries moved back when due.
"""

import asyncio
import contextlib
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from app.core.jobs import JobRef

log = structlog.get_logger(__name__)

STREAM_PREFIX = "queue:"
RETRY_KEY = "queue:retry"  # sorted set: member "queue|task_id|org_id", score = due epoch seconds
GROUP = "workers"

# Atomic "due retries → their streams": a member is removed and published by one caller only.
_MOVE_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  redis.call('ZREM', KEYS[1], member)
  local q, task_id, org_id = string.match(member, '^([^|]*)|([^|]*)|([^|]*)$')
  if q then
    redis.call('XADD', ARGV[3] .. q, '*', 'task_id', task_id, 'org_id', org_id)
  end
end
return #due
"""


def stream_name(queue: str) -> str:
    return f"{STREAM_PREFIX}{queue}"


def _fields(job: JobRef) -> dict[str, str]:
    return {"task_id": str(job.task_id), "org_id": str(job.org_id or "")}


async def publish(redis: Redis, jobs: list[JobRef]) -> int:
    """XADD each job; on Redis trouble leave the task pending for the sweeper (fail-soft)."""
    published = 0
    for job in jobs:
        try:
            await redis.xadd(stream_name(job.queue), _fields(job))  # type: ignore[arg-type]
            published += 1
        except (RedisError, OSError) as exc:
            log.warning("enqueue_deferred", task_id=str(job.task_id), error=type(exc).__name__)
    return published


def retry_delay(
    attempt: int,
    *,
    base: float = 1.0,
    cap: float = 300.0,
    jitter: float = 0.1,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait after failed attempt n (1-based): min(base·2^(n-1), cap) plus jitter."""
    delay = min(base * 2.0 ** max(attempt - 1, 0), cap)
    return float(delay * (1 + jitter * rand()))


async def schedule_retry(redis: Redis, job: JobRef, due_at: float) -> None:
    """Park the job in queue:retry until `due_at` (epoch seconds)."""
    member = f"{job.queue}|{job.task_id}|{job.org_id or ''}"
    await redis.zadd(RETRY_KEY, {member: due_at})


async def move_due_retries(redis: Redis, *, now: float | None = None, limit: int = 200) -> int:
    """Move retries that are due back onto their streams; returns how many moved."""
    script = redis.register_script(_MOVE_DUE)
    moved: Any = await script(
        keys=[RETRY_KEY], args=[now if now is not None else time.time(), limit, STREAM_PREFIX]
    )
    return int(moved)


async def ensure_groups(redis: Redis, queues: Iterable[str]) -> None:
    """Create each stream's consumer group from id 0, so jobs published before it are kept."""
    for queue in queues:
        try:
            await redis.xgroup_create(stream_name(queue), GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise


@dataclass(frozen=True)
class Delivery:
    queue: str
    message_id: str
    job: JobRef | None  # None: malformed message (acknowledged and dropped by the worker)
    reclaimed: bool = False


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _delivery(queue: str, message_id: Any, fields: Any, *, reclaimed: bool) -> Delivery:
    data = {_text(k): _text(v) for k, v in (fields or {}).items()}
    try:
        org = data.get("org_id") or None
        job: JobRef | None = JobRef(
            uuid.UUID(data["task_id"]), uuid.UUID(org) if org else None, queue
        )
    except (KeyError, ValueError):
        job = None
    return Delivery(queue, _text(message_id), job, reclaimed)


async def read(
    redis: Redis, consumer: str, queues: Sequence[str], *, count: int, block_ms: int
) -> list[Delivery]:
    """XREADGROUP new entries from all queues (blocks up to block_ms when there are none)."""
    streams = {stream_name(q): ">" for q in queues}
    reply: Any = await redis.xreadgroup(
        GROUP,
        consumer,
        streams,  # type: ignore[arg-type]
        count=count,
        block=block_ms,
    )
    deliveries: list[Delivery] = []
    for stream, entries in reply or []:
        queue = _text(stream).removeprefix(STREAM_PREFIX)
        deliveries += [_delivery(queue, mid, f, reclaimed=False) for mid, f in entries]
    return deliveries


async def autoclaim(
    redis: Redis, consumer: str, queue: str, *, min_idle_ms: int, count: int
) -> list[Delivery]:
    """XAUTOCLAIM entries idle longer than the visibility timeout (their consumer is gone)."""
    reply: Any = await redis.xautoclaim(
        stream_name(queue), GROUP, consumer, min_idle_time=min_idle_ms, start_id="0", count=count
    )
    entries = reply[1] if reply else []
    return [
        _delivery(queue, mid, f, reclaimed=True)
        for mid, f in entries
        if f is not None  # an entry deleted while pending comes back empty
    ]


async def ack(redis: Redis, delivery: Delivery) -> None:
    """XACK, then XDEL so the stream length is the backlog (one group per stream)."""
    await ack_many(redis, [delivery])


async def ack_many(redis: Redis, deliveries: Sequence[Delivery]) -> None:
    """One round trip for many: XACK + XDEL per stream, pipelined (no MULTI)."""
    by_stream: dict[str, list[str]] = defaultdict(list)
    for delivery in deliveries:
        by_stream[stream_name(delivery.queue)].append(delivery.message_id)
    if not by_stream:
        return
    pipe = redis.pipeline(transaction=False)
    for stream, ids in by_stream.items():
        pipe.xack(stream, GROUP, *ids)
        pipe.xdel(stream, *ids)
    await pipe.execute()


class AckBatcher:
    """Acknowledgements collected for a few milliseconds and sent in one pipelined round trip.

    Safe to delay: every ack follows a commit, so an ack lost with its process only means the
    entry is reclaimed later, finds its task finished and is acknowledged then."""

    def __init__(self, redis: Redis, *, delay_s: float = 0.002, max_batch: int = 256) -> None:
        self._redis = redis
        self._delay = delay_s
        self._max = max_batch
        self._pending: list[Delivery] = []
        self._timer: asyncio.Task[None] | None = None

    def add(self, delivery: Delivery) -> None:
        self._pending.append(delivery)
        if self._timer is None or self._timer.done():
            self._timer = asyncio.create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        if len(self._pending) < self._max:
            await asyncio.sleep(self._delay)
        await self.flush()

    async def flush(self) -> None:
        batch, self._pending = self._pending, []
        if not batch:
            return
        try:
            await ack_many(self._redis, batch)
        except (RedisError, OSError) as exc:  # left pending: reclaimed, found finished, acked
            log.warning("ack_deferred", count=len(batch), error=type(exc).__name__)

    async def close(self) -> None:
        timer, self._timer = self._timer, None
        if timer is not None and not timer.done():
            timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timer
        await self.flush()


async def touch(redis: Redis, consumer: str, deliveries: Iterable[Delivery]) -> None:
    """Reset the idle time of in-flight entries (heartbeat) so they are not reclaimed:
    one XCLAIM per stream, pipelined."""
    by_stream: dict[str, list[str]] = defaultdict(list)
    for delivery in deliveries:
        by_stream[stream_name(delivery.queue)].append(delivery.message_id)
    if not by_stream:
        return
    pipe = redis.pipeline(transaction=False)
    for stream, ids in by_stream.items():
        pipe.xclaim(
            stream, GROUP, consumer, min_idle_time=0, message_ids=list[Any](ids), justid=True
        )
    await pipe.execute()


HEARTBEAT_PREFIX = "worker:heartbeat:"


def heartbeat_key(consumer: str) -> str:
    return f"{HEARTBEAT_PREFIX}{consumer}"


async def claim_from_dead(
    redis: Redis,
    consumer: str,
    queue: str,
    *,
    min_idle_ms: int,
    count: int,
    keep: Collection[str] = (),
) -> list[Delivery]:
    """XCLAIM entries whose consumer has no live heartbeat key (its process is gone).

    Faster than the visibility timeout and never takes a live worker's entries. Entries of this
    consumer that it no longer runs (`keep` lists those it does) count as abandoned too."""
    stream = stream_name(queue)
    try:
        entries: Any = await redis.xpending_range(
            stream, GROUP, min="-", max="+", count=max(count * 4, 16), idle=min_idle_ms
        )
    except ResponseError:  # no group yet
        return []
    owners = {_text(e["consumer"]) for e in entries}
    owners.discard(consumer)
    alive: set[str] = set()
    if owners:
        names = sorted(owners)
        pipe = redis.pipeline(transaction=False)
        for name in names:
            pipe.exists(heartbeat_key(name))
        alive = {n for n, up in zip(names, await pipe.execute(), strict=True) if up}
    ids = [
        _text(e["message_id"])
        for e in entries
        if (owner := _text(e["consumer"])) not in alive
        and not (owner == consumer and _text(e["message_id"]) in keep)
    ][:count]
    if not ids:
        return []
    # min_idle_time again: an entry its owner touched in the meantime is not taken
    reply: Any = await redis.xclaim(
        stream, GROUP, consumer, min_idle_time=min_idle_ms, message_ids=list[Any](ids)
    )
    return [_delivery(queue, mid, f, reclaimed=True) for mid, f in reply or [] if f is not None]


@dataclass(frozen=True)
class StreamStats:
    queue: str
    length: int  # entries not yet acknowledged (waiting + in flight)
    pending: int  # delivered, not yet acknowledged


async def stream_stats(redis: Redis, queues: Iterable[str]) -> list[StreamStats]:
    stats = []
    for queue in queues:
        stream = stream_name(queue)
        length = int(await redis.xlen(stream))
        try:
            summary = await redis.xpending(stream, GROUP)
            pending = int(summary["pending"]) if summary else 0
        except ResponseError:  # no group yet
            pending = 0
        stats.append(StreamStats(queue, length, pending))
    return stats
