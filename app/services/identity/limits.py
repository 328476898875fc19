"""Abuse limits on sign-in endpoints: the `limits` library on Redis (async, redis-py client)."""

import hashlib

from limits import parse
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter

from app.core.errors import TooManyRequests


def storage_uri(redis_url: str) -> str:
    """Map redis:// / rediss:// / unix:// URLs to the async schemes of `limits`."""
    for plain, scheme in (("unix://", "async+redis+unix://"), ("rediss://", "async+rediss://")):
        if redis_url.startswith(plain):
            return scheme + redis_url[len(plain) :]
    if redis_url.startswith("redis://"):
        return "async+redis://" + redis_url[len("redis://") :]
    return redis_url


class RateLimiter:
    """Moving-window limits keyed by (scope, subject); subjects such as e-mails are hashed."""

    def __init__(self, redis_url: str) -> None:
        storage = RedisStorage(storage_uri(redis_url), implementation="redispy", key_prefix="pifai")
        self._limiter = MovingWindowRateLimiter(storage)

    async def hit(self, rule: str, scope: str, subject: str) -> bool:
        key = hashlib.sha256(subject.lower().encode()).hexdigest()[:32]
        return await self._limiter.hit(parse(rule), scope, key)

    async def enforce(self, rule: str, scope: str, subject: str | None) -> None:
        """Raise 429 once `subject` has used up `rule` within the window."""
        if subject and not await self.hit(rule, scope, subject):
            raise TooManyRequests("Too many attempts; try again later")
