"""The checker cache reads the trigger-kept reference versions (migration 0011): it rebuilds
when the lists or the master change and never otherwise."""

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.services.regulatory import CheckerCache, RuleIndexCache, store

pytestmark = pytest.mark.usefixtures("reference_data", "clean_db")


async def _touch(owner_engine: AsyncEngine, table: str) -> None:
    """A statement that changes nothing: the statement trigger bumps the version all the same."""
    async with AsyncSession(owner_engine) as session, session.begin():
        await session.execute(text(f"UPDATE {table} SET updated_at = updated_at WHERE false"))


async def test_the_checker_is_rebuilt_when_the_lists_or_the_master_change(
    app_engine: AsyncEngine, owner_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds: list[int] = []
    real = store._checker_of

    def counted(*args: Any) -> Any:
        builds.append(1)
        return real(*args)

    monkeypatch.setattr(store, "_checker_of", counted)
    cache, rules = CheckerCache(), RuleIndexCache()
    async with AsyncSession(app_engine) as session:  # the app role reads the version rows
        first = await cache.get(session)
        index = await rules.get(session)
        assert await cache.get(session) is first and await rules.get(session) is index
        assert len(builds) == 1
        await session.rollback()
        await _touch(owner_engine, "ingredients")
        second = await cache.get(session)
        assert second is not first and len(builds) == 2
        assert await rules.get(session) is index  # the master is not part of the rule index
        await session.rollback()
        await _touch(owner_engine, "regulated_substances")
        assert await cache.get(session) is not second and len(builds) == 3
        assert await rules.get(session) is not index


async def test_a_change_is_seen_only_once_it_is_committed(owner_engine: AsyncEngine) -> None:
    query = text("SELECT version FROM reference_versions WHERE name = 'regulated_substances'")
    async with AsyncSession(owner_engine) as reader:
        before = (await reader.execute(query)).scalar_one()
        await reader.rollback()
        async with AsyncSession(owner_engine) as writer, writer.begin():
            await writer.execute(text("DELETE FROM regulated_substances WHERE false"))
            assert (await reader.execute(query)).scalar_one() == before
            await reader.rollback()
        assert (await reader.execute(query)).scalar_one() == before + 1
