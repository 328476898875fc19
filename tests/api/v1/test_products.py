"""Products at the route boundary: creation with 16 items, fail-soft KB, listing, isolation."""

import json
import logging
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.deps import get_rag
from app.core.config import Settings
from app.integrations.rag import RagClient, RagSettings
from app.models import PifDocument, PifVersion, Product
from app.models.enums import Plan, Role
from app.models.platform import AuditLog
from app.schemas.products import ProductRead
from tests.factories import Override, make_actor, make_product

RagHandler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
async def use_rag(
    override: Override,
) -> AsyncIterator[Callable[[RagHandler], list[httpx.Request]]]:
    """Point the app's RAG client at a MockTransport handler; returns the captured requests."""
    clients: list[RagClient] = []

    def install(handler: RagHandler) -> list[httpx.Request]:
        seen: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return handler(request)

        client = RagClient(
            RagSettings(api_base="https://rag.example.com/", api_key="k", tenant_id="t"),
            transport=httpx.MockTransport(record),
        )
        clients.append(client)
        override(get_rag, client)
        return seen

    yield install
    for client in clients:
        await client.aclose()


async def test_create_product_has_16_missing_items_and_v0_without_rag(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    response = await client.post(
        "/api/v1/products",
        json={"name": "玻尿酸精華液", "category": "general"},
        headers=actor.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["rag_kb_id"] is None and body["pif_status"] == "draft"
    assert "name_en_missing: an English name is expected for the PIF" in body["warnings"]
    docs = (
        await owner_session.execute(
            select(PifDocument.item_number, PifDocument.status).where(
                PifDocument.product_id == body["id"]
            )
        )
    ).all()
    assert sorted(n for n, _ in docs) == list(range(1, 17))
    assert {s for _, s in docs} == {"missing"}
    versions = await owner_session.execute(
        select(PifVersion.version_label).where(PifVersion.product_id == body["id"])
    )
    assert versions.scalars().all() == ["V0"]


async def test_create_body_is_the_product_read_of_the_stored_row(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    """The create renders its body from the inserted row (issue 18): byte for byte what
    `ProductRead` gives for the stored product, description defaults and warnings included."""
    actor = await make_actor(owner_session, settings)
    bodies = [
        {"name": "玻尿酸精華液", "category": "general"},
        {"name": "Baby cream", "category": "baby", "markets": ["EU", "TW"],
         "description": {"form": "rinse_off", "areas": ["face", "lips"], "kind": None}},
        {"name": " 全部 ", "name_en": " x ", "category": "general", "dosage_form": "serum",
         "intended_use": "face", "manufacturer_name": "M", "manufacturer_address": "A",
         "registration_id": "衛部粧製字第000001號", "launch_date": "2026-01-02"},
    ]  # fmt: skip
    for body in bodies:
        response = await client.post("/api/v1/products", json=body, headers=actor.headers)
        assert response.status_code == 201, response.text
        assert response.headers["content-type"] == "application/json"
        stored = await owner_session.get(Product, response.json()["id"])
        assert response.content == ProductRead.model_validate(stored).model_dump_json().encode()
    audit = (
        await owner_session.execute(
            select(AuditLog.action, AuditLog.resource_id, AuditLog.user_id, AuditLog.details)
        )
    ).all()
    created = [row for row in audit if row.action == "product.created"]
    assert len(created) == 3
    assert {row.user_id for row in created} == {actor.user.id}
    assert {row.details["category"] for row in created} == {"general", "baby"}


async def test_create_product_survives_rag_outage(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    use_rag: Callable[[RagHandler], list[httpx.Request]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    actor = await make_actor(owner_session, settings)
    use_rag(lambda request: httpx.Response(503, json={"status": "error"}))
    with caplog.at_level(logging.WARNING):
        response = await client.post(
            "/api/v1/products", json={"name": "面霜", "category": "general"}, headers=actor.headers
        )
    assert response.status_code == 201
    assert response.json()["rag_kb_id"] is None
    assert "product_created_without_kb" in caplog.text
    count = await owner_session.scalar(
        select(func.count())
        .select_from(PifDocument)
        .where(PifDocument.product_id == response.json()["id"])
    )
    assert count == 16


async def test_create_product_stores_kb_id_when_rag_is_up(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    use_rag: Callable[[RagHandler], list[httpx.Request]],
) -> None:
    actor = await make_actor(owner_session, settings)
    seen = use_rag(
        lambda request: httpx.Response(201, json={"status": "success", "data": {"id": "kb_123"}})
    )
    response = await client.post(
        "/api/v1/products", json={"name": "洗髮精", "category": "general"}, headers=actor.headers
    )
    assert response.status_code == 201
    assert response.json()["rag_kb_id"] == "kb_123"
    sent = json.loads(seen[0].content)
    assert sent["name"] == f"pif_{actor.org_id}_{response.json()['id']}"
    detail = await client.get(f"/api/v1/products/{response.json()['id']}", headers=actor.headers)
    assert detail.json()["rag_kb_id"] == "kb_123"


async def test_delete_removes_kb_after_local_delete(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    use_rag: Callable[[RagHandler], list[httpx.Request]],
) -> None:
    admin = await make_actor(owner_session, settings, role=Role.ADMIN)
    product = await make_product(owner_session, admin)
    product.rag_kb_id = "kb_gone"
    await owner_session.commit()
    seen = use_rag(lambda request: httpx.Response(404))
    response = await client.delete(f"/api/v1/products/{product.id}", headers=admin.headers)
    assert response.status_code == 204
    assert [r.method for r in seen] == ["DELETE"]
    assert await owner_session.scalar(select(func.count()).select_from(Product)) == 0


async def test_member_cannot_delete(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    member = await make_actor(owner_session, settings, role=Role.MEMBER)
    product = await make_product(owner_session, member)
    response = await client.delete(f"/api/v1/products/{product.id}", headers=member.headers)
    assert response.status_code == 403


async def test_list_paginates_filters_and_searches(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    for name in ("Alpha 乳液", "Beta 面膜", "Gamma 乳液"):
        await make_product(owner_session, actor, name=name)
    page = (await client.get("/api/v1/products?limit=2", headers=actor.headers)).json()
    assert page["total"] == 3 and len(page["items"]) == 2 and page["limit"] == 2
    assert page["items"][0]["name"] == "Gamma 乳液"  # newest first
    found = (await client.get("/api/v1/products?q=乳液", headers=actor.headers)).json()
    assert sorted(p["name"] for p in found["items"]) == ["Alpha 乳液", "Gamma 乳液"]
    drafts = (await client.get("/api/v1/products?status=draft", headers=actor.headers)).json()
    assert drafts["total"] == 3
    bad = await client.get("/api/v1/products?limit=1000", headers=actor.headers)
    assert bad.status_code == 422


async def test_plan_limit_is_enforced_on_create(
    saas_plans: Settings, client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings, plan=Plan.FREE)
    for _ in range(3):
        await make_product(owner_session, actor)
    response = await client.post(
        "/api/v1/products", json={"name": "第四個", "category": "general"}, headers=actor.headers
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "plan_limit_reached"


async def test_update_validates_and_warns(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    ok = await client.put(
        f"/api/v1/products/{product.id}",
        json={"registration_id": "衛部粧製字第001234號", "launch_date": "2026-07-01"},
        headers=actor.headers,
    )
    assert ok.status_code == 200 and ok.json()["warnings"] == []
    odd = await client.put(
        f"/api/v1/products/{product.id}", json={"registration_id": "ABC-1"}, headers=actor.headers
    )
    assert any(w.startswith("registration_id_format") for w in odd.json()["warnings"])
    bad = await client.put(
        f"/api/v1/products/{product.id}", json={"category": "perfume"}, headers=actor.headers
    )
    assert bad.status_code == 422


async def test_other_org_gets_404_everywhere(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    owner = await make_actor(owner_session, settings, role=Role.ADMIN)
    outsider = await make_actor(owner_session, settings, role=Role.ADMIN)
    product = await make_product(owner_session, owner)
    url = f"/api/v1/products/{product.id}"
    assert (await client.get(url, headers=outsider.headers)).status_code == 404
    put = await client.put(url, json={"name": "x"}, headers=outsider.headers)
    assert put.status_code == 404
    assert (await client.delete(url, headers=outsider.headers)).status_code == 404
    listed = (await client.get("/api/v1/products", headers=outsider.headers)).json()
    assert listed["total"] == 0
    assert (await client.get(url, headers=owner.headers)).status_code == 200


async def test_requires_authentication(client: AsyncClient) -> None:
    response = await client.get("/api/v1/products")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


async def test_ask_uses_the_products_own_kb_and_fails_soft(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    use_rag: Callable[[RagHandler], list[httpx.Request]],
) -> None:
    actor = await make_actor(owner_session, settings)
    outsider = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    url = f"/api/v1/products/{product.id}/ask"
    unconfigured = await client.post(url, json={"question": "pH?"}, headers=actor.headers)
    assert unconfigured.status_code == 503
    assert unconfigured.json()["error"]["code"] == "rag_unavailable"

    answer = {"answer": "pH 5.5", "from_wiki": True, "sources": [{"doc": "stability.pdf"}]}
    seen = use_rag(lambda r: httpx.Response(200, json={"status": "success", "data": answer}))
    pending = await client.post(url, json={"question": "pH?"}, headers=actor.headers)
    assert pending.status_code == 409  # no KB yet: created in the background
    product.rag_kb_id = "kb_own"
    await owner_session.commit()
    response = await client.post(url, json={"question": " pH? "}, headers=actor.headers)
    assert response.status_code == 200 and response.json()["from_wiki"] is True
    assert json.loads(seen[-1].content) == {"question": "pH?", "knowledge_base_id": "kb_own"}
    hidden = await client.post(url, json={"question": "pH?"}, headers=outsider.headers)
    assert hidden.status_code == 404


async def test_backfill_creates_missing_kbs(
    owner_session: AsyncSession,
    settings: Settings,
    use_rag: Callable[[RagHandler], list[httpx.Request]],
    app: FastAPI,
) -> None:
    from app.services.knowledge import backfill_knowledge_bases

    actor = await make_actor(owner_session, settings)
    first, second = (
        await make_product(owner_session, actor),
        await make_product(owner_session, actor),
    )
    calls = iter([httpx.Response(503), httpx.Response(201, json={"data": {"id": "kb_2"}})])
    use_rag(lambda request: next(calls))
    created, missing = await backfill_knowledge_bases(
        owner_session, app.dependency_overrides[get_rag](), limit=10
    )
    assert (created, missing) == (1, 1)
    await owner_session.refresh(first)
    await owner_session.refresh(second)
    assert {first.rag_kb_id, second.rag_kb_id} == {None, "kb_2"}
