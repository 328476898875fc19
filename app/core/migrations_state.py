"""Where Alembic's head is, and whether a database is at it (for /readyz).

Alembic itself (~12 MiB resident) is imported only to migrate: the API process reads the heads
from the revision files' `revision` / `down_revision` lines (a test keeps that equal to Alembic's
own answer), so serving never loads it.
"""

import ast
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

if TYPE_CHECKING:
    from alembic.config import Config

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VERSIONS_DIR = PROJECT_ROOT / "migrations" / "versions"


def alembic_config(url: str | None = None) -> "Config":
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["configure_logger"] = False
    if url:
        config.attributes["url"] = url
    return config


def _revision_ids(path: Path) -> tuple[str | None, set[str]]:
    """(revision, down revisions) from a revision file's module-level assignments."""
    revision: str | None = None
    down: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target: ast.expr
        if isinstance(node, ast.AnnAssign):
            target, value_node = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value_node = node.targets[0], node.value
        else:
            continue
        if not isinstance(target, ast.Name) or value_node is None:
            continue
        if target.id == "revision":
            revision = str(ast.literal_eval(value_node))
        elif target.id == "down_revision":
            value = ast.literal_eval(value_node)
            if isinstance(value, tuple | list):
                down |= {str(v) for v in value}
            elif value is not None:
                down.add(str(value))
    return revision, down


@cache
def alembic_heads() -> frozenset[str]:
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in VERSIONS_DIR.glob("*.py"):
        revision, down = _revision_ids(path)
        if revision is not None:
            revisions.add(revision)
            parents |= down
    return frozenset(revisions - parents)


async def current_revisions(conn: AsyncConnection) -> frozenset[str]:
    rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
    return frozenset(str(r[0]) for r in rows)
