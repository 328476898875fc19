"""Fixtures for outbound-integration tests: MockTransport clients; Redis is the harness's."""

import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from app.integrations.http import build_client

Handler = Callable[[httpx.Request], Any]
ClientFactory = Callable[..., httpx.AsyncClient]


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
async def limiter_key(redis_client: Redis) -> AsyncIterator[str]:
    """A key no other test (or earlier run) shares, deleted afterwards."""
    key = f"test:ratelimit:{uuid.uuid4().hex}"
    yield key
    await redis_client.delete(key)


@pytest.fixture
async def mock_client() -> AsyncIterator[ClientFactory]:
    """Build allow-listed clients over a MockTransport (sync or async handler); closed after."""
    clients: list[httpx.AsyncClient] = []

    def factory(
        handler: Handler, *, hosts: Iterable[str], timeout: float = 5.0
    ) -> httpx.AsyncClient:
        client = build_client(
            allowed_hosts=hosts,
            timeout=timeout,
            user_agent="pifai/0.1 (+mailto:test@example.org)",
            transport=httpx.MockTransport(handler),
        )
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.aclose()
