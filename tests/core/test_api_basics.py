"""Operational endpoints, request ids and the structured error shape."""

import re
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from pydantic import BaseModel

from app.core.config import Settings
from app.main import create_app

pytestmark = pytest.mark.infra


class Payload(BaseModel):
    name: str
    count: int


@pytest.fixture
async def probe_client(settings: Settings) -> AsyncIterator[AsyncClient]:
    app: FastAPI = create_app(settings, run_startup_migrations=False)

    @app.post("/probe")
    async def probe(body: Payload) -> dict[str, int]:
        return {"count": body.count}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internal detail")

    async with (
        app.router.lifespan_context(app),
        AsyncClient(
            transport=ASGITransport(app=app, raise_app_exceptions=False), base_url="http://t"
        ) as http,
    ):
        yield http


async def test_healthz_and_readyz(client: AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "migrations": "ok", "redis": "ok"}


async def test_metrics_exposes_prometheus_text(client: AsyncClient) -> None:
    await client.get("/healthz")
    body = (await client.get("/metrics")).text
    assert "pifai_http_requests_total" in body


async def test_openapi_and_docs_are_served(client: AsyncClient) -> None:
    spec = (await client.get("/api/v1/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    assert (await client.get("/api/v1/docs")).status_code == 200


async def test_docs_load_their_assets_from_this_server(client: AsyncClient) -> None:
    """Offline installs get a working Swagger UI and ReDoc: no CDN URL in either page."""
    for page in ("/api/v1/docs", "/api/v1/redoc"):
        html = (await client.get(page)).text
        assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html
        assets = re.findall(r'(?:src|href)="(/api/v1/docs-assets/[^"]+)"', html)
        assert assets, page
        for asset in assets:
            response = await client.get(asset)
            assert response.status_code == 200 and len(response.content) > 1000, asset


async def test_request_id_is_echoed_or_generated(client: AsyncClient) -> None:
    given = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    generated = await client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
    assert generated.headers["X-Request-ID"] not in ("", "bad id\nwith newline")


async def test_malformed_json_is_structured_422(probe_client: AsyncClient) -> None:
    response = await probe_client.post(
        "/probe",
        content=b'{"name": "x", "count": ',
        headers={"Content-Type": "application/json", "X-Request-ID": "req-1"},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["request_id"] == "req-1"
    assert error["message"] == "Malformed JSON body"


async def test_wrong_type_is_structured_422_without_echoing_input(
    probe_client: AsyncClient,
) -> None:
    response = await probe_client.post("/probe", json={"name": "x", "count": "hunter2-secret"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["request_id"] == response.headers["X-Request-ID"]
    assert error["details"][0]["loc"] == ["body", "count"]
    assert "hunter2-secret" not in response.text


async def test_unknown_route_is_structured_404(client: AsyncClient) -> None:
    response = await client.get("/api/v1/nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_unhandled_error_hides_internals(probe_client: AsyncClient) -> None:
    response = await probe_client.get("/boom")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "secret internal detail" not in response.text
