"""What both MCP servers share: registering catalog tools with their argument models."""

import inspect
from collections.abc import Sequence
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import BaseModel

from app.ai.providers import ToolInputError
from app.services.reference import ToolDeps, ToolSpec, run_tool, spec

SERVER_VERSION = "0.1.0"

# Local mirror only: no side effects, same answer for the same list version.
LOCAL_READ = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)
# Reads a public remote service (PubChem, ECHA); answers may change or be unavailable.
REMOTE_READ = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=True)


def _signature(model: type[BaseModel], returns: type[BaseModel]) -> inspect.Signature:
    """The model's fields as keyword parameters: MCP derives the tool's input schema from them."""
    params = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[field.annotation, field],
            default=inspect.Parameter.empty if field.is_required() else field.get_default(),
        )
        for name, field in model.model_fields.items()
    ]
    return inspect.Signature(params, return_annotation=returns)


def add_tool(server: MCPServer[Any], deps: ToolDeps, tool: ToolSpec) -> None:
    async def call(**arguments: Any) -> BaseModel:
        try:
            return await run_tool(deps, tool.name, arguments)
        except ToolInputError as exc:  # a caller's mistake, reported as a tool error it can read
            raise ToolError(str(exc)) from exc

    call.__name__ = tool.name
    call.__signature__ = _signature(tool.input_model, tool.output_model)  # type: ignore[attr-defined]
    server.add_tool(
        call,
        name=tool.name,
        title=tool.title,
        description=tool.description,
        annotations=REMOTE_READ if tool.remote else LOCAL_READ,
    )


def add_tools(server: MCPServer[Any], deps: ToolDeps, names: Sequence[str]) -> None:
    for name in names:
        add_tool(server, deps, spec(name))
