"""Item 10 analysis end to end: confirmed formula → toxicology batch → cited draft, fail-soft."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from httpx import AsyncClient
from redis.asyncio import Redis
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.database import Database
from app.integrations.http import build_client
from app.integrations.toxicology import EchaSource, PubChemSource, ToxSource
from app.models import Task, ToxicologyCache
from app.services.toxicology import jobs as tox_jobs
from app.worker.sweeper import sweep
from tests.factories import make_actor, make_product, poll_task
from tests.safety_support import all_sources_down
from tests.worker.conftest import running_worker

pytestmark = pytest.mark.usefixtures("reference_data")

PROPERTIES = {
    "CID": 31236,
    "MolecularFormula": "C8H10O2",
    "MolecularWeight": "138.16",
    "XLogP": 1.2,
}


def _sources(
    settings: Settings, redis: object, **_: object
) -> tuple[list[ToxSource], list[httpx.AsyncClient]]:
    def pubchem(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"PropertyTable": {"Properties": [PROPERTIES]}})

    clients = [
        build_client(
            allowed_hosts=[host],
            timeout=5.0,
            user_agent="pifai-test",
            transport=httpx.MockTransport(handler),
        )
        for host, handler in (
            ("pubchem.ncbi.nlm.nih.gov", pubchem),
            ("chem.echa.europa.eu", lambda request: httpx.Response(503)),
        )
    ]
    sources: list[ToxSource] = [
        PubChemSource(clients[0], include_safety=False),
        EchaSource(clients[1], backoff=0.01),
    ]
    return sources, clients


async def test_item10_draft_cites_every_value_and_marks_outages(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    fast_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tox_jobs, "build_sources", _sources)
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    line = {
        "raw_name": "Phenoxyethanol",
        "inci_name": "PHENOXYETHANOL",
        "cas": "122-99-6",
        "concentration_pct": "0.8",
    }
    await client.put(
        f"/api/v1/products/{product.id}/pif/3",
        json={"data": {"ingredients": [line]}, "confirm": True},
        headers=actor.headers,
    )
    response = await client.post(
        f"/api/v1/products/{product.id}/pif/analyze",
        json={"item_number": 10},
        headers=actor.headers,
    )
    assert response.status_code == 202, response.text
    async with running_worker(fast_settings):
        task, _ = await poll_task(client, actor, response.headers["Location"])
    assert task["status"] == "done", task
    assert task["result"]["sources_unavailable"] == ["echa"]
    item = (await client.get(f"/api/v1/products/{product.id}/pif/10", headers=actor.headers)).json()
    assert item["status"] == "ai_draft_ready"
    row = item["ai_draft"]["ingredients"][0]
    assert row["sources"]["echa"] == {
        "status": "unavailable",
        "note": "[source temporarily unavailable]",
    }
    assert row["sources"]["pubchem"]["citation"].startswith("PubChem")
    summary = row["summary"]  # the local engine's structured summary (no API key configured)
    assert summary["sources_unavailable"] == ["echa"] and summary["risk_level"] in (
        "low",
        "medium",
        "high",
        "unknown",
    )
    assert task["result"]["cost_usd"] == 0
    assert item["ai_confidence"] == 0.5
    cached = select(ToxicologyCache.source)
    assert (await owner_session.execute(cached)).scalars().all() == ["pubchem"]
    # the outage degrades to a pending retry of that ingredient, due later, not a failure
    assert task["result"]["retries_scheduled"] == 1
    retry = (
        await owner_session.execute(select(Task).where(Task.type == "toxicology.refresh"))
    ).scalar_one()
    assert retry.status == "pending" and retry.next_attempt_at is not None
    wait = retry.next_attempt_at - datetime.now(UTC)
    assert timedelta(minutes=10) < wait <= timedelta(minutes=settings.toxicology_retry_minutes)
    # and the user sees it, with the product's tasks
    listed = (
        await client.get(f"/api/v1/tasks?product_id={product.id}", headers=actor.headers)
    ).json()
    shown = {t["type"]: t for t in listed["items"]}
    assert shown["toxicology.refresh"]["status"] == "pending_retry"
    assert shown["toxicology.refresh"]["next_attempt_at"] is not None


def _retried(task: dict[str, Any]) -> bool:
    return bool(task["status"] == "pending_retry" and task["attempts"] >= 1)


async def test_every_source_down_retries_show_as_pending_retry_on_task_and_item(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    fast_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tox_jobs, "build_sources", all_sources_down)
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    line = {"raw_name": "Phenoxyethanol", "inci_name": "PHENOXYETHANOL", "cas": "122-99-6"}
    line["concentration_pct"] = "0.8"
    await client.put(
        f"/api/v1/products/{product.id}/pif/3",
        json={"data": {"ingredients": [line]}, "confirm": True},
        headers=actor.headers,
    )
    response = await client.post(
        f"/api/v1/products/{product.id}/pif/analyze",
        json={"item_numbers": [9, 10]},
        headers=actor.headers,
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert len(body["task_ids"]) == 2 and body["task_ids"][0] == body["task_id"]
    base = f"/api/v1/products/{product.id}"

    async def listed() -> dict[str, list[dict[str, Any]]]:
        page = await client.get(f"/api/v1/tasks?product_id={product.id}", headers=actor.headers)
        by_type: dict[str, list[dict[str, Any]]] = {}
        for task in page.json()["items"]:
            by_type.setdefault(task["type"], []).append(task)
        return by_type

    async with running_worker(fast_settings):
        for task_id in body["task_ids"]:
            await poll_task(client, actor, f"/api/v1/tasks/{task_id}")
        # the ingredient's refresh is a visible scheduled retry, on the task list and the item
        [retry] = (await listed())["toxicology.refresh"]
        assert retry["status"] == "pending_retry" and retry["next_attempt_at"]
        item = (await client.get(f"{base}/pif/10", headers=actor.headers)).json()
        # the item's analysis itself waits too: a retry of the batch, just after the refresh
        assert item["analysis_task"]["status"] == "pending_retry"
        assert item["analysis_task"]["id"] not in body["task_ids"]
        shown = [(r["type"], r["id"]) for r in item["pending_retries"]]
        assert shown[0] == ("toxicology.refresh", retry["id"])
        assert sorted(t for t, _ in shown[1:]) == ["toxicology.batch"] * 2

        # due now, it meets the sources still down: a failed attempt, the next one scheduled
        await owner_session.execute(
            update(Task).where(Task.id == retry["id"]).values(next_attempt_at=datetime.now(UTC))
        )
        await owner_session.commit()
        db, redis = Database.connect(fast_settings), Redis.from_url(str(settings.redis_url))
        try:
            assert await sweep(db, redis, grace_seconds=0) >= 1  # published now, not in 15 min
        finally:
            await redis.aclose()
            await db.dispose()
        deadline = datetime.now(UTC) + timedelta(seconds=60)
        while not _retried(again := (await listed())["toxicology.refresh"][0]):
            assert datetime.now(UTC) < deadline, again
            await asyncio.sleep(0.05)
    assert again["status"] == "pending_retry", again
    assert "sources unavailable" in str(again["error"])
    due = datetime.fromisoformat(str(again["next_attempt_at"])) - datetime.now(UTC)
    assert timedelta(minutes=10) < due <= timedelta(minutes=settings.toxicology_retry_minutes)


async def test_item10_needs_a_confirmed_formula(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    """Issue 17 item 10: analyze checks "Item 3 confirmed" before answering 202."""
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    response = await client.post(
        f"/api/v1/products/{product.id}/pif/analyze",
        json={"item_numbers": [9, 10]},
        headers=actor.headers,
    )
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert (
        error["code"] == "analysis_precondition"
        and "Confirm the Item 3 formula" in error["message"]
    )
    assert set(error["details"]["items"]) == {"9", "10"}
    item = (await client.get(f"/api/v1/products/{product.id}/pif/10", headers=actor.headers)).json()
    assert item["status"] == "missing"  # nothing moved, nothing enqueued
    listed = (await client.get("/api/v1/tasks", headers=actor.headers)).json()
    assert not [t for t in listed.get("items", listed) if t.get("product_id") == str(product.id)]
    assert await owner_session.scalar(select(func.count()).select_from(ToxicologyCache)) == 0
