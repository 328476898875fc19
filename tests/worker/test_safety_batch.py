"""Item 10 batch with every toxicology source down: it completes, the item waits for its retry,
and once the retries are spent each line says why it has no number, the verdict rows are stored,
and only the SA may confirm the open draft."""

from datetime import UTC, datetime

import pytest
from httpx import AsyncClient
from redis.asyncio import Redis
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.database import Database
from app.models import IngredientVerdict, Task
from app.models.enums import Role
from app.services.toxicology import jobs as tox_jobs
from app.worker.sweeper import sweep
from tests.factories import auth_headers, make_actor, make_product, make_user, poll_task
from tests.safety_support import all_sources_down
from tests.worker.conftest import running_worker

pytestmark = pytest.mark.infra


async def test_all_sources_down(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    fast_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tox_jobs, "build_sources", all_sources_down)
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    lines = [
        {
            "raw_name": "Glycerin",
            "inci_name": "GLYCERIN",
            "cas": "56-81-5",
            "concentration_pct": "5",
        },
        {
            "raw_name": "Mercuric chloride",
            "inci_name": "MERCURIC CHLORIDE",
            "cas": "7487-94-7",
            "concentration_pct": "0.0001",
        },
    ]
    put = await client.put(
        f"/api/v1/products/{product.id}/pif/3",
        json={"data": {"ingredients": lines}, "confirm": True},
        headers=actor.headers,
    )
    assert put.status_code == 200, put.text
    response = await client.post(
        f"/api/v1/products/{product.id}/pif/analyze",
        json={"item_number": 10},
        headers=actor.headers,
    )
    assert response.status_code == 202, response.text
    url = f"/api/v1/products/{product.id}/pif/10"
    async with running_worker(fast_settings):
        task, _ = await poll_task(client, actor, response.headers["Location"])
        assert task["status"] == "done", task
        waiting = (await client.get(url, headers=actor.headers)).json()
        assert waiting["status"] == "ai_processing" and waiting["pending_retry"] is True
        # still down on the retry's last attempt: the fail-soft draft, data gaps marked
        retry_id = waiting["analysis_task"]["id"]
        await owner_session.execute(
            update(Task)
            .where(Task.id == retry_id)
            .values(attempts=Task.max_attempts - 1, next_attempt_at=datetime.now(UTC))
        )
        await owner_session.commit()
        db, redis = Database.connect(fast_settings), Redis.from_url(str(settings.redis_url))
        try:
            assert await sweep(db, redis, grace_seconds=0) >= 1
        finally:
            await redis.aclose()
            await db.dispose()
        await poll_task(client, actor, f"/api/v1/tasks/{retry_id}")
    item = (await client.get(url, headers=actor.headers)).json()
    assert item["status"] == "ai_draft_ready" and "data gaps" in item["status_reason"]
    draft = item["ai_draft"]
    glycerin, mercury = draft["safety"]["lines"]
    assert glycerin["verdict"] == "data_gap" and glycerin["basis_label"]
    assert "temporarily unavailable" in glycerin["basis_label"]
    assert "temporarily unavailable" in str(glycerin["review_points"]).lower()
    assert mercury["verdict"] == "prohibited"
    assert draft["ingredients"][1]["risk_level"] == "high"  # never "unknown" when prohibited
    assert all(row["basis_label"] for row in draft["ingredients"])
    assert draft["safety"]["decision"] == "formula_revision_required"
    assert draft["confirmable_by_non_sa"] is False and draft["open_for_sa"]
    stored = (await owner_session.execute(select(IngredientVerdict))).scalars().all()
    assert sorted(v.verdict for v in stored) == ["data_gap", "prohibited"]
    assert all(v.method_label for v in stored)

    confirm = {"data": {"notes": "looks fine"}, "confirm": True}
    refused = await client.put(url, json=confirm, headers=actor.headers)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "sa_must_resolve"
    sa = await make_user(owner_session, actor.org, role=Role.SA)
    await owner_session.commit()
    accepted = await client.put(url, json=confirm, headers=auth_headers(settings, sa))
    assert accepted.status_code == 200, accepted.text


async def test_safety_get_matches_the_batch_rows(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    line = {"raw_name": "Aqua", "inci_name": "AQUA", "concentration_pct": "80"}
    await client.put(
        f"/api/v1/products/{product.id}/pif/3",
        json={"data": {"ingredients": [line]}, "confirm": True},
        headers=actor.headers,
    )
    body = (await client.get(f"/api/v1/products/{product.id}/safety", headers=actor.headers)).json()
    assert body["decision"] == "sa_must_resolve" and body["lines"][0]["basis_label"]
