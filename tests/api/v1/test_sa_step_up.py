"""Every route that can approve or sign refuses an SA without TOTP set up and without a fresh code.

The routes are found from the OpenAPI document, so a future SA route (sign, revision, a body
that can carry `approved`) is covered without touching this test.
"""

import re
import uuid
from typing import Any

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.models import PifDocument
from app.models.enums import Role
from tests.factories import enable_totp, make_actor, make_product, totp_code

DECISION_VALUES = {"approved", "signed"}
DECISION_PATH = re.compile(r"/(sign|signature|approve|revision|revisions)$")


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def _carries_decision(spec: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> bool:
    schema = _resolve(spec, schema)
    if depth > 8:
        return False
    if DECISION_VALUES & set(schema.get("enum", [])) or schema.get("const") in DECISION_VALUES:
        return True
    nested = [*schema.get("anyOf", []), *schema.get("oneOf", []), *schema.get("allOf", [])]
    nested += list(schema.get("properties", {}).values())
    return any(_carries_decision(spec, s, depth + 1) for s in nested)


def _value(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A body that sets every decision-capable field to its decision value."""
    schema = _resolve(spec, schema)
    decision = DECISION_VALUES & set(schema.get("enum", []))
    if decision:
        return sorted(decision)[0]
    for option in [*schema.get("anyOf", []), *schema.get("oneOf", [])]:
        if _carries_decision(spec, option):
            return _value(spec, option)
    if "properties" in schema:
        required = set(schema.get("required", []))
        return {
            name: _value(spec, prop)
            for name, prop in schema["properties"].items()
            if name in required or _carries_decision(spec, prop)
        }
    return {"string": "x", "integer": 1, "number": 1, "boolean": True, "array": []}.get(
        str(schema.get("type")), "x"
    )


def decision_routes(app: FastAPI) -> list[tuple[str, str, Any]]:
    """(method, path template, body) of each route that can approve, sign or send back."""
    spec = app.openapi()
    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in {"post", "put", "patch"}:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is not None and _carries_decision(spec, schema):
                found.append((method, path, _value(spec, schema)))
            elif DECISION_PATH.search(path):
                found.append((method, path, {} if schema is not None else None))
    return found


def _fill(path: str, product_id: uuid.UUID) -> str:
    path = path.replace("{product_id}", str(product_id)).replace("{item_number}", "7")
    return re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), path)


async def test_the_walker_finds_the_approval_route(app: FastAPI) -> None:
    paths = {path for _, path, _ in decision_routes(app)}
    assert "/api/v1/products/{product_id}/pif/{item_number}/status" in paths


async def test_every_decision_route_needs_totp_and_a_fresh_code(
    app: FastAPI, client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    member = await make_actor(owner_session, settings)
    sa = await make_actor(owner_session, settings, role=Role.SA, org=member.org)
    product = await make_product(owner_session, member)
    confirmed = await client.put(
        f"/api/v1/products/{product.id}/pif/7",
        json={"data": {"method": "Apply twice daily"}, "confirm": True},
        headers=member.headers,
    )
    assert confirmed.status_code == 200  # human_reviewed: approval would be a legal move
    routes = decision_routes(app)

    async def call(method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
        url = _fill(path, product.id)
        return await client.request(method.upper(), url, json=body, headers=headers)

    for method, path, body in routes:  # an SA without TOTP set up
        answer = await call(method, path, body, sa.headers)
        assert answer.status_code == 403, (path, answer.text)
        assert answer.json()["error"]["code"] == "totp_setup_required", path

    generator = await enable_totp(owner_session, settings, sa.user)
    for method, path, body in routes:
        missing = await call(method, path, body, sa.headers)
        assert missing.status_code == 401, (path, missing.text)
        assert missing.json()["error"]["code"] == "totp_required", path
        wrong = await call(method, path, body, {**sa.headers, "X-TOTP-Code": "000000"})
        if wrong.status_code != 401:  # 000000 may be the real code once in a million
            wrong = await call(method, path, body, {**sa.headers, "X-TOTP-Code": "999999"})
        assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "totp_invalid", path

    status = await owner_session.scalar(
        select(PifDocument.status).where(
            PifDocument.product_id == product.id, PifDocument.item_number == 7
        )
    )
    assert status == "human_reviewed"  # nothing was decided without a code

    code = totp_code(generator)
    approved = await client.post(
        f"/api/v1/products/{product.id}/pif/7/status",
        json={"status": "approved"},
        headers={**sa.headers, "X-TOTP-Code": code},
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    reopened = await client.post(
        f"/api/v1/products/{product.id}/pif/7/status",
        json={"status": "human_reviewed"},
        headers=sa.headers,
    )
    assert reopened.status_code == 200  # re-opening review is not an SA decision


async def test_sending_back_for_revision_needs_a_code(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    member = await make_actor(owner_session, settings)
    sa = await make_actor(owner_session, settings, role=Role.SA, org=member.org)
    product = await make_product(owner_session, member)
    base = f"/api/v1/products/{product.id}/pif/7"
    await client.put(base, json={"data": {"method": "x"}, "confirm": True}, headers=member.headers)
    generator = await enable_totp(owner_session, settings, sa.user)
    back = {"status": "ai_draft_ready", "reason": "check the dose"}
    refused = await client.post(f"{base}/status", json=back, headers=sa.headers)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "totp_required"
    sent = await client.post(
        f"{base}/status", json=back, headers={**sa.headers, "X-TOTP-Code": totp_code(generator)}
    )
    assert sent.status_code == 200 and sent.json()["status"] == "ai_draft_ready"
