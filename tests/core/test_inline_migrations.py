"""The start-up track: idempotent, tolerant only of "already in target state"."""

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.inline_migrations import STATEMENTS, InlineMigrationError, run_inline_migrations

pytestmark = pytest.mark.infra


async def test_runs_twice_in_a_row(owner_engine: AsyncEngine) -> None:
    assert await run_inline_migrations(owner_engine) == len(STATEMENTS)
    assert await run_inline_migrations(owner_engine) == len(STATEMENTS)


async def test_already_applied_non_idempotent_statement_is_tolerated(
    owner_engine: AsyncEngine,
) -> None:
    # no IF NOT EXISTS: the second run hits duplicate_object, which means "already there"
    stmt = "ALTER TABLE products ADD CONSTRAINT ck_products_inline_probe CHECK (true) NOT VALID"
    try:
        assert await run_inline_migrations(owner_engine, [stmt]) == 1
        assert await run_inline_migrations(owner_engine, [stmt]) == 0
    finally:
        await run_inline_migrations(
            owner_engine,
            ["ALTER TABLE products DROP CONSTRAINT IF EXISTS ck_products_inline_probe"],
        )


async def test_broken_statement_fails_loudly(owner_engine: AsyncEngine) -> None:
    with pytest.raises(InlineMigrationError, match="no_such_table"):
        await run_inline_migrations(
            owner_engine, ["ALTER TABLE no_such_table ADD COLUMN IF NOT EXISTS x int"]
        )


async def test_broken_statement_stops_app_start_up(settings: object) -> None:
    from app.core import inline_migrations
    from app.main import create_app

    original = inline_migrations.STATEMENTS
    broken = (*original, "ALTER TABLE products ADD COLUMN broken_type no_such_type")
    app = create_app(settings)  # type: ignore[arg-type]
    inline_migrations.STATEMENTS = broken
    try:
        with pytest.raises(InlineMigrationError):
            async with app.router.lifespan_context(app):
                pass
    finally:
        inline_migrations.STATEMENTS = original
