"""Where Alembic's head is, and whether a database is at it (for /readyz).

Alembic itself (~12 MiB resident) is imported only to migrate: the API process reads the heads
from the revision files' `revision` / `down_revision` lines (a test keeps that equal to Alembic's
own answer), so serving never loads it.
"""

import ast
import re
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


# A module-level `revision` / `down_revision` assignment (annotated or not) starts a line.
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\b[^=\n]*=", re.M)


def _statement_at(source: str, start: int) -> ast.stmt | None:
    """The statement starting at `start`: only its own lines are parsed, not the whole file (the
    initial revision is 53 kB; its AST left ~2 MiB resident in the API process, issue 18)."""
    lines = source[start:].splitlines()
    for end in range(1, min(len(lines), 50) + 1):
        try:
            return ast.parse("\n".join(lines[:end])).body[0]
        except SyntaxError:
            continue  # the value goes on on the next line
    return None


def _revision_ids(path: Path) -> tuple[str | None, set[str]]:
    """(revision, down revisions) from a revision file's module-level assignments."""
    revision: str | None = None
    down: set[str] = set()
    source = path.read_text(encoding="utf-8")
    for match in _ASSIGNMENT.finditer(source):
        node = _statement_at(source, match.start())
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
