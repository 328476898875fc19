"""/admin and the audit chain: bootstrap once, super admin + TOTP on every call, tamper evidence."""

import asyncio
import os
import sys
from typing import Any

import pyotp
import pytest
from httpx import AsyncClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.config import Settings
from app.models import Organization
from app.models.enums import Plan, Role
from app.models.platform import AuditLog
from app.services import audit
from tests.factories import auth_headers, fresh_totp_step, make_login_user, make_org, totp_code

pytestmark = pytest.mark.infra

ADMIN_PASSWORD = "platform-staff passphrase 9"


async def _bootstrap(client: AsyncClient) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/admin/bootstrap",
        json={"email": "root@example.com", "password": ADMIN_PASSWORD},
        headers={"X-Bootstrap-Secret": "test-bootstrap-secret"},
    )
    assert response.status_code == 201, response.text
    await fresh_totp_step()  # callers use the codes of steps -1, 0 and +1 in turn
    return dict(response.json())


async def _count(session: AsyncSession, action: str) -> int:
    stmt = select(func.count()).select_from(AuditLog).where(AuditLog.action == action)
    return int(await session.scalar(stmt) or 0)


async def test_bootstrap_once_then_super_admin_needs_totp_everywhere(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    wrong = await client.post(
        "/api/v1/admin/bootstrap",
        json={"email": "root@example.com", "password": ADMIN_PASSWORD},
        headers={"X-Bootstrap-Secret": "nope"},
    )
    assert wrong.status_code == 403
    created = await _bootstrap(client)
    assert created["role"] == "super_admin" and len(created["recovery_codes"]) == 10
    generator = pyotp.parse_uri(created["otpauth_uri"])
    assert isinstance(generator, pyotp.TOTP)
    second = await client.post(
        "/api/v1/admin/bootstrap",
        json={"email": "root2@example.com", "password": ADMIN_PASSWORD},
        headers={"X-Bootstrap-Secret": "test-bootstrap-secret"},
    )
    assert second.status_code == 409

    # the tenant entry does not accept super admins; the super-admin entry always wants TOTP
    tenant_entry = await client.post(
        "/api/v1/auth/login", json={"email": "root@example.com", "password": ADMIN_PASSWORD}
    )
    assert tenant_entry.status_code == 401
    no_code = await client.post(
        "/api/v1/auth/super-admin/login",
        json={"email": "root@example.com", "password": ADMIN_PASSWORD},
    )
    assert no_code.status_code == 422
    login = await client.post(
        "/api/v1/auth/super-admin/login",
        json={
            "email": "root@example.com",
            "password": ADMIN_PASSWORD,
            "totp_code": totp_code(generator, -1),
        },
    )
    assert login.status_code == 200, login.text
    assert login.json()["refresh_token"] is None
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

    org_a = await make_org(owner_session, name="A", plan=Plan.FREE)
    org_b = await make_org(owner_session, name="B", plan=Plan.FREE)
    tenant_admin = await make_login_user(owner_session, org_a, role=Role.ADMIN)
    org_a_id, org_b_id = org_a.id, org_b.id
    tenant_headers = auth_headers(settings, tenant_admin)

    missing = await client.get("/api/v1/admin/organizations", headers=headers)
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "totp_required"
    code = totp_code(generator)
    listed = await client.get(
        "/api/v1/admin/organizations", headers={**headers, "X-TOTP-Code": code}
    )
    assert listed.status_code == 200 and listed.json()["total"] == 2
    replay = await client.get(
        "/api/v1/admin/organizations", headers={**headers, "X-TOTP-Code": code}
    )
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "totp_invalid"

    changed = await client.put(
        f"/api/v1/admin/organizations/{org_a_id}/plan",
        json={"plan": "pro"},
        headers={**headers, "X-TOTP-Code": totp_code(generator, 1)},
    )
    assert changed.status_code == 200 and changed.json()["plan"] == "pro"
    plan_row = await owner_session.scalar(
        select(AuditLog).where(AuditLog.action == "org.plan_changed")
    )
    assert plan_row is not None and plan_row.org_id == org_a_id
    assert plan_row.details == {"from": "free", "to": "pro"}
    assert await _count(owner_session, "admin.bypass_rls") >= 3  # bootstrap, list, plan

    # a tenant admin cannot use admin endpoints, nor see other orgs' rows
    assert (
        await client.get("/api/v1/admin/organizations", headers=tenant_headers)
    ).status_code == 403
    assert (
        await client.post(
            f"/api/v1/admin/organizations/{org_b_id}/exempt",
            json={"until": "2099-01-01T00:00:00Z"},
            headers=tenant_headers,
        )
    ).status_code == 403


async def test_exempt_and_audit_query(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    created = await _bootstrap(client)
    generator = pyotp.parse_uri(created["otpauth_uri"])
    assert isinstance(generator, pyotp.TOTP)
    login = await client.post(
        "/api/v1/auth/super-admin/login",
        json={
            "email": "root@example.com",
            "password": ADMIN_PASSWORD,
            "totp_code": totp_code(generator, -1),
        },
    )
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    org = await make_org(owner_session, plan=Plan.FREE)
    org_id = org.id
    await owner_session.commit()
    exempted = await client.post(
        f"/api/v1/admin/organizations/{org_id}/exempt",
        json={"until": "2099-01-01T00:00:00Z"},
        headers={**headers, "X-TOTP-Code": totp_code(generator)},
    )
    assert exempted.status_code == 200 and exempted.json()["beta_exempt_until"].startswith("2099")
    logs = await client.get(
        "/api/v1/admin/audit-logs",
        params={"org_id": str(org_id), "action": "admin.org_exempted", "limit": 5},
        headers={**headers, "X-TOTP-Code": totp_code(generator, 1)},
    )
    assert logs.status_code == 200, logs.text
    assert logs.json()["total"] == 1
    assert logs.json()["items"][0]["user_id"] == created["id"]
    assert logs.json()["items"][0]["ip_address"] == "127.0.0.1"
    assert (
        await owner_session.scalar(
            select(Organization.beta_exempt_until).where(Organization.id == org_id)
        )
    ) is not None


async def _run_verify(settings: Settings) -> tuple[int, str]:
    env = {
        **os.environ,
        "DATABASE_URL": str(settings.database_url),
        "REDIS_URL": str(settings.redis_url),
        "APP_ENV": "test",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from app.cli import main; main()",
        "audit",
        "verify",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    return int(proc.returncode or 0), out.decode()


async def test_audit_log_is_append_only_and_tamper_evident(
    client: AsyncClient,
    owner_session: AsyncSession,
    app_engine: AsyncEngine,
    owner_engine: AsyncEngine,
    settings: Settings,
) -> None:
    org = await make_org(owner_session)
    user = await make_login_user(owner_session, org, role=Role.ADMIN)
    headers = auth_headers(settings, user)
    for name in ("one", "two", "three"):
        await client.put("/api/v1/settings/org", json={"name": name}, headers=headers)
    target = await owner_session.scalar(select(AuditLog).order_by(AuditLog.seq).offset(1).limit(1))
    assert target is not None
    target_id, target_seq = target.id, target.seq
    await owner_session.commit()  # release the read lock before ALTER TABLE below

    for sql in ("UPDATE audit_logs SET action = 'x'", "DELETE FROM audit_logs"):
        with pytest.raises(DBAPIError):
            async with app_engine.begin() as conn:
                await conn.execute(
                    text("SELECT set_config('app.current_org_id', :o, true)"), {"o": str(org.id)}
                )
                await conn.execute(text(sql))

    clean = await audit.verify_chain(owner_session)
    assert clean.ok and clean.checked == 3
    await owner_session.commit()

    async with owner_engine.begin() as conn:
        await conn.execute(text("ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_append_only"))
        await conn.execute(
            text('UPDATE audit_logs SET details = \'{"changed": ["forged"]}\' WHERE id = :i'),
            {"i": target_id},
        )
        await conn.execute(text("ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_append_only"))
    code, out = await _run_verify(settings)  # the real CLI, as an operator would run it
    assert code == 1
    assert f"seq {target_seq} (id {target_id})" in out
