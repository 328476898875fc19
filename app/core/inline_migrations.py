"""The idempotent start-up migration track (additive hot fixes between Alembic revisions).

Each statement must be idempotent. Only "already in target state" errors are tolerated; anything
else is logged and re-raised so start-up fails loudly. Statements here must also be folded into
an Alembic revision, which stays the source of truth (`alembic check` stays clean).
"""

from collections.abc import Sequence

import structlog
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

log = structlog.get_logger(__name__)

# SQLSTATEs meaning the object already exists: duplicate_column, duplicate_object,
# duplicate_table (also used for indexes and relations).
ALREADY_IN_TARGET_STATE = frozenset({"42701", "42710", "42P07"})

STATEMENTS: tuple[str, ...] = (
    "ALTER TABLE products ADD COLUMN IF NOT EXISTS rag_kb_id VARCHAR(100)",
    "CREATE INDEX IF NOT EXISTS ix_products_rag_kb_id ON products (rag_kb_id)",
    "ALTER TABLE users ADD COLUMN IF NOT EXISTS totp_secret TEXT",
    "ALTER TABLE products ADD COLUMN IF NOT EXISTS launch_date DATE",
)


class InlineMigrationError(RuntimeError):
    """A start-up statement failed for a reason other than being already applied."""


def _sqlstate(exc: DBAPIError) -> str | None:
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    cause = getattr(orig, "__cause__", None)
    if state is None and cause is not None:
        state = getattr(cause, "sqlstate", None)
    return state if isinstance(state, str) else None


async def run_inline_migrations(
    engine: AsyncEngine, statements: Sequence[str] | None = None
) -> int:
    """Apply each statement in its own savepoint; return how many ran without error."""
    statements = STATEMENTS if statements is None else statements
    applied = 0
    async with engine.begin() as conn:
        for stmt in statements:
            savepoint = await conn.begin_nested()
            try:
                await conn.execute(text(stmt))
                await savepoint.commit()
                applied += 1
            except DBAPIError as exc:
                await savepoint.rollback()
                state = _sqlstate(exc)
                if state in ALREADY_IN_TARGET_STATE:
                    log.info("inline_migration_already_applied", statement=stmt, sqlstate=state)
                    continue
                log.error("inline_migration_failed", statement=stmt, sqlstate=state)
                raise InlineMigrationError(f"start-up migration failed: {stmt!r}") from exc
    log.info("inline_migrations_done", applied=applied, total=len(statements))
    return applied
