"""Shared CLI plumbing: the --data-dir option and settings resolution.

Only the standard library and typer at import time: `pifai --help` must not load the app
(FastAPI, SQLAlchemy, pydantic-settings); each command imports what it needs when it runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from app.core.config import Settings

T = TypeVar("T")

DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="DATA_DIR",
        help="Data directory of the embedded PostgreSQL/Redis (ignored when DATABASE_URL and "
        "REDIS_URL are set).",
    ),
]


def base_settings(data_dir: Path | None, *, json_logs: bool = False) -> Settings:
    """Settings from the environment, before any embedded server is started."""
    from app.core.config import Settings
    from app.core.logging import configure_logging

    overrides: dict[str, Any] = {"log_json": json_logs}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    settings = Settings(**overrides)
    # before the embedded servers start, so their start-up lines share the one log format
    configure_logging(settings.log_level, settings.log_json)
    return settings


def load_settings(
    data_dir: Path | None, *, json_logs: bool = False, migrated: bool = True
) -> Settings:
    """Settings from the environment, with embedded servers started when URLs are unset.

    With `migrated` (every command that opens the database), the embedded database is migrated
    first (a fresh data dir works at once); an external one that is not at the latest revision
    ends the command with one line saying to run `pifai migrate`."""
    from app.core.runtime import resolve_servers

    base = base_settings(data_dir, json_logs=json_logs)
    settings = resolve_servers(base)
    if migrated:
        if base.database_url:
            require_migrated(settings)
        else:
            migrate_database(settings)
    return settings


def migrate_database(settings: Settings) -> None:
    """Alembic upgrade to head as the owner role, role passwords, and the shipped reference data."""
    from alembic import command

    from app.core.migrations_state import alembic_config

    url = settings.owner_url.render_as_string(hide_password=False)
    command.upgrade(alembic_config(url), "head")
    run(_after_upgrade(settings))


async def _after_upgrade(settings: Settings) -> None:
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.core.database import owner_engine
    from app.core.roles import set_role_passwords
    from app.services.chemical_sync.bootstrap import load_shipped_reference_data

    engine = owner_engine(settings)
    try:
        await set_role_passwords(engine, settings)
        async with AsyncSession(engine) as session, session.begin():
            # a fresh install gets the shipped snapshot (starter dictionary, CosIng inventory, EU
            # annexes, TFDA lists), so it checks formulas offline; a later start costs one query
            report = await load_shipped_reference_data(session)
        for item in report.lists:
            typer.echo(f"loaded shipped list app/data/{item.file}: {item.entries} entries")
        if report.ingredients_added:
            typer.echo(f"loaded shipped ingredient master: {report.ingredients_added} ingredients")
        if report.anchors_loaded:
            typer.echo(f"loaded shipped curated tox anchors: {report.anchors_loaded}")
    finally:
        await engine.dispose()


def require_migrated(settings: Settings) -> None:
    """Exit 1 with one line (no traceback) unless the database is at Alembic's head."""
    from app.core.migrations_state import alembic_heads

    current = run(_current_revisions(settings))
    if current != alembic_heads():
        typer.echo(
            "error: the database is not at the latest schema revision "
            f"({', '.join(sorted(current)) or 'empty'}): run `pifai migrate` first",
            err=True,
        )
        raise typer.Exit(1)


async def _current_revisions(settings: Settings) -> frozenset[str]:
    from sqlalchemy import text

    from app.core.database import owner_engine

    engine = owner_engine(settings)
    try:
        async with engine.connect() as conn:
            exists = await conn.scalar(text("SELECT to_regclass('alembic_version') IS NOT NULL"))
            if not exists:
                return frozenset()
            rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
            return frozenset(str(r[0]) for r in rows)
    finally:
        await engine.dispose()


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)
