"""Redis-backed sliding-window rate limiter shared by every web and worker process."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

# Sliding-window log in one atomic script. By default the clock is Redis's own TIME, so
# processes on hosts with skewed clocks still share one window; an injected clock (tests) passes
# its reading as ARGV[4]. Returns 0 when a slot was taken, else the microseconds until the
# oldest entry leaves the window.
_SLIDING_WINDOW_LUA = """
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window_us = tonumber(ARGV[2])
local now
if ARGV[4] ~= nil and ARGV[4] ~= '' then
  now = tonumber(ARGV[4])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window_us)
if redis.call('ZCARD', key) < limit then
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, math.ceil(window_us / 1000) + 1000)
  return 0
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window_us - now)
"""


Clock = Callable[[], float]  # seconds on any fixed origin
Sleep = Callable[[float], Awaitable[None]]


class RateLimiterError(Exception):
    """The shared limiter could not be consulted (Redis unavailable)."""


class RateLimiter(Protocol):
    async def acquire(self) -> None:
        """Wait until a request slot is free, then take it."""
        ...


class RedisRateLimiter:
    """At most `limit` acquisitions in any `period`-second window, across all processes."""

    def __init__(
        self,
        redis: Redis,
        *,
        key: str,
        limit: int = 5,
        period: float = 1.0,
        safety_margin: float = 0.05,
        clock: Clock | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """`clock`/`sleep` replace Redis TIME and asyncio.sleep (a fake clock in tests)."""
        if limit < 1 or period <= 0:
            raise ValueError("limit must be >= 1 and period > 0")
        self.key = key
        self.limit = limit
        # The window is widened slightly so network jitter between here and the remote API
        # cannot squeeze limit+1 requests into one of *its* 1-second windows.
        self.window = period + safety_margin
        self._script = redis.register_script(_SLIDING_WINDOW_LUA)
        self._clock = clock
        self._sleep = sleep

    async def try_acquire(self) -> float:
        """Take a slot if one is free: 0.0, otherwise the seconds to wait before retrying."""
        now_us = "" if self._clock is None else str(round(self._clock() * 1_000_000))
        try:
            wait_us = await self._script(
                keys=[self.key],
                args=[self.limit, round(self.window * 1_000_000), uuid.uuid4().hex, now_us],
            )
        except RedisError as exc:
            raise RateLimiterError(f"rate limiter unavailable: {type(exc).__name__}") from exc
        return int(wait_us) / 1_000_000

    async def acquire(self) -> None:
        """Wait until a slot is free, then take it."""
        # Polling is deliberate: the slot frees up in another process, so there is no local
        # event to wait on; the script says exactly how long until the oldest entry expires.
        while True:
            wait = await self.try_acquire()
            if wait <= 0:
                return
            await self._sleep(wait + 0.001)
