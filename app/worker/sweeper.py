"""Republish tasks left pending: never published, Redis was down, or a retry move was lost."""

import structlog
from redis.asyncio import Redis
from sqlalchemy import text

from app.core.database import Database
from app.core.jobs import JobRef
from app.core.queue import publish
from app.core.system_context import untenanted_session

log = structlog.get_logger(__name__)

_DUE = text("SELECT id, org_id, queue FROM tasks_due_for_enqueue(:limit, :grace)")


async def sweep(db: Database, redis: Redis, *, grace_seconds: float, limit: int = 500) -> int:
    """Cross-org through one SECURITY DEFINER function; returns how many were republished."""
    async with untenanted_session(db) as session:
        rows = (await session.execute(_DUE, {"limit": limit, "grace": grace_seconds})).all()
    jobs = [JobRef(row.id, row.org_id, row.queue) for row in rows]
    published = await publish(redis, jobs)
    if jobs:
        log.info("tasks_swept", found=len(jobs), published=published)
    return published
