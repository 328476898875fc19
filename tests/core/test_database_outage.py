"""A database that is down answers a structured 503 quickly (never 500, never a hang)."""

import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from app.core.config import Settings
from app.core.errors import unavailable_dependency
from app.core.security import create_access_token
from app.main import create_app


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
