"""Shared plumbing for HTTP toxicology sources: limiter, timeout, retry, fail-soft fetch."""

from abc import ABC, abstractmethod
from typing import Any

import httpx
import structlog
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from app.integrations.ratelimit import RateLimiter, RateLimiterError
from app.integrations.toxicology.base import SourceResult, SubstanceRef

log = structlog.get_logger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code in RETRY_STATUSES
    # OutboundPolicyError is a RequestError but not a TransportError: never retried
    return isinstance(exc, httpx.TransportError)


class HttpToxSource(ABC):
    """Subclasses implement `_lookup`; `fetch` turns any failure into an `unavailable` result."""

    name: str

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        timeout: float,
        retries: int = 1,
        backoff: float = 0.5,
        limiter: RateLimiter | None = None,
    ) -> None:
        self._client = client
        self._timeout = timeout
        self._attempts = retries + 1
        self._backoff = backoff
        self._limiter = limiter

    async def fetch(self, ref: SubstanceRef) -> SourceResult:
        """Look the substance up; never raises, failures come back as `unavailable`."""
        try:
            return await self._lookup(ref)
        except (httpx.HTTPError, RateLimiterError, ValueError) as exc:
            # ValueError covers undecodable JSON; the message never holds an API key
            error = f"{type(exc).__name__}: {exc}"
            log.warning("toxicology.source_unavailable", source=self.name, error=error)
            return SourceResult.unavailable(self.name, error)

    @abstractmethod
    async def _lookup(self, ref: SubstanceRef) -> SourceResult: ...

    async def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send with the limiter and timeout; retry 429/5xx/timeouts with exponential backoff.

        Returns responses below 500 (callers decide what 404 means); raises after the last try.
        """
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential(multiplier=self._backoff),
            retry=retry_if_exception(_is_transient),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                if self._limiter is not None:
                    await self._limiter.acquire()  # every try is a request the remote counts
                response = await self._client.request(method, url, timeout=self._timeout, **kwargs)
                if response.status_code in RETRY_STATUSES:
                    response.raise_for_status()
        return response

    async def _get_json(self, url: str, **kwargs: Any) -> Any | None:
        """GET JSON; None on 404 (the source has no such record), raise on other errors."""
        response = await self._request("GET", url, **kwargs)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()
