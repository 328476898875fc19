"""`echa` MCP server: hazard classification look-ups, plus the shared `check_restricted`."""

from typing import Any

from mcp.server.mcpserver import MCPServer

from app.mcp_servers import tools
from app.mcp_servers.common import (
    REMOTE_READ,
    SERVER_VERSION,
    StrictCas,
    SubstanceName,
    add_check_restricted,
    guarded,
)
from app.mcp_servers.deps import ToolDeps
from app.mcp_servers.schemas import ClassificationResult

NAME = "pifai-echa"
INSTRUCTIONS = (
    "Hazard classification look-ups: the ECHA C&L Inventory harmonised (CLP Annex VI) "
    "classification when an ECHA source is configured, and the CMR remarks of the EU CosIng "
    "annex entries from the local mirror. Cite the `citation` of everything you use; a status "
    "other than 'ok' means no classification was retrieved, not that there is none."
)
CLASSIFICATION = (
    "Hazard classification of a substance. `harmonised`: the ECHA C&L Inventory harmonised "
    "classification (hazard class and category with H-codes, e.g. 'Acute Tox. 4 (H302)'), each "
    "cited; status ok | no_data (no harmonised classification) | unavailable (ECHA could not be "
    "reached: no data, do not guess) | not_configured. `cmr_remarks`: CMR classifications noted "
    "on the EU CosIng annex entries matching the substance (e.g. 'Reprotoxic Cat. 1B'), with "
    "citations. Give `cas` or `name` (at least one); CAS gives an exact match."
)


def build_server(deps: ToolDeps) -> MCPServer[Any]:
    """The `echa` server with its tools bound to `deps`."""
    server: MCPServer[Any] = MCPServer(
        NAME,
        title="PIF AI hazard classification (ECHA / CosIng CMR)",
        instructions=INSTRUCTIONS,
        version=SERVER_VERSION,
    )

    @server.tool(
        name="classification",
        title="Harmonised classification and CMR remarks",
        description=CLASSIFICATION,
        annotations=REMOTE_READ,
    )
    async def classification(
        cas: StrictCas = None, name: SubstanceName = None
    ) -> ClassificationResult:
        return await guarded(tools.classification(deps, cas=cas, name=name))

    add_check_restricted(server, deps)
    return server
