"""Database login roles: the migration creates them; passwords come from settings."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings


async def set_role_passwords(engine: AsyncEngine, settings: Settings) -> None:
    """Give the app/super-admin login roles their configured passwords (external servers)."""
    pairs = (
        (settings.app_db_role, settings.app_db_password),
        (settings.superadmin_db_role, settings.superadmin_db_password),
        (settings.sync_db_role, settings.sync_db_password),
    )
    async with engine.begin() as conn:
        for role, password in pairs:
            if password is None:
                continue
            # ALTER ROLE cannot take bind parameters; quote_literal does the escaping server-side
            literal = (
                await conn.execute(
                    text("SELECT quote_literal(:p)"), {"p": password.get_secret_value()}
                )
            ).scalar_one()
            ident = (await conn.execute(text("SELECT quote_ident(:r)"), {"r": role})).scalar_one()
            await conn.execute(text(f"ALTER ROLE {ident} PASSWORD {literal}"))
