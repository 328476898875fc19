"""Reading MCP tool results in tests: the structured answer, or the error text."""

import json
from typing import Any

from mcp.types import CallToolResult, TextContent


def data(result: CallToolResult) -> dict[str, Any]:
    """The structured result, which the text content repeats as JSON."""
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    block = result.content[0]
    assert isinstance(block, TextContent)
    assert json.loads(block.text) == result.structured_content
    return result.structured_content


def error_text(result: CallToolResult) -> str:
    assert result.is_error
    block = result.content[0]
    assert isinstance(block, TextContent)
    return block.text
