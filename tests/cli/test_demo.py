"""`pifai seed-demo`: users of every role and a product with its 16 items, idempotently."""

import asyncio

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine

from tests.cli.conftest import invoke


def _rows(url: URL, sql: str) -> list[tuple[object, ...]]:
    async def go() -> list[tuple[object, ...]]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                return [tuple(r) for r in await conn.execute(text(sql))]
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_seed_demo_creates_roles_and_a_product_once(cli_db: URL) -> None:
    first = invoke(cli_db, "seed-demo")
    assert "demo data created" in first and "sa@demo.example.com" in first
    roles = sorted(str(r[0]) for r in _rows(cli_db, "SELECT role FROM users"))
    assert roles == ["admin", "member", "owner", "sa"]
    assert _rows(cli_db, "SELECT count(*) FROM pif_documents") == [(16,)]
    again = invoke(cli_db, "seed-demo")
    assert "already present" in again
    assert _rows(cli_db, "SELECT count(*) FROM products") == [(1,)]


def test_migrate_loads_the_starter_dictionary(cli_db: URL) -> None:
    invoke(cli_db, "migrate")
    (count,) = _rows(cli_db, "SELECT count(*) FROM ingredients")[0]
    assert isinstance(count, int) and count > 200
