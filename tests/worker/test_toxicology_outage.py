"""Issue 17 item 10: with every toxicology source down, nothing reads as finished.

Through the HTTP API: the batch task says the sources were unavailable and when they are
retried; Items 9/10 wait (`pending_retry`, no confidence) instead of reading `ai_draft_ready`;
the product's tasks list the scheduled retries; progress moves per ingredient while the batch
runs; once the sources answer, the retries run and the items become a real draft.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from httpx import AsyncClient
from redis.asyncio import Redis
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.database import Database
from app.models import PifDocument, Product, Task
from app.services.toxicology import jobs as tox_jobs
from app.worker.sweeper import sweep
from tests.factories import Actor, make_actor, make_product, poll_task
from tests.safety_support import SwitchableSources
from tests.worker.conftest import running_worker

pytestmark = pytest.mark.usefixtures("reference_data")

DOWN = "sources unavailable (comptox, echa, pubchem) for 3 of 3 ingredients"
LINES = [
    {"raw_name": "Phenoxyethanol", "inci_name": "PHENOXYETHANOL", "cas": "122-99-6"},
    {"raw_name": "Glycerin", "inci_name": "GLYCERIN", "cas": "56-81-5"},
    {"raw_name": "Niacinamide", "inci_name": "NIACINAMIDE", "cas": "98-92-0"},
]


async def _confirmed_formula(client: AsyncClient, actor: Actor, product_id: object) -> None:
    lines = [{**line, "concentration_pct": "0.5"} for line in LINES]
    put = await client.put(
        f"/api/v1/products/{product_id}/pif/3",
        json={"data": {"ingredients": lines}, "confirm": True},
        headers=actor.headers,
    )
    assert put.status_code == 200, put.text


async def _outage_product(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[SwitchableSources, Actor, Product]:
    """Every toxicology source down, and a product whose formula (Item 3) is confirmed."""
    sources = SwitchableSources(down=True)
    monkeypatch.setattr(tox_jobs, "build_sources", sources)
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    await _confirmed_formula(client, actor, product.id)
    return sources, actor, product


async def _until(
    probe: Callable[[], Awaitable[Any]], ok: Callable[[Any], bool], *, timeout: float = 60
) -> Any:
    deadline = time.monotonic() + timeout  # a bound against a hang, not a timing assertion
    while not ok(seen := await probe()):
        assert time.monotonic() < deadline, seen
        await asyncio.sleep(0.05)
    return seen


def _retried(item: dict[str, Any], *, attempt: int) -> bool:
    task = item["analysis_task"]
    return bool(task["attempts"] == attempt and task["status"] == "pending_retry")


def _steps_done(task: dict[str, Any], *, done: int) -> bool:
    return bool((task["detail"] or {}).get("ingredients_done") == done)


async def _retries_due_now(settings: Settings, owner: AsyncSession, product_id: object) -> None:
    await owner.execute(
        update(Task)
        .where(
            Task.product_id == product_id,
            Task.status == "pending",
            Task.next_attempt_at.is_not(None),
        )
        .values(next_attempt_at=datetime.now(UTC))
    )
    await owner.commit()
    db, redis = Database.connect(settings), Redis.from_url(str(settings.redis_url))
    try:
        assert await sweep(db, redis, grace_seconds=0) >= 1
    finally:
        await redis.aclose()
        await db.dispose()


async def test_every_source_down_is_shown_as_waiting_then_drafted_when_sources_return(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    fast_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sources, actor, product = await _outage_product(client, owner_session, settings, monkeypatch)
    base = f"/api/v1/products/{product.id}"
    response = await client.post(
        f"{base}/pif/analyze", json={"item_numbers": [9, 10]}, headers=actor.headers
    )
    assert response.status_code == 202, response.text
    batch_ids = response.json()["task_ids"]
    before = datetime.now(UTC)

    async def item(n: int) -> dict[str, Any]:
        body: dict[str, Any] = (await client.get(f"{base}/pif/{n}", headers=actor.headers)).json()
        return body

    async def listed(query: str = "") -> list[dict[str, Any]]:
        url = f"/api/v1/tasks?product_id={product.id}{query}"
        page = await client.get(url, headers=actor.headers)
        assert page.status_code == 200, page.text
        items: list[dict[str, Any]] = page.json()["items"]
        return items

    async with running_worker(fast_settings):
        batches = [(await poll_task(client, actor, f"/api/v1/tasks/{i}"))[0] for i in batch_ids]

        # 1. the batch task (done: a fail-soft run) says plainly what happened and when next
        for task in batches:
            assert task["status"] == "done", task
            detail = task["detail"]
            assert detail["outcome"] == "on_hold" and detail["sources_unavailable"] is True
            assert detail["sources"] == ["comptox", "echa", "pubchem"]
            assert detail["ingredients_without_data"] == [line["inci_name"] for line in LINES]
            assert detail["ingredients_done"] == detail["ingredients_total"] == len(LINES)
            retry_at = datetime.fromisoformat(detail["retry_at"])
            wait = timedelta(minutes=settings.toxicology_retry_minutes)
            assert before + wait - timedelta(minutes=1) < retry_at <= datetime.now(UTC) + wait
            message = task["message"]
            assert DOWN in message
            assert f"retry at {retry_at:%Y-%m-%d %H:%M} UTC" in message

        # 2. Items 9 and 10 are not finished drafts: they wait, with the reason and the time
        overview = (await client.get(f"{base}/pif", headers=actor.headers)).json()
        summaries = {i["item_number"]: i for i in overview["items"]}
        for n in (9, 10):
            detail_item, summary = await item(n), summaries[n]
            for shown in (detail_item, summary):
                assert shown["status"] == "ai_processing", shown
                assert shown["pending_retry"] is True and shown["ai_confidence"] is None
                assert shown["next_attempt_at"]
                reason = shown["status_reason"]
                assert (
                    "sources unavailable (comptox, echa, pubchem) for 3 of 3 ingredients" in reason
                )
                due = datetime.fromisoformat(shown["next_attempt_at"])
                assert f"retry at {due:%Y-%m-%d %H:%M} UTC" in reason
            analysis = detail_item["analysis_task"]
            assert analysis["status"] == "pending_retry" and analysis["id"] not in batch_ids
            assert analysis["next_attempt_at"] == detail_item["next_attempt_at"]
            assert detail_item["ai_draft"]["provisional"] is True  # readable, marked so
            assert "ai_draft_ready" not in detail_item["allowed_transitions"]

        # 3. the product's tasks list every scheduled retry with its next attempt time
        waiting = await listed("&status=pending_retry")
        kinds = sorted(t["type"] for t in waiting)
        assert kinds == ["toxicology.batch"] * 2 + ["toxicology.refresh"] * len(LINES)
        assert all(t["status"] == "pending_retry" and t["next_attempt_at"] for t in waiting)
        assert all("retry at" in t["message"] for t in waiting)
        refreshes = [t for t in waiting if t["type"] == "toxicology.refresh"]
        assert all(t["message"].startswith("Toxicology sources unavailable") for t in refreshes)
        every = {t["id"] for t in await listed()}
        assert {t["id"] for t in waiting} <= every and set(batch_ids) <= every
        assert {t["id"] for t in await listed("&status=done")} == set(batch_ids)
        scheduled = {i for task in batches for i in task["detail"]["retry_task_ids"]}
        assert scheduled == {t["id"] for t in waiting}

        # 5. the sources come back: the retries run, the items become a real draft
        sources.down = False
        await _retries_due_now(fast_settings, owner_session, product.id)
        for n in (9, 10):
            ready = await _until(partial(item, n), lambda i: i["status"] == "ai_draft_ready")
            assert ready["pending_retry"] is False and ready["next_attempt_at"] is None
            assert ready["ai_confidence"] == 1.0
            assert "provisional" not in ready["ai_draft"]
            assert ready["analysis_task"]["status"] == "done"
            assert ready["analysis_task"]["detail"]["outcome"] == "complete"
            assert ready["pending_retries"] == []
        await _until(listed, lambda ts: all(t["status"] == "done" for t in ts))
    item9 = await item(9)
    assert item9["ai_draft"]["ingredients"][0]["citation"] == "PubChem CID 31236"
    item10 = await item(10)
    assert item10["ai_draft"]["sources_unavailable"] == []
    assert item10["ai_draft"]["ingredients"][0]["sources"]["pubchem"]["status"] == "ok"
    assert await listed("&status=pending_retry") == []
    again = (await client.get(f"/api/v1/tasks/{batch_ids[0]}", headers=actor.headers)).json()
    assert again["detail"]["retry_at"] is None  # read live: nothing is waiting any more
    assert "the scheduled retries have run" in again["message"]


async def test_still_down_after_the_retries_ends_in_a_marked_fail_soft_draft(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    fast_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tox_jobs, "build_sources", SwitchableSources(down=True))
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    await _confirmed_formula(client, actor, product.id)
    base = f"/api/v1/products/{product.id}"
    response = await client.post(
        f"{base}/pif/analyze", json={"item_number": 9}, headers=actor.headers
    )
    assert response.status_code == 202, response.text

    async def item() -> dict[str, Any]:
        body: dict[str, Any] = (await client.get(f"{base}/pif/9", headers=actor.headers)).json()
        return body

    async with running_worker(fast_settings):
        await poll_task(client, actor, response.headers["Location"])
        retry = (await item())["analysis_task"]
        for attempt in range(1, retry["max_attempts"]):
            await _retries_due_now(fast_settings, owner_session, product.id)
            waiting = await _until(item, partial(_retried, attempt=attempt))
            assert waiting["status"] == "ai_processing" and waiting["pending_retry"] is True
            assert "retry at" in waiting["status_reason"]
            assert "sources unavailable" in waiting["analysis_task"]["error"]
        await _retries_due_now(fast_settings, owner_session, product.id)
        final = await _until(item, lambda i: i["status"] == "ai_draft_ready")
    assert final["pending_retry"] is False and final["analysis_task"]["id"] == retry["id"]
    assert final["analysis_task"]["detail"]["outcome"] == "gaps_after_retries"
    assert "still after 3 retries" in final["status_reason"]
    assert final["ai_confidence"] == 0.0 and "data gaps" in final["status_reason"]
    assert "data gaps" in final["analysis_task"]["message"]


async def test_progress_moves_per_ingredient_while_the_batch_runs(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    fast_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gates = {line["cas"]: asyncio.Event() for line in LINES}
    monkeypatch.setattr(tox_jobs, "build_sources", SwitchableSources(down=False, gates=gates))
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    await _confirmed_formula(client, actor, product.id)
    response = await client.post(
        f"/api/v1/products/{product.id}/pif/analyze",
        json={"item_number": 9},
        headers=actor.headers,
    )
    assert response.status_code == 202, response.text
    location = response.headers["Location"]

    async def task() -> dict[str, Any]:
        body: dict[str, Any] = (await client.get(location, headers=actor.headers)).json()
        return body

    seen: list[tuple[int, int]] = []
    async with running_worker(fast_settings):
        for done, line in enumerate(LINES):
            shown = await _until(task, partial(_steps_done, done=done))
            assert shown["status"] == "processing"
            assert shown["detail"]["ingredients_total"] == len(LINES)
            assert shown["detail"]["phase"] == "lookup"
            assert shown["message"] == f"{done} of {len(LINES)} ingredients looked up"
            seen.append((done, shown["progress"]))
            gates[line["cas"]].set()
        finished, _ = await poll_task(client, actor, location)
    assert finished["status"] == "done" and finished["progress"] == 100
    assert finished["detail"]["ingredients_done"] == len(LINES)
    assert finished["detail"]["outcome"] == "complete"
    progress = [p for _, p in seen]
    assert progress == sorted(progress) and len(set(progress)) == len(LINES), seen
    assert progress[0] == 0 and progress[-1] < 100


async def test_a_retry_finding_the_item_moved_on_does_nothing(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    fast_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sources, actor, product = await _outage_product(client, owner_session, settings, monkeypatch)
    url = f"/api/v1/products/{product.id}/pif/9"
    response = await client.post(
        f"/api/v1/products/{product.id}/pif/analyze", json={"item_number": 9}, headers=actor.headers
    )
    assert response.status_code == 202, response.text
    async with running_worker(fast_settings):
        await poll_task(client, actor, response.headers["Location"])
        retry = (await client.get(url, headers=actor.headers)).json()["analysis_task"]
        await owner_session.execute(
            update(PifDocument)
            .where(PifDocument.product_id == product.id, PifDocument.item_number == 9)
            .values(status="uploaded", status_reason="moved on")
        )
        await owner_session.commit()
        sources.down = False
        await _retries_due_now(fast_settings, owner_session, product.id)
        ran, _ = await poll_task(client, actor, f"/api/v1/tasks/{retry['id']}")
    assert ran["status"] == "done" and ran["result"]["skipped"] == "item moved on"
    item = (await client.get(url, headers=actor.headers)).json()
    assert item["status"] == "uploaded" and item["status_reason"] == "moved on"
