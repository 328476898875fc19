"""Run the service: serve (API + worker), api, worker, migrate."""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING, Annotated

import typer

from app.cli.common import DataDirOption, base_settings, load_settings, migrate_database

if TYPE_CHECKING:
    from app.core.config import Settings

__all__ = ["migrate_database", "register"]

HostOption = Annotated[str, typer.Option(help="Interface to bind.")]
PortOption = Annotated[int, typer.Option(help="TCP port.")]


def _serve(settings: Settings, host: str, port: int, *, with_worker: bool) -> None:
    from app import import_hiding

    # uvicorn imports watchfiles only to offer --reload, which no command here uses (~1 MiB)
    import_hiding(("watchfiles",), "uvicorn")
    import uvicorn

    from app.cli._announce import AnnouncingServer
    from app.main import create_app

    application = create_app(settings, with_worker=with_worker)
    # ws="none": the API has no WebSocket route; "auto" would import the websockets package
    config = uvicorn.Config(
        application, host=host, port=port, log_config=None, access_log=False, ws="none"
    )
    AnnouncingServer(config, f"PIF AI API docs: http://{host}:{port}/api/v1/docs").run()


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: HostOption = "127.0.0.1", port: PortOption = 8000, data_dir: DataDirOption = None
    ) -> None:
        """Migrate, then run the API and one in-process worker (embedded servers by default).

        serve owns the embedded servers: one that dies is restarted, and both stop with serve."""
        from app.core.runtime import resolve_servers
        from app.core.supervisor import EmbeddedSupervisor

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
        """Run only the API process (no worker; an embedded database is migrated first)."""
        _serve(load_settings(data_dir, json_logs=True), host, port, with_worker=False)

    @app.command()
    def migrate(data_dir: DataDirOption = None) -> None:
        """Upgrade the database schema to the latest Alembic revision."""
        migrate_database(load_settings(data_dir, migrated=False))
        typer.echo("database is at the latest revision")
