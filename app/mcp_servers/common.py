"""Pieces both MCP servers share: argument types, annotations and the `check_restricted` tool."""

from collections.abc import Awaitable
from typing import Annotated, Any, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field, StringConstraints

from app.mcp_servers import tools
from app.mcp_servers.deps import ToolDeps
from app.mcp_servers.schemas import CAS_PATTERN, RestrictedResult

T = TypeVar("T")
SERVER_VERSION = "0.1.0"

# Local mirror only: no side effects, same answer for the same list version.
LOCAL_READ = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)
# Reads a public remote service (PubChem, ECHA); answers may change or be unavailable.
REMOTE_READ = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=True)

StrictCas = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, pattern=CAS_PATTERN)] | None,
    Field(
        description="CAS registry number, e.g. '122-99-6' (format ^\\d{2,7}-\\d{2}-\\d$, valid "
        "check digit). Give `cas`, `name` or both; CAS is used first."
    ),
]
SubstanceName = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)] | None,
    Field(description="INCI or chemical name, e.g. 'Phenoxyethanol'. Give `cas`, `name` or both."),
]

CHECK_RESTRICTED = (
    "Regulatory list entries for one ingredient from the local mirror of the Taiwan TFDA lists "
    "and the EU CosIng Annexes II-VI (prohibited, restricted, preservative, colorant, UV "
    "filter). Matching: CAS number first, then the normalised INCI/chemical name, then "
    "substance-group entries ('X and its salts/esters'; matched_by='group'). Each entry gives "
    "its maximum concentrations per product-type scope, conditions of use, required label "
    "warnings, disclosure thresholds (labelling duties, not limits), CMR remark and citation. "
    "TW entries bind for Taiwan; where TW has no entry the EU entry stays binding. An empty "
    "`entries` list means no entry on the lists in `lists_checked`. Give `inci`, `cas` or both."
)


async def guarded(call: Awaitable[T]) -> T:
    """Report a caller's mistake (ToolInputError) as a tool error the model can read."""
    try:
        return await call
    except tools.ToolInputError as exc:
        raise ToolError(str(exc)) from exc


def add_check_restricted(server: MCPServer[Any], deps: ToolDeps) -> None:
    @server.tool(
        name="check_restricted",
        title="Regulatory list entries for an ingredient",
        description=CHECK_RESTRICTED,
        annotations=LOCAL_READ,
    )
    async def check_restricted(
        inci: Annotated[
            Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None,
            Field(description="INCI or chemical name, e.g. 'Phenoxyethanol'."),
        ] = None,
        cas: Annotated[
            Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None,
            Field(description="CAS number, e.g. '122-99-6' (leading zeros are tolerated)."),
        ] = None,
    ) -> RestrictedResult:
        return await guarded(tools.check_restricted(deps, inci=inci, cas=cas))
