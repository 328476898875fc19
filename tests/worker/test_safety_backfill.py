"""EPA ToxValDB back-fill (spec 06 §2): a line without an authoritative NOAEL is looked up in
CompTox and kept as a re-grounded anchor for its CAS; CompTox down → a pending retry."""

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.integrations.http import build_client
from app.integrations.toxicology import CompToxSource, ToxSource
from app.models import Task, ToxAnchor
from app.services.toxicology import jobs as tox_jobs
from tests.factories import make_actor, make_product, poll_task
from tests.worker.conftest import running_worker

pytestmark = pytest.mark.usefixtures("reference_data")
DTXSID = "DTXSID-fixture-glycerin"


def _comptox_answers(request: httpx.Request) -> httpx.Response:
    if request.url.path.startswith("/ctx-api/chemical/search/equal/"):
        return httpx.Response(200, json=[{"dtxsid": DTXSID, "casrn": "56-81-5"}])
    record = {
        "dtxsid": DTXSID,
        "humanEco": "human health",
        "toxvalType": "NOAEL",
        "toxvalNumericQualifier": "=",
        "toxvalNumeric": 1000.0,
        "toxvalUnits": "mg/kg-day",
        "source": "fixture study",
    }
    return httpx.Response(200, json=[record, {**record, "toxvalNumeric": 20000.0}])


def _with_comptox(
    handler: Callable[[httpx.Request], httpx.Response],
) -> Callable[..., tuple[list[ToxSource], list[httpx.AsyncClient]]]:
    def build(settings: Settings, redis: object, **_: object):  # type: ignore[no-untyped-def]
        made = build_client(
            allowed_hosts=["comptox.epa.gov"],
            timeout=5.0,
            user_agent="pifai-test",
            transport=httpx.MockTransport(handler),
        )
        return [CompToxSource(made, api_key="fixture-key", backoff=0.01)], [made]

    return build


async def _run_batch(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, fast: Settings
) -> tuple[dict[str, Any], str]:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    line = {"raw_name": "Glycerin", "inci_name": "GLYCERIN", "cas": "56-81-5",
            "concentration_pct": "5"}  # fmt: skip
    put = await client.put(
        f"/api/v1/products/{product.id}/pif/3",
        json={"data": {"ingredients": [line]}, "confirm": True},
        headers=actor.headers,
    )
    assert put.status_code == 200, put.text
    response = await client.post(
        f"/api/v1/products/{product.id}/pif/analyze",
        json={"item_number": 10},
        headers=actor.headers,
    )
    assert response.status_code == 202, response.text
    async with running_worker(fast):
        task, _ = await poll_task(client, actor, response.headers["Location"])
    assert task["status"] == "done", task
    return task, str(product.id)


async def test_backfill_stores_a_regrounded_anchor(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    fast_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tox_jobs, "build_sources", _with_comptox(_comptox_answers))
    task, _ = await _run_batch(client, owner_session, settings, fast_settings)
    assert task["result"]["backfill"]["stored"] == 1
    [anchor] = (await owner_session.execute(select(ToxAnchor))).scalars().all()
    assert (anchor.cas, anchor.tier, anchor.source) == ("56-81-5", "regrounded", "EPA ToxValDB")
    assert float(anchor.pod_value) == 1000.0  # the 20000 value is above the EPA ceiling
    assert DTXSID in anchor.citation and "fixture study" in anchor.citation


async def test_comptox_down_leaves_a_pending_retry(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    fast_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tox_jobs, "build_sources", _with_comptox(lambda r: httpx.Response(503)))
    task, _ = await _run_batch(client, owner_session, settings, fast_settings)
    assert task["result"]["backfill"] == {"stored": 0, "pending_retry": 1, "not_configured": 0}
    assert (await owner_session.execute(select(ToxAnchor))).scalars().all() == []
    retries = (
        (await owner_session.execute(select(Task).where(Task.type == "toxicology.refresh")))
        .scalars()
        .all()
    )
    assert len(retries) == 1 and retries[0].next_attempt_at is not None


async def test_backfill_retry_task_for_a_line_outside_the_master(
    owner_session: AsyncSession,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from redis.asyncio import Redis

    from app.services.tasks import JobContext, get_handler

    monkeypatch.setattr(tox_jobs, "build_sources", _with_comptox(_comptox_answers))
    task = Task(type="toxicology.backfill", payload={"cas": "56-81-5", "name": "Glycerin"})

    async def progress(_: int) -> None:
        return None

    redis = Redis.from_url(str(settings.redis_url))
    try:
        ctx = JobContext(owner_session, task, settings, progress, redis)
        result = await get_handler("toxicology.backfill").handler(ctx)
    finally:
        await redis.aclose()
    assert result is not None and result["backfill"]["stored"] == 1
    [anchor] = (await owner_session.execute(select(ToxAnchor))).scalars().all()
    assert anchor.cas == "56-81-5" and anchor.tier == "regrounded"
