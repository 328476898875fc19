"""Task polling at the route boundary, the 202 helper, and enqueue with Redis down."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis.asyncio as redis_asyncio
from fastapi import APIRouter, FastAPI, Response
from httpx import ASGITransport, AsyncClient
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.api.accepted import ACCEPTED, accepted
from app.api.deps import CurrentPrincipal, Jobs, TenantSession, get_redis
from app.core.config import Settings
from app.core.database import Database
from app.core.jobs import JobBuffer
from app.core.queue import stream_name
from app.main import create_app
from app.models.platform import Task
from app.schemas.tasks import TaskAccepted
from app.services import tasks
from app.worker.runner import Runner
from tests.factories import Actor, make_actor

pytestmark = pytest.mark.infra


async def _enqueue(settings: Settings, org_id: uuid.UUID, **kwargs: Any) -> Task:
    db = Database.connect(settings)
    try:
        async with db.tenant(org_id) as session:
            return await tasks.enqueue(
                session, JobBuffer(), org_id=org_id, type="tasks.echo", payload={}, **kwargs
            )
    finally:
        await db.dispose()


async def _product(owner: AsyncSession, org_id: uuid.UUID) -> uuid.UUID:
    row = await owner.execute(
        text(
            "INSERT INTO products (org_id, name, category) VALUES (:o, 'p', 'general') RETURNING id"
        ),
        {"o": org_id},
    )
    await owner.commit()
    return uuid.UUID(str(row.scalar_one()))


async def test_task_is_readable_by_its_org_and_404_for_others(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    owner = await make_actor(owner_session, settings)
    outsider = await make_actor(owner_session, settings)
    task = await _enqueue(settings, owner.org_id)

    mine = await client.get(f"/api/v1/tasks/{task.id}", headers=owner.headers)
    theirs = await client.get(f"/api/v1/tasks/{task.id}", headers=outsider.headers)

    assert mine.status_code == 200
    body = mine.json()
    assert body["status"] == "pending" and body["progress"] == 0 and body["attempts"] == 0
    assert body["result"] is None and body["error"] is None and body["created_at"]
    assert theirs.status_code == 404 and theirs.json()["error"]["code"] == "not_found"
    assert (await client.get(f"/api/v1/tasks/{task.id}")).status_code == 401


async def test_list_filters_by_product_and_pages(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    owner = await make_actor(owner_session, settings)
    outsider = await make_actor(owner_session, settings)
    product = await _product(owner_session, owner.org_id)
    for _ in range(3):
        await _enqueue(settings, owner.org_id, product_id=product)
    await _enqueue(settings, owner.org_id)
    await _enqueue(settings, outsider.org_id)

    page = await client.get(
        "/api/v1/tasks",
        params={"product_id": str(product), "limit": 2, "offset": 1},
        headers=owner.headers,
    )
    everything = await client.get("/api/v1/tasks", headers=owner.headers)

    assert page.status_code == 200
    assert page.json()["total"] == 3 and len(page.json()["items"]) == 2
    assert (page.json()["limit"], page.json()["offset"]) == (2, 1)
    assert all(i["product_id"] == str(product) for i in page.json()["items"])
    assert everything.json()["total"] == 4


async def test_idempotency_key_returns_the_existing_task(
    owner_session: AsyncSession, settings: Settings
) -> None:
    owner = await make_actor(owner_session, settings)
    first = await _enqueue(settings, owner.org_id, idempotency_key="analyze-1")
    again = await _enqueue(settings, owner.org_id, idempotency_key="analyze-1")
    assert first.id == again.id


# --- the 202 helper on a route that enqueues, as other contexts will write them -------------


def _echo_router() -> APIRouter:
    router = APIRouter()

    @router.post("/api/v1/echo", **ACCEPTED)
    async def start_echo(
        response: Response, principal: CurrentPrincipal, session: TenantSession, jobs: Jobs
    ) -> TaskAccepted:
        task = await tasks.enqueue(
            session, jobs, org_id=principal.tenant_org, type="tasks.echo", payload={"message": 7}
        )
        return accepted(response, task)

    return router


@pytest.fixture
async def echo_app(settings: Settings, clean_db: None) -> AsyncIterator[FastAPI]:
    application = create_app(settings, run_startup_migrations=False)
    application.include_router(_echo_router())
    async with application.router.lifespan_context(application):
        yield application


async def _post_echo(app: FastAPI, actor: Actor) -> tuple[int, dict[str, str], dict[str, str]]:
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as http:
        res = await http.post("/api/v1/echo", headers=actor.headers)
    return res.status_code, dict(res.headers), res.json()


@pytest.mark.redis  # Redis through its own app and a worker
async def test_enqueue_endpoint_answers_202_and_polling_reaches_done(
    echo_app: FastAPI, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    status, headers, body = await _post_echo(echo_app, actor)

    assert status == 202 and body["status"] == "pending"
    assert headers["location"] == f"/api/v1/tasks/{body['task_id']}"
    runner = Runner(settings.model_copy(update={"worker_block_ms": 100}))
    job = asyncio.create_task(runner.run())
    try:
        async with AsyncClient(
            transport=ASGITransport(app=echo_app), base_url="http://test"
        ) as http:
            deadline = time.monotonic() + 60  # generous: a bound against a hang
            while time.monotonic() < deadline:
                polled = (await http.get(headers["location"], headers=actor.headers)).json()
                if polled["status"] == "done":
                    break
                await asyncio.sleep(0.02)
    finally:
        runner.request_stop()
        await job
    assert polled["status"] == "done" and polled["progress"] == 100
    assert polled["result"] == {"echo": 7, "attempt": 1}


@pytest.mark.redis  # Redis through its own app
async def test_enqueue_endpoint_still_accepts_work_when_redis_is_down(
    echo_app: FastAPI, owner_session: AsyncSession, settings: Settings, owner_engine: AsyncEngine
) -> None:
    actor = await make_actor(owner_session, settings)
    healthy = echo_app.state.redis
    dead = redis_asyncio.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    echo_app.dependency_overrides[get_redis] = lambda: dead
    try:
        status, _, body = await _post_echo(echo_app, actor)
    finally:
        await dead.aclose()

    assert status == 202
    async with AsyncSession(owner_engine) as session:
        row = await session.get(Task, uuid.UUID(body["task_id"]))
        assert row is not None and row.status == "pending"
    assert await healthy.exists(stream_name("default")) == 0


async def test_list_filters_by_status_and_shows_scheduled_retries(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    """Issue 17 item 10: `?status=pending_retry` lists a product's scheduled retries."""
    owner = await make_actor(owner_session, settings)
    product = await _product(owner_session, owner.org_id)
    later = datetime.now(UTC) + timedelta(minutes=15)
    retry = await _enqueue(settings, owner.org_id, product_id=product, not_before=later)
    queued = await _enqueue(settings, owner.org_id, product_id=product)

    async def ids(status: str) -> list[str]:
        page = await client.get(
            "/api/v1/tasks",
            params={"product_id": str(product), "status": status},
            headers=owner.headers,
        )
        assert page.status_code == 200, page.text
        return [item["id"] for item in page.json()["items"]]

    assert await ids("pending_retry") == [str(retry.id)]
    assert await ids("pending") == [str(queued.id)]
    assert await ids("done") == []
    shown = (await client.get(f"/api/v1/tasks/{retry.id}", headers=owner.headers)).json()
    assert shown["status"] == "pending_retry"
    assert shown["message"] == f"Waiting for a scheduled retry; retry at {tasks.when(later)}"
    bad = await client.get("/api/v1/tasks", params={"status": "nope"}, headers=owner.headers)
    assert bad.status_code == 422


async def test_processing_task_shows_its_step_counts_and_reads_without_redis(
    app: FastAPI, client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    owner = await make_actor(owner_session, settings)
    task = await _enqueue(settings, owner.org_id)
    await owner_session.execute(
        text("UPDATE tasks SET status = 'processing', attempts = 1, progress = 35 WHERE id = :i"),
        {"i": task.id},
    )
    await owner_session.commit()
    redis: redis_asyncio.Redis = app.state.redis
    key = f"task-progress:{task.id}:1"
    await redis.hset(key, mapping={"phase": "lookup", "done": 5, "total": 10})
    try:
        body = (await client.get(f"/api/v1/tasks/{task.id}", headers=owner.headers)).json()
        assert body["progress"] == 35 and body["message"] == "5 of 10 ingredients looked up"
        assert body["detail"]["ingredients_done"] == 5
        assert body["detail"]["ingredients_total"] == 10
        listed = (await client.get("/api/v1/tasks", headers=owner.headers)).json()["items"]
        assert listed[0]["detail"]["phase"] == "lookup"

        dead = redis_asyncio.Redis(
            host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
        )
        app.dependency_overrides[get_redis] = lambda: dead
        try:
            degraded = await client.get(f"/api/v1/tasks/{task.id}", headers=owner.headers)
        finally:
            app.dependency_overrides.pop(get_redis, None)
            await dead.aclose()
        assert degraded.status_code == 200  # the counts are a convenience; the row answers
        assert degraded.json()["progress"] == 35 and degraded.json()["detail"] is None
    finally:
        await redis.delete(key)


def test_openapi_documents_outcome_retry_and_progress() -> None:
    """The Task response model and the PIF item say what `pending_retry` and the detail mean."""
    app = create_app(Settings(database_url="postgresql://x@127.0.0.1/x", redis_url="redis://x"))
    document = app.openapi()
    schemas = document["components"]["schemas"]
    read = schemas["TaskRead"]["properties"]
    assert {"message", "detail", "next_attempt_at"} <= read.keys()
    assert "retry at" in read["message"]["description"]
    detail = schemas["TaskDetail"]["properties"]
    assert {
        "outcome",
        "sources_unavailable",
        "sources",
        "ingredients_affected",
        "ingredients_without_data",
        "retry_at",
        "retry_task_ids",
        "phase",
        "ingredients_done",
        "ingredients_total",
    } <= detail.keys()
    assert "on_hold" in detail["outcome"]["description"]
    summary = schemas["PifItemSummary"]["properties"]
    assert {"pending_retry", "next_attempt_at", "status_reason"} <= summary.keys()
    params = document["paths"]["/api/v1/tasks"]["get"]["parameters"]
    status = next(p for p in params if p["name"] == "status")
    assert "pending_retry" in str(status["schema"])
