"""System jobs (tasks with org_id NULL) are visible only inside an explicit system context."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import Database


async def enter_system_context(session: AsyncSession) -> None:
    """Transaction-local: lets this transaction see org-less task rows (the tasks RLS policy)."""
    await session.execute(text("SELECT set_config('app.system_context', 'on', true)"))


@asynccontextmanager
async def org_or_system_session(
    db: Database, org_id: uuid.UUID | None
) -> AsyncIterator[AsyncSession]:
    """One transaction scoped to `org_id`, or to the system context when it is None."""
    async with db.tenant(org_id) as session:
        if org_id is None:
            await enter_system_context(session)
        yield session
