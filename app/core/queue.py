"""Redis Streams transport: one stream per queue; the message carries only ids."""

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.core.jobs import JobRef

log = structlog.get_logger(__name__)

STREAM_PREFIX = "queue:"


def stream_name(queue: str) -> str:
    return f"{STREAM_PREFIX}{queue}"


async def publish(redis: Redis, jobs: list[JobRef]) -> int:
    """XADD each job; on Redis trouble leave the task pending for the sweeper (fail-soft)."""
    published = 0
    for job in jobs:
        fields = {"task_id": str(job.task_id), "org_id": str(job.org_id or "")}
        try:
            await redis.xadd(stream_name(job.queue), fields)  # type: ignore[arg-type]
            published += 1
        except (RedisError, OSError) as exc:
            log.warning("enqueue_deferred", task_id=str(job.task_id), error=type(exc).__name__)
    return published
