"""Abuse limits on sign-in endpoints: the `limits` library on Redis (async, redis-py client).

When Redis does not answer, the same limits are kept in this process (per-process counts are a
weaker limit, but an outage never answers 500 and never lifts the limits entirely).
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import time
from collections.abc import Awaitable, Callable
from functools import cache
from typing import TYPE_CHECKING, TypeVar

import structlog
from redis.exceptions import RedisError

if TYPE_CHECKING:
    from limits import RateLimitItem
    from limits.aio.storage import RedisStorage
    from limits.aio.strategies import MovingWindowRateLimiter

from app.core.errors import TooManyRequests

log = structlog.get_logger(__name__)
T = TypeVar("T")
REDIS_TIMEOUT_SECONDS = 2.0  # a slow Redis is still Redis; a dead one fails at once
TOO_MANY_ATTEMPTS = "Too many attempts; try again later"


def storage_uri(redis_url: str) -> str:
    """Map redis:// / rediss:// / unix:// URLs to the async schemes of `limits`."""
    for plain, scheme in (("unix://", "async+redis+unix://"), ("rediss://", "async+rediss://")):
        if redis_url.startswith(plain):
            return scheme + redis_url[len(plain) :]
    if redis_url.startswith("redis://"):
        return "async+redis://" + redis_url[len("redis://") :]
    return redis_url


@cache
def _redis_py_storage() -> type[RedisStorage]:
    """`limits`' Redis storage that resolves only redis-py: the stock one imports every client it
    supports on first use (coredis pulls in numpy, beartype, pympler: ~17 MiB; issue 18).

    `limits` itself (with deprecated and wrapt, ~2 MiB) loads with the first limiter, not at
    start-up."""
    from limits.aio.storage import RedisStorage

    class _RedisPyStorage(RedisStorage):
        STORAGE_SCHEME: list[str] = []  # noqa: RUF012 (not registered under a scheme: built here)
        DEPENDENCIES = {"redis": RedisStorage.DEPENDENCIES["redis"]}  # noqa: RUF012

    return _RedisPyStorage


def _parse(rule: str | RateLimitItem) -> RateLimitItem:
    from limits import parse

    return parse(rule) if isinstance(rule, str) else rule


def too_many(retry_after: int, *, code: str = "rate_limited") -> TooManyRequests:
    error = TooManyRequests(TOO_MANY_ATTEMPTS, code=code, details={"retry_after": retry_after})
    error.headers = {"Retry-After": str(retry_after)}
    return error


def failure_window(max_failures: int, seconds: int) -> RateLimitItem:
    from limits import RateLimitItemPerSecond

    return RateLimitItemPerSecond(max_failures, max(1, seconds))


class RateLimiter:
    """Moving-window limits keyed by (scope, subject); subjects such as e-mails are hashed."""

    def __init__(self, redis_url: str) -> None:
        from limits.aio.storage import MemoryStorage
        from limits.aio.strategies import MovingWindowRateLimiter

        storage = _redis_py_storage()(
            storage_uri(redis_url), implementation="redispy", key_prefix="pifai"
        )
        self._limiter = MovingWindowRateLimiter(storage)
        self._local = MovingWindowRateLimiter(MemoryStorage())

    @staticmethod
    def _key(subject: str) -> str:
        return hashlib.sha256(subject.lower().encode()).hexdigest()[:32]

    async def _call(self, use: Callable[[MovingWindowRateLimiter], Awaitable[T]]) -> T:
        from limits.errors import StorageError

        try:
            async with asyncio.timeout(REDIS_TIMEOUT_SECONDS):
                return await use(self._limiter)
        except (StorageError, RedisError, OSError, TimeoutError) as exc:
            log.warning("rate_limiter_degraded", backend="memory", error=type(exc).__name__)
            return await use(self._local)

    async def hit(self, rule: str | RateLimitItem, scope: str, subject: str) -> bool:
        item = _parse(rule)
        key = self._key(subject)
        return await self._call(lambda limiter: limiter.hit(item, scope, key))

    async def allows(self, rule: str | RateLimitItem, scope: str, subject: str) -> bool:
        """Whether one more hit would pass (does not count one)."""
        item = _parse(rule)
        key = self._key(subject)
        return await self._call(lambda limiter: limiter.test(item, scope, key))

    async def clear(self, rule: str | RateLimitItem, scope: str, subject: str) -> None:
        item = _parse(rule)
        key = self._key(subject)
        await self._call(lambda limiter: limiter.clear(item, scope, key))

    async def retry_after(self, rule: str | RateLimitItem, scope: str, subject: str) -> int:
        """Seconds until the window lets `subject` through again (at least 1)."""
        item = _parse(rule)
        key = self._key(subject)
        stats = await self._call(lambda limiter: limiter.get_window_stats(item, scope, key))
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def enforce(self, rule: str, scope: str, subject: str | None) -> None:
        """Raise 429 (with Retry-After) once `subject` has used up `rule` within the window."""
        if subject and not await self.hit(rule, scope, subject):
            raise too_many(await self.retry_after(rule, scope, subject))
