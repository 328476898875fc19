"""First start on a fresh database: the shipped snapshot loads once, and a fresh install checks
formulas against TW and EU with no sync step."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import event, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from app import data
from app.cli.server import migrate_database
from app.core.config import Settings
from app.engines.formula.starter import read_starter_rows
from app.main import create_app
from app.services.chemical_sync.bootstrap import SHIPPED_LISTS, load_shipped_reference_data
from tests.cli.conftest import invoke

pytestmark = pytest.mark.infra
COUNTS = {
    ("EU", "prohibited"): 1744,
    ("EU", "restricted"): 373,
    ("EU", "colorant"): 154,
    ("EU", "preservative"): 57,
    ("EU", "uv_filter"): 34,
    ("TW", "prohibited"): 659,
    ("TW", "restricted"): 186,
    ("TW", "preservative"): 57,
    ("TW", "colorant"): 152,
    ("TW", "uv_filter"): 27,
}
PASSWORD = "a-long-enough passphrase 42"


def _rows(url: URL, sql: str) -> list[Any]:
    async def go() -> list[Any]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                return list((await conn.execute(text(sql))).all())
        finally:
            await engine.dispose()

    return asyncio.run(go())


@pytest.fixture(scope="module")
def fresh_settings(cli_db: URL, settings: Settings) -> Settings:
    """Settings on a database of its own, after one real first start (`pifai migrate`)."""
    # a new Settings, not model_copy: copying would carry the cached `owner_url` of the
    # worker's own database along, and the first start would land there
    fields = settings.model_dump()
    fields["database_url"] = cli_db.render_as_string(hide_password=False)
    fresh = Settings(**fields)
    migrate_database(fresh)
    return fresh


def test_first_start_loads_every_shipped_list_with_one_run_each(fresh_settings: Settings) -> None:
    url = fresh_settings.owner_url
    counts = _rows(
        url,
        "SELECT jurisdiction, list_type, count(*) FROM regulated_substances GROUP BY 1, 2",
    )
    assert {(j, t): n for j, t, n in counts} == COUNTS
    runs = _rows(
        url,
        "SELECT source, added, removed, detail FROM chemical_sync_runs ORDER BY started_at",
    )
    lists = [r for r in runs if r.source in ("cosing", "tfda")]
    assert len(lists) == len(SHIPPED_LISTS) == 10
    assert sorted(r.added for r in lists) == sorted(COUNTS.values())
    assert all(r.removed == 0 and "shipped snapshot app/data/" in r.detail for r in lists)
    inventory = [r for r in runs if r.source == "cosing_inventory"]
    assert len(inventory) == 1 and inventory[0].added > 28_000
    assert _rows(url, "SELECT count(*) FROM ingredients")[0][0] == inventory[0].added
    curated = _rows(url, "SELECT count(*) FROM ingredients WHERE zh_name IS NOT NULL")[0][0]
    # the starter dictionary's Chinese names survive the inventory loaded after it
    assert curated == sum(1 for row in read_starter_rows() if row.zh_name)
    # the bulk load's pending-list switch is undone: the indexes are as the migrations made them
    gin = _rows(
        url,
        "SELECT indexdef FROM pg_indexes WHERE tablename = 'ingredients' "
        "AND indexdef LIKE '%USING gin%'",
    )
    assert len(gin) == 4 and all("fastupdate=off" in row[0] for row in gin)


async def test_second_start_is_one_query_and_loads_nothing(fresh_settings: Settings) -> None:
    engine = create_async_engine(fresh_settings.owner_url)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with AsyncSession(engine) as session, session.begin():
            report = await load_shipped_reference_data(session)
    finally:
        await engine.dispose()
    assert not report.loaded_anything
    assert len(statements) == 1, statements


def test_second_migrate_records_no_run(fresh_settings: Settings) -> None:
    before = _rows(fresh_settings.owner_url, "SELECT count(*) FROM chemical_sync_runs")[0][0]
    migrate_database(fresh_settings)
    after = _rows(fresh_settings.owner_url, "SELECT count(*) FROM chemical_sync_runs")[0][0]
    assert after == before


def test_importing_the_shipped_files_again_reports_an_empty_diff(
    fresh_settings: Settings, cli_db: URL
) -> None:
    # precondition, so a failure says which side was empty (the load or the CLI's database)
    loaded = _rows(fresh_settings.owner_url, "SELECT count(*) FROM regulated_substances")[0][0]
    assert loaded == sum(COUNTS.values())
    cosing = str(data.path("cosing/COSING_Annex_II_v2.txt").parent)
    annexes = invoke(cli_db, "sync", "cosing-annexes", cosing)
    assert "0 added, 0 changed, 0 removed, 2362 unchanged (no changes" in annexes
    for list_type in ("prohibited", "restricted", "preservative", "colorant", "uv_filter"):
        tw = invoke(cli_db, "sync", "tw-list", str(data.path(f"tfda/{list_type}.csv")))
        expected = COUNTS["TW", list_type]
        assert f"0 added, 0 changed, 0 removed, {expected} unchanged (no changes" in tw
    inventory = invoke(
        cli_db, "sync", "cosing-inventory", str(data.path("cosing/cosing_inventory_simplified.csv"))
    )
    assert "0 added, 0 changed" in inventory
    last = _rows(
        fresh_settings.owner_url,
        "SELECT diff::text FROM chemical_sync_runs WHERE source = 'tfda' "
        "ORDER BY started_at DESC LIMIT 1",
    )[0][0]
    assert '"added": []' in last and '"changed": []' in last and '"removed": []' in last


@pytest.fixture(scope="module")
async def fresh_app(fresh_settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(fresh_settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.mark.redis  # Redis through its own app
async def test_fresh_install_reports_methoxyethanol_prohibited_with_no_sync_step(
    fresh_app: FastAPI, fresh_settings: Settings
) -> None:
    async with AsyncClient(transport=ASGITransport(app=fresh_app), base_url="http://t") as http:
        registered = await http.post(
            "/api/v1/auth/register",
            json={
                "email": "newcomer@example.com",
                "password": PASSWORD,
                "full_name": "Newcomer",
                "org_name": "Fresh Install Ltd",
                "org_type": "brand",
            },
        )
        assert registered.status_code == 201, registered.text
        # plan gating is not what this test is about (a setting on another branch): lift it
        engine = create_async_engine(fresh_settings.owner_url)
        try:
            async with engine.begin() as conn:
                await conn.execute(
                    text("UPDATE organizations SET plan = 'enterprise' WHERE id = :id"),
                    {"id": registered.json()["organization"]["id"]},
                )
        finally:
            await engine.dispose()
        login = await http.post(
            "/api/v1/auth/login", json={"email": "newcomer@example.com", "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        response = await http.post(
            "/api/v1/ingredients/check-formula",
            json={
                "product": {"form": "leave_on", "areas": ["face"]},
                "ingredients": [
                    {"inci": "Water", "cas": "7732-18-5", "concentration": 99.9},
                    {"inci": "Methoxyethanol", "cas": "109-86-4", "concentration": 0.1},
                ],
            },
            headers=headers,
        )
    assert response.status_code == 200, response.text
    body = response.json()
    prohibited = [
        f
        for f in body["findings"]
        if f["ingredient"] == "Methoxyethanol" and f["kind"] == "prohibited"
    ]
    eu = [f for f in prohibited if "EU CosIng Annex II/" in f["citation"]]
    assert eu, body["findings"]
    assert eu[0]["severity"] == "critical"
    assert eu[0]["citation"].endswith("Reg. (EC) 1223/2009, export 31/10/2025")
    assert body["summary"]["compliant"] is False
    assert "EU prohibited" in body["summary"]["lists_checked"]
    assert not [m for m in body["summary"]["lists_missing"] if m.startswith("EU")]
