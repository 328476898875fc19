"""Run the service: serve (API + worker), api, worker, migrate."""

import signal
import socket
from typing import Annotated

import typer
import uvicorn
from alembic import command
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli.common import DataDirOption, base_settings, load_settings, run
from app.core.config import Settings
from app.core.database import owner_engine
from app.core.migrations_state import alembic_config
from app.core.roles import set_role_passwords
from app.core.runtime import resolve_servers
from app.core.supervisor import EmbeddedSupervisor
from app.services.chemical_sync.bootstrap import load_shipped_reference_data

HostOption = Annotated[str, typer.Option(help="Interface to bind.")]
PortOption = Annotated[int, typer.Option(help="TCP port.")]


def migrate_database(settings: Settings) -> None:
    """Alembic upgrade to head as the owner role, role passwords, and the shipped reference data."""
    url = settings.owner_url.render_as_string(hide_password=False)
    command.upgrade(alembic_config(url), "head")
    run(_after_upgrade(settings))


async def _after_upgrade(settings: Settings) -> None:
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


def _serve(settings: Settings, host: str, port: int, *, with_worker: bool) -> None:
    from app.main import create_app

    application = create_app(settings, with_worker=with_worker)
    config = uvicorn.Config(application, host=host, port=port, log_config=None, access_log=False)
    _AnnouncingServer(config, f"PIF AI API docs: http://{host}:{port}/api/v1/docs").run()


class _AnnouncingServer(uvicorn.Server):
    """Prints the docs URL only once the socket listens (a URL printed earlier may not answer)."""

    def __init__(self, config: uvicorn.Config, announcement: str) -> None:
        super().__init__(config)
        self._announcement = announcement

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            typer.echo(self._announcement)


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: HostOption = "127.0.0.1", port: PortOption = 8000, data_dir: DataDirOption = None
    ) -> None:
        """Migrate, then run the API and one in-process worker (embedded servers by default).

        serve owns the embedded servers: one that dies is restarted, and both stop with serve."""
        base = base_settings(data_dir, json_logs=True)
        supervisor = EmbeddedSupervisor.for_settings(base)
        # uvicorn re-raises the SIGTERM it caught once it has shut down; without a handler that
        # kills the process before the embedded servers are stopped
        signal.signal(signal.SIGTERM, _exit_cleanly)
        try:
            settings = resolve_servers(base)
            supervisor.start()
            migrate_database(settings)
            _serve(settings, host, port, with_worker=True)
        finally:
            supervisor.stop()

    @app.command()
    def api(
        host: HostOption = "127.0.0.1", port: PortOption = 8000, data_dir: DataDirOption = None
    ) -> None:
        """Run only the API process (no migration, no worker)."""
        _serve(load_settings(data_dir, json_logs=True), host, port, with_worker=False)

    @app.command()
    def migrate(data_dir: DataDirOption = None) -> None:
        """Upgrade the database schema to the latest Alembic revision."""
        migrate_database(load_settings(data_dir))
        typer.echo("database is at the latest revision")
