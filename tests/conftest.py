"""Shared fixtures: real PostgreSQL + Redis, the app under test, clean state per test."""

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
import redis.asyncio as redis
import redis.asyncio.connection as redis_connection_async
import redis.connection as redis_connection_sync
from alembic import command
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from pydantic import SecretStr
from redis.asyncio.connection import parse_url as parse_redis_url
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from app.core.config import AppEnv, PlanEnforcement, Settings
from app.core.migrations_state import alembic_config
from app.main import create_app
from tests import echo_task, infra
from tests.factories import Override

TEST_FERNET_KEY = "x1DVKp5fcmFz7L3VqLkCX6eR2l1k0a3NR2Ozz9-bVzE="
TEST_FILE_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
KEEP_TABLES = {"alembic_version", "plan_limits", "audit_chain_head", "reference_versions"}
# Loaded once per worker by `reference_data` and never modified by tests (import tests use a
# database of their own).
REFERENCE_TABLES = {
    "ingredients",
    "regulated_substances",
    "regulated_substance_limits",
    "chemical_sync_runs",
}


assert callable(echo_task.echo)  # the test-only `tasks.echo` handler, registered on import

INFRA_FIXTURES = {
    "database_url",
    "settings",
    "app",
    "client",
    "owner_engine",
    "app_engine",
    "redis_url",
}
# Fixtures whose users send Redis commands: the app (sessions, rate limits, the queue), a Redis
# URL or client, the worker's settings. Other tests that reach Redis (a subprocess given the URL)
# carry an explicit `redis` mark; `_redis_guard` fails an in-process one that has neither.
REDIS_FIXTURES = {"app", "redis_url", "redis", "redis_client", "fast_settings"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that touch PostgreSQL or Redis, so .ci/run can re-run them externally."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if INFRA_FIXTURES & names:
            item.add_marker(pytest.mark.infra)
        if REDIS_FIXTURES & names:
            item.add_marker(pytest.mark.redis)


def _redis_address(connection: Any) -> object:
    path = getattr(connection, "path", None)
    return path or (getattr(connection, "host", None), getattr(connection, "port", None))


class _RedisGuard:
    """Records commands sent to the suite's Redis while a test without the `redis` mark runs
    (a test's own embedded Redis, as in the supervisor tests, is not the suite's)."""

    def __init__(self) -> None:
        self.armed = False
        self.server: object = None  # the suite's Redis, once `settings` has resolved it
        self.sent: list[str] = []

    def use(self, url: str) -> None:
        options = parse_redis_url(url)
        self.server = options.get("path") or (options.get("host"), options.get("port", 6379))

    def note(self, connection: Any, command: object) -> None:
        if self.armed and self.server is not None and _redis_address(connection) == self.server:
            if _in_background_task():
                return  # an app's own subscription (started by whichever test), not this test's
            self.sent.append(repr(command)[:80])


# tasks an app runs for itself while it is up, whichever test started it
BACKGROUND_TASKS = frozenset({"principal-watch"})


def _in_background_task() -> bool:
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no running loop: a sync client
        return False
    return task is not None and task.get_name() in BACKGROUND_TASKS


_redis_guard_state = _RedisGuard()


def _wrap_send(cls: Any, is_async: bool) -> None:
    original = cls.send_packed_command

    if is_async:

        async def send_async(self: Any, command: Any, *args: Any, **kwargs: Any) -> Any:
            _redis_guard_state.note(self, command)
            return await original(self, command, *args, **kwargs)

        cls.send_packed_command = send_async
    else:

        def send_sync(self: Any, command: Any, *args: Any, **kwargs: Any) -> Any:
            _redis_guard_state.note(self, command)
            return original(self, command, *args, **kwargs)

        cls.send_packed_command = send_sync


_wrap_send(redis_connection_async.AbstractConnection, is_async=True)
_wrap_send(redis_connection_sync.AbstractConnection, is_async=False)


@pytest.fixture(autouse=True)
def _redis_guard(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that sends Redis commands must be marked `redis`, or the external pass skips it."""
    exempt = ("redis", "faults", "schemathesis")  # the last two: own servers / own CI step
    if any(request.node.get_closest_marker(name) is not None for name in exempt):
        yield
        return
    _redis_guard_state.armed, _redis_guard_state.sent = True, []
    try:
        yield
    finally:
        _redis_guard_state.armed = False
    if _redis_guard_state.sent:
        pytest.fail(
            "sent Redis commands without the `redis` mark (request `redis_url`, or mark the test"
            f" `pytest.mark.redis`): {_redis_guard_state.sent[:3]}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "gw0")


@pytest.fixture(scope="session")
def database_url(worker_id: str) -> Iterator[URL]:
    """A fresh database for this worker, built by `alembic upgrade head` (so RLS is real)."""
    name = infra.database_name(worker_id)
    url = infra.recreate_database(infra.server_url(), name)
    command.upgrade(alembic_config(url.render_as_string(hide_password=False)), "head")
    yield url
    infra.drop_database(url, name)


@pytest.fixture(scope="session")
def settings(
    database_url: URL, worker_id: str, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    _redis_guard_state.use(infra.redis_url(worker_id))
    return Settings(
        app_env=AppEnv.TEST,
        database_url=database_url.render_as_string(hide_password=False),
        redis_url=infra.redis_url(worker_id),
        data_dir=tmp_path_factory.mktemp("data"),
        secret_key=SecretStr("test-secret-key-that-is-long-enough-0123456789"),
        fernet_key=SecretStr(TEST_FERNET_KEY),
        file_encryption_key=SecretStr(TEST_FILE_KEY),
        admin_bootstrap_secret=SecretStr("test-bootstrap-secret"),
        log_json=True,
    )


@pytest.fixture(scope="session")
def redis_url(settings: Settings) -> str:
    return str(settings.redis_url)


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
async def owner_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """Owner connection, for test setup/teardown and tamper checks only."""
    engine = create_async_engine(settings.owner_url, pool_size=2)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def app_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """Connection as the non-owner app role: RLS applies."""
    engine = create_async_engine(settings.app_url, pool_size=2)
    yield engine
    await engine.dispose()


@pytest.fixture
async def clean_db(owner_engine: AsyncEngine, settings: Settings) -> AsyncIterator[None]:
    """Tests commit for real (as production does); wipe tenant and reference rows afterwards."""
    yield
    async with owner_engine.begin() as conn:
        rows = await conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        )
        tables = [r[0] for r in rows if r[0] not in KEEP_TABLES | REFERENCE_TABLES]
        await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        await conn.execute(
            text("UPDATE audit_chain_head SET last_seq = 0, last_hash = repeat('0', 64)")
        )
    armed, _redis_guard_state.armed = _redis_guard_state.armed, False  # clean-up, not use
    client = redis.from_url(str(settings.redis_url))
    await client.flushdb()
    await client.aclose()
    _redis_guard_state.armed = armed
    shutil.rmtree(settings.storage_dir or settings.data_dir / "files", ignore_errors=True)


@pytest.fixture
def override(app: FastAPI) -> Iterator[Override]:
    """`override(get_x, value)`: dependency `get_x` answers `value` for this test only."""
    saved = dict(app.dependency_overrides)

    def install(dependency: Callable[..., Any], value: Any) -> None:
        app.dependency_overrides[dependency] = lambda: value

    yield install
    app.dependency_overrides.clear()
    app.dependency_overrides.update(saved)


@pytest.fixture
async def client(app: FastAPI, clean_db: None) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as http:
        yield http


@pytest.fixture
def saas_plans(app: FastAPI, settings: Settings) -> Iterator[Settings]:
    """PLAN_ENFORCEMENT=saas for one test (the default, off, gives every org the top plan)."""
    from app.api.deps import get_settings

    saas = settings.model_copy(update={"plan_enforcement": PlanEnforcement.SAAS})
    # both: `Tenant` reads the app's settings itself (one dependency node, issue 18)
    running, app.state.settings = app.state.settings, saas
    app.dependency_overrides[get_settings] = lambda: saas
    yield saas
    app.dependency_overrides.pop(get_settings, None)
    app.state.settings = running


@pytest.fixture
async def owner_session(owner_engine: AsyncEngine, clean_db: None) -> AsyncIterator[AsyncSession]:
    async with AsyncSession(owner_engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture(scope="session")
async def reference_data(owner_engine: AsyncEngine, app: FastAPI) -> None:
    """The shipped CosIng annexes and the starter dictionary, loaded once per worker."""
    from app import data
    from app.engines.regulatory import parse_annex_file
    from app.models.enums import SyncSource
    from app.services.formulation import import_ingredients, records_from_starter
    from app.services.regulatory import sync_entries

    annexes = [data.path(f"cosing/COSING_Annex_{a}_v2.txt") for a in ("II", "III", "IV", "V", "VI")]
    entries = [entry for path in annexes for entry in parse_annex_file(path)]
    async with AsyncSession(owner_engine) as session, session.begin():
        await sync_entries(session, entries, source=SyncSource.COSING)
        await import_ingredients(session, records_from_starter())
