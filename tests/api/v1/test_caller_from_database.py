"""The caller's role, org and active state come from the database; logout and revocation end
access at once (Redis first, the database when Redis does not answer)."""

import asyncio
import uuid
from typing import Any

import httpx
import jwt
import pytest
import redis.asyncio as redis
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.security import JWT_ALGORITHM, create_access_token, signing_key
from app.models.enums import Role
from app.services.identity.principals import user_changed, user_key, users_changed
from tests.factories import TEST_PASSWORD, auth_headers, make_login_user, make_org

pytestmark = pytest.mark.infra

ME = "/api/v1/auth/me"
INVITE = "/api/v1/auth/invitations"


async def _login(client: AsyncClient, email: str) -> dict[str, Any]:
    answer = await client.post(
        "/api/v1/auth/login", json={"email": email, "password": TEST_PASSWORD}
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _invite_body() -> dict[str, str]:
    return {"email": f"new-{uuid.uuid4().hex[:8]}@example.com", "role": "member"}


async def test_a_forged_role_claim_is_ignored(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    org = await make_org(owner_session)
    member = await make_login_user(owner_session, org, role=Role.MEMBER)
    forged, _ = create_access_token(settings, user_id=member.id, org_id=org.id, role="owner")
    refused = await client.post(INVITE, json=_invite_body(), headers=_bearer(forged))
    assert refused.status_code == 403
    other = await make_org(owner_session, name="Other Org")
    cross, _ = create_access_token(settings, user_id=member.id, org_id=other.id, role="member")
    me = await client.get(ME, headers=_bearer(cross))
    assert me.status_code == 200 and me.json()["org_id"] == str(org.id)  # the org from the row


async def test_a_demoted_admin_loses_admin_rights_on_the_next_request(
    app: FastAPI, client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    org = await make_org(owner_session)
    admin = await make_login_user(owner_session, org, role=Role.ADMIN)
    headers = auth_headers(settings, admin)
    assert (await client.post(INVITE, json=_invite_body(), headers=headers)).status_code == 201

    await owner_session.execute(
        text("UPDATE users SET role = 'member' WHERE id = :u"), {"u": admin.id}
    )
    await owner_session.commit()
    await user_changed(app.state.principal_cache, app.state.redis, admin.id)
    assert (await client.post(INVITE, json=_invite_body(), headers=headers)).status_code == 403


async def _demote(owner_session: AsyncSession, user_id: uuid.UUID) -> None:
    await owner_session.execute(
        text("UPDATE users SET role = 'member' WHERE id = :u"), {"u": user_id}
    )
    await owner_session.commit()


async def test_a_change_announced_by_another_process_is_seen(
    app: FastAPI, client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    """With the app's subscription live: the announcement's message drops the cached caller."""
    watch = app.state.principal_watch
    async with asyncio.timeout(5):
        await watch.wait_live()
    org = await make_org(owner_session)
    admin = await make_login_user(owner_session, org, role=Role.ADMIN)
    headers = auth_headers(settings, admin)
    assert (await client.post(INVITE, json=_invite_body(), headers=headers)).status_code == 201
    await _demote(owner_session, admin.id)
    applied = watch.applied
    await users_changed(None, app.state.redis, [admin.id])  # another process: no cache here
    async with asyncio.timeout(5):
        while watch.applied == applied:
            await asyncio.sleep(0.005)
    assert (await client.post(INVITE, json=_invite_body(), headers=headers)).status_code == 403


async def test_while_subscribed_a_cached_caller_costs_no_redis_round_trip(
    app: FastAPI,
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with asyncio.timeout(5):
        await app.state.principal_watch.wait_live()
    user = await make_login_user(owner_session, await make_org(owner_session))
    headers = auth_headers(settings, user)
    assert (await client.get(ME, headers=headers)).status_code == 200
    asked: list[Any] = []
    real_mget = app.state.redis.mget

    async def counted_mget(*keys: Any) -> Any:
        asked.append(keys)
        return await real_mget(*keys)

    monkeypatch.setattr(app.state.redis, "mget", counted_mget)
    for _ in range(3):
        assert (await client.get(ME, headers=headers)).status_code == 200
    assert asked == []


async def test_without_the_subscription_each_request_reads_the_markers(
    app: FastAPI, client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    """The subscription lost (here: stopped): the cache is emptied and not trusted; an
    announcement only another process's markers carry is seen on the next request."""
    watch = app.state.principal_watch
    await watch.stop()
    try:
        assert not app.state.principal_cache.live
        org = await make_org(owner_session)
        admin = await make_login_user(owner_session, org, role=Role.ADMIN)
        headers = auth_headers(settings, admin)
        invited = await client.post(INVITE, json=_invite_body(), headers=headers)
        assert invited.status_code == 201
        await _demote(owner_session, admin.id)
        await app.state.redis.incr(user_key(admin.id))  # the marker alone, no message heard
        refused = await client.post(INVITE, json=_invite_body(), headers=headers)
        assert refused.status_code == 403
    finally:
        watch.start()  # the app is shared by the module's tests


async def test_a_killed_subscription_forgets_every_cached_caller(
    app: FastAPI, client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    """Messages sent while the subscription was down are lost: what was cached before is not
    trusted once it is back."""
    watch, cache = app.state.principal_watch, app.state.principal_cache
    async with asyncio.timeout(5):
        await watch.wait_live()
    user = await make_login_user(owner_session, await make_org(owner_session))
    assert (await client.get(ME, headers=auth_headers(settings, user))).status_code == 200
    assert len(cache) == 1
    await app.state.redis.execute_command("CLIENT", "KILL", "TYPE", "pubsub")
    async with asyncio.timeout(10):
        while len(cache) or not cache.live:
            await asyncio.sleep(0.01)


async def test_deleted_and_deactivated_users_get_401(
    app: FastAPI, client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    org = await make_org(owner_session)
    gone = await make_login_user(owner_session, org)
    disabled = await make_login_user(owner_session, org)
    gone_headers, disabled_headers = auth_headers(settings, gone), auth_headers(settings, disabled)
    assert (await client.get(ME, headers=gone_headers)).status_code == 200
    assert (await client.get(ME, headers=disabled_headers)).status_code == 200

    await owner_session.execute(text("DELETE FROM users WHERE id = :u"), {"u": gone.id})
    await owner_session.execute(
        text("UPDATE users SET is_active = false WHERE id = :u"), {"u": disabled.id}
    )
    await owner_session.commit()
    for user in (gone, disabled):
        await user_changed(app.state.principal_cache, app.state.redis, user.id)
    for headers in (gone_headers, disabled_headers):
        answer = await client.get(ME, headers=headers)
        assert answer.status_code == 401 and answer.json()["error"]["code"] == "invalid_token"


async def test_access_ends_at_logout(client: AsyncClient, owner_session: AsyncSession) -> None:
    org = await make_org(owner_session)
    user = await make_login_user(owner_session, org)
    first, second = await _login(client, user.email), await _login(client, user.email)
    assert (await client.get(ME, headers=_bearer(first["access_token"]))).status_code == 200
    out = await client.post(
        "/api/v1/auth/logout",
        json={"refresh_token": first["refresh_token"]},
        headers=_bearer(first["access_token"]),
    )
    assert out.status_code == 204
    ended = await client.get(ME, headers=_bearer(first["access_token"]))
    assert ended.status_code == 401 and ended.json()["error"]["code"] == "session_revoked"
    # only that session ended; the other device stays signed in
    assert (await client.get(ME, headers=_bearer(second["access_token"]))).status_code == 200


async def test_access_ends_when_the_session_is_revoked_by_refresh_reuse(
    client: AsyncClient, owner_session: AsyncSession
) -> None:
    org = await make_org(owner_session)
    user = await make_login_user(owner_session, org)
    pair = await _login(client, user.email)
    client.cookies.clear()
    rotated = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}
    )
    assert rotated.status_code == 200
    new_access = rotated.json()["access_token"]
    assert (await client.get(ME, headers=_bearer(new_access))).status_code == 200
    client.cookies.clear()
    reuse = await client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert reuse.status_code == 401  # a stolen token was replayed: the whole session ends
    for token in (pair["access_token"], new_access):
        assert (await client.get(ME, headers=_bearer(token))).status_code == 401


async def test_logout_of_all_sessions_and_password_reset_end_every_access_token(
    client: AsyncClient, owner_session: AsyncSession
) -> None:
    org = await make_org(owner_session)
    user = await make_login_user(owner_session, org)
    tokens = [(await _login(client, user.email))["access_token"] for _ in range(2)]
    client.cookies.clear()
    out = await client.post("/api/v1/auth/logout", headers=_bearer(tokens[0]))
    assert out.status_code == 204
    for token in tokens:
        assert (await client.get(ME, headers=_bearer(token))).status_code == 401


async def test_a_redis_outage_neither_opens_access_nor_fails(
    app: FastAPI,
    client: AsyncClient,
    owner_session: AsyncSession,
) -> None:
    org = await make_org(owner_session)
    user = await make_login_user(owner_session, org)
    pair = await _login(client, user.email)
    headers = _bearer(pair["access_token"])
    assert (await client.get(ME, headers=headers)).status_code == 200  # cached now

    live, dead = app.state.redis, redis.from_url("redis://127.0.0.1:1/0")
    app.state.redis = dead
    try:
        assert (await client.get(ME, headers=headers)).status_code == 200  # the database answers
        client.cookies.clear()
        out = await client.post(
            "/api/v1/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=headers
        )
        assert out.status_code == 204  # revoked in the database; Redis could not be told
        assert (await client.get(ME, headers=headers)).status_code == 401
    finally:
        app.state.redis = live
        await dead.aclose()
    assert (await client.get(ME, headers=headers)).status_code == 401  # and once Redis is back


def test_a_token_signed_with_the_old_public_key_is_refused_on_a_default_install(
    tmp_path: Any,
) -> None:
    from app.core.security import decode_access_token

    default = Settings(_env_file=None, data_dir=tmp_path)
    assert default.secret_key is None
    forged = jwt.encode(
        {
            "sub": str(uuid.uuid4()),
            "org_id": str(uuid.uuid4()),
            "role": "owner",
            "jti": "x",
            "sid": str(uuid.uuid4()),
            "iat": 1,
            "exp": 4_000_000_000,
            "typ": "access",
        },
        "dev-insecure-secret-key-change-me-0123456789",
        algorithm=JWT_ALGORITHM,
    )
    with pytest.raises(jwt.InvalidSignatureError):
        decode_access_token(default, forged)
    assert signing_key(default) != "dev-insecure-secret-key-change-me-0123456789"


async def test_the_old_public_key_reads_nothing_through_the_api(tmp_path: Any) -> None:
    """The whole request path of an app with no SECRET_KEY (the bearer check fails first)."""
    from app.main import create_app

    app = create_app(
        Settings(
            _env_file=None,
            data_dir=tmp_path,
            database_url="postgresql://x/y",
            redis_url="redis://127.0.0.1:1/0",
        ),
        run_startup_migrations=False,
    )
    forged = jwt.encode(
        {
            "sub": str(uuid.uuid4()),
            "role": "owner",
            "jti": "x",
            "sid": str(uuid.uuid4()),
            "iat": 1,
            "exp": 4_000_000_000,
            "typ": "access",
        },
        "dev-insecure-secret-key-change-me-0123456789",
        algorithm=JWT_ALGORITHM,
    )
    transport = httpx.ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="http://test") as http:
        answer = await http.get("/api/v1/products", headers=_bearer(forged))
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "invalid_token"
