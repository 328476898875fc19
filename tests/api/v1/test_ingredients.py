"""Ingredient master search/detail and the formula check at the route boundary."""

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.factories import make_actor, make_product

pytestmark = pytest.mark.usefixtures("reference_data")


async def test_search_by_name_misspelling_cas_and_chinese(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)

    async def first(q: str) -> dict[str, object]:
        response = await client.get(
            "/api/v1/ingredients/search", params={"q": q}, headers=actor.headers
        )
        assert response.status_code == 200
        items = response.json()["items"]
        assert items, q
        return dict(items[0])

    assert (await first("glycerin"))["inci_name"] == "GLYCERIN"
    assert (await first("Glycerine"))["inci_name"] == "GLYCERIN"  # synonym / misspelling
    assert (await first("56-81-5"))["inci_name"] == "GLYCERIN"
    assert (await first("甘油"))["inci_name"] == "GLYCERIN"
    assert (await first("phenoxyethanl"))["inci_name"] == "PHENOXYETHANOL"  # trigram


async def test_ingredient_detail_shows_list_status(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    hit = (await client.get("/api/v1/ingredients/search?q=122-99-6", headers=actor.headers)).json()[
        "items"
    ][0]
    detail = await client.get(f"/api/v1/ingredients/{hit['id']}", headers=actor.headers)
    assert detail.status_code == 200
    statuses = detail.json()["regulatory"]
    assert any(s["list_type"] == "preservative" and s["jurisdiction"] == "EU" for s in statuses)
    assert all(s["citation"] for s in statuses)


FACE = {"form": "leave_on", "areas": ["face"]}


async def test_check_formula_findings(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    body = {
        "product": {"form": "leave_on", "areas": ["face"]},
        "ingredients": [
            {"inci": "Water", "cas": "7732-18-5", "concentration": 80},
            {"inci": "Methoxyethanol", "cas": "109-86-4", "concentration": 0.01},
            {"inci": "Phenoxyethanol", "cas": "122-99-6", "concentration": 1.2},
            {"inci": "Linalool", "cas": "78-70-6", "concentration": 0.5},
        ],
    }
    response = await client.post(
        "/api/v1/ingredients/check-formula", json=body, headers=actor.headers
    )
    assert response.status_code == 200, response.text
    findings = response.json()["findings"]
    kinds = {(f["ingredient"], f["kind"]) for f in findings}
    assert ("Methoxyethanol", "prohibited") in kinds
    assert ("Phenoxyethanol", "over_limit") in kinds
    assert ("Linalool", "disclosure") in kinds and ("Linalool", "over_limit") not in kinds
    prohibited = next(f for f in findings if f["kind"] == "prohibited")
    assert prohibited["severity"] == "critical" and prohibited["citation"]
    over = next(f for f in findings if f["kind"] == "over_limit")
    assert over["actual"] == 1.2 and over["allowed"] == 1.0 and over["binding"] is True
    summary = response.json()["summary"]
    assert summary["compliant"] is False
    assert "EU prohibited" in summary["lists_checked"]


@pytest.mark.parametrize(
    "line",
    [
        {"inci": "X", "concentration": -1},
        {"inci": "X", "concentration": 101},
        {"inci": "X", "concentration": "NaN"},
        {"inci": "", "concentration": 1},
    ],
)
async def test_check_formula_rejects_invalid_lines(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, line: dict[str, object]
) -> None:
    actor = await make_actor(owner_session, settings)
    response = await client.post(
        "/api/v1/ingredients/check-formula",
        json={"product": FACE, "ingredients": [line]},
        headers=actor.headers,
    )
    assert response.status_code == 422


async def test_confirmed_item3_is_checked_by_product_id(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    unconfirmed = await client.post(
        "/api/v1/ingredients/check-formula",
        json={"product_id": str(product.id)},
        headers=actor.headers,
    )
    assert unconfirmed.status_code == 409  # nothing to check is not a clean result
    assert "Item 3" in unconfirmed.json()["error"]["message"]
    lines = [
        {
            "raw_name": "Phenoxyethanol",
            "inci_name": "PHENOXYETHANOL",
            "cas": "122-99-6",
            "concentration_pct": "1.5",
        },
        {
            "raw_name": "Water",
            "inci_name": "WATER",
            "cas": "7732-18-5",
            "concentration_pct": "98.5",
        },
    ]
    confirm = await client.put(
        f"/api/v1/products/{product.id}/pif/3",
        json={"data": {"ingredients": lines}, "confirm": True},
        headers=actor.headers,
    )
    assert confirm.status_code == 200 and confirm.json()["status"] == "human_reviewed"
    undescribed = await client.post(
        "/api/v1/ingredients/check-formula",
        json={"product_id": str(product.id)},
        headers=actor.headers,
    )
    assert undescribed.status_code == 422  # a 'general' category does not say form and areas
    assert "form" in undescribed.json()["error"]["message"]
    response = await client.post(
        "/api/v1/ingredients/check-formula",
        json={"product_id": str(product.id), "product": FACE},
        headers=actor.headers,
    )
    assert response.status_code == 200
    assert any(f["kind"] == "over_limit" for f in response.json()["findings"])
    outsider = await make_actor(owner_session, settings)
    hidden = await client.post(
        "/api/v1/ingredients/check-formula",
        json={"product_id": str(product.id), "product": FACE},
        headers=outsider.headers,
    )
    assert hidden.status_code == 404


@pytest.mark.parametrize(
    ("product", "allowed"),
    [
        ({"form": "cream", "areas": ["face"]}, ["leave_on", "rinse_off"]),
        ({"form": "leave_on", "areas": ["skin"]}, ["face", "eye_area", "nappy_area"]),
        ({"form": "leave_on", "areas": ["face"], "presentation": "aerosol"}, ["propellant_spray"]),
        ({"form": "leave_on", "areas": ["face"], "population": "baby"}, ["children_under_3"]),
    ],
)
async def test_check_formula_unknown_description_value_lists_allowed_values(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    product: dict[str, object],
    allowed: list[str],
) -> None:
    actor = await make_actor(owner_session, settings)
    body = {"product": product, "ingredients": [{"inci": "Water", "concentration": 90}]}
    response = await client.post(
        "/api/v1/ingredients/check-formula", json=body, headers=actor.headers
    )
    assert response.status_code == 422
    assert all(value in response.text for value in allowed), response.text


async def test_check_formula_needs_a_product_and_rejects_the_old_free_text(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    lines = [{"inci": "Water", "concentration": 90}]
    for body in (
        {"ingredients": lines},
        {"product_type": "leave_on", "body_area": "face", "ingredients": lines},
    ):
        response = await client.post(
            "/api/v1/ingredients/check-formula", json=body, headers=actor.headers
        )
        assert response.status_code == 422


async def test_check_formula_lines_unidentified_and_product_conditions(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    body = {
        "product": {"form": "leave_on", "areas": ["face"], "presentation": "propellant_spray"},
        "ingredients": [
            {"inci": "Xyzzy", "concentration": 30},
            {"inci": "Zinc Oxide", "cas": "1314-13-2", "concentration": 10, "is_nano": False},
            {"inci": "Mercuric chloride", "cas": "7487-94-7", "concentration": 0.0001},
        ],
    }
    response = await client.post(
        "/api/v1/ingredients/check-formula", json=body, headers=actor.headers
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert [ln["status"] for ln in data["lines"]] == ["unidentified", "non_compliant", "prohibited"]
    assert data["summary"]["compliant"] is False and data["summary"]["unidentified"] == 1
    unidentified = next(f for f in data["findings"] if f["kind"] == "unidentified")
    assert unidentified["lines"] == [1]
    assert any(f["kind"] == "restriction_violated" for f in data["findings"])
    assert data["product"]["presentation"] == "propellant_spray"


async def test_product_check_takes_category_defaults_for_unstated_fields(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor, category="baby")
    line = {
        "raw_name": "Salicylic acid",
        "inci_name": "SALICYLIC ACID",
        "cas": "69-72-7",
        "concentration_pct": "0.2",
    }
    confirm = await client.put(
        f"/api/v1/products/{product.id}/pif/3",
        json={"data": {"ingredients": [line]}, "confirm": True},
        headers=actor.headers,
    )
    assert confirm.status_code == 200
    response = await client.post(
        "/api/v1/ingredients/check-formula",
        json={"product_id": str(product.id), "product": {"form": "leave_on", "areas": ["body"]}},
        headers=actor.headers,
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["product"]["population"] == "children_under_3"
    assert any(f["kind"] == "restriction_violated" for f in data["findings"])
