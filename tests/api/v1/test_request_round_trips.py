"""Database statements per request on the products path (issue 18): a regression that adds a
round trip (a refresh, a per-row INSERT, a principal or plan read per request) shows here."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.unit_of_work import driver_rows
from app.services.products import repository as products_repository
from tests.factories import make_actor

pytestmark = pytest.mark.infra


@pytest.fixture
def statements(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every statement a request sends: through SQLAlchemy, and the reads sent straight
    through the driver (`driver_rows`; not asyncpg's own type introspection)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split())[:60])

    async def recorded_driver_rows(session: AsyncSession, sql: str, *args: Any) -> list[Any]:
        rows = await driver_rows(session, sql, *args)  # its BEGIN + tenant first, if it sends them
        record(None, None, sql)
        return rows

    monkeypatch.setattr(products_repository, "driver_rows", recorded_driver_rows)
    engine = app.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


async def test_a_product_page_is_two_statements_once_the_caller_is_cached(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, statements: list[str]
) -> None:
    actor = await make_actor(owner_session, settings)
    for i in range(3):
        created = await client.post(
            "/api/v1/products", json={"name": f"產品 {i}", "category": "general"},
            headers=actor.headers,
        )  # fmt: skip
        assert created.status_code == 201, created.text
    statements.clear()

    page = await client.get("/api/v1/products", headers=actor.headers)

    assert page.status_code == 200 and page.json()["total"] == 3
    # the tenant, then the page with its total (count(*) OVER ()); no principal or plan read
    assert len(statements) == 2, statements
    assert statements[0].startswith("SELECT set_config('app.current_org_id'")
    assert statements[1].startswith("SELECT products.")


async def test_a_create_is_two_statements_whatever_the_item_count(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, statements: list[str]
) -> None:
    actor = await make_actor(owner_session, settings)
    warm = await client.get("/api/v1/products", headers=actor.headers)  # caches the caller
    assert warm.status_code == 200
    statements.clear()

    created = await client.post(
        "/api/v1/products", json={"name": "玻尿酸精華液", "category": "general"},
        headers=actor.headers,
    )  # fmt: skip

    assert created.status_code == 201, created.text
    # the tenant, then one statement: the product RETURNING the row, its 16 items and the V0
    # draft as CTEs, the audit event appended in its SELECT
    assert [s.split(" (")[0].split("(")[0] for s in statements] == [
        "SELECT set_config",
        "WITH new_product AS",
    ], statements
