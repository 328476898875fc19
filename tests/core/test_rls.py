"""Row-level security as the app role: the database itself keeps tenants apart."""

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.models import TENANT_TABLES

pytestmark = pytest.mark.infra


async def _seed_two_orgs(owner_session: AsyncSession) -> tuple[uuid.UUID, uuid.UUID]:
    org_a, org_b = uuid.uuid4(), uuid.uuid4()
    for org, name in ((org_a, "A"), (org_b, "B")):
        await owner_session.execute(
            text("INSERT INTO organizations (id, name, type) VALUES (:id, :n, 'brand')"),
            {"id": org, "n": name},
        )
        await owner_session.execute(
            text("INSERT INTO products (org_id, name, category) VALUES (:o, :n, 'general')"),
            {"o": org, "n": f"product of {name}"},
        )
    await owner_session.commit()
    return org_a, org_b


async def _as_app(app_engine: AsyncEngine, org: uuid.UUID | None, sql: str) -> list[str]:
    async with app_engine.begin() as conn:
        if org is not None:
            await conn.execute(
                text("SELECT set_config('app.current_org_id', :o, true)"), {"o": str(org)}
            )
        return [str(r[0]) for r in await conn.execute(text(sql))]


async def test_unfiltered_select_sees_only_current_org(
    owner_session: AsyncSession, app_engine: AsyncEngine
) -> None:
    org_a, _ = await _seed_two_orgs(owner_session)
    names = await _as_app(app_engine, org_a, "SELECT name FROM products")
    assert names == ["product of A"]


async def test_no_org_set_sees_nothing(
    owner_session: AsyncSession, app_engine: AsyncEngine
) -> None:
    await _seed_two_orgs(owner_session)
    assert await _as_app(app_engine, None, "SELECT name FROM products") == []
    assert await _as_app(app_engine, None, "SELECT name FROM organizations") == []


async def test_insert_for_other_org_is_refused(
    owner_session: AsyncSession, app_engine: AsyncEngine
) -> None:
    org_a, org_b = await _seed_two_orgs(owner_session)
    with pytest.raises(DBAPIError, match="row-level security"):
        async with app_engine.begin() as conn:
            await conn.execute(
                text("SELECT set_config('app.current_org_id', :o, true)"), {"o": str(org_a)}
            )
            await conn.execute(
                text("INSERT INTO products (org_id, name, category) VALUES (:o, 'x', 'general')"),
                {"o": org_b},
            )


async def test_setting_does_not_leak_past_the_transaction(
    owner_session: AsyncSession, app_engine: AsyncEngine
) -> None:
    org_a, _ = await _seed_two_orgs(owner_session)
    async with app_engine.connect() as conn:
        async with conn.begin():
            await conn.execute(
                text("SELECT set_config('app.current_org_id', :o, true)"), {"o": str(org_a)}
            )
        async with conn.begin():
            rows = (await conn.execute(text("SELECT name FROM products"))).all()
    assert rows == []


async def test_every_tenant_table_has_forced_rls(owner_session: AsyncSession) -> None:
    rows = await owner_session.execute(
        text(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r'"
        )
    )
    flags = {name: (enabled, forced) for name, enabled, forced in rows}
    org_tables = await owner_session.execute(
        text(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_name = 'org_id'"
        )
    )
    tenant = {r[0] for r in org_tables} | set(TENANT_TABLES) | {"organizations"}
    missing = sorted(t for t in tenant if flags.get(t) != (True, True))
    assert missing == []


async def test_app_role_is_not_owner_and_cannot_bypass(owner_session: AsyncSession) -> None:
    row = (
        await owner_session.execute(
            text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'pifai'")
        )
    ).one()
    assert tuple(row) == (False, False)
    owners = await owner_session.execute(
        text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'pifai'")
    )
    assert owners.scalar_one() == 0
    admin = (
        await owner_session.execute(
            text("SELECT rolbypassrls FROM pg_roles WHERE rolname = 'pifai_superadmin'")
        )
    ).scalar_one()
    assert admin is True


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        ("INSERT INTO pif_documents (org_id, product_id, item_number) VALUES (:o, :p, 17)", {}),
        (
            "INSERT INTO pif_documents (org_id, product_id, item_number, status) "
            "VALUES (:o, :p, 1, 'done')",
            {},
        ),
        (
            "INSERT INTO product_ingredients (org_id, product_id, raw_name, sort_order, "
            "concentration_pct) VALUES (:o, :p, 'x', 1, 101)",
            {},
        ),
        ("INSERT INTO users (org_id, email, role) VALUES (:o, 'a@b.c', 'root')", {}),
        ("INSERT INTO users (org_id, email, role) VALUES (:o, 'b@b.c', 'super_admin')", {}),
        ("INSERT INTO products (org_id, name, category) VALUES (:o, 'x', 'perfume')", {}),
    ],
)
async def test_check_constraints_reject_bad_values(
    owner_session: AsyncSession, sql: str, params: dict[str, object]
) -> None:
    org_a, _ = await _seed_two_orgs(owner_session)
    product = (
        await owner_session.execute(text("SELECT id FROM products WHERE org_id = :o"), {"o": org_a})
    ).scalar_one()
    with pytest.raises(DBAPIError, match="check constraint"):
        await owner_session.execute(text(sql), {"o": org_a, "p": product, **params})
    await owner_session.rollback()
