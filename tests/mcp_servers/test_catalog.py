"""One tool catalog: MCP servers and the AI tool loop read the same names, schemas and checks."""

from typing import Any

import pytest
from mcp import Client

from app.ai.providers import ToolInputError
from app.mcp_servers import echa, tfda
from app.services import reference
from app.services.reference import ToolDeps


def _properties(schema: dict[str, Any]) -> tuple[set[str], set[str]]:
    return set(schema.get("properties", {})), set(schema.get("required", []))


@pytest.mark.parametrize("server", [tfda, echa])
async def test_mcp_tools_are_the_catalog_entries(deps: ToolDeps, server: Any) -> None:
    async with Client(server.build_server(deps), mode="auto") as client:
        listed = {t.name: t for t in (await client.list_tools()).tools}
    assert set(listed) == set(server.server.TOOLS)
    for name, tool in listed.items():
        spec = reference.spec(name)
        assert tool.description == spec.description and tool.title == spec.title
        assert _properties(tool.input_schema) == _properties(spec.input_schema())


def test_ai_definitions_come_from_the_catalog() -> None:
    names = [d.name for d in reference.definitions()]
    assert names == list(reference.AI_TOOLS)
    by_name = {d.name: d for d in reference.definitions()}
    assert by_name["pubchem_query"].input_schema["anyOf"] == [
        {"required": ["cas"]},
        {"required": ["name"]},
    ]
    assert by_name["check_restricted"].description == reference.spec("check_restricted").description


async def test_toolbox_answers_from_the_shipped_lists_and_master(deps: ToolDeps) -> None:
    box = reference.toolbox(deps)
    normalized = await box.call("inci_normalize", {"name": "Glycerine"})
    assert normalized["inci_name"] == "GLYCERIN" and "56-81-5" in normalized["cas_numbers"]
    found = await box.call("lookup", {"query": "56-81-5"})
    assert any(hit["inci_name"] == "GLYCERIN" for hit in found["hits"])
    listed = await box.call("check_restricted", {"cas": "122-99-6"})
    assert any(e["list_type"] == "preservative" for e in listed["entries"])
    assert all(e["citation"] for e in listed["entries"])
    offline = await box.call("pubchem_query", {"name": "glycerin"})
    assert offline["status"] == "unavailable"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("pubchem_query", {}, "give at least one of `cas` or `name`"),
        ("pubchem_query", {"cas": "56815"}, "cas: String should match pattern"),
        ("pubchem_query", {"cas": "56-81-6"}, "check-digit"),
        ("check_restricted", {"inci": " "}, "give at least one"),
        ("inci_normalize", {"name": 5}, "name: Input should be a valid string"),
        ("lookup", {"query": "x", "drop": 1}, "drop: Extra inputs are not permitted"),
        ("check_formula", {"ingredients": []}, "ingredients"),
        ("drop_tables", {}, "unknown tool"),
    ],
)
async def test_bad_calls_are_input_errors_the_model_can_read(
    deps: ToolDeps, name: str, data: dict[str, Any], message: str
) -> None:
    with pytest.raises(ToolInputError) as err:
        await reference.run_tool(deps, name, data)
    assert message in str(err.value)


async def test_toolbox_offers_only_the_ai_subset(deps: ToolDeps) -> None:
    with pytest.raises(ToolInputError, match="unknown tool"):
        await reference.toolbox(deps).call("check_formula", {"ingredients": [{"inci": "Aqua"}]})
