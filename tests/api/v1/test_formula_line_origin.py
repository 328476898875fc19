"""A blend part's origin (`from_blend`) and a line's phase survive confirmation (issue 20): the
Item 3 data, the confirmed lines and the SA's snapshot all carry them."""

import json

import pytest
from httpx import AsyncClient
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.engines.formula import extract_formula
from app.engines.formula.draft import draft_of
from app.engines.formula.starter import starter_dictionary
from app.models import ProductIngredient
from tests.engines.formula.formula_sheets import xlsx_bytes
from tests.factories import make_actor, make_product

pytestmark = pytest.mark.infra

# Phase A water and glycerin; phase C a 90/10 preservative blend used at 1 %.
SHEET = xlsx_bytes(
    [
        ["Phase", "Trade name", "INCI Name", "%", "% in raw material"],
        ["A", "", "Water", "q.s.", ""],
        ["A", "", "Glycerin", "5", ""],
        ["C", "Euxyl PE 9010", "Phenoxyethanol", "1", "90"],
        ["C", "", "Ethylhexylglycerin", "", "10"],
    ]
)
EXPECTED = {
    "WATER": (None, "A"),
    "GLYCERIN": (None, "A"),
    "PHENOXYETHANOL": ("Euxyl PE 9010", "C"),
    "ETHYLHEXYLGLYCERIN": ("Euxyl PE 9010", "C"),
}


def _origins(lines: list[dict[str, object]]) -> dict[object, tuple[object, object]]:
    return {ln["inci_name"]: (ln.get("from_blend"), ln.get("phase")) for ln in lines}


async def test_the_confirmed_draft_keeps_blend_origin_and_phase(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    draft = draft_of(extract_formula(SHEET, "formula.xlsx", starter_dictionary()))
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
    assert _origins(returned["ingredients"]) == EXPECTED

    confirmed = await client.put(
        url, json={"data": returned, "confirm": True}, headers=actor.headers
    )
    assert confirmed.status_code == 200, confirmed.text
    assert _origins(confirmed.json()["data"]["ingredients"]) == EXPECTED
    read_back = (await client.get(url, headers=actor.headers)).json()["data"]
    assert _origins(read_back["ingredients"]) == EXPECTED

    rows = (
        await owner_session.scalars(
            select(ProductIngredient).where(ProductIngredient.product_id == product.id)
        )
    ).all()
    assert {r.inci_name: (r.from_blend, r.phase) for r in rows} == EXPECTED

    base = f"/api/v1/products/{product.id}/pif-versions"
    draft_version = await client.post(f"{base}/snapshot", headers=actor.headers)
    assert draft_version.status_code == 200, draft_version.text
    detail = await client.get(f"{base}/{draft_version.json()['id']}", headers=actor.headers)
    assert detail.status_code == 200, detail.text
    snapshot = detail.json()["items_snapshot"]
    assert _origins(snapshot["formula_lines"]) == EXPECTED
    assert _origins(snapshot["items"]["3"]["data"]["ingredients"]) == EXPECTED


async def test_a_typed_formula_keeps_blend_origin_and_phase(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    line = {"raw_name": "Phenoxyethanol", "inci_name": "PHENOXYETHANOL", "concentration_pct": 0.9}
    data = {"ingredients": [{**line, "from_blend": "Euxyl PE 9010", "phase": "油相"}]}
    url = f"/api/v1/products/{product.id}/pif/3"
    answer = await client.put(url, json={"data": data, "confirm": True}, headers=actor.headers)
    assert answer.status_code == 200, answer.text
    stored = answer.json()["data"]["ingredients"][0]
    assert (stored["from_blend"], stored["phase"]) == ("Euxyl PE 9010", "油相")
    row = await owner_session.scalar(
        select(ProductIngredient).where(ProductIngredient.product_id == product.id)
    )
    assert row is not None and (row.from_blend, row.phase) == ("Euxyl PE 9010", "油相")
