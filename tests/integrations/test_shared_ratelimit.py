import asyncio
import time

import pytest
from redis.asyncio import Redis

from app.integrations.ratelimit import RateLimiterError, RedisRateLimiter

pytestmark = pytest.mark.infra


def _max_in_any_window(stamps: list[float], window: float) -> int:
    stamps = sorted(stamps)
    return max(sum(1 for t in stamps[i:] if t - start < window) for i, start in enumerate(stamps))


async def test_thirty_concurrent_callers_never_exceed_five_per_second(
    redis_client: Redis, limiter_key: str
) -> None:
    limiter = RedisRateLimiter(redis_client, key=limiter_key, limit=5, period=1.0)
    stamps: list[float] = []

    async def caller() -> None:
        await limiter.acquire()
        stamps.append(time.monotonic())

    started = time.monotonic()
    await asyncio.gather(*(caller() for _ in range(30)))
    elapsed = time.monotonic() - started

    assert len(stamps) == 30
    assert _max_in_any_window(stamps, 1.0) <= 5
    # six bursts of five, one window apart: (30 / 5 - 1) windows, and at most 20 % slower
    bound = (30 // 5 - 1) * limiter.window
    assert bound <= elapsed <= 1.2 * bound


async def test_limiters_in_separate_processes_share_the_window(
    redis_url: str, limiter_key: str
) -> None:
    # Two Redis connections stand in for two worker processes.
    first, second = Redis.from_url(redis_url), Redis.from_url(redis_url)
    try:
        a = RedisRateLimiter(first, key=limiter_key, limit=5)
        b = RedisRateLimiter(second, key=limiter_key, limit=5)
        waits = [await (a if i % 2 else b).try_acquire() for i in range(6)]
    finally:
        await first.aclose()
        await second.aclose()
    assert waits[:5] == [0.0] * 5
    assert 0 < waits[5] <= a.window


async def test_try_acquire_reports_the_wait_until_the_oldest_slot_frees(
    redis_client: Redis, limiter_key: str
) -> None:
    limiter = RedisRateLimiter(redis_client, key=limiter_key, limit=2, period=0.3)
    assert await limiter.try_acquire() == 0.0
    assert await limiter.try_acquire() == 0.0
    wait = await limiter.try_acquire()
    assert 0 < wait <= limiter.window
    await asyncio.sleep(wait + 0.01)
    assert await limiter.try_acquire() == 0.0


async def test_unreachable_redis_raises_rate_limiter_error() -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    try:
        with pytest.raises(RateLimiterError):
            await RedisRateLimiter(dead, key="test:unreachable").acquire()
    finally:
        await dead.aclose()


def test_rejects_nonsense_limits(redis_client: Redis) -> None:
    with pytest.raises(ValueError):
        RedisRateLimiter(redis_client, key="k", limit=0)
