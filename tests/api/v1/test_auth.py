"""/auth at the route boundary: accounts, sessions, e-mail flows, TOTP, lockout, Google."""

import time
import uuid
from typing import Any
from urllib.parse import parse_qsl

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app import jwt_with_crypto
from app.api.identity_deps import get_antibot_verifier, get_google_verifier
from app.core.config import Settings
from app.core.crypto import is_fernet_token
from app.models import User
from app.models.enums import Plan, Role
from app.models.platform import AuditLog
from app.services.identity.antibot import AntibotVerifier
from app.services.identity.google import GoogleVerifier
from app.services.identity.principals import users_changed
from tests.factories import (
    TEST_PASSWORD,
    Override,
    auth_headers,
    enable_totp,
    fresh_totp_step,
    make_login_user,
    make_org,
    totp_code,
)

pytest_plugins = ["tests.identity_support"]

pytestmark = pytest.mark.infra

STRONG = "a-long-enough passphrase 42"


async def _actions(session: AsyncSession, action: str) -> int:
    total = await session.scalar(
        select(func.count()).select_from(AuditLog).where(AuditLog.action == action)
    )
    return int(total or 0)


async def _login(
    client: AsyncClient, email: str, password: str = TEST_PASSWORD, **extra: Any
) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/login", json={"email": email, "password": password, **extra}
    )


async def test_register_verify_login_refresh_logout(
    client: AsyncClient,
    inbox: Any,
    settings: Settings,
    owner_session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "auth_require_verified_email", True)
    body = {
        "email": "Founder@Example.COM",
        "password": STRONG,
        "full_name": "Founder",
        "org_name": "Acme",
        "org_type": "brand",
    }
    created = await client.post("/api/v1/auth/register", json=body)
    assert created.status_code == 201, created.text
    data = created.json()
    assert data["user"]["email"] == "founder@example.com"
    assert data["user"]["role"] == "owner"
    assert data["organization"] == {
        "id": data["user"]["org_id"],
        "name": "Acme",
        "type": "brand",
        "plan": "free",
    }
    again = await client.post(
        "/api/v1/auth/register", json={**body, "email": "FOUNDER@example.com"}
    )
    assert again.status_code == 409

    hashed = await owner_session.scalar(
        select(User.password_hash).where(User.email == "founder@example.com")
    )
    assert hashed is not None and hashed.startswith("$2b$12$")

    unverified = await _login(client, "founder@example.com", STRONG)
    assert unverified.status_code == 403
    assert unverified.json()["error"]["code"] == "email_not_verified"

    token = inbox.token_for("founder@example.com")
    assert (
        await client.post("/api/v1/auth/verify-email", json={"token": token})
    ).status_code == 200
    reused = await client.post("/api/v1/auth/verify-email", json={"token": token})
    assert reused.status_code == 400 and reused.json()["error"]["code"] == "invalid_token"

    login = await _login(client, "founder@example.com", STRONG)
    assert login.status_code == 200, login.text
    pair = login.json()
    assert pair["token_type"] == "bearer" and pair["expires_in"] == 900
    cookie = login.headers["set-cookie"].lower()
    for attribute in ("httponly", "secure", "samesite=strict", "path=/api/v1/auth"):
        assert attribute in cookie
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    assert {"sub", "org_id", "role", "jti", "exp", "iat"} <= set(claims)

    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    me = await client.get("/api/v1/auth/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["role"] == "owner" and me.json()["totp_enabled"] is False
    assert me.json()["organization"]["name"] == "Acme" and me.json()["email_verified"] is True

    first = pair["refresh_token"]
    rotated = await client.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert rotated.status_code == 200
    second = rotated.json()["refresh_token"]
    assert second != first

    # replaying the spent token revokes the whole family, including the newest token
    replay = await client.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert replay.status_code == 401
    assert (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": second})
    ).status_code == 401
    assert await _actions(owner_session, "security.refresh_token_reuse") == 1

    # a fresh session, then logout revokes it
    fresh = (await _login(client, "founder@example.com", STRONG)).json()
    out = await client.post(
        "/api/v1/auth/logout",
        json={"refresh_token": fresh["refresh_token"]},
        headers={"Authorization": f"Bearer {fresh['access_token']}"},
    )
    assert out.status_code == 204
    after = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": fresh["refresh_token"]}
    )
    assert after.status_code == 401
    assert await _actions(owner_session, "auth.login_success") == 2


async def test_oauth2_token_form_and_weak_passwords(
    client: AsyncClient, owner_session: AsyncSession
) -> None:
    org = await make_org(owner_session)
    user = await make_login_user(owner_session, org)
    form = await client.post(
        "/api/v1/auth/token", data={"username": user.email, "password": TEST_PASSWORD}
    )
    assert form.status_code == 200 and form.json()["access_token"]

    for weak in ("short", "password1234", "aaaaaaaaaaaaaa"):
        response = await client.post(
            "/api/v1/auth/register",
            json={"email": "x@example.com", "password": weak, "org_name": "X", "org_type": "oem"},
        )
        assert response.status_code == 422, weak
    bad_type = await client.post(
        "/api/v1/auth/register",
        json={"email": "x@example.com", "password": STRONG, "org_name": "X", "org_type": "bank"},
    )
    assert bad_type.status_code == 422


async def test_unknown_email_and_wrong_password_look_the_same(
    client: AsyncClient, owner_session: AsyncSession
) -> None:
    org = await make_org(owner_session)
    user = await make_login_user(owner_session, org)
    unknown = await _login(client, "nobody@example.com", "whatever-password-1")
    wrong = await _login(client, user.email, "whatever-password-1")
    assert unknown.status_code == wrong.status_code == 401

    def strip(r: httpx.Response) -> dict[str, Any]:
        return {k: v for k, v in r.json()["error"].items() if k != "request_id"}

    assert strip(unknown) == strip(wrong)


async def _forget_failure_window(app: FastAPI) -> None:
    keys = [k async for k in app.state.redis.scan_iter("pifai*login:failures*")]
    assert keys
    await app.state.redis.delete(*keys)


async def test_five_failures_lock_the_account(
    app: FastAPI, client: AsyncClient, owner_session: AsyncSession
) -> None:
    org = await make_org(owner_session)
    user = await make_login_user(owner_session, org)
    for _ in range(5):
        assert (await _login(client, user.email, "wrong-password-123")).status_code == 401
    locked = await _login(client, user.email, TEST_PASSWORD)  # the right password, 6th try
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "too_many_attempts"

    assert await _actions(owner_session, "auth.login_failed") == 5
    assert await _actions(owner_session, "security.suspicious_login") == 1
    suspicious = await owner_session.scalar(
        select(AuditLog).where(AuditLog.action == "security.suspicious_login")
    )
    assert suspicious is not None and suspicious.user_id == user.id
    assert suspicious.ip_address is not None and suspicious.details["reasons"]
    user_id, email = user.id, user.email
    owner_session.expire_all()
    row = await owner_session.scalar(select(User).where(User.id == user_id))
    assert row is not None and row.lock_count == 1 and row.locked_until is not None

    # the failure window still refuses while the account lock is lifted (simulated) ...
    await owner_session.execute(
        text("UPDATE users SET locked_until = now() - interval '1 second' WHERE id = :u"),
        {"u": user_id},
    )
    await owner_session.commit()
    assert (await _login(client, email, TEST_PASSWORD)).status_code == 429
    # ... and once both have passed (simulated), the right password works again
    await _forget_failure_window(app)
    assert (await _login(client, email, TEST_PASSWORD)).status_code == 200


async def test_forgot_and_reset_password(
    client: AsyncClient, owner_session: AsyncSession, inbox: Any
) -> None:
    org = await make_org(owner_session)
    user = await make_login_user(owner_session, org)
    session = (await _login(client, user.email)).json()

    known = await client.post("/api/v1/auth/forgot-password", json={"email": user.email})
    unknown = await client.post("/api/v1/auth/forgot-password", json={"email": "ghost@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    token = inbox.token_for(user.email)
    assert inbox.to("ghost@example.com", timeout=0.2) == []

    weak = await client.post(
        "/api/v1/auth/reset-password", json={"token": token, "new_password": "short"}
    )
    assert weak.status_code == 422
    done = await client.post(
        "/api/v1/auth/reset-password", json={"token": token, "new_password": STRONG}
    )
    assert done.status_code == 200
    again = await client.post(
        "/api/v1/auth/reset-password", json={"token": token, "new_password": STRONG}
    )
    assert again.status_code == 400
    # every refresh token was revoked; the old password no longer works
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": session["refresh_token"]}
    )
    assert refreshed.status_code == 401
    assert (await _login(client, user.email)).status_code == 401
    assert (await _login(client, user.email, STRONG)).status_code == 200


async def test_forgot_password_is_rate_limited_per_account(client: AsyncClient) -> None:
    statuses = [
        (
            await client.post("/api/v1/auth/forgot-password", json={"email": "ghost@example.com"})
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [202, 202, 202, 429]


async def test_login_is_rate_limited_per_ip(
    client: AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "login_rate_limit_ip", "3/minute")
    statuses = [
        (await _login(client, f"ghost{i}@example.com", "whatever-password-1")).status_code
        for i in range(4)
    ]
    assert statuses == [401, 401, 401, 429]


async def test_totp_setup_verify_and_login(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    import pyotp

    org = await make_org(owner_session)
    user = await make_login_user(owner_session, org)
    headers = auth_headers(settings, user)
    setup = await client.post("/api/v1/auth/setup-2fa", headers=headers)
    assert setup.status_code == 200
    uri = setup.json()["otpauth_uri"]
    assert uri.startswith("otpauth://totp/") and setup.json()["qr_svg"].startswith("<svg")
    stored = await owner_session.scalar(select(User.totp_secret).where(User.id == user.id))
    assert stored is not None and is_fernet_token(stored)
    generator = pyotp.parse_uri(uri)
    assert isinstance(generator, pyotp.TOTP)
    await fresh_totp_step()  # the codes of steps -1, 0 and +1 are used in turn

    wrong = await client.post("/api/v1/auth/verify-2fa", json={"code": "000000"}, headers=headers)
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "totp_invalid"
    enabled = await client.post(
        "/api/v1/auth/verify-2fa", json={"code": totp_code(generator, -1)}, headers=headers
    )
    assert enabled.status_code == 200
    recovery = enabled.json()["recovery_codes"]
    assert len(recovery) == 10

    no_code = await _login(client, user.email)
    assert no_code.status_code == 401 and no_code.json()["error"]["code"] == "totp_required"
    code = totp_code(generator)
    assert (await _login(client, user.email, totp_code=code)).status_code == 200
    replay = await _login(client, user.email, totp_code=code)
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "totp_invalid"
    assert (await _login(client, user.email, totp_code=recovery[0])).status_code == 200
    assert (await _login(client, user.email, totp_code=recovery[0])).status_code == 401
    assert await _actions(owner_session, "auth.totp_failed") == 3


async def test_sa_actions_need_totp(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, probe_routes: str
) -> None:
    org = await make_org(owner_session)
    sa = await make_login_user(owner_session, org, role=Role.SA)
    member = await make_login_user(owner_session, org, role=Role.MEMBER)
    headers = auth_headers(settings, sa)

    refused = await client.post(f"{probe_routes}/sa-action", headers=headers)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "totp_setup_required"
    assert (await client.get(f"{probe_routes}/sa-read", headers=headers)).status_code == 403

    generator = await enable_totp(owner_session, settings, sa)
    assert (await client.get(f"{probe_routes}/sa-read", headers=headers)).status_code == 200
    missing = await client.post(f"{probe_routes}/sa-action", headers=headers)
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "totp_required"
    code = totp_code(generator)
    ok = await client.post(f"{probe_routes}/sa-action", headers={**headers, "X-TOTP-Code": code})
    assert ok.status_code == 200
    replay = await client.post(
        f"{probe_routes}/sa-action", headers={**headers, "X-TOTP-Code": code}
    )
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "totp_invalid"
    # every refusal is audited: the missing code and the replayed one
    assert await _actions(owner_session, "auth.totp_failed") == 2

    as_member = await client.post(
        f"{probe_routes}/sa-action", headers=auth_headers(settings, member)
    )
    assert as_member.status_code == 403


async def test_plan_access_and_beta_exemption(
    app: FastAPI,
    saas_plans: Settings,
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    probe_routes: str,
) -> None:
    from datetime import UTC, datetime, timedelta

    org = await make_org(owner_session, plan=Plan.FREE)
    user = await make_login_user(owner_session, org)
    headers = auth_headers(settings, user)
    denied = await client.get(f"{probe_routes}/compliance", headers=headers)
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "plan_upgrade_required"
    assert await _actions(owner_session, "plan.denied") == 1  # refusals are audited
    org.beta_exempt_until = datetime.now(UTC) + timedelta(days=30)
    await owner_session.commit()
    # what admin.exempt does after its commit: the members' cached plans are dropped
    await users_changed(app.state.principal_cache, app.state.redis, [user.id])
    allowed = await client.get(f"{probe_routes}/compliance", headers=headers)
    assert allowed.status_code == 200 and allowed.json() == {"plan": "pro"}


async def test_invitation_flow(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, inbox: Any
) -> None:
    org = await make_org(owner_session)
    owner = await make_login_user(owner_session, org, role=Role.OWNER)
    member = await make_login_user(owner_session, org, role=Role.MEMBER)
    body = {"email": "New.Person@example.com", "role": "sa"}
    refused = await client.post(
        "/api/v1/auth/invitations", json=body, headers=auth_headers(settings, member)
    )
    assert refused.status_code == 403
    escalate = await client.post(
        "/api/v1/auth/invitations",
        json={**body, "role": "super_admin"},
        headers=auth_headers(settings, owner),
    )
    assert escalate.status_code == 422
    invited = await client.post(
        "/api/v1/auth/invitations", json=body, headers=auth_headers(settings, owner)
    )
    assert invited.status_code == 201, invited.text
    token = inbox.token_for("new.person@example.com")
    accepted = await client.post(
        "/api/v1/auth/invitations/accept",
        json={"token": token, "password": STRONG, "full_name": "N"},
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["org_id"] == str(org.id) and accepted.json()["role"] == "sa"
    again = await client.post(
        "/api/v1/auth/invitations/accept", json={"token": token, "password": STRONG}
    )
    assert again.status_code == 400
    assert (await _login(client, "new.person@example.com", STRONG)).status_code == 200


# --- Google sign-in, offline ---------------------------------------------------------------------

CLIENT_ID = "test-client.apps.googleusercontent.com"


@pytest.fixture
def google_key(override: Override) -> Any:
    jwt_with_crypto()  # the test signs its own RS256 tokens with PyJWT (app/__init__.py)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwk.update({"kid": "test-kid", "alg": "RS256", "use": "sig"})
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(200, json={"keys": [jwk]})

    verifier = GoogleVerifier(
        CLIENT_ID, "https://www.googleapis.com/oauth2/v3/certs", 3600, httpx.MockTransport(handler)
    )
    override(get_google_verifier, verifier)
    return key, calls


def _id_token(key: Any, **claims: Any) -> str:
    now = int(time.time())
    payload = {
        "iss": "https://accounts.google.com",
        "aud": CLIENT_ID,
        "sub": "google-sub-1",
        "email": "g@example.com",
        "email_verified": True,
        "iat": now,
        "exp": now + 300,
        **claims,
    }
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "test-kid"})


async def test_google_sign_in_links_and_logs_in(
    client: AsyncClient, owner_session: AsyncSession, google_key: Any
) -> None:
    key, calls = google_key
    unknown = await client.post("/api/v1/auth/google", json={"credential": _id_token(key)})
    assert unknown.status_code == 401 and unknown.json()["error"]["code"] == "account_not_found"

    org = await make_org(owner_session)
    user = await make_login_user(owner_session, org, email="g@example.com")
    linked = await client.post("/api/v1/auth/google", json={"credential": _id_token(key)})
    assert linked.status_code == 200, linked.text
    assert (
        await owner_session.scalar(select(User.google_sub).where(User.id == user.id))
        == "google-sub-1"
    )
    # by subject now, even with another e-mail in the token
    again = await client.post(
        "/api/v1/auth/google", json={"credential": _id_token(key, email="other@example.com")}
    )
    assert again.status_code == 200
    assert len(calls) == 1  # JWKS cached

    wrong_aud = await client.post(
        "/api/v1/auth/google", json={"credential": _id_token(key, aud="x")}
    )
    assert wrong_aud.status_code == 401
    forged_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = await client.post("/api/v1/auth/google", json={"credential": _id_token(forged_key)})
    assert forged.status_code == 401


TURNSTILE_URL = "https://challenges.cloudflare.com/turnstile/v0/siteverify"


async def test_google_sign_in_checks_the_anti_bot_token_first(
    override: Override, client: AsyncClient, owner_session: AsyncSession, google_key: Any
) -> None:
    key, _ = google_key
    seen: list[dict[str, str]] = []
    outage = False

    def siteverify(request: httpx.Request) -> httpx.Response:
        if outage:
            return httpx.Response(503)
        form = dict(parse_qsl(request.content.decode()))
        seen.append(form)
        ok = form.get("response") == "human-token"
        body = {"success": ok, "error-codes": [] if ok else ["invalid-input-response"]}
        return httpx.Response(200, json=body)

    override(
        get_antibot_verifier,
        AntibotVerifier("turnstile-secret", TURNSTILE_URL, httpx.MockTransport(siteverify)),
    )
    org = await make_org(owner_session)
    await make_login_user(owner_session, org, email="g@example.com")
    url = "/api/v1/auth/google"
    missing = await client.post(url, json={"credential": _id_token(key)})
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "antibot_failed" and seen == []
    bot = await client.post(url, json={"credential": _id_token(key), "antibot_token": "bot"})
    assert bot.status_code == 401 and bot.json()["error"]["code"] == "antibot_failed"
    human = {"credential": _id_token(key), "antibot_token": "human-token"}
    ok = await client.post(url, json=human)
    assert ok.status_code == 200, ok.text
    assert seen[-1]["secret"] == "turnstile-secret" and "remoteip" in seen[-1]
    outage = True  # fails closed, as a clear 503, never a 500 or a skipped check
    down = await client.post(url, json=human)
    assert down.status_code == 503
    assert down.json()["error"]["code"] == "antibot_unavailable"


async def test_refresh_without_token_and_bad_bearer(client: AsyncClient) -> None:
    assert (await client.post("/api/v1/auth/refresh")).status_code == 401
    bad = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {uuid.uuid4()}"})
    assert bad.status_code == 401
