"""check-formula at the route: a line naming two substances is split, checked and flagged."""

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.factories import make_actor

pytestmark = pytest.mark.usefixtures("reference_data")

FACE = {"form": "leave_on", "areas": ["face"]}


async def test_two_substances_on_one_line_are_both_checked(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    response = await client.post(
        "/api/v1/ingredients/check-formula",
        json={
            "product": FACE,
            "markets": ["EU"],
            "ingredients": [
                {"inci": "Methylparaben / Propylparaben", "concentration": 0.2},
                {"inci": "Water", "concentration": 79.8},
            ],
        },
        headers={**actor.headers, "Accept-Language": "en"},
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert [ln["line"] for ln in data["lines"]] == [1, 2]  # one result per line as written
    first = data["lines"][0]
    assert first["ingredient"] == "Methylparaben / Propylparaben"
    assert first["status"] == "non_compliant"
    # propylparaben at the line's whole 0.2 % is over Annex V/12a's 0.14 % (as acid)
    over = [f for f in data["findings"] if f["reference"] == "EU Annex V/12 a"]
    assert any(f["kind"] == "over_limit" and f["lines"] == [1] for f in over)
    flagged = [f for f in data["findings"] if f["kind"] == "condition" and f["lines"] == [1]]
    assert flagged and "one line per substance" in flagged[0]["message"]
    assert data["summary"]["compliant"] is False
