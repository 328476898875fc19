"""The OpenAPI document lists what the shared handlers answer; undeclared methods get a real 405."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.requests import Request

from app.api.deps import client_info
from app.api.openapi import NO_CONTROL_CHARS
from app.core.config import Settings
from app.main import create_app

STANDARD = {"401", "403", "404", "409", "413", "415", "422", "429", "503"}


@pytest.fixture(scope="module")
def offline_app() -> FastAPI:
    # no lifespan: the document and the router need no servers
    return create_app(Settings(database_url="postgresql://x@127.0.0.1/x", redis_url="redis://x"))


@pytest.fixture(scope="module")
def http(offline_app: FastAPI) -> Iterator[TestClient]:
    yield TestClient(offline_app)


def test_every_api_operation_documents_the_standard_errors(offline_app: FastAPI) -> None:
    paths = offline_app.openapi()["paths"]
    missing = {
        f"{method.upper()} {path}": sorted(STANDARD - op["responses"].keys())
        for path, ops in paths.items()
        if path.startswith("/api/v1/")
        for method, op in ops.items()
        if STANDARD - op["responses"].keys()
    }
    assert missing == {}
    products = paths["/api/v1/products"]["post"]["responses"]["429"]
    assert products["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")


def test_free_text_is_documented_without_control_characters(offline_app: FastAPI) -> None:
    name = offline_app.openapi()["components"]["schemas"]["ProductCreate"]["properties"]["name"]
    assert name["pattern"] == NO_CONTROL_CHARS


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PATCH", "/api/v1/products", "GET, POST"),
        (
            "POST",
            "/api/v1/products/00000000-0000-0000-0000-000000000000",
            "GET, PUT, PATCH, DELETE",
        ),
        ("POST", "/healthz", "GET"),
    ],
)
def test_undeclared_method_is_405_with_every_allowed_method(
    http: TestClient, method: str, path: str, allow: str
) -> None:
    response = http.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("host", "ip"), [("testclient", None), ("::1", "::1"), ("10.0.0.1", "10.0.0.1")]
)
async def test_client_ip_is_an_address_or_unknown(host: str, ip: str | None) -> None:
    # the audit column is inet: a non-IP peer name used to fail the insert with a 500
    request = Request({"type": "http", "client": (host, 1), "headers": []})
    assert (await client_info(request)).ip == ip
