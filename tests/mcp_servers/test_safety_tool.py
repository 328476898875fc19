"""MCP `safety_assess`: the same engine function as GET /products/{id}/safety."""

from typing import Any

from mcp import Client

from app.core.database import Database
from app.mcp_servers.tfda.server import build_server
from app.services.reference.deps import ToolDeps
from tests.safety_support import FIXTURE_ENTRIES, FixedRules


async def test_safety_assess_tool(database: Database) -> None:
    deps = ToolDeps(
        sessions=lambda: database.tenant(None), checker_cache=FixedRules(FIXTURE_ENTRIES)
    )
    async with Client(build_server(deps), mode="auto") as client:
        result = await client.call_tool(
            "safety_assess",
            {
                "ingredients": [
                    {"inci": "Mercuric chloride", "cas": "7487-94-7", "concentration": 0.0001},
                    {"inci": "Aqua", "concentration": 80},
                ],
                "description": {"form": "leave_on", "areas": ["body"]},
            },
        )
    assert not result.is_error
    data: dict[str, Any] = result.structured_content or {}
    assert data["decision"] == "formula_revision_required"
    mercury, water = data["lines"]
    assert mercury["verdict"] == "prohibited"
    assert mercury["basis_label"].startswith("Statutorily prohibited — NOAEL not required")
    assert water["basis_label"] and water["verdict"] in ("data_gap", "review")
    assert data["exposure"]["row"] == "body_lotion" and not data["exposure"]["fallback"]
