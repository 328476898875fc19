"""Where Alembic's head is, and whether a database is at it (for /readyz)."""

from functools import cache
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def alembic_config(url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["configure_logger"] = False
    if url:
        config.attributes["url"] = url
    return config


@cache
def alembic_heads() -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


async def current_revisions(conn: AsyncConnection) -> frozenset[str]:
    rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
    return frozenset(str(r[0]) for r in rows)
