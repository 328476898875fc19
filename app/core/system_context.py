"""Sessions for work that no request carries (the worker, the sweeper, scheduled digests).

They go through the same unit of work as a request (`app.core.unit_of_work`): one session on one
pooled connection, the tenant re-applied to every transaction by the same hook, so RLS applies
to a task exactly as it does to the request that enqueued it. System jobs (tasks with org_id
NULL) are visible only inside an explicit system context.
"""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import Database
from app.core.tenancy import OrgId
from app.core.unit_of_work import enter_system_scope, set_tenant, unit_of_work


@asynccontextmanager
async def org_session(db: Database, org_id: OrgId) -> AsyncIterator[AsyncSession]:
    """One unit of work scoped to `org_id` (RLS), committed on exit, rolled back on error."""
    async with unit_of_work(db.engine) as session:
        await set_tenant(session, org_id)
        yield session


@asynccontextmanager
async def org_or_system_session(
    db: Database, org_id: uuid.UUID | None, *, lazy: bool = False
) -> AsyncIterator[AsyncSession]:
    """One unit of work scoped to `org_id`, or to the system context when it is None.

    `org_id` comes from the task row's message, which only the app wrote; the row is re-read
    under RLS, so a forged message finds nothing. `lazy`: no connection until the first
    statement (see `unit_of_work`)."""
    async with unit_of_work(db.engine, lazy=lazy) as session:
        if org_id is None:
            await enter_system_scope(session)
        else:
            await set_tenant(session, OrgId(org_id))
        yield session


@asynccontextmanager
async def untenanted_session(db: Database) -> AsyncIterator[AsyncSession]:
    """No tenant and no system scope: only SECURITY DEFINER functions see rows (the sweeper)."""
    async with unit_of_work(db.engine) as session:
        yield session
