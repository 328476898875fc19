"""Redis Streams transport: one stream per queue; the message carries only ids.

A thin layer over redis-py's asyncio streams API (decision in docs/decisions.md): publish after
commit, one consumer group per stream, XACK only after the task row is committed, XAUTOCLAIM for
entries a dead consumer left pending, and a sorted set of retries moved back when due.
"""

import random
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
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
    stream = stream_name(delivery.queue)
    await redis.xack(stream, GROUP, delivery.message_id)
    await redis.xdel(stream, delivery.message_id)


async def touch(redis: Redis, consumer: str, deliveries: Iterable[Delivery]) -> None:
    """Reset the idle time of in-flight entries (heartbeat) so they are not reclaimed."""
    for delivery in deliveries:
        await redis.xclaim(
            stream_name(delivery.queue),
            GROUP,
            consumer,
            min_idle_time=0,
            message_ids=[delivery.message_id],
            justid=True,
        )


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
