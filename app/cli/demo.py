"""`pifai seed-demo`: a demo organization with one user per role and a sample product."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import typer

from app.cli.common import DataDirOption, load_settings, run

if TYPE_CHECKING:
    from app.core.config import Settings

DEMO_ORG = "PIF AI Demo 示範化粧品公司"
DEMO_PASSWORD = "demo-password-2026"  # development only: refused in production
# Role values, spelt out so that --help does not import the models
DEMO_ROLES = ("owner", "admin", "member", "sa")


def _email(role: str) -> str:
    return f"{role}@demo.example.com"


async def seed(settings: Settings) -> bool:
    """Create the demo data once; False when it already exists."""
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.core.database import owner_engine
    from app.core.security import hash_password
    from app.core.tenancy import OrgId, Principal
    from app.models import Organization, User
    from app.models.enums import OrgType, Plan, Role
    from app.schemas.products import ProductCreate
    from app.services.identity.plans import unrestricted
    from app.services.products import create_product

    engine = owner_engine(settings)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
            if await session.scalar(select(Organization.id).where(Organization.name == DEMO_ORG)):
                return False
            org = Organization(name=DEMO_ORG, type=OrgType.BRAND.value, plan=Plan.PRO.value)
            session.add(org)
            await session.flush()
            password_hash = hash_password(DEMO_PASSWORD)
            users = {
                role: User(
                    org_id=org.id,
                    email=_email(role.value),
                    full_name=f"Demo {role.value}",
                    role=role.value,
                    password_hash=password_hash,
                    sa_qualified_until=date.today() + timedelta(days=365)
                    if role is Role.SA
                    else None,
                )
                for role in map(Role, DEMO_ROLES)
            }
            session.add_all(users.values())
            await session.flush()
            owner = Principal(
                user_id=users[Role.OWNER].id, org_id=OrgId(org.id), role=Role.OWNER, jti="seed-demo"
            )
            await create_product(
                session,
                owner,
                access=unrestricted(OrgId(org.id)),
                payload=ProductCreate(
                    name="玻尿酸保濕精華液",
                    name_en="Hyaluronic moisturising serum",
                    category="general",
                    dosage_form="serum",
                    intended_use="Face, twice daily",
                    manufacturer_name="Demo OEM Co., Ltd.",
                    registration_id="衛部粧製字第000001號",
                ),
            )
        return True
    finally:
        await engine.dispose()


def register(app: typer.Typer) -> None:
    @app.command("seed-demo")
    def seed_demo(data_dir: DataDirOption = None) -> None:
        """Add a demo organization (one user per role) and a sample product to click through."""
        settings = load_settings(data_dir)
        if settings.is_production:
            raise typer.BadParameter("seed-demo is refused in production")
        created = run(seed(settings))
        typer.echo("demo data created" if created else "demo data already present")
        for role in DEMO_ROLES:
            typer.echo(f"  {role:<6} {_email(role)}  password: {DEMO_PASSWORD}")
        typer.echo("  (the sa user must set up TOTP via /api/v1/auth/setup-2fa before SA actions)")
