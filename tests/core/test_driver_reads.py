"""Driver reads (`driver_rows`) share the unit of work's transaction, tenant and outcome.

The hot list path sends its page through asyncpg directly (issue 18); it must see exactly what
the session would: the tenant's rows under RLS, the request's own uncommitted writes, and end
with the unit (commit on success, rollback on error)."""

import uuid

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from app.core.config import Settings
from app.core.errors import NotFound
from app.core.unit_of_work import driver_rows, set_tenant, unit_of_work
from app.models import Product
from tests.factories import make_actor, make_product

pytestmark = pytest.mark.usefixtures("clean_db")
ALL_NAMES = "SELECT name FROM products ORDER BY name"  # no org filter: RLS alone decides


async def _two_tenants(owner_session: AsyncSession, settings: Settings) -> tuple[uuid.UUID, ...]:
    first = await make_actor(owner_session, settings)
    second = await make_actor(owner_session, settings)
    await make_product(owner_session, first, name="first's")
    await make_product(owner_session, second, name="second's")
    return first.principal.tenant_org, second.principal.tenant_org


async def test_a_driver_read_sees_only_the_tenant_rows(
    app_engine: AsyncEngine, owner_session: AsyncSession, settings: Settings
) -> None:
    first, second = await _two_tenants(owner_session, settings)
    for org, name in ((first, "first's"), (second, "second's")):
        async with unit_of_work(app_engine) as session:
            await set_tenant(session, org)
            assert [r["name"] for r in await driver_rows(session, ALL_NAMES)] == [name]
    async with unit_of_work(app_engine) as session:  # no tenant: RLS shows nothing
        assert await driver_rows(session, ALL_NAMES) == []


async def test_a_tenant_set_after_a_driver_read_applies_to_the_next_one(
    app_engine: AsyncEngine, owner_session: AsyncSession, settings: Settings
) -> None:
    first, second = await _two_tenants(owner_session, settings)
    async with unit_of_work(app_engine) as session:
        await set_tenant(session, first)
        assert [r["name"] for r in await driver_rows(session, ALL_NAMES)] == ["first's"]
        await set_tenant(session, second)
        assert [r["name"] for r in await driver_rows(session, ALL_NAMES)] == ["second's"]


async def test_session_writes_after_a_driver_read_are_one_transaction(
    app_engine: AsyncEngine, owner_session: AsyncSession, settings: Settings
) -> None:
    first, _ = await _two_tenants(owner_session, settings)
    async with unit_of_work(app_engine) as session:
        await set_tenant(session, first)
        await driver_rows(session, ALL_NAMES)
        before = await driver_rows(session, "SELECT txid_current() AS tx")
        await session.execute(text("UPDATE products SET name = 'renamed'"))
        after = (await session.execute(text("SELECT txid_current()"))).scalar_one()
        assert before[0]["tx"] == after  # the session joined the driver's transaction
        assert [r["name"] for r in await driver_rows(session, ALL_NAMES)] == ["renamed"]
    names = await owner_session.scalars(select(Product.name).order_by(Product.name))
    assert list(names) == ["renamed", "second's"]  # committed with the unit


async def test_an_error_rolls_back_what_followed_a_driver_read(
    app_engine: AsyncEngine, owner_session: AsyncSession, settings: Settings
) -> None:
    first, _ = await _two_tenants(owner_session, settings)
    with pytest.raises(NotFound):
        async with unit_of_work(app_engine) as session:
            await set_tenant(session, first)
            await driver_rows(session, ALL_NAMES)
            await session.execute(text("UPDATE products SET name = 'renamed'"))
            raise NotFound("refused")
    count = await owner_session.scalar(
        select(func.count()).select_from(Product).where(Product.name == "renamed")
    )
    assert count == 0


async def test_a_read_only_unit_returns_its_connection_clean(
    settings: Settings, owner_session: AsyncSession
) -> None:
    """The tenant setting dies with the driver's transaction: the next unit on the same (only)
    connection starts with no tenant, so it sees nothing."""
    first, _ = await _two_tenants(owner_session, settings)
    engine = create_async_engine(settings.app_url, pool_size=1, max_overflow=0)
    try:
        async with unit_of_work(engine) as session:
            await set_tenant(session, first)
            assert len(await driver_rows(session, ALL_NAMES)) == 1
        async with unit_of_work(engine) as session:
            rows = await driver_rows(
                session, "SELECT current_setting('app.current_org_id', true) AS org"
            )
            assert rows[0]["org"] in (None, "")
            assert await driver_rows(session, ALL_NAMES) == []
    finally:
        await engine.dispose()
