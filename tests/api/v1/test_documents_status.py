"""The ingredient table's TFDA / EU status column, with the real lists loaded (issue 19)."""

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.config import Settings
from app.models import ChemicalSyncRun, RegulatedSubstance
from app.models.enums import SyncSource
from app.services.formulation import import_ingredients, records_from_starter
from app.services.regulatory import sync_entries
from tests.api.v1.document_support import assert_pdf, page_text
from tests.api.v1.review_support import clean_items, make_desk, put_item
from tests.regulatory_corpus.runner import eu_entries, tw_entries


@pytest.fixture(scope="module")
async def tw_and_eu_lists(app: FastAPI, owner_engine: AsyncEngine) -> AsyncIterator[None]:
    async with AsyncSession(owner_engine) as session, session.begin():
        await sync_entries(session, list(eu_entries()), source=SyncSource.COSING)
        await sync_entries(session, list(tw_entries()), source=SyncSource.TFDA)
        await import_ingredients(session, records_from_starter())
    yield
    async with AsyncSession(owner_engine) as session, session.begin():
        await session.execute(
            delete(RegulatedSubstance).where(RegulatedSubstance.jurisdiction == "TW")
        )
        await session.execute(delete(ChemicalSyncRun).where(ChemicalSyncRun.source == "tfda"))


pytestmark = pytest.mark.usefixtures("tw_and_eu_lists")


@pytest.mark.parametrize("category", ["general", "sunscreen"])
async def test_status_column_shows_tfda_next_to_eu(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, category: str
) -> None:
    desk = await make_desk(owner_session, settings)
    created = await client.post(
        "/api/v1/products",
        json={"name": "防曬乳", "category": category},
        headers=desk.operator.headers,
    )
    product = created.json()["id"]
    items = clean_items()
    items[3] = {"ingredients": [
        {"raw_name": "水", "inci_name": "AQUA", "cas": "7732-18-5", "concentration_pct": "97"},
        {"raw_name": "硫雙氯酚", "inci_name": "BITHIONOL", "cas": "97-18-7",
         "concentration_pct": "1"},
    ]}  # fmt: skip
    for number, data in items.items():
        await put_item(client, desk.operator, product, number, data)
    response = await client.get(
        f"/api/v1/products/{product}/pif-versions/regulatory-pdf", headers=desk.operator.headers
    )
    table = page_text(assert_pdf(response), 4)
    bithionol = next(line for line in table.splitlines() if "BITHIONOL" in line)
    assert "禁用" in bithionol  # TW prohibited (binding)
    water = next(line for line in table.splitlines() if "AQUA" in line)
    assert "禁用" not in water and "未見限制" in water
    named = "".join(table.split())  # the lists it was checked against are named
    assert "TWprohibited" in named and "EUprohibited" in named
