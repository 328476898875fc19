"""The caller's plan is read once and kept with the cached principal (no plan query per request),
and a plan change or exemption through the admin service is seen on the next request."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.models.enums import Plan
from app.services.audit import ClientInfo
from app.services.identity import admin
from tests.factories import auth_headers, make_login_user, make_org

pytestmark = pytest.mark.infra
pytest_plugins = ["tests.identity_support"]
CLIENT = ClientInfo(ip=None, user_agent="test")


@pytest.fixture
def statements(app: FastAPI) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    engine = app.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def _plan_reads(seen: list[str]) -> list[str]:
    return [s for s in seen if "plan_limits" in s or "FROM organizations" in s]


async def test_the_plan_is_read_once_per_caller_not_per_request(
    saas_plans: Settings,
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    statements: list[str],
) -> None:
    org = await make_org(owner_session, plan=Plan.PRO)
    user = await make_login_user(owner_session, org)
    headers = auth_headers(settings, user)
    assert (await client.get("/api/v1/products", headers=headers)).status_code == 200
    assert len(_plan_reads(statements)) == 2  # the org and its plan's limits, once
    statements.clear()
    for _ in range(3):
        assert (await client.get("/api/v1/products", headers=headers)).status_code == 200
    assert _plan_reads(statements) == []
    # a cached request: the tenant, the page (its total in the same query), nothing else
    assert len(statements) <= 3 * 2, statements


async def test_a_plan_change_and_an_exemption_apply_on_the_next_request(
    app: FastAPI,
    saas_plans: Settings,
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    probe_routes: str,
) -> None:
    org = await make_org(owner_session, plan=Plan.FREE)
    user = await make_login_user(owner_session, org)
    headers = auth_headers(settings, user)
    url = f"{probe_routes}/compliance"
    assert (await client.get(url, headers=headers)).status_code == 403
    assert (await client.get(url, headers=headers)).status_code == 403  # cached: still free

    until = datetime.now(UTC) + timedelta(days=30)
    await admin.exempt(
        app.state.db,
        actor_id=user.id,
        org_id=org.id,
        until=until,
        client=CLIENT,
        redis=app.state.redis,
        cache=app.state.principal_cache,
    )
    exempted = await client.get(url, headers=headers)
    assert exempted.status_code == 200 and exempted.json() == {"plan": "pro"}

    await admin.exempt(
        app.state.db,
        actor_id=user.id,
        org_id=org.id,
        until=None,
        client=CLIENT,
        redis=app.state.redis,
        cache=None,  # as in another process: only Redis carries the change
    )
    assert (await client.get(url, headers=headers)).status_code == 403

    await admin.change_plan(
        app.state.db,
        actor_id=user.id,
        org_id=org.id,
        plan=Plan.ENTERPRISE,
        client=CLIENT,
        redis=app.state.redis,
        cache=app.state.principal_cache,
    )
    upgraded = await client.get(url, headers=headers)
    assert upgraded.status_code == 200 and upgraded.json() == {"plan": "enterprise"}


async def test_a_page_past_the_end_still_reports_the_total(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    org = await make_org(owner_session)
    user = await make_login_user(owner_session, org)
    headers = auth_headers(settings, user)
    for name in ("A", "B", "C"):
        body = {"name": name, "category": "general"}
        assert (
            await client.post("/api/v1/products", json=body, headers=headers)
        ).status_code == 201
    page = (await client.get("/api/v1/products?limit=2", headers=headers)).json()
    assert page["total"] == 3 and [p["name"] for p in page["items"]] == ["C", "B"]
    past = (await client.get("/api/v1/products?offset=10", headers=headers)).json()
    assert past["total"] == 3 and past["items"] == []
