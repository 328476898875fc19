"""`tfda` MCP server: regulatory list look-ups, formula and safety checks, INCI names, PubChem."""

from typing import Any

from mcp.server.mcpserver import MCPServer

from app.mcp_servers.common import SERVER_VERSION, add_tools
from app.services.reference import ToolDeps

NAME = "pifai-tfda"
INSTRUCTIONS = (
    "Local mirror of the Taiwan TFDA and EU CosIng cosmetic ingredient lists plus the shared "
    "ingredient master. Answer only from tool results and cite the `citation` of every entry "
    "or finding you rely on. A `status` of 'unavailable' means no data was retrieved: say so, "
    "never fill in values."
)
TOOLS = (
    "check_formula",
    "check_restricted",
    "safety_assess",
    "lookup",
    "inci_normalize",
    "pubchem_query",
)


def build_server(deps: ToolDeps) -> MCPServer[Any]:
    """The `tfda` server with its tools bound to `deps`."""
    server: MCPServer[Any] = MCPServer(
        NAME,
        title="PIF AI regulatory mirror (TFDA / CosIng)",
        instructions=INSTRUCTIONS,
        version=SERVER_VERSION,
    )
    add_tools(server, deps, TOOLS)
    return server
