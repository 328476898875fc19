"""The toxicology batch over the real cache and the shared Redis limiter (PubChem mocked)."""

import asyncio
import math
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.integrations.http import build_client
from app.integrations.ratelimit import RedisRateLimiter
from app.integrations.toxicology import PubChemSource, SourceStatus, SubstanceRef
from app.models import Ingredient, ToxicologyCache
from app.services.toxicology.pipeline import Lookup, lookup_many

pytestmark = pytest.mark.usefixtures("reference_data", "clean_db")
TTL = timedelta(days=30)
LATENCY = 0.2


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


def _pubchem(handler: httpx.MockTransport, limiter: RedisRateLimiter | None) -> PubChemSource:
    client = build_client(
        allowed_hosts=["pubchem.ncbi.nlm.nih.gov"],
        timeout=5.0,
        user_agent="pifai-test",
        transport=handler,
    )
    return PubChemSource(client, limiter=limiter, include_safety=False, backoff=0.01)


async def _lookups(session: AsyncSession, count: int, offset: int = 0) -> list[Lookup]:
    rows = await session.execute(
        select(Ingredient.id, Ingredient.inci_name, Ingredient.cas_number)
        .where(Ingredient.cas_number.is_not(None))
        .order_by(Ingredient.inci_name_normalized)
        .offset(offset)
        .limit(count)
    )
    return [Lookup(SubstanceRef(inci_name=name, cas=cas), ing_id) for ing_id, name, cas in rows]


async def test_batch_is_rate_limited_then_served_from_cache(
    app_engine: AsyncEngine, redis_client: Redis, owner_session: AsyncSession
) -> None:
    calls: list[float] = []

    async def pubchem(request: httpx.Request) -> httpx.Response:
        calls.append(time.monotonic())
        await asyncio.sleep(LATENCY)
        row = {"CID": len(calls), "MolecularFormula": "C8H10O2", "MolecularWeight": "138.16"}
        return httpx.Response(200, json={"PropertyTable": {"Properties": [row]}})

    limiter = RedisRateLimiter(redis_client, key="test:pubchem:batch", limit=5, period=1.0)
    source = _pubchem(httpx.MockTransport(pubchem), limiter)
    async with AsyncSession(app_engine, expire_on_commit=False) as session, session.begin():
        lookups = await _lookups(session, 30)
        started = time.monotonic()
        first = await lookup_many(session, lookups, [source], ttl=TTL)
        elapsed = time.monotonic() - started
    bound = (math.ceil(30 / limiter.limit) - 1) * limiter.window + LATENCY
    assert len(calls) == 30 and all(f.results[0].status is SourceStatus.OK for f in first)
    # a lower bound only: the limiter's exact schedule is proven on a virtual clock in
    # tests/integrations/test_shared_ratelimit.py; an upper bound would measure machine load
    assert elapsed >= bound
    rows = (await owner_session.execute(select(ToxicologyCache))).scalars().all()
    assert len(rows) == 30 and all(r.expires_at - r.fetched_at == TTL for r in rows)

    async with AsyncSession(app_engine, expire_on_commit=False) as session, session.begin():
        second = await lookup_many(session, lookups, [source], ttl=TTL)
    assert len(calls) == 30  # not one more outbound call
    assert all(f.from_cache == ["pubchem"] and not f.stale for f in second)


async def test_outage_is_reported_and_never_cached(
    app_engine: AsyncEngine, owner_session: AsyncSession
) -> None:
    source = _pubchem(httpx.MockTransport(lambda request: httpx.Response(503)), None)
    async with AsyncSession(app_engine, expire_on_commit=False) as session, session.begin():
        lookups = await _lookups(session, 3, offset=40)
        found = await lookup_many(session, lookups, [source], ttl=TTL)
    assert all(f.unavailable == ["pubchem"] for f in found)
    count = select(func.count()).select_from(ToxicologyCache)
    assert await owner_session.scalar(count) == 0


async def test_expired_entries_are_served_stale(
    app_engine: AsyncEngine, owner_session: AsyncSession
) -> None:
    ok = {"PropertyTable": {"Properties": [{"CID": 1, "MolecularWeight": "18.02"}]}}
    source = _pubchem(httpx.MockTransport(lambda request: httpx.Response(200, json=ok)), None)
    async with AsyncSession(app_engine, expire_on_commit=False) as session, session.begin():
        lookups = await _lookups(session, 1, offset=50)
        await lookup_many(session, lookups, [source], ttl=timedelta(seconds=-1))
        again = await lookup_many(session, lookups, [source], ttl=TTL)
    assert again[0].stale == ["pubchem"] and again[0].from_cache == ["pubchem"]
    row = (await owner_session.execute(select(ToxicologyCache))).scalar_one()
    assert row.data_json["status"] == "ok"
