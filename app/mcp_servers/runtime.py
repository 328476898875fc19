"""Production wiring of `ToolDeps`: the app-role database, and optional remote sources."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from redis.asyncio import Redis

from app.core.config import Settings
from app.core.database import Database
from app.integrations.http import build_client, default_user_agent
from app.integrations.ratelimit import RedisRateLimiter
from app.integrations.toxicology import EchaSource, PubChemSource
from app.services.reference.deps import ToolDeps
from app.services.regulatory import RuleIndexCache

PUBCHEM_HOST = "pubchem.ncbi.nlm.nih.gov"
ECHA_HOST = "chem.echa.europa.eu"
# PubChem allows 5 requests/s per IP; this key shares that budget with every other process.
PUBCHEM_RATE_LIMIT_KEY = "ratelimit:pubchem"
PUBCHEM_RATE_LIMIT = 5


@dataclass(frozen=True, slots=True)
class RemoteOptions:
    """Which remote sources the server may call (both fail soft when unreachable)."""

    pubchem: bool = True
    echa: bool = True
    echa_api_key: str | None = None
    contact_email: str | None = None


@asynccontextmanager
async def production_deps(settings: Settings, remote: RemoteOptions) -> AsyncIterator[ToolDeps]:
    """ToolDeps over the app role (no org: only shared reference data is visible)."""
    database = Database.connect(settings)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(database.dispose)
        user_agent = default_user_agent(remote.contact_email)
        pubchem = echa = None
        if remote.pubchem:
            client = build_client(allowed_hosts=[PUBCHEM_HOST], timeout=5.0, user_agent=user_agent)
            stack.push_async_callback(client.aclose)
            limiter = None
            if settings.redis_url:
                redis = Redis.from_url(settings.redis_url)
                stack.push_async_callback(redis.aclose)
                limiter = RedisRateLimiter(
                    redis, key=PUBCHEM_RATE_LIMIT_KEY, limit=PUBCHEM_RATE_LIMIT
                )
            pubchem = PubChemSource(client, limiter=limiter)
        if remote.echa:
            client = build_client(allowed_hosts=[ECHA_HOST], timeout=10.0, user_agent=user_agent)
            stack.push_async_callback(client.aclose)
            echa = EchaSource(client, api_key=remote.echa_api_key)
        yield ToolDeps(
            sessions=lambda: database.tenant(None),
            rule_cache=RuleIndexCache(),
            pubchem=pubchem,
            echa=echa,
        )
