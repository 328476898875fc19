"""The reference caches trust their versions while the watch hears no change (issue 18), and
see a change at once when this process made it, within the notification's delivery otherwise."""

import asyncio
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core import reference_watch
from app.core.config import Settings
from app.services.regulatory import RuleIndexCache
from tests.factories import make_actor

pytestmark = pytest.mark.usefixtures("reference_data", "clean_db")

NO_CHANGE = "UPDATE regulated_substances SET updated_at = updated_at WHERE false"


@pytest.fixture
def statements(app: FastAPI) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split())[:60])

    engine = app.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


async def _live(app: FastAPI) -> AsyncEngine:
    async with asyncio.timeout(10):
        await app.state.reference_watch.wait_live()
        # the notifications of the set-up's writes are in (late on a loaded machine)
        while True:
            seen = reference_watch.generation()
            await asyncio.sleep(0.3)
            if reference_watch.generation() == seen:
                break
    engine: AsyncEngine = app.state.db.engine
    return engine


async def test_versions_are_read_again_only_after_a_change(
    app: FastAPI, owner_engine: AsyncEngine, statements: list[str]
) -> None:
    engine = await _live(app)
    cache = RuleIndexCache()
    async with AsyncSession(engine) as session:
        first = await cache.get(session)
    statements.clear()
    async with AsyncSession(engine) as session:
        assert await cache.get(session) is first
    assert statements == []  # no version read, no transaction

    # this process's own write: seen by the next use, without waiting for the notification
    async with AsyncSession(owner_engine) as writer, writer.begin():
        await writer.execute(text(NO_CHANGE))
    async with AsyncSession(engine) as session:
        second = await cache.get(session)
    assert second is not first
    assert any("reference_versions" in s for s in statements)


async def test_another_writers_change_is_seen_once_notified(
    app: FastAPI, settings: Settings
) -> None:
    engine = await _live(app)
    cache = RuleIndexCache()
    async with AsyncSession(engine) as session:
        first = await cache.get(session)
    before = reference_watch.generation()
    # a writer this process's sessions know nothing of (another process, psql)
    dsn = settings.owner_url.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(NO_CHANGE)
    finally:
        await conn.close()
    async with asyncio.timeout(5):
        while reference_watch.generation() == before:
            await asyncio.sleep(0.005)
    async with AsyncSession(engine) as session:
        assert await cache.get(session) is not first


async def test_without_a_live_watch_every_use_reads_the_versions(
    app: FastAPI, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = await _live(app)
    monkeypatch.setattr(reference_watch, "_watched", {})
    cache = RuleIndexCache()
    for _ in range(2):
        async with AsyncSession(engine) as session:
            await cache.get(session)
    assert sum("reference_versions" in s for s in statements) == 2


async def test_a_warm_check_formula_sends_no_statement(
    app: FastAPI,
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    statements: list[str],
) -> None:
    await _live(app)
    actor = await make_actor(owner_session, settings)
    body = {
        "product": {"form": "leave_on", "areas": ["face"]},
        "ingredients": [{"inci": "Water", "concentration": 80}, {"inci": "Glycerin"}],
    }
    url = "/api/v1/ingredients/check-formula"
    assert (await client.post(url, json=body, headers=actor.headers)).status_code == 200
    statements.clear()
    response = await client.post(url, json=body, headers=actor.headers)
    assert response.status_code == 200, response.text
    assert statements == []  # cached caller and plan, trusted reference versions


async def test_writes_of_the_reference_tables_mark_the_session(owner_engine: AsyncEngine) -> None:
    from sqlalchemy import delete, false, update

    from app.models import Ingredient, Product, RegulatedSubstance

    async def marked(statement: Any) -> bool:
        async with AsyncSession(owner_engine) as session:
            await session.execute(statement)
            was = bool(session.sync_session.info.get(reference_watch._WROTE))
            await session.rollback()
            return was

    assert await marked(update(RegulatedSubstance).where(false()).values(ref_no="x"))
    assert await marked(delete(Ingredient).where(false()))
    assert await marked(text(NO_CHANGE))
    assert not await marked(update(Product).where(false()).values(name="x"))
    assert not await marked(text("SELECT count(*) FROM ingredients"))


async def test_one_watch_stopping_leaves_another_on_the_same_database_live(app: FastAPI) -> None:
    """Two apps of one process on one database (tests do this): the first to stop must not end
    the other's trust."""
    engine = await _live(app)
    key = reference_watch.database_key(engine.sync_engine)
    second = reference_watch.ReferenceWatch(engine)
    second.start()
    async with asyncio.timeout(10):
        await second.wait_live()
    await second.stop()
    assert reference_watch.watched(key)  # the app's own watch is still listening
