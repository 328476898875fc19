"""Build the configured toxicology sources with the shared outbound client and rate limit."""

import httpx
from redis.asyncio import Redis

from app.core.config import Settings
from app.integrations.http import build_client, default_user_agent
from app.integrations.ratelimit import RedisRateLimiter
from app.integrations.toxicology import (
    CompToxSource,
    EchaSource,
    EChemPortalSource,
    PubChemSource,
    ToxSource,
)

HOSTS = {
    "pubchem": "pubchem.ncbi.nlm.nih.gov",
    "echa": "chem.echa.europa.eu",
    "echemportal": "www.echemportal.org",
    "comptox": "comptox.epa.gov",
}
PUBCHEM_LIMIT_KEY = "ratelimit:pubchem"  # shared by every worker process


def build_sources(
    settings: Settings, redis: Redis, *, transport: httpx.AsyncBaseTransport | None = None
) -> tuple[list[ToxSource], list[httpx.AsyncClient]]:
    """The enabled sources plus the clients the caller must close."""
    clients: list[httpx.AsyncClient] = []
    sources: list[ToxSource] = []

    def client(name: str, timeout: float) -> httpx.AsyncClient:
        made = build_client(
            allowed_hosts=[HOSTS[name]],
            timeout=timeout,
            user_agent=default_user_agent(settings.contact_email),
            transport=transport,
        )
        clients.append(made)
        return made

    enabled = set(settings.toxicology_sources)
    if "pubchem" in enabled:
        limiter = RedisRateLimiter(
            redis, key=PUBCHEM_LIMIT_KEY, limit=settings.pubchem_requests_per_second
        )
        sources.append(PubChemSource(client("pubchem", 5.0), limiter=limiter))
    if "echa" in enabled:
        key = settings.echa_api_key.get_secret_value() if settings.echa_api_key else None
        sources.append(EchaSource(client("echa", 10.0), api_key=key))
    if "echemportal" in enabled:
        sources.append(EChemPortalSource(client("echemportal", 10.0)))
    if "comptox" in enabled and settings.comptox_api_key is not None:
        key = settings.comptox_api_key.get_secret_value()
        sources.append(CompToxSource(client("comptox", 10.0), api_key=key))
    return sources, clients
