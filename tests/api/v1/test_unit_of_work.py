"""One transaction per request, committed before the response; refusals audited; plan setting."""

import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import event, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.config import Settings
from app.core.security import create_access_token
from app.integrations.rag import RagClient, RagSettings
from app.models import Product
from app.models.enums import Plan, Role
from app.models.platform import AuditLog
from tests.factories import make_actor, make_product

FAIL_NAME = "__commit_fails__"


async def _actions(session: AsyncSession, action: str) -> list[AuditLog]:
    rows = await session.scalars(select(AuditLog).where(AuditLog.action == action))
    return list(rows)


@pytest.fixture
async def failing_commit(owner_engine: AsyncEngine) -> AsyncIterator[None]:
    """A deferred constraint trigger: products named FAIL_NAME make COMMIT itself fail."""
    async with owner_engine.begin() as conn:
        await conn.execute(
            text(
                "CREATE OR REPLACE FUNCTION test_fail_at_commit() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'commit refused by test'; END $$"
            )
        )
        await conn.execute(
            text(
                "CREATE CONSTRAINT TRIGGER test_fail_at_commit AFTER INSERT ON products "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                f"WHEN (NEW.name = '{FAIL_NAME}') EXECUTE FUNCTION test_fail_at_commit()"
            )
        )
    yield
    async with owner_engine.begin() as conn:
        await conn.execute(text("DROP TRIGGER test_fail_at_commit ON products"))
        await conn.execute(text("DROP FUNCTION test_fail_at_commit()"))


async def test_failed_commit_is_never_a_2xx_and_writes_nothing(
    app: FastAPI,
    clean_db: None,
    owner_session: AsyncSession,
    settings: Settings,
    failing_commit: None,
) -> None:
    actor = await make_actor(owner_session, settings)
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.post(
            "/api/v1/products",
            json={"name": FAIL_NAME, "category": "general"},
            headers=actor.headers,
        )
    assert response.status_code == 500, response.text
    assert await owner_session.scalar(select(func.count()).select_from(Product)) == 0
    assert await _actions(owner_session, "product.created") == []
    await owner_session.rollback()  # release its lock on products before the trigger is dropped


@pytest.fixture
def checkouts(app: FastAPI) -> Iterator[list[object]]:
    """Every connection the app engine hands out while the test runs."""
    seen: list[object] = []
    pool = app.state.db.engine.sync_engine.pool

    def on_checkout(dbapi_conn: object, record: object, proxy: object) -> None:
        seen.append(dbapi_conn)

    event.listen(pool, "checkout", on_checkout)
    yield seen
    event.remove(pool, "checkout", on_checkout)


async def test_create_product_uses_one_connection_and_no_transaction_during_rag(
    app: FastAPI,
    client: AsyncClient,
    owner_session: AsyncSession,
    owner_engine: AsyncEngine,
    settings: Settings,
    checkouts: list[object],
) -> None:
    actor = await make_actor(owner_session, settings)
    open_during_rag: list[int] = []

    async def rag_handler(request: httpx.Request) -> httpx.Response:
        async with owner_engine.connect() as conn:  # the owner's view of every session
            busy = await conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND usename = :role AND state LIKE 'idle in transaction%'"
                ),
                {"role": settings.app_db_role},
            )
        open_during_rag.append(int(busy or 0))
        return httpx.Response(201, json={"status": "success", "data": {"id": "kb_one"}})

    original = app.state.rag
    app.state.rag = RagClient(
        RagSettings(api_base="https://rag.example.com/", api_key="k", tenant_id="t"),
        transport=httpx.MockTransport(rag_handler),
    )
    try:
        checkouts.clear()
        response = await client.post(
            "/api/v1/products",
            json={"name": "精華液", "category": "general"},
            headers=actor.headers,
        )
    finally:
        await app.state.rag.aclose()
        app.state.rag = original
    assert response.status_code == 201, response.text
    assert response.json()["rag_kb_id"] == "kb_one"
    assert len(checkouts) == 1  # gates, product, audit and the kb id share one connection
    assert open_during_rag == [0]  # committed before the call: no transaction left open
    stored = await owner_session.scalar(
        select(Product.rag_kb_id).where(Product.id == uuid.UUID(response.json()["id"]))
    )
    assert stored == "kb_one"


async def test_refused_transition_leaves_an_audit_row(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    member = await make_actor(owner_session, settings)
    product = await make_product(owner_session, member)
    response = await client.post(
        f"/api/v1/products/{product.id}/pif/7/status",
        json={"status": "approved"},
        headers=member.headers,
    )
    assert response.status_code == 409
    rows = await _actions(owner_session, "pif.transition_refused")
    assert len(rows) == 1
    assert rows[0].org_id == member.org_id and rows[0].user_id == member.user.id
    assert rows[0].details["reason"] == "illegal" and rows[0].details["to"] == "approved"


async def test_member_calling_admin_route_leaves_an_audit_row(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    member = await make_actor(owner_session, settings, role=Role.MEMBER)
    product = await make_product(owner_session, member)
    refused = await client.delete(f"/api/v1/products/{product.id}", headers=member.headers)
    settings_refused = await client.get("/api/v1/settings/audit-logs", headers=member.headers)
    assert refused.status_code == 403 and settings_refused.status_code == 403
    rows = await _actions(owner_session, "authz.denied")
    assert {r.details["permission"] for r in rows} == {"product.delete", "audit_log.read"}
    assert all(r.user_id == member.user.id and r.details["role"] == "member" for r in rows)
    assert await owner_session.scalar(select(func.count()).select_from(Product)) == 1


async def test_wrong_totp_leaves_an_audit_row(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings, role=Role.OWNER)
    setup = await client.post("/api/v1/auth/setup-2fa", headers=actor.headers)
    assert setup.status_code == 200
    wrong = await client.post(
        "/api/v1/auth/verify-2fa", json={"code": "000000"}, headers=actor.headers
    )
    assert wrong.status_code == 401
    rows = await _actions(owner_session, "auth.totp_failed")
    assert [r.user_id for r in rows] == [actor.user.id]


async def _registered_headers(client: AsyncClient, settings: Settings) -> dict[str, str]:
    body = {
        "email": f"new-{uuid.uuid4().hex[:8]}@example.com",
        "password": "a-long-enough passphrase 42",
        "full_name": "Newcomer",
        "org_name": "Fresh Brand",
        "org_type": "brand",
    }
    created = await client.post("/api/v1/auth/register", json=body)
    assert created.status_code == 201, created.text
    user, org = created.json()["user"], created.json()["organization"]
    assert org["plan"] == Plan.FREE.value
    token, _ = create_access_token(
        settings, user_id=uuid.UUID(user["id"]), org_id=uuid.UUID(org["id"]), role=Role.OWNER
    )
    return {"Authorization": f"Bearer {token}"}


CHECK = {
    "product": {"form": "leave_on", "areas": ["face"]},
    "ingredients": [{"inci": "Water", "cas": "7732-18-5", "concentration": 100}],
}


async def test_new_org_checks_a_formula_without_plan_change(
    client: AsyncClient, settings: Settings
) -> None:
    headers = await _registered_headers(client, settings)
    response = await client.post("/api/v1/ingredients/check-formula", json=CHECK, headers=headers)
    assert response.status_code == 200, response.text


async def test_saas_mode_keeps_the_plan_gate_and_audits_it(
    saas_plans: Settings, client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    headers = await _registered_headers(client, settings)
    response = await client.post("/api/v1/ingredients/check-formula", json=CHECK, headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "plan_upgrade_required"
    rows = await _actions(owner_session, "plan.denied")
    assert len(rows) == 1 and rows[0].details["feature"] == "compliance_engine"
