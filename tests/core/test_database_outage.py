"""A database that is down answers a structured 503 quickly (never 500, never a hang)."""

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import unavailable_dependency
from app.core.security import create_access_token
from app.main import create_app
from tests.factories import auth_headers, make_login_user, make_org

PRODUCTS = "/api/v1/products"


@pytest.fixture(params=["tcp", "unix"])
async def down_app(
    request: pytest.FixtureRequest, settings: Settings, tmp_path: Path
) -> AsyncIterator[FastAPI]:
    # tcp: a refused port; unix: the embedded server's socket is gone (it crashed)
    url = (
        "postgresql://pifai:x@127.0.0.1:1/pifai"
        if request.param == "tcp"
        else f"postgresql://pifai:x@/pifai?host={tmp_path}"
    )
    application = create_app(
        settings.model_copy(update={"database_url": url}), run_startup_migrations=False
    )
    async with application.router.lifespan_context(application):
        yield application


async def test_requests_fail_with_503_while_the_database_is_down(
    down_app: FastAPI, settings: Settings
) -> None:
    token, _ = create_access_token(
        settings, user_id=uuid.uuid4(), org_id=uuid.uuid4(), role="owner"
    )
    async with AsyncClient(transport=ASGITransport(app=down_app), base_url="http://t") as http:
        started = time.monotonic()
        response = await http.get("/api/v1/products", headers={"Authorization": f"Bearer {token}"})
        elapsed = time.monotonic() - started
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "database_unavailable"
    assert response.headers["retry-after"] == "5"
    assert elapsed < 15


def test_ordinary_errors_are_not_mistaken_for_an_outage() -> None:
    assert unavailable_dependency(ValueError("bad")) is None
    assert unavailable_dependency(FileNotFoundError("no such file")) is None


@pytest.mark.redis  # Redis through its own app
async def test_the_pool_recovers_from_killed_connections_without_a_pre_ping(
    settings: Settings, owner_session: AsyncSession
) -> None:
    # no pre-ping (issue 18): a connection the server ended fails its request once (503), which
    # invalidates the pool; the requests after it get fresh connections
    org = await make_org(owner_session)
    user = await make_login_user(owner_session, org)
    headers = auth_headers(settings, user)
    application = create_app(settings, run_startup_migrations=False)
    async with (
        application.router.lifespan_context(application),
        AsyncClient(transport=ASGITransport(app=application), base_url="http://t") as http,
    ):
        warm = await asyncio.gather(*(http.get(PRODUCTS, headers=headers) for _ in range(4)))
        assert [r.status_code for r in warm] == [200] * 4
        # this app's pooled connections only (other apps of the test session share the database)
        engine = application.state.db.engine
        async with contextlib.AsyncExitStack() as stack:
            conns = [await stack.enter_async_context(engine.connect()) for _ in range(3)]
            pids = [await c.scalar(text("SELECT pg_backend_pid()")) for c in conns]
        killed = await owner_session.scalar(
            text("SELECT count(pg_terminate_backend(pid)) FROM unnest(CAST(:pids AS int[])) pid"),
            {"pids": pids},
        )
        await owner_session.commit()
        assert killed == 3
        statuses = [(await http.get(PRODUCTS, headers=headers)).status_code for _ in range(6)]
    assert set(statuses) <= {200, 503} and statuses.count(503) <= 1, statuses
    assert statuses[-4:] == [200] * 4
