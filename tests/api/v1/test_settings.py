"""/settings: roles, tenant isolation, API keys never shown or logged unmasked."""

from typing import Any

import httpx
import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.identity_deps import get_outbound_transport
from app.core.config import Settings
from app.core.crypto import decrypt_json, is_fernet_token
from app.models import Organization
from app.models.enums import Role
from tests.factories import Override, auth_headers, make_org, make_user

pytestmark = pytest.mark.infra

SECRET_KEY_VALUE = "sk-ant-test-0123456789-SECRETVALUE-abcd"


async def _org_with(session: AsyncSession, settings: Settings, name: str) -> dict[str, Any]:
    org = await make_org(session, name=name)
    admin = await make_user(session, org, role=Role.ADMIN)
    member = await make_user(session, org, role=Role.MEMBER)
    await session.commit()
    return {
        "org": org,
        "admin": auth_headers(settings, admin),
        "member": auth_headers(settings, member),
    }


async def test_member_reads_but_cannot_change_settings_or_keys(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    a = await _org_with(owner_session, settings, "Org A")
    read = await client.get("/api/v1/settings/org", headers=a["member"])
    assert read.status_code == 200 and read.json()["name"] == "Org A"
    assert (
        await client.put("/api/v1/settings/org", json={"name": "X"}, headers=a["member"])
    ).status_code == 403
    assert (await client.get("/api/v1/settings/api-keys", headers=a["member"])).status_code == 403
    put_key = await client.put(
        "/api/v1/settings/api-keys/anthropic", json={"key": SECRET_KEY_VALUE}, headers=a["member"]
    )
    assert put_key.status_code == 403
    changed = await client.put(
        "/api/v1/settings/org", json={"name": "Org A2", "type": "oem"}, headers=a["admin"]
    )
    assert changed.status_code == 200 and changed.json()["type"] == "oem"


async def test_org_a_cannot_see_org_b(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    a = await _org_with(owner_session, settings, "Org A")
    b = await _org_with(owner_session, settings, "Org B")
    await client.put("/api/v1/settings/org", json={"name": "Org B!"}, headers=b["admin"])

    assert (await client.get("/api/v1/settings/org", headers=a["admin"])).json()["name"] == "Org A"
    users = (await client.get("/api/v1/settings/users", headers=a["member"])).json()
    assert users["total"] == 2
    assert all(u["email"] for u in users["items"])
    logs = (await client.get("/api/v1/settings/audit-logs", headers=a["admin"])).json()
    assert logs == {"items": [], "total": 0}
    logs_b = (await client.get("/api/v1/settings/audit-logs", headers=b["admin"])).json()
    assert logs_b["total"] == 1 and logs_b["items"][0]["action"] == "org.settings_updated"
    assert logs_b["items"][0]["org_id"] == str(b["org"].id)
    # asking for B's rows by id from A's session still yields nothing
    foreign = await client.get(
        "/api/v1/settings/audit-logs",
        params={"action": "org.settings_updated"},
        headers=a["admin"],
    )
    assert foreign.json()["total"] == 0


async def test_api_keys_encrypted_masked_and_never_logged(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    override: Override,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    a = await _org_with(owner_session, settings, "Org A")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200 if request.url.host == "api.anthropic.com" else 503, json={})

    override(get_outbound_transport, httpx.MockTransport(handler))
    untested = await client.post("/api/v1/settings/api-keys/anthropic/test", headers=a["admin"])
    assert untested.json()["ok"] is False
    stored = await client.put(
        "/api/v1/settings/api-keys/anthropic",
        json={"key": SECRET_KEY_VALUE},
        headers=a["admin"],
    )
    assert stored.status_code == 200
    assert stored.json() == {
        "service": "anthropic",
        "label": "Anthropic",
        "configured": True,
        "last4": "abcd",
    }
    short = await client.put(
        "/api/v1/settings/api-keys/echa", json={"key": "short-key"}, headers=a["admin"]
    )
    assert short.json()["last4"] is None
    unknown = await client.put(
        "/api/v1/settings/api-keys/evil", json={"key": "x"}, headers=a["admin"]
    )
    assert unknown.status_code == 404

    listed = await client.get("/api/v1/settings/api-keys", headers=a["admin"])
    by_service = {i["service"]: i for i in listed.json()["items"]}
    assert by_service["anthropic"]["last4"] == "abcd" and not by_service["rag"]["configured"]

    tested = await client.post("/api/v1/settings/api-keys/anthropic/test", headers=a["admin"])
    assert tested.status_code == 200 and tested.json()["ok"] is True
    assert seen[-1].headers["x-api-key"] == SECRET_KEY_VALUE
    failing = await client.post("/api/v1/settings/api-keys/echa/test", headers=a["admin"])
    assert failing.status_code == 200 and failing.json()["ok"] is False

    responses = [stored, short, listed, tested, failing]
    assert all(SECRET_KEY_VALUE not in r.text for r in responses)
    audit = await client.get("/api/v1/settings/audit-logs", headers=a["admin"])
    assert "settings.api_key_changed" in audit.text and SECRET_KEY_VALUE not in audit.text

    column = await owner_session.scalar(
        select(Organization.api_keys).where(Organization.id == a["org"].id)
    )
    assert column is not None and is_fernet_token(column) and SECRET_KEY_VALUE not in column
    assert decrypt_json(settings, column)["anthropic"] == SECRET_KEY_VALUE

    out, err = capfd.readouterr()
    assert SECRET_KEY_VALUE not in out + err + caplog.text
    assert "short-key" not in out + err + caplog.text


async def test_connectivity_check_refuses_other_hosts(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, override: Override
) -> None:
    a = await _org_with(owner_session, settings, "Org A")
    await client.put(
        "/api/v1/settings/api-keys/pubchem", json={"key": "ops@example.com"}, headers=a["admin"]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "https://evil.example/"})

    override(get_outbound_transport, httpx.MockTransport(handler))
    result = await client.post("/api/v1/settings/api-keys/pubchem/test", headers=a["admin"])
    assert result.status_code == 200
    assert result.json()["ok"] is False and result.json()["detail"] == "host not allowed"
