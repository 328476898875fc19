"""Round trips a user expects: the Item 3 AI draft is confirmable exactly as returned, each item's
`data` schema is published in OpenAPI, and a boolean is never read as a number."""

import json

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.engines.formula import extract_formula
from app.engines.formula.draft import draft_of
from app.models import ProductIngredient
from tests.factories import FORMULA, make_actor, make_product

pytestmark = pytest.mark.infra


async def test_the_item3_draft_is_confirmed_exactly_as_returned(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    draft = draft_of(extract_formula(FORMULA, "formula.xlsx"))  # what the worker stores
    draft["source_file_id"] = "00000000-0000-0000-0000-000000000001"
    await owner_session.execute(
        text(
            "UPDATE pif_documents SET status = 'ai_draft_ready', ai_draft = CAST(:d AS jsonb) "
            "WHERE product_id = :p AND item_number = 3"
        ),
        {"d": json.dumps(draft), "p": product.id},
    )
    await owner_session.commit()
    url = f"/api/v1/products/{product.id}/pif/3"
    returned = (await client.get(url, headers=actor.headers)).json()["ai_draft"]
    assert returned["ingredients"][0]["confidence_band"]  # the annotations come along

    confirmed = await client.put(
        url, json={"data": returned, "confirm": True}, headers=actor.headers
    )
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert body["status"] == "human_reviewed"
    stored = body["data"]
    assert set(stored) == {"ingredients"}  # annotations are not stored as the item's data
    assert len(stored["ingredients"]) == len(returned["ingredients"])
    assert not {"confidence", "confidence_band", "flags", "sort_order"} & set(
        stored["ingredients"][0]
    )
    lines = await owner_session.scalar(
        select(func.count())
        .select_from(ProductIngredient)
        .where(ProductIngredient.product_id == product.id)
    )
    assert lines == len(returned["ingredients"])


async def test_unknown_keys_are_still_refused_in_item3(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    answer = await client.put(
        f"/api/v1/products/{product.id}/pif/3",
        json={"data": {"ingredients": [{"raw_name": "Water", "colour": "blue"}]}},
        headers=actor.headers,
    )
    assert answer.status_code == 422


@pytest.mark.parametrize(
    ("item", "data"),
    [
        (3, {"ingredients": [{"raw_name": "Glycerin", "concentration_pct": True}]}),
        (9, {"product_ph": False}),
        (11, {"reports": [{"shelf_life_months": True}]}),
    ],
)
async def test_a_boolean_is_not_a_number_in_item_data(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, item: int, data: object
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    answer = await client.put(
        f"/api/v1/products/{product.id}/pif/{item}", json={"data": data}, headers=actor.headers
    )
    assert answer.status_code == 422, answer.text


async def test_a_boolean_concentration_is_refused_by_check_formula(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    line: dict[str, object] = {"inci": "Phenoxyethanol", "cas": "122-99-6"}
    product = {"form": "leave_on", "areas": ["face"]}
    url = "/api/v1/ingredients/check-formula"
    for value, status in ((0.5, 200), (True, 422)):
        body = {"product": product, "ingredients": [{**line, "concentration": value}]}
        answer = await client.post(url, json=body, headers=actor.headers)
        assert answer.status_code == status, answer.text


async def test_every_item_data_schema_is_a_named_openapi_component(client: AsyncClient) -> None:
    spec = (await client.get("/api/v1/openapi.json")).json()
    components = spec["components"]["schemas"]
    for n in range(1, 17):
        assert f"Item{n}" in components
    refs = {v["$ref"] for v in components["PifItemUpdate"]["properties"]["data"]["anyOf"]}
    assert refs == {f"#/components/schemas/Item{n}" for n in range(1, 17)}
    assert components["FormulaLine"]["properties"]["concentration_pct"]
