"""`echa` MCP server: hazard classification look-ups, plus the shared `check_restricted`."""

from typing import Any

from mcp.server.mcpserver import MCPServer

from app.mcp_servers.common import SERVER_VERSION, add_tools
from app.services.reference import ToolDeps

NAME = "pifai-echa"
INSTRUCTIONS = (
    "Hazard classification look-ups: the ECHA C&L Inventory harmonised (CLP Annex VI) "
    "classification when an ECHA source is configured, and the CMR remarks of the EU CosIng "
    "annex entries from the local mirror. Cite the `citation` of everything you use; a status "
    "other than 'ok' means no classification was retrieved, not that there is none."
)
TOOLS = ("classification", "check_restricted")


def build_server(deps: ToolDeps) -> MCPServer[Any]:
    """The `echa` server with its tools bound to `deps`."""
    server: MCPServer[Any] = MCPServer(
        NAME,
        title="PIF AI hazard classification (ECHA / CosIng CMR)",
        instructions=INSTRUCTIONS,
        version=SERVER_VERSION,
    )
    add_tools(server, deps, TOOLS)
    return server
