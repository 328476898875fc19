"""`pifai mcp tfda|echa`: the MCP servers over stdio, for agents outside the web process."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from app.cli.common import DataDirOption, load_settings, run

if TYPE_CHECKING:  # the SDK is imported only by these commands, not by every `pifai` call
    from mcp.server.mcpserver import MCPServer

    from app.core.config import Settings
    from app.mcp_servers.runtime import RemoteOptions
    from app.services.reference.deps import ToolDeps

ServerFactory = Callable[["ToolDeps"], "MCPServer[Any]"]

mcp_app = typer.Typer(
    rich_markup_mode=None,
    help="Run an MCP server over stdio (stdout carries only the protocol; logs go to stderr). "
    "The servers read only shared reference data.",
    no_args_is_help=True,
)
PubChemOption = Annotated[
    bool,
    typer.Option(
        "--pubchem/--no-pubchem",
        envvar="MCP_PUBCHEM",
        help="Let `pubchem_query` call PubChem (it answers 'unavailable' when unreachable).",
    ),
]
EchaOption = Annotated[
    bool,
    typer.Option(
        "--echa/--no-echa",
        envvar="MCP_ECHA",
        help="Let `classification` call the ECHA C&L Inventory (else 'not_configured').",
    ),
]
EchaKeyOption = Annotated[
    str | None,
    typer.Option(
        "--echa-api-key",
        envvar="ECHA_API_KEY",
        help="Platform ECHA key (08 E16), sent only to a keyed gateway; prefer the env var.",
        show_default=False,
    ),
]
ContactOption = Annotated[
    str | None,
    typer.Option(
        "--contact-email",
        envvar="PUBCHEM_CONTACT_EMAIL",
        help="Contact address added to the User-Agent of PubChem/ECHA requests.",
        show_default=False,
    ),
]


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Send everything written to stdout (fd 1 included) to stderr while the server starts.

    Start-up may launch the embedded PostgreSQL/Redis and log; on stdio any such byte would
    corrupt the protocol stream. Logging configured in here also stays on stderr afterwards.
    """
    sys.stdout.flush()
    try:
        saved: int | None = os.dup(1)
    except (OSError, io.UnsupportedOperation):  # no real fd 1 (e.g. under a test runner)
        saved = None
    try:
        if saved is not None:
            os.dup2(2, 1)
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stdout.flush()
        if saved is not None:
            os.dup2(saved, 1)
            os.close(saved)


def serve_stdio(build: ServerFactory, data_dir: Path | None, remote: RemoteOptions) -> None:
    """Resolve settings (DATABASE_URL or the embedded servers; a fresh embedded database is
    migrated first), then serve until stdin closes."""
    with _stdout_to_stderr():
        settings = load_settings(data_dir)
    run(_serve(build, settings, remote))


async def _serve(build: ServerFactory, settings: Settings, remote: RemoteOptions) -> None:
    from app.mcp_servers.runtime import production_deps

    async with production_deps(settings, remote) as deps:
        await build(deps).run_stdio_async()


@mcp_app.command("tfda")
def tfda_command(
    data_dir: DataDirOption = None,
    pubchem: PubChemOption = True,
    contact_email: ContactOption = None,
) -> None:
    """TW/EU lists: check_formula, check_restricted, lookup, inci_normalize, pubchem_query."""
    from app.mcp_servers import tfda
    from app.mcp_servers.runtime import RemoteOptions

    remote = RemoteOptions(pubchem=pubchem, echa=False, contact_email=contact_email)
    serve_stdio(tfda.build_server, data_dir, remote)


@mcp_app.command("echa")
def echa_command(
    data_dir: DataDirOption = None,
    echa_source: EchaOption = True,
    echa_api_key: EchaKeyOption = None,
    contact_email: ContactOption = None,
) -> None:
    """Hazard classification look-ups: classification, check_restricted."""
    from app.mcp_servers import echa
    from app.mcp_servers.runtime import RemoteOptions

    remote = RemoteOptions(
        pubchem=False, echa=echa_source, echa_api_key=echa_api_key, contact_email=contact_email
    )
    serve_stdio(echa.build_server, data_dir, remote)


def register(app: typer.Typer) -> None:
    app.add_typer(mcp_app, name="mcp")
