"""schemathesis over the whole OpenAPI document, in-process (ASGI), authenticated, bounded.

Every built-in check but one runs: no 5xx, every status documented, every body matching its schema,
405 for undeclared methods. `positive_data_acceptance` is left out: rules JSON Schema cannot state
(cross-field validators, password strength, expired tokens, control characters in free-form keys)
make schema-valid requests 4xx by design (docs/decisions.md). Bounded per operation.
"""

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import redis.asyncio as redis
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from schemathesis.specs.openapi.schemas import OpenApiSchema
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from app.core.config import Settings
from app.core.security import create_access_token
from app.main import create_app
from app.models.enums import Role
from tests.conftest import KEEP_TABLES, REFERENCE_TABLES
from tests.factories import make_org, make_user

pytestmark = pytest.mark.schemathesis
MAX_EXAMPLES = 12


async def _seed(cfg: Settings) -> dict[str, Any]:
    engine = create_async_engine(cfg.owner_url, pool_size=1)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            org = await make_org(session, name="Fuzz Cosmetics")
            user = await make_user(session, org, role=Role.OWNER)
            await session.commit()
            return {"user_id": user.id, "org_id": org.id, "role": user.role}
    finally:
        await engine.dispose()


async def _wipe(cfg: Settings) -> None:
    engine = create_async_engine(cfg.owner_url, pool_size=1)
    try:
        async with engine.begin() as conn:
            rows = await conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
            tables = [r[0] for r in rows if r[0] not in KEEP_TABLES | REFERENCE_TABLES]
            await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            await conn.execute(
                text("UPDATE audit_chain_head SET last_seq = 0, last_hash = repeat('0', 64)")
            )
    finally:
        await engine.dispose()
    client = redis.from_url(str(cfg.redis_url))
    await client.flushdb()
    await client.aclose()


@pytest.fixture(scope="module")
def caller(settings: Settings) -> Iterator[dict[str, Any]]:
    seeded = asyncio.run(_seed(settings))
    yield seeded
    asyncio.run(_wipe(settings))


@pytest.fixture(scope="module")
def fuzz_schema(settings: Settings, caller: dict[str, Any]) -> OpenApiSchema:
    # an app of its own: schemathesis runs its lifespan on its own event loop thread
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(settings))


def _operation_labels() -> list[str]:
    # the document needs no servers: an app that never starts lists the operations to collect
    offline = create_app(Settings(database_url="postgresql://x@127.0.0.1/x", redis_url="redis://x"))
    paths = offline.openapi()["paths"]
    return [f"{method.upper()} {path}" for path, ops in paths.items() for method in ops]


@pytest.mark.parametrize("label", _operation_labels())
def test_api_conforms(
    label: str, fuzz_schema: OpenApiSchema, settings: Settings, caller: dict[str, Any]
) -> None:
    operation = fuzz_schema.find_operation_by_label(label)
    assert operation is not None

    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case: schemathesis.Case[Any]) -> None:
        # a fresh token per call: a generated logout must not revoke the session of later calls
        token, _ = create_access_token(
            settings, user_id=caller["user_id"], org_id=caller["org_id"], role=caller["role"]
        )
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"}, excluded_checks=[positive_data_acceptance]
        )

    check()
