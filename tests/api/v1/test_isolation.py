"""Isolation suite: every id-taking route, called by org B with org A's ids, answers 404."""

import uuid

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.deps import CurrentPrincipal
from app.core.config import Settings
from app.main import create_app
from app.models import Task
from app.models.enums import Role
from tests.api.v1 import isolation
from tests.factories import FORMULA, Actor, make_actor, make_product


async def _org_a_resources(
    client: AsyncClient, owner_session: AsyncSession, owner: Actor
) -> dict[str, str]:
    product = await make_product(owner_session, owner)
    upload = await client.post(
        f"/api/v1/products/{product.id}/pif/upload",
        data={"item_number": "3"},
        files={"file": ("f.xlsx", FORMULA, "application/octet-stream")},
        headers=owner.headers,
    )
    outsourcing = await client.post(
        f"/api/v1/products/{product.id}/outsourcings",
        json={"item_number": 11, "vendor": "Lab"},
        headers=owner.headers,
    )
    review = await client.post(
        f"/api/v1/products/{product.id}/pif/submit-review", headers=owner.headers
    )
    versions = await client.get(
        f"/api/v1/products/{product.id}/pif-versions", headers=owner.headers
    )
    task = Task(org_id=owner.org_id, product_id=product.id, type="tasks.echo", queue="default")
    owner_session.add(task)
    await owner_session.commit()
    return {
        "product_id": str(product.id),
        "item_number": "3",
        "file_id": upload.json()["id"],
        "task_id": str(task.id),
        "outsourcing_id": outsourcing.json()["id"],
        "review_id": review.json()["review_id"],
        "version_id": versions.json()["items"][0]["id"],
        "user_id": str(owner.user.id),
        "organization_id": str(owner.org_id),
        "org_id": str(owner.org_id),
        "id": str(owner.org_id),
    }


async def test_every_id_route_hides_other_orgs_resources(
    app: FastAPI, client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    owner = await make_actor(owner_session, settings, role=Role.ADMIN)
    outsider = await make_actor(owner_session, settings, role=Role.ADMIN)
    values = await _org_a_resources(client, owner_session, owner)
    spec = app.openapi()
    assert len(isolation.id_routes(spec)) >= 8  # the probe really enumerates routes
    problems = await isolation.probe(client, spec, values, outsider.headers)
    assert problems == []
    # org A still sees its product: the 404s above are isolation, not breakage
    response = await client.get(f"/api/v1/products/{values['product_id']}", headers=owner.headers)
    assert response.status_code == 200


@pytest.mark.redis  # Redis through its own app
async def test_probe_flags_a_route_without_org_scoping(
    settings: Settings, owner_session: AsyncSession, clean_db: None
) -> None:
    leaky: FastAPI = create_app(settings, run_startup_migrations=False)

    @leaky.get("/api/v1/products/{product_id}/leak")
    async def leak(product_id: uuid.UUID, principal: CurrentPrincipal) -> dict[str, str]:
        return {"product_id": str(product_id)}  # never checks that the product is the caller's

    outsider = await make_actor(owner_session, settings)
    async with leaky.router.lifespan_context(leaky):
        transport = ASGITransport(app=leaky)
        async with AsyncClient(transport=transport, base_url="http://t") as http:
            values = {
                "product_id": str(uuid.uuid4()),
                "item_number": "3",
                "file_id": str(uuid.uuid4()),
                "task_id": str(uuid.uuid4()),
            }
            problems = await isolation.probe(http, leaky.openapi(), values, outsider.headers)
    assert any("/leak: 200" in p for p in problems)
