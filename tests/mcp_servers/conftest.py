"""MCP server fixtures: ToolDeps over the worker's test database (app role, no org)."""

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from app.core.config import Settings
from app.core.database import Database
from app.integrations.http import build_client
from app.services.reference.deps import ToolDeps
from app.services.regulatory import RuleIndexCache

Handler = Callable[[httpx.Request], httpx.Response]
ClientFactory = Callable[[Handler, list[str]], httpx.AsyncClient]


@pytest.fixture(scope="session")
def database(settings: Settings, app_engine: AsyncEngine) -> Database:
    """The production session path (`Database.tenant(None)`) over the app-role engine."""
    return Database(app_engine, async_sessionmaker(app_engine, expire_on_commit=False), settings)


@pytest.fixture(scope="session")
def rule_cache() -> RuleIndexCache:
    return RuleIndexCache()


@pytest.fixture
def deps(database: Database, rule_cache: RuleIndexCache, reference_data: None) -> ToolDeps:
    """Local reference data only: no PubChem or ECHA source."""
    return ToolDeps(sessions=lambda: database.tenant(None), rule_cache=rule_cache)


@pytest.fixture
async def mock_http() -> AsyncIterator[ClientFactory]:
    """Allow-listed clients over httpx.MockTransport: no test touches the network."""
    clients: list[httpx.AsyncClient] = []

    def factory(handler: Handler, hosts: list[str]) -> httpx.AsyncClient:
        client = build_client(
            allowed_hosts=hosts,
            timeout=5.0,
            user_agent="pifai/0.1 (+mailto:test@example.org)",
            transport=httpx.MockTransport(handler),
        )
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.aclose()
