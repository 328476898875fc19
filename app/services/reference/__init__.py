"""Reference tools: one catalog of read-only look-ups over the shared lists and master data.

Served over MCP (`app/mcp_servers`) and offered to the AI providers' tool loops (`toolbox`).
"""

from app.services.reference.catalog import (
    AI_TOOLS,
    CATALOG,
    CatalogToolBox,
    ToolSpec,
    definitions,
    parse_input,
    run_tool,
    spec,
    toolbox,
)
from app.services.reference.deps import SessionFactory, ToolDeps

__all__ = [
    "AI_TOOLS",
    "CATALOG",
    "CatalogToolBox",
    "SessionFactory",
    "ToolDeps",
    "ToolSpec",
    "definitions",
    "parse_input",
    "run_tool",
    "spec",
    "toolbox",
]
