"""Abuse limits: registration and password reset per IP and e-mail, lockout that reveals nothing,
coalesced refreshes, and a limiter that degrades instead of failing when Redis is down."""

import asyncio
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import TooManyRequests
from app.models import Ingredient
from app.models.platform import Task
from app.services.identity.limits import RateLimiter
from tests.factories import TEST_PASSWORD, make_actor, make_login_user, make_org

pytestmark = pytest.mark.infra

STRONG = "a-long-enough passphrase 42"


def _register_body(email: str | None = None) -> dict[str, str]:
    return {
        "email": email or f"new-{uuid.uuid4().hex[:8]}@example.com",
        "password": STRONG,
        "full_name": "N",
        "org_name": "Org",
        "org_type": "brand",
    }


def _assert_limited(answer: Any, code: str = "rate_limited") -> None:
    assert answer.status_code == 429, answer.text
    error = answer.json()["error"]
    assert error["code"] == code and error["message"] and error["request_id"]
    assert int(answer.headers["Retry-After"]) >= 1


async def test_registration_is_limited_per_ip(
    client: AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "register_rate_limit_ip", "3/hour")
    for _ in range(3):
        created = await client.post("/api/v1/auth/register", json=_register_body())
        assert created.status_code == 201, created.text
    _assert_limited(await client.post("/api/v1/auth/register", json=_register_body()))


async def test_registration_is_limited_per_email(
    client: AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "register_rate_limit_account", "2/hour")
    email = f"same-{uuid.uuid4().hex[:8]}@example.com"
    assert (
        await client.post("/api/v1/auth/register", json=_register_body(email))
    ).status_code == 201
    assert (
        await client.post("/api/v1/auth/register", json=_register_body(email))
    ).status_code == 409
    _assert_limited(await client.post("/api/v1/auth/register", json=_register_body(email.upper())))


async def test_password_reset_is_limited_per_ip(
    client: AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "reset_password_rate_limit_ip", "2/hour")
    body = {"token": "not-a-token", "new_password": STRONG}
    for _ in range(2):
        assert (await client.post("/api/v1/auth/reset-password", json=body)).status_code == 400
    _assert_limited(await client.post("/api/v1/auth/reset-password", json=body))
    monkeypatch.setattr(settings, "forgot_password_rate_limit_account", "1/hour")
    forgot = {"email": "someone@example.com"}
    assert (await client.post("/api/v1/auth/forgot-password", json=forgot)).status_code == 202
    _assert_limited(await client.post("/api/v1/auth/forgot-password", json=forgot))


async def test_lockout_answers_the_same_for_known_and_unknown_emails(
    client: AsyncClient, owner_session: AsyncSession
) -> None:
    org = await make_org(owner_session)
    user = await make_login_user(owner_session, org)
    answers = {}
    for email in (user.email, "nobody-here@example.com"):
        for _ in range(5):
            wrong = await client.post(
                "/api/v1/auth/login", json={"email": email, "password": "wrong-password-123"}
            )
            assert wrong.status_code == 401
        answers[email] = await client.post(
            "/api/v1/auth/login", json={"email": email, "password": TEST_PASSWORD}
        )
        _assert_limited(answers[email], code="too_many_attempts")
    known, unknown = answers.values()

    def strip(r: Any) -> dict[str, Any]:
        return {k: v for k, v in r.json()["error"].items() if k not in {"request_id", "details"}}

    assert strip(known) == strip(unknown)
    assert strip(known)["message"] == "Too many attempts; try again later"


async def test_identical_open_refreshes_are_coalesced(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    name = f"test ingredient {uuid.uuid4().hex[:8]}"
    ingredient = Ingredient(inci_name=name.upper(), inci_name_normalized=name, source="test")
    owner_session.add(ingredient)
    await owner_session.commit()
    try:
        url = f"/api/v1/ingredients/{ingredient.id}/toxicology"
        answers = await asyncio.gather(
            *[client.post(url, headers=actor.headers) for _ in range(20)]
        )
        assert {a.status_code for a in answers} == {202}
        assert len({a.json()["task_id"] for a in answers}) == 1
        count = await owner_session.scalar(
            select(func.count()).select_from(Task).where(Task.type == "toxicology.refresh")
        )
        assert count == 1
    finally:
        await owner_session.execute(delete(Ingredient).where(Ingredient.id == ingredient.id))
        await owner_session.commit()


async def test_the_limiter_degrades_to_this_process_when_redis_is_down() -> None:
    limiter = RateLimiter("redis://127.0.0.1:1/0")
    await limiter.enforce("2/minute", "test", "who")
    await limiter.enforce("2/minute", "test", "who")
    with pytest.raises(TooManyRequests):
        await limiter.enforce("2/minute", "test", "who")


async def test_sign_in_and_forgot_password_work_while_redis_is_down(
    app: FastAPI, client: AsyncClient, owner_session: AsyncSession
) -> None:
    import redis.asyncio as redis

    org = await make_org(owner_session)
    user = await make_login_user(owner_session, org)
    saved = app.state.redis, getattr(app.state, "rate_limiter", None)
    app.state.redis = redis.from_url("redis://127.0.0.1:1/0")
    app.state.rate_limiter = RateLimiter("redis://127.0.0.1:1/0")
    try:
        login = {"email": user.email, "password": TEST_PASSWORD}
        ok = await client.post("/api/v1/auth/login", json=login)
        assert ok.status_code == 200, ok.text
        wrong = await client.post("/api/v1/auth/login", json={**login, "password": "nope-nope-1"})
        assert wrong.status_code == 401
        forgot = await client.post("/api/v1/auth/forgot-password", json={"email": user.email})
        assert forgot.status_code == 202
    finally:
        await app.state.redis.aclose()
        app.state.redis, app.state.rate_limiter = saved
