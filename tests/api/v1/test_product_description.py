"""A product stores its description and target markets; its checks and safety use them."""

import uuid
from decimal import Decimal

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.models import Product, ProductIngredient
from tests.factories import make_actor, make_product
from tests.safety_support import FIXTURE_ENTRIES, FixedRules

BODY = {"form": "leave_on", "areas": ["body"]}


async def test_category_defaults_then_user_edits(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    created = await client.post(
        "/api/v1/products", json={"name": "嬰兒乳液", "category": "baby"}, headers=actor.headers
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["description"]["population"] == "children_under_3"  # from the category
    assert body["description_missing"] == ["form", "areas"]
    assert body["markets"] == ["TW"]
    pid = body["id"]

    patched = await client.patch(
        f"/api/v1/products/{pid}",
        json={"description": BODY, "markets": ["TW", "EU"]},
        headers=actor.headers,
    )
    assert patched.status_code == 200, patched.text
    d = patched.json()["description"]
    assert (d["form"], d["areas"], d["population"]) == ("leave_on", ["body"], "children_under_3")
    assert patched.json()["description_missing"] == [] and patched.json()["markets"] == ["TW", "EU"]

    # field by field: the presentation changes, the form and areas stay; the user may override
    # the category default
    again = await client.patch(
        f"/api/v1/products/{pid}",
        json={"description": {"presentation": "propellant_spray", "population": "general"}},
        headers=actor.headers,
    )
    d = again.json()["description"]
    assert (d["form"], d["presentation"], d["population"]) == (
        "leave_on",
        "propellant_spray",
        "general",
    )
    got = (await client.get(f"/api/v1/products/{pid}", headers=actor.headers)).json()
    assert got["description"] == d and got["markets"] == ["TW", "EU"]
    stored = await owner_session.get(Product, uuid.UUID(pid), populate_existing=True)
    assert stored is not None and stored.description == {
        "form": "leave_on",
        "areas": ["body"],
        "presentation": "propellant_spray",
        "population": "general",
    }

    reset = await client.put(
        f"/api/v1/products/{pid}", json={"description": None}, headers=actor.headers
    )
    assert reset.json()["description"]["population"] == "children_under_3"
    assert reset.json()["description_missing"] == ["form", "areas"]


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ({"description": {"form": "leave_on", "areas": ["forehead"]}}, "nappy_area"),
        ({"description": {"population": "teenagers"}}, "children_under_3"),
        ({"description": {"colour": "red"}}, "colour"),
        ({"description": {"areas": []}}, "areas"),
        ({"markets": ["TW", "TW"]}, "twice"),
        ({"markets": ["US"]}, "'TW'"),
        ({"markets": []}, "markets"),
    ],
)
async def test_invalid_description_or_markets_is_422_and_writes_nothing(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    payload: dict[str, object],
    needle: str,
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor, category="lip")
    created = await client.post(
        "/api/v1/products",
        json={"name": "乳液", "category": "general", **payload},
        headers=actor.headers,
    )
    assert created.status_code == 422 and needle in created.text, created.text
    patched = await client.patch(
        f"/api/v1/products/{product.id}", json={"name": "改名", **payload}, headers=actor.headers
    )
    assert patched.status_code == 422 and needle in patched.text
    got = (await client.get(f"/api/v1/products/{product.id}", headers=actor.headers)).json()
    assert got["name"] == "保濕乳液" and got["markets"] == ["TW"]
    assert got["description"]["areas"] == ["lips"]  # the category default, untouched


async def test_other_org_cannot_edit_the_description(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    outsider = await make_actor(owner_session, settings)
    response = await client.patch(
        f"/api/v1/products/{product.id}",
        json={"description": BODY, "markets": ["EU"]},
        headers=outsider.headers,
    )
    assert response.status_code == 404
    stored = await owner_session.get(Product, product.id, populate_existing=True)
    assert stored is not None and stored.description is None and stored.markets == ["TW"]


async def _confirm(client: AsyncClient, pid: uuid.UUID, headers: dict[str, str]) -> None:
    line = {
        "raw_name": "Salicylic acid",
        "inci_name": "SALICYLIC ACID",
        "cas": "69-72-7",
        "concentration_pct": "0.2",
    }
    confirm = await client.put(
        f"/api/v1/products/{pid}/pif/3",
        json={"data": {"ingredients": [line]}, "confirm": True},
        headers=headers,
    )
    assert confirm.status_code == 200, confirm.text


@pytest.mark.usefixtures("reference_data")
async def test_check_by_product_id_uses_the_stored_description_and_markets(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor, category="baby")
    await _confirm(client, product.id, actor.headers)
    undescribed = await client.post(
        "/api/v1/ingredients/check-formula",
        json={"product_id": str(product.id)},
        headers=actor.headers,
    )
    assert undescribed.status_code == 422  # baby says the population, not the form or areas
    assert undescribed.json()["error"]["details"]["missing"] == ["form", "areas"]
    patched = await client.patch(
        f"/api/v1/products/{product.id}",
        json={"description": BODY, "markets": ["EU"]},
        headers=actor.headers,
    )
    assert patched.status_code == 200
    response = await client.post(
        "/api/v1/ingredients/check-formula",
        json={"product_id": str(product.id)},  # nothing about the product in the request
        headers=actor.headers,
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["product"] == {
        "form": "leave_on",
        "areas": ["body"],
        "kind": None,
        "presentation": "non_spray",
        "use": "consumer",
        "population": "children_under_3",
    }
    assert data["markets"] == ["EU"] and data["summary"]["binding_jurisdictions"] == ["EU"]
    # Annex III salicylic acid: "Not to be used in products for children under 3 years of age"
    violated = [f for f in data["findings"] if f["kind"] == "restriction_violated"]
    assert violated and violated[0]["binding"] and violated[0]["jurisdiction"] == "EU"
    # a request's own fields and markets still win over the stored ones
    override = await client.post(
        "/api/v1/ingredients/check-formula",
        json={
            "product_id": str(product.id),
            "product": {**BODY, "population": "general"},
            "markets": ["TW"],
        },
        headers=actor.headers,
    )
    assert override.status_code == 200
    assert override.json()["markets"] == ["TW"]
    assert not [f for f in override.json()["findings"] if f["kind"] == "restriction_violated"]


@pytest.mark.infra
async def test_safety_uses_the_stored_description(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)  # "general": no exposure row of its own
    owner_session.add(
        ProductIngredient(
            org_id=actor.org_id,
            product_id=product.id,
            raw_name="Glycerin",
            inci_name="GLYCERIN",
            cas_number="56-81-5",
            sort_order=0,
            concentration_pct=Decimal("5"),
        )
    )
    await owner_session.commit()
    before = await client.get(f"/api/v1/products/{product.id}/safety", headers=actor.headers)
    assert before.status_code == 200, before.text
    assert before.json()["exposure"]["fallback"] is True
    await client.patch(
        f"/api/v1/products/{product.id}",
        json={"description": {"form": "leave_on", "areas": ["lips"], "kind": "lip_product"}},
        headers=actor.headers,
    )
    after = (
        await client.get(f"/api/v1/products/{product.id}/safety", headers=actor.headers)
    ).json()
    assert after["exposure"]["fallback"] is False and after["exposure"]["row"] == "lipstick"


@pytest.mark.infra
async def test_safety_uses_the_stored_markets(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, app: FastAPI
) -> None:
    """Fixture TW colorant limit 25 %: binding for a TW product, advisory for an EU export."""
    original = getattr(app.state, "regulatory_checker", None)
    app.state.regulatory_checker = FixedRules(FIXTURE_ENTRIES)
    try:
        actor = await make_actor(owner_session, settings)
        product = await make_product(owner_session, actor, category="lip")
        owner_session.add(
            ProductIngredient(
                org_id=actor.org_id,
                product_id=product.id,
                raw_name="Titanium Dioxide",
                inci_name="Titanium Dioxide",
                cas_number="13463-67-7",
                sort_order=0,
                concentration_pct=Decimal("30"),
            )
        )
        await owner_session.commit()
        url = f"/api/v1/products/{product.id}/safety"
        tw = (await client.get(url, headers=actor.headers)).json()
        assert tw["lines"][0]["verdict"] == "non_compliant"
        patched = await client.patch(
            f"/api/v1/products/{product.id}", json={"markets": ["EU"]}, headers=actor.headers
        )
        assert patched.status_code == 200
        eu = (await client.get(url, headers=actor.headers)).json()
        assert eu["lines"][0]["verdict"] != "non_compliant"
    finally:
        app.state.regulatory_checker = original
