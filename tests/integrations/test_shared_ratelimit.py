import pytest
from redis.asyncio import Redis

from app.integrations.ratelimit import RateLimiterError, RedisRateLimiter
from tests.clock import VirtualClock

pytestmark = pytest.mark.infra


def _max_in_any_window(stamps: list[float], window: float) -> int:
    stamps = sorted(stamps)
    return max(sum(1 for t in stamps[i:] if t - start < window) for i, start in enumerate(stamps))


async def test_thirty_concurrent_callers_never_exceed_five_per_second(
    redis_client: Redis, limiter_key: str
) -> None:
    clock = VirtualClock(start=1_000.0)
    limiter = RedisRateLimiter(
        redis_client, key=limiter_key, limit=5, period=1.0, clock=clock, sleep=clock.sleep
    )

    async def caller() -> float:
        await limiter.acquire()
        return clock()

    stamps = await clock.run(caller() for _ in range(30))

    assert len(stamps) == 30
    assert _max_in_any_window(stamps, limiter.window) == 5
    # six bursts of five: each burst starts when the previous one leaves the window
    # (window + the limiter's 1 ms poll margin), so the whole run takes exactly five steps
    step = limiter.window + 0.001
    bursts = sorted({round(t - 1_000.0, 6) for t in stamps})
    assert bursts == pytest.approx([k * step for k in range(6)], abs=1e-6)
    assert all(sum(1 for t in stamps if round(t - 1_000.0, 6) == b) == 5 for b in bursts)


async def test_try_acquire_reports_the_exact_wait_on_an_injected_clock(
    redis_client: Redis, limiter_key: str
) -> None:
    clock = VirtualClock(start=50.0)
    limiter = RedisRateLimiter(redis_client, key=limiter_key, limit=2, period=0.3, clock=clock)
    assert await limiter.try_acquire() == 0.0
    clock.now += 0.1
    assert await limiter.try_acquire() == 0.0
    # full: the oldest slot (taken at 50.0) frees at 50.0 + 0.35
    assert await limiter.try_acquire() == pytest.approx(0.25)
    clock.now += 0.2
    assert await limiter.try_acquire() == pytest.approx(0.05)
    clock.now += 0.05  # the oldest entry has left the window; the one of 50.1 is still in it
    assert await limiter.try_acquire() == 0.0
    assert await limiter.try_acquire() == pytest.approx(0.1)


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
