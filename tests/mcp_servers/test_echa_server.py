"""The `echa` MCP server: harmonised classification (mocked ECHA) and CosIng CMR remarks."""

import dataclasses
from collections.abc import Callable

import httpx
from mcp import Client

from app.integrations.toxicology import EchaSource
from app.mcp_servers.echa import build_server
from app.services.reference.deps import ToolDeps
from tests.mcp_servers.conftest import ClientFactory
from tests.mcp_servers.results import data, error_text

ECHA_HOSTS = ["chem.echa.europa.eu"]
SEARCH = {
    "items": [
        {
            "substanceIndex": {
                "rmlId": "100.004.173",
                "rmlName": "2-phenoxyethanol",
                "rmlCas": "122-99-6",
                "rmlEc": "204-589-7",
            }
        }
    ]
}
OVERVIEW = {"classificationId": "139502", "rmlId": "100.004.173", "type": "harmonised"}
CLASSES = {
    "items": [
        {
            "hazardClassAndCategoryCode": "Acute Tox. 4",
            "hazardStatements": [
                {"hazardStatementCode": "H302", "hazardStatementText": "Harmful if swallowed."}
            ],
        },
        {
            "hazardClassAndCategoryCode": "Eye Irrit. 2",
            "hazardStatements": [
                {
                    "hazardStatementCode": "H319",
                    "hazardStatementText": "Causes serious eye irritation.",
                }
            ],
        },
    ]
}


def _echa_handler(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/api-substance/v1/substance":
        return httpx.Response(200, json=SEARCH)
    if path.startswith("/api-cnl-inventory/prominent/overview/info/"):
        return httpx.Response(200, json=OVERVIEW)
    if path.endswith("/classifications/harmonised/139502"):
        return httpx.Response(200, json=CLASSES)
    return httpx.Response(404)


def _with_echa(
    deps: ToolDeps, mock_http: ClientFactory, handler: Callable[[httpx.Request], httpx.Response]
) -> ToolDeps:
    source = EchaSource(mock_http(handler, ECHA_HOSTS), backoff=0.0)
    return dataclasses.replace(deps, echa=source)


async def test_lists_classification_and_the_shared_check_restricted(deps: ToolDeps) -> None:
    async with Client(build_server(deps), mode="legacy") as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}

    assert set(tools) == {"classification", "check_restricted"}
    schema = tools["classification"].input_schema
    assert set(schema["properties"]) == {"cas", "name"}
    assert schema["properties"]["cas"]["anyOf"][0]["pattern"] == r"^\d{2,7}-\d{2}-\d$"
    assert tools["classification"].output_schema is not None


async def test_cmr_remarks_come_from_the_stored_annex_entries(deps: ToolDeps) -> None:
    async with Client(build_server(deps), mode="legacy") as client:
        result = data(
            await client.call_tool("classification", {"cas": "109-86-4", "name": "Methoxyethanol"})
        )

    assert result["harmonised"]["status"] == "not_configured"
    assert result["harmonised"]["hazard_codes"] == []
    (remark,) = result["cmr_remarks"]
    assert remark["reference"] == "EU Annex II/665" and remark["list_type"] == "prohibited"
    assert "Reprotoxic Cat. 1B" in remark["cmr"]
    assert remark["citation"].startswith("EU CosIng Annex II/665")


async def test_harmonised_classification_from_echa_with_citations(
    deps: ToolDeps, mock_http: ClientFactory
) -> None:
    server = build_server(_with_echa(deps, mock_http, _echa_handler))
    async with Client(server, mode="legacy") as client:
        result = data(await client.call_tool("classification", {"cas": "122-99-6"}))

    harmonised = result["harmonised"]
    assert harmonised["status"] == "ok"
    assert harmonised["hazard_codes"] == ["H302", "H319"]
    assert [c["rating"] for c in harmonised["classifications"]] == [
        "Acute Tox. 4 (H302)",
        "Eye Irrit. 2 (H319)",
    ]
    assert all(c["source"].startswith("ECHA C&L Inventory") for c in harmonised["classifications"])
    assert harmonised["citation"] == "ECHA C&L Inventory, harmonised classification (100.004.173)"
    assert result["cmr_remarks"] == []  # phenoxyethanol's annex V entry carries no CMR remark


async def test_echa_outage_is_reported_unavailable(
    deps: ToolDeps, mock_http: ClientFactory
) -> None:
    server = build_server(_with_echa(deps, mock_http, lambda _: httpx.Response(503)))
    async with Client(server, mode="legacy") as client:
        result = data(await client.call_tool("classification", {"name": "Phenoxyethanol"}))
        missing = await client.call_tool("classification", {})

    assert result["harmonised"]["status"] == "unavailable"
    assert result["harmonised"]["classifications"] == []
    assert "503" in result["harmonised"]["error"]
    assert "`cas` or `name`" in error_text(missing)


async def test_check_restricted_is_served_by_the_echa_server_too(deps: ToolDeps) -> None:
    async with Client(build_server(deps), mode="legacy") as client:
        result = data(await client.call_tool("check_restricted", {"cas": "109-86-4"}))

    assert [e["reference"] for e in result["entries"]] == ["EU Annex II/665"]
    assert result["entries"][0]["list_type"] == "prohibited"
