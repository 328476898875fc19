"""tox_anchors: the curated file loads as the owner; the app role writes only derived rows."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.integrations.toxicology import Endpoint, SourceResult
from app.models import ToxAnchor
from app.services.toxicology import anchors

pytestmark = pytest.mark.infra
INSERT = (
    "INSERT INTO tox_anchors (cas, name, tier, pod_value, source, citation) "
    "VALUES ('1-11-1', 'x', :tier, 5, 'fixture', 'fixture citation')"
)


def test_every_shipped_value_carries_its_passage_and_section() -> None:
    data = anchors.curated_file()
    assert data["version"] and data["date"]
    for entry in data["anchors"]:
        assert entry["source"] in entry["citation"] and "section" in entry["citation"]
        # the value is stated in the passage it was read from, never typed in on its own
        assert f"{entry['noael']:g} mg/kg bw/day" in entry["source_text"]
        assert entry["source_url"] and entry["retrieved"]


async def test_curated_rows_load_once_and_the_app_role_cannot_touch_them(
    owner_session: AsyncSession, app_engine: AsyncEngine
) -> None:
    assert await anchors.load_curated(owner_session) == len(anchors.curated_file()["anchors"])
    await anchors.load_curated(owner_session)  # idempotent
    await owner_session.commit()
    rows = (await owner_session.execute(select(ToxAnchor))).scalars().all()
    assert [(r.cas, r.tier, r.source) for r in rows] == [("69-72-7", "curated", "SCCS/1601/18")]
    assert rows[0].identifiers["file_version"] == anchors.curated_file_version()
    assert await owner_session.scalar(select(anchors.curated_is_current()))  # no reload

    async with app_engine.connect() as conn:
        with pytest.raises(DBAPIError, match="row-level security"):
            await conn.execute(text(INSERT), {"tier": "curated"})
        await conn.rollback()
        changed = await conn.execute(text("UPDATE tox_anchors SET pod_value = 1"))
        deleted = await conn.execute(text("DELETE FROM tox_anchors"))
        assert (changed.rowcount, deleted.rowcount) == (0, 0)
        await conn.execute(text(INSERT), {"tier": "regrounded"})  # derived rows are allowed
        await conn.rollback()


async def test_regrounded_value_is_the_lowest_point_noael_within_the_ceiling(
    owner_session: AsyncSession,
) -> None:
    result = SourceResult(
        source="comptox",
        status="ok",
        identifiers={"dtxsid": "DTXSID-fx"},
        citation="fixture",
        endpoints=[
            Endpoint(name="noael", value=50, unit="mg/kg-day", source="EPA ToxValDB DTXSID-fx (a)"),
            Endpoint(name="noael", value=5, unit="mg/kg-day", qualifier=">", source="qualified"),
            Endpoint(name="loael", value=2, unit="mg/kg-day", source="a LOAEL is not a NOAEL"),
            Endpoint(name="noael", value=3, unit="mg/L", source="wrong unit"),
        ],
    )
    stored = await anchors.store_regrounded(owner_session, cas="1-11-1", name="x", result=result)
    assert stored is not None and stored.noael == 50 and stored.tier == "regrounded"
    found, _ = await anchors.load_anchors(owner_session)
    assert {(a.cas, a.tier) for a in found} >= {("1-11-1", "regrounded"), ("69-72-7", "curated")}
    unavailable = SourceResult.unavailable("comptox", "503")
    assert (
        await anchors.store_regrounded(owner_session, cas="2-22-2", name="y", result=unavailable)
        is None
    )
