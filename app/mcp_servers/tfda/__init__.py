"""The `tfda` MCP server (`pifai mcp tfda`)."""

from app.mcp_servers.tfda.server import build_server

__all__ = ["build_server"]
