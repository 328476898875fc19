"""Engines and sessions. The app role is subject to RLS; the owner only migrates."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.core.config import Settings


@dataclass
class Database:
    """The app-role engine plus the one explicit BYPASSRLS path, created lazily."""

    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    settings: Settings
    _superadmin: AsyncEngine | None = field(default=None, repr=False)

    @classmethod
    def connect(cls, settings: Settings, *, pre_ping: bool = False) -> "Database":
        """No ping per checkout by default (three round trips on every request and task): a
        connection that died is invalidated on its error (a request answers 503, a task retries),
        and recycling replaces connections before servers or proxies drop idle ones."""
        engine = create_async_engine(
            settings.app_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_pool_size,
            pool_pre_ping=pre_ping,
            pool_recycle=1800,
            # a database that does not answer fails the request (503) instead of hanging it
            pool_timeout=10,
            connect_args={"timeout": 5, "command_timeout": 60},
        )
        return cls(engine, async_sessionmaker(engine, expire_on_commit=False), settings)

    @asynccontextmanager
    async def tenant(self, org_id: uuid.UUID | None) -> AsyncIterator[AsyncSession]:
        """One transaction with app.current_org_id set for RLS (None: no tenant rows visible)."""
        async with self.sessionmaker() as session, session.begin():
            if org_id is not None:
                await set_current_org(session, org_id)
            yield session

    @asynccontextmanager
    async def bypass_rls(self) -> AsyncIterator[AsyncSession]:
        """The only BYPASSRLS session. Open it through `audit.superadmin_session`, which writes
        `admin.bypass_rls` in the same transaction (core stays below services)."""
        if self._superadmin is None:
            self._superadmin = create_async_engine(
                self.settings.superadmin_url, pool_size=2, max_overflow=2, pool_pre_ping=True
            )
        maker = async_sessionmaker(self._superadmin, expire_on_commit=False)
        async with maker() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._superadmin is not None:
            await self._superadmin.dispose()


async def set_current_org(session: AsyncSession, org_id: uuid.UUID) -> None:
    """Transaction-local tenant for RLS; dies with the transaction so pools cannot leak it."""
    await session.execute(
        text("SELECT set_config('app.current_org_id', :org, true)"), {"org": str(org_id)}
    )


def owner_engine(settings: Settings) -> AsyncEngine:
    """Short-lived engine for DDL as the owner/migration role."""
    return create_async_engine(settings.owner_url, pool_size=1, max_overflow=0)


async def analyze_reference_tables(session: AsyncSession) -> None:
    """Fresh planner statistics after a bulk import (owner only): else the new rows look absent."""
    await session.execute(text("ANALYZE ingredients, regulated_substances"))
