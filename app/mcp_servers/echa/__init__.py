"""The `echa` MCP server (`pifai mcp echa`)."""

from app.mcp_servers.echa.server import build_server

__all__ = ["build_server"]
