"""Fault tests: real processes killed, servers killed and restarted. Deselected by default;
`.ci/run` runs them in a step of their own (`pytest -m faults`, bounded).

Each test that kills a server kills its own (a private embedded Redis or PostgreSQL in a temp
dir), never the suite's shared servers that other test runs use.
"""

import asyncio
import shutil
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from app.core import embedded
from app.core.config import Settings, to_async_url
from app.core.migrations_state import alembic_config
from app.models.platform import AuditLog, Task
from tests.faults import handlers

pytestmark = [pytest.mark.faults, pytest.mark.infra]

assert handlers.TASK_TYPE == "faults.work"  # registered on import


def fast(settings: Settings, **overrides: object) -> Settings:
    """Short heartbeats and timeouts: a dead worker's entries are taken within a second or two."""
    values: dict[str, object] = {
        "worker_concurrency": 4,
        "worker_block_ms": 100,
        "worker_visibility_timeout_seconds": 30.0,
        "worker_heartbeat_seconds": 0.2,
        "worker_dead_after_seconds": 1.0,
        "worker_shutdown_grace_seconds": 1.0,
        "task_retry_base_seconds": 0.1,
        "task_retry_jitter": 0.0,
        "task_retry_poll_seconds": 0.05,
        "task_sweeper_interval_seconds": 0.5,
        "task_sweeper_grace_seconds": 1.0,
    }
    values.update(overrides)
    return settings.model_copy(update=values)


def worker_env(settings: Settings) -> dict[str, str]:
    """The same timings for a worker process (environment variables)."""
    keys = [
        "worker_concurrency",
        "worker_block_ms",
        "worker_visibility_timeout_seconds",
        "worker_heartbeat_seconds",
        "worker_dead_after_seconds",
        "worker_shutdown_grace_seconds",
        "task_retry_base_seconds",
        "task_retry_poll_seconds",
        "task_sweeper_interval_seconds",
        "task_sweeper_grace_seconds",
    ]
    env = {key.upper(): str(getattr(settings, key)) for key in keys}
    env.update(
        {
            "APP_ENV": "test",
            "DATABASE_URL": str(settings.database_url),
            "REDIS_URL": str(settings.redis_url),
            "LOG_JSON": "true",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


async def eventually(
    check: Callable[[], Awaitable[bool]], what: str, *, timeout: float = 60.0
) -> None:
    """Wait for a condition (a bound against a hang, never a timing assertion)."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.05)


async def task_counts(engine: AsyncEngine, ids: list[uuid.UUID]) -> dict[str, int]:
    async with AsyncSession(engine) as session:
        rows = await session.execute(
            select(Task.status, func.count()).where(Task.id.in_(ids)).group_by(Task.status)
        )
        return {status: int(n) for status, n in rows.all()}


async def effects_per_task(engine: AsyncEngine, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    async with AsyncSession(engine) as session:
        rows = await session.execute(
            select(AuditLog.resource_id, func.count())
            .where(AuditLog.action == handlers.EFFECT, AuditLog.resource_id.in_(ids))
            .group_by(AuditLog.resource_id)
        )
        return {rid: int(n) for rid, n in rows.all() if rid is not None}


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[Path]:
    """An embedded Redis of this test only (its data dir); stopped afterwards."""
    data_dir = tmp_path / "redis-data"
    embedded.start_redis(data_dir)
    try:
        yield data_dir
    finally:
        embedded.stop_redis(data_dir)
        embedded.wait_redis_stopped(data_dir)


@pytest.fixture
def private_postgres() -> Iterator[tuple[Path, str]]:
    """An embedded PostgreSQL of this test only, migrated; (data dir, owner URL).

    Not under pytest's tmp dir: that is private to root, and as root pgserver runs the server
    as its own system user, which must reach the data dir."""
    data_dir = Path(tempfile.mkdtemp(prefix="pifai-fault-pg-"))
    data_dir.chmod(0o755)
    try:
        url = embedded.start_postgres(data_dir, database="pifai_fault")
        command.upgrade(
            alembic_config(to_async_url(url).render_as_string(hide_password=False)), "head"
        )
        yield data_dir, url
    finally:
        embedded.stop_postgres(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
async def engine_for() -> AsyncIterator[Callable[[Settings], AsyncEngine]]:
    """Owner engines for checks, disposed afterwards."""
    made: list[AsyncEngine] = []

    def make(settings: Settings) -> AsyncEngine:
        engine = create_async_engine(settings.owner_url, pool_size=2, pool_pre_ping=True)
        made.append(engine)
        return engine

    yield make
    for engine in made:
        await engine.dispose()
