"""Prometheus metrics of the worker; queue gauges are what an autoscaler (KEDA) scales on."""

import functools

from prometheus_client import Counter, Gauge, Histogram
from redis.asyncio import Redis

from app.core.queue import RETRY_KEY, stream_stats

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)

TASK_DURATION = Histogram(
    "pifai_task_duration_seconds",
    "Handler run time per attempt",
    ["type", "outcome"],
    buckets=_BUCKETS,
)
TASK_START_LATENCY = Histogram(
    "pifai_task_start_latency_seconds",
    "Enqueue to start of an attempt",
    ["queue"],
    buckets=_BUCKETS,
)
TASKS_DONE = Counter("pifai_tasks_done_total", "Tasks finished successfully", ["type"])
TASK_RETRIES = Counter("pifai_task_retries_total", "Failed attempts scheduled for retry", ["type"])
TASK_FAILURES = Counter("pifai_task_failures_total", "Tasks marked failed", ["type", "reason"])
QUEUE_DEPTH = Gauge("pifai_queue_depth", "Stream entries not yet acknowledged", ["queue"])
QUEUE_PENDING = Gauge(
    "pifai_queue_pending_entries",
    "Delivered, not yet acknowledged",
    ["queue"],
)
RETRY_SCHEDULED = Gauge("pifai_queue_retry_scheduled", "Retries waiting in queue:retry")
WORKER_INFLIGHT = Gauge("pifai_worker_inflight", "Tasks running in this process")


async def refresh_queue_gauges(redis: Redis, queues: list[str]) -> None:
    for stats in await stream_stats(redis, queues):
        QUEUE_DEPTH.labels(stats.queue).set(stats.length)
        QUEUE_PENDING.labels(stats.queue).set(stats.pending)
    RETRY_SCHEDULED.set(int(await redis.zcard(RETRY_KEY)))


# Labelled children looked up once per label set (`labels()` takes a lock and builds a key).
@functools.cache
def start_latency(queue: str) -> Histogram:
    return TASK_START_LATENCY.labels(queue)


@functools.cache
def duration(type: str, outcome: str) -> Histogram:
    return TASK_DURATION.labels(type, outcome)


@functools.cache
def done(type: str) -> Counter:
    return TASKS_DONE.labels(type)
