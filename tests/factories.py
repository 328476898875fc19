"""Small async factories: add rows with the owner session and flush/commit; tokens for the API."""

import asyncio
import functools
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyotp
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.crypto import encrypt_str
from app.core.security import create_access_token, hash_password
from app.core.tenancy import OrgId, Principal
from app.models import Organization, Product, User
from app.models.enums import OrgType, Plan, Role
from app.schemas.products import ProductCreate
from app.services.identity.plans import unrestricted
from app.services.products import create_product
from tests.engines.formula.formula_sheets import xlsx_bytes

# A two-line formula sheet (water q.s., glycerin 5 %) for upload and analysis tests.
FORMULA = xlsx_bytes([["成分", "INCI", "含量%"], ["水", "WATER", "q.s."], ["甘油", "GLYCERIN", 5]])


# The `override` fixture: `override(get_x, value)` for one test (app.dependency_overrides).
Override = Callable[[Callable[..., Any], Any], None]


@dataclass
class Actor:
    user: User
    org: Organization | None
    headers: dict[str, str]

    @property
    def org_id(self) -> OrgId:
        assert self.org is not None
        return OrgId(self.org.id)

    @property
    def principal(self) -> Principal:
        org = OrgId(self.org.id) if self.org else None
        return Principal(user_id=self.user.id, org_id=org, role=Role(self.user.role), jti="test")


async def make_org(
    session: AsyncSession,
    *,
    name: str = "Acme Cosmetics",
    type: OrgType = OrgType.BRAND,
    plan: Plan = Plan.ENTERPRISE,
) -> Organization:
    org = Organization(name=name, type=type.value, plan=plan.value)
    session.add(org)
    await session.flush()
    return org


async def make_user(
    session: AsyncSession,
    org: Organization | None,
    *,
    role: Role = Role.MEMBER,
    email: str | None = None,
    password: str | None = None,
) -> User:
    user = User(
        org_id=org.id if org else None,
        email=email or f"user-{uuid.uuid4().hex[:10]}@example.com",
        role=role.value,
        full_name="Test User",
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    await session.flush()
    return user


def auth_headers(settings: Settings, user: User) -> dict[str, str]:
    token, _ = create_access_token(settings, user_id=user.id, org_id=user.org_id, role=user.role)
    return {"Authorization": f"Bearer {token}"}


async def make_actor(
    session: AsyncSession,
    settings: Settings,
    *,
    role: Role = Role.MEMBER,
    org: Organization | None = None,
    plan: Plan = Plan.ENTERPRISE,
) -> Actor:
    """A committed org (or the given one) with one user of `role`, plus bearer headers."""
    org = org or await make_org(session, plan=plan)
    user = await make_user(session, org, role=role)
    await session.commit()
    return Actor(user=user, org=org, headers=auth_headers(settings, user))


async def make_product(
    session: AsyncSession, actor: Actor, *, name: str = "保濕乳液", category: str = "general"
) -> Product:
    """A product created through the real service (16 items + V0), committed."""
    created = await create_product(
        session,
        actor.principal,
        access=unrestricted(actor.org_id),
        payload=ProductCreate(name=name, category=category, name_en="Moisturising lotion"),
    )
    await session.commit()
    # the service returns the inserted row; tests edit the ORM object
    product = await session.get(Product, created.id)
    assert product is not None
    return product


# --- identity helpers (issue 3) ------------------------------------------------------------------

TEST_PASSWORD = "correct horse battery staple"


@functools.cache
def cached_password_hash(password: str = TEST_PASSWORD) -> str:
    """bcrypt cost 12 takes ~0.25 s: hash each test password once per run."""
    return hash_password(password)


async def make_login_user(
    session: AsyncSession,
    org: Organization | None,
    *,
    role: Role = Role.MEMBER,
    email: str | None = None,
    password: str = TEST_PASSWORD,
    verified: bool = True,
) -> User:
    """A committed user who can sign in with `password` (hash computed once per password)."""
    user = await make_user(session, org, role=role, email=email)
    user.password_hash = cached_password_hash(password)
    user.email_verified_at = datetime.now(UTC) if verified else None
    await session.commit()
    return user


async def enable_totp(session: AsyncSession, settings: Settings, user: User) -> pyotp.TOTP:
    """Turn TOTP on for `user` (Fernet-encrypted secret); returns the generator for codes."""
    secret = pyotp.random_base32()
    user.totp_secret = encrypt_str(settings, secret)
    user.totp_enabled = True
    await session.commit()
    return pyotp.TOTP(secret)


async def fresh_totp_step(min_left: float = 20.0) -> None:
    """Wait for the next 30 s step if this one has under `min_left` s left (a bounded wait on the
    step boundary), so a test's -1/0/+1 codes stay in the server's window on a loaded machine."""
    left = 30 - time.time() % 30
    if left < min_left:
        await asyncio.sleep(left + 0.05)


def totp_code(totp: pyotp.TOTP, steps_ahead: int = 0) -> str:
    """The code of the current step (+/- `steps_ahead`); each step may be used once."""
    return str(totp.at(time.time() + 30 * steps_ahead))


async def poll_task(
    client: AsyncClient, actor: Actor, location: str
) -> tuple[dict[str, Any], list[str]]:
    """Poll a task resource until it is done or failed; returns it and the statuses seen."""
    seen: list[str] = []
    deadline = time.monotonic() + 60  # generous: a bound against a hang
    while time.monotonic() < deadline:
        body = (await client.get(location, headers=actor.headers)).json()
        if not seen or seen[-1] != body["status"]:
            seen.append(body["status"])
        if body["status"] in ("done", "failed"):
            return body, seen
        await asyncio.sleep(0.05)
    raise AssertionError(f"task did not finish: {seen}")
