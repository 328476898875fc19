"""Bodies are refused on declared or counted size, uploads on their token, before reading."""

import json
import uuid
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import Message, Receive, Scope, Send

from app.core.body_limits import BodyLimitMiddleware
from app.core.config import Settings
from app.core.security import create_access_token
from tests.factories import make_actor

UPLOAD = f"/api/v1/products/{uuid.uuid4()}/pif/upload"


class Inner:
    """The wrapped app: records whether it ran and what body it read."""

    def __init__(self) -> None:
        self.called = False
        self.body = b""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.called = True
        while True:
            message = await receive()
            self.body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _scope(path: str, headers: dict[str, str]) -> Scope:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return {"type": "http", "method": "POST", "path": path, "headers": raw, "state": {}}


def _receive_unread() -> Receive:
    async def receive() -> Message:
        raise AssertionError("the body was read")

    return receive


def _receive_chunks(chunks: list[bytes]) -> Receive:
    pending = list(chunks)

    async def receive() -> Message:
        chunk = pending.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

    return receive


async def _run(
    settings: Settings, scope: Scope, receive: Receive
) -> tuple[int, dict[str, Any], Inner]:
    inner = Inner()
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await BodyLimitMiddleware(inner, settings)(scope, receive, send)
    status = sent[0]["status"]
    body = json.loads(sent[1]["body"]) if not inner.called else {}
    return status, body, inner


async def test_declared_oversize_auth_body_is_refused_unread(settings: Settings) -> None:
    declared = str(200 * 1024 * 1024)
    scope = _scope("/api/v1/auth/login", {"content-length": declared})
    status, body, inner = await _run(settings, scope, _receive_unread())
    assert status == 413 and body["error"]["code"] == "payload_too_large"
    assert not inner.called


async def test_chunked_body_is_counted_and_refused_past_the_limit(settings: Settings) -> None:
    chunk = b"x" * (settings.max_json_body_bytes // 4)
    scope = _scope("/api/v1/products", {})
    status, _, inner = await _run(settings, scope, _receive_chunks([chunk] * 10))
    assert status == 413 and not inner.called


async def test_chunked_body_under_the_limit_reaches_the_app_whole(settings: Settings) -> None:
    scope = _scope("/api/v1/products", {})
    status, _, inner = await _run(settings, scope, _receive_chunks([b'{"a":', b" 1}"]))
    assert status == 200 and inner.body == b'{"a": 1}'


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-jwt", "Basic abc"])
async def test_upload_without_a_signed_token_is_refused_unread(
    settings: Settings, authorization: str | None
) -> None:
    headers = {"content-length": "1000"}
    if authorization:
        headers["authorization"] = authorization
    status, body, inner = await _run(settings, _scope(UPLOAD, headers), _receive_unread())
    assert status == 401 and body["error"]["code"] == "not_authenticated"
    assert not inner.called


async def test_upload_with_a_signed_token_passes(settings: Settings) -> None:
    token, _ = create_access_token(
        settings, user_id=uuid.uuid4(), org_id=uuid.uuid4(), role="member"
    )
    headers = {"content-length": "3", "authorization": f"Bearer {token}"}
    status, _, inner = await _run(settings, _scope(UPLOAD, headers), _receive_chunks([b"abc"]))
    assert status == 200 and inner.called


async def test_route_boundary_oversize_login_is_structured_413(client: AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/login",
        content=b'{"email": "' + b"a" * (64 * 1024) + b'"}',
        headers={"Content-Type": "application/json", "X-Request-ID": "big-1"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "payload_too_large",
        "message": response.json()["error"]["message"],
        "request_id": "big-1",
    }


@pytest.mark.parametrize(
    ("raw", "refused"),
    [
        (rb'{"name": "x\u0000y"}', True),
        (rb'{"name": "bell\u0007"}', True),
        (rb'{"name": "\u001f"}', True),
        (rb'{"name": "back\bspace"}', True),
        (rb'{"name": "literal \\u0000 text"}', False),  # an escaped backslash, then "u0000"
        (rb'{"name": "tab\tnew\nline\r"}', False),
        (rb'{"name": "caf\u00e9 \u4fdd\u6fd5"}', False),
    ],
)
async def test_json_control_characters_are_422(
    settings: Settings, raw: bytes, refused: bool
) -> None:
    scope = _scope("/api/v1/products", {"content-type": "application/json"})
    half = len(raw) // 2  # an escape split across chunks is still seen
    status, body, inner = await _run(settings, scope, _receive_chunks([raw[:half], raw[half:]]))
    if refused:
        assert status == 422 and body["error"]["code"] == "validation_error"
        assert not inner.called
    else:
        assert status == 200 and inner.body == raw


@pytest.mark.parametrize("query", [b"q=%00", b"q=a%0bb", b"offset=1&q=%7F"])
async def test_query_control_characters_are_422(settings: Settings, query: bytes) -> None:
    scope = {**_scope("/api/v1/products", {}), "method": "GET", "query_string": query}
    status, _, inner = await _run(settings, scope, _receive_unread())
    assert status == 422 and not inner.called


async def test_route_boundary_hostile_params_are_4xx_not_500(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    for path in ("/api/v1/products", "/api/v1/tasks"):
        huge = await client.get(f"{path}?offset=9223372036854775808", headers=actor.headers)
        assert huge.status_code == 422, path
    nul = await client.get("/api/v1/ingredients/search?q=%00", headers=actor.headers)
    assert nul.status_code == 422
    form = await client.post(
        "/api/v1/auth/token", data={"username": "not-an-email", "password": "x" * 12}
    )
    assert form.status_code == 422 and form.json()["error"]["code"] == "validation_error"
