"""What the provider needs of a tool catalog: definitions to send and a way to call them.

The catalog itself (names, input models, implementations) is `app.services.reference.catalog`;
it is injected, so this layer imports no service, database or HTTP client.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

MAX_TOOL_OUTPUT = 20_000  # characters; bounds the tokens one tool result can add


class ToolInputError(ValueError):
    """The model called a tool with input that breaks its schema (told back to the model)."""


@dataclass(frozen=True, slots=True)
class ToolDefinition:
    """A JSON-schema tool as the Messages API reads it."""

    name: str
    description: str
    input_schema: dict[str, Any]

    def as_param(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "input_schema": self.input_schema,
        }


class ToolBox(Protocol):
    """The tools a provider may offer the model; `call` returns JSON-serialisable data."""

    @property
    def definitions(self) -> Sequence[ToolDefinition]: ...

    async def call(self, name: str, data: Mapping[str, Any]) -> Any: ...


@dataclass(frozen=True, slots=True)
class NoTools:
    """A provider without tools (no database wired): the model answers from its input only."""

    @property
    def definitions(self) -> Sequence[ToolDefinition]:
        return ()

    async def call(self, name: str, data: Mapping[str, Any]) -> Any:
        raise ToolInputError(f"unknown tool {name!r}")


def dump_tool_output(output: Any) -> str:
    """JSON text of a tool output, truncated to MAX_TOOL_OUTPUT characters."""
    text = json.dumps(output, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_TOOL_OUTPUT else text[:MAX_TOOL_OUTPUT] + " …[truncated]"
