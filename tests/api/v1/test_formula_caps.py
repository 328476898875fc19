"""A formula upload past the table caps is a structured 422 and stores nothing."""

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.models import UploadedFile
from tests.factories import make_actor, make_product

pytestmark = pytest.mark.infra


async def test_a_100k_row_csv_for_item_3_is_refused_before_it_is_stored(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    rows = "\n".join(f"Ingredient {i},50-00-0,0.001" for i in range(100_000))
    data = ("INCI,CAS,%\n" + rows).encode()
    response = await client.post(
        f"/api/v1/products/{product.id}/pif/upload",
        data={"item_number": "3"},
        files={"file": ("formula.csv", data, "text/csv")},
        headers=actor.headers,
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "table_too_large" and error["details"]["limit"] == "rows"
    stored = await owner_session.scalar(
        select(func.count()).select_from(UploadedFile).where(UploadedFile.product_id == product.id)
    )
    assert stored == 0
    item = (await client.get(f"/api/v1/products/{product.id}/pif/3", headers=actor.headers)).json()
    assert item["status"] == "missing"
