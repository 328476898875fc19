import asyncio
import math
import time
from collections.abc import Callable

import httpx
import pytest
from redis.asyncio import Redis

from app.integrations.ratelimit import RedisRateLimiter
from app.integrations.toxicology import (
    EchaSource,
    PubChemSource,
    SourceResult,
    SourceStatus,
    SubstanceRef,
    gather_sources,
)

ClientFactory = Callable[..., httpx.AsyncClient]  # the `mock_client` fixture
REF = SubstanceRef(inci_name="Phenoxyethanol", cas="122-99-6")


class StaticSource:
    def __init__(self, name: str, *, delay: float = 0.0, error: Exception | None = None) -> None:
        self.name = name
        self.delay = delay
        self.error = error

    async def fetch(self, ref: SubstanceRef) -> SourceResult:
        await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return SourceResult.no_data(self.name)


async def test_results_keep_source_order_and_exceptions_become_unavailable() -> None:
    results = await gather_sources(
        [StaticSource("a"), StaticSource("b", error=RuntimeError("boom")), StaticSource("c")], REF
    )
    assert [(r.source, r.status) for r in results] == [
        ("a", SourceStatus.NO_DATA),
        ("b", SourceStatus.UNAVAILABLE),
        ("c", SourceStatus.NO_DATA),
    ]
    assert results[1].error == "RuntimeError: boom"


class MeetingSource(StaticSource):
    """Answers only once every source of the batch is in flight at the same time."""

    def __init__(self, name: str, barrier: asyncio.Barrier) -> None:
        super().__init__(name)
        self.barrier = barrier

    async def fetch(self, ref: SubstanceRef) -> SourceResult:
        await self.barrier.wait()
        return await super().fetch(ref)


async def test_sources_are_queried_concurrently() -> None:
    # sequential queries would leave the first source waiting at the barrier (the bound is a
    # guard against a hang, not a timing assertion)
    barrier = asyncio.Barrier(4)
    sources = [MeetingSource(str(i), barrier) for i in range(4)]
    results = await asyncio.wait_for(gather_sources(sources, REF), timeout=30)
    assert [r.status for r in results] == [SourceStatus.NO_DATA] * 4


async def test_pubchem_timing_out_leaves_the_other_sources_intact(
    mock_client: ClientFactory,
) -> None:
    def pubchem_times_out(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    def echa_has_nothing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"items": [], "state": {"totalItems": 0}})

    sources = [
        PubChemSource(
            mock_client(pubchem_times_out, hosts=["pubchem.ncbi.nlm.nih.gov"]), backoff=0.01
        ),
        EchaSource(mock_client(echa_has_nothing, hosts=["chem.echa.europa.eu"])),
    ]
    pubchem, echa = await gather_sources(sources, REF)
    assert pubchem.status is SourceStatus.UNAVAILABLE and "ReadTimeout" in (pubchem.error or "")
    assert echa.status is SourceStatus.NO_DATA


@pytest.mark.infra
async def test_batch_of_30_respects_the_shared_5_per_second_limit(
    mock_client: ClientFactory, redis_client: Redis, limiter_key: str
) -> None:
    # Identity-only mode (include_safety=False) makes exactly one PubChem call per substance,
    # so the batch is 30 calls (~5.5 s); the full mode (3 calls each) would take ~18 s.
    substances, calls_per_substance, latency = 30, 1, 0.2
    request_times: list[float] = []

    async def pubchem(request: httpx.Request) -> httpx.Response:
        request_times.append(time.monotonic())
        await asyncio.sleep(latency)
        cid = int(request.content.decode().removeprefix("name=50-00-"))
        row = {"CID": 1000 + cid, "MolecularFormula": "CH2O", "MolecularWeight": "30.03"}
        return httpx.Response(200, json={"PropertyTable": {"Properties": [row]}})

    limiter = RedisRateLimiter(redis_client, key=limiter_key, limit=5, period=1.0)
    source = PubChemSource(
        mock_client(pubchem, hosts=["pubchem.ncbi.nlm.nih.gov"]),
        limiter=limiter,
        include_safety=False,
    )
    refs = [SubstanceRef(inci_name=f"Substance {i}", cas=f"50-00-{i % 10}") for i in range(30)]

    started = time.monotonic()
    batches = await asyncio.gather(*(gather_sources([source], ref) for ref in refs))
    elapsed = time.monotonic() - started

    calls = substances * calls_per_substance
    assert len(request_times) == calls
    assert all(result.status is SourceStatus.OK for (result,) in batches)
    # the limit lets 5 calls start per window, so the last burst starts after
    # ceil(calls / 5) - 1 windows and finishes one call latency later
    bound = (math.ceil(calls / limiter.limit) - 1) * limiter.window + latency
    # a lower bound only (an upper one would measure machine load); the limiter's exact
    # schedule is proven on a virtual clock in test_shared_ratelimit.py
    assert elapsed >= bound
    times = sorted(request_times)
    assert all(later - earlier >= 1.0 for earlier, later in zip(times, times[5:], strict=False))
