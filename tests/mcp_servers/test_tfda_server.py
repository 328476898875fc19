"""The `tfda` MCP server through the SDK's in-memory client: tools, schemas and answers."""

import dataclasses
from typing import Any

import httpx
import pytest
from mcp import Client
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.integrations.toxicology import PubChemSource
from app.mcp_servers.tfda import build_server
from app.services.reference.deps import ToolDeps
from tests.mcp_servers.conftest import ClientFactory
from tests.mcp_servers.results import data, error_text

PUBCHEM_HOSTS = ["pubchem.ncbi.nlm.nih.gov"]
TFDA_TOOLS = {
    "check_formula",
    "check_restricted",
    "lookup",
    "inci_normalize",
    "pubchem_query",
    "safety_assess",
}
PROPERTY_TABLE = {
    "PropertyTable": {
        "Properties": [
            {
                "CID": 31236,
                "MolecularFormula": "C8H10O2",
                "MolecularWeight": "138.16",
                "SMILES": "C1=CC=C(C=C1)OCCO",
                "IUPACName": "2-phenoxyethanol",
                "XLogP": 1.2,
            }
        ]
    }
}
VIEW_NOT_FOUND = {"Fault": {"Code": "PUGVIEW.NotFound", "Message": "No data found"}}


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_lists_tools_with_descriptions_and_input_schemas(deps: ToolDeps, mode: str) -> None:
    async with Client(build_server(deps), mode=mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}

    assert set(tools) == TFDA_TOOLS
    for tool in tools.values():
        assert tool.description and len(tool.description) > 80
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema is not None and tool.output_schema["type"] == "object"
        assert tool.annotations is not None and tool.annotations.read_only_hint is True
    formula = tools["check_formula"].input_schema
    assert formula["required"] == ["ingredients", "product"]
    line = formula["$defs"]["FormulaIngredient"]
    assert {"inci", "cas", "concentration", "function"} <= set(line["properties"])
    assert line["required"] == ["inci"]
    assert "product" in formula["properties"]
    pubchem = tools["pubchem_query"].input_schema["properties"]
    assert pubchem["cas"]["anyOf"][0]["pattern"] == r"^\d{2,7}-\d{2}-\d$"
    assert "name" in pubchem
    assert set(tools["check_restricted"].input_schema["properties"]) == {"inci", "cas"}
    assert tools["lookup"].input_schema["required"] == ["query"]
    assert tools["inci_normalize"].input_schema["required"] == ["name"]
    assert tools["pubchem_query"].annotations is not None
    assert tools["pubchem_query"].annotations.open_world_hint is True


async def test_check_formula_flags_prohibited_and_over_limit(deps: ToolDeps) -> None:
    formula = {
        "product": {"form": "leave_on", "areas": ["face"]},
        "ingredients": [
            {"inci": "Water", "cas": "7732-18-5", "concentration": 80.79},
            {"inci": "Methoxyethanol", "cas": "109-86-4", "concentration": 0.01},
            {"inci": "Phenoxyethanol", "cas": "122-99-6", "concentration": 1.2},
        ],
    }
    async with Client(build_server(deps), mode="legacy") as client:
        report = data(await client.call_tool("check_formula", formula))

    by_kind = {(f["kind"], f["ingredient"]): f for f in report["findings"]}
    prohibited = by_kind[("prohibited", "Methoxyethanol")]
    assert prohibited["severity"] == "critical"
    assert prohibited["jurisdiction"] == "EU" and prohibited["binding"] is True
    assert prohibited["reference"] == "EU Annex II/665"
    assert prohibited["citation"].startswith("EU CosIng Annex II/665")
    over = by_kind[("over_limit", "Phenoxyethanol")]
    assert over["severity"] == "high"
    assert (over["actual"], over["allowed"]) == (1.2, 1.0)
    assert over["citation"].startswith("EU CosIng Annex V/29")
    assert not any(f["ingredient"] == "Water" for f in report["findings"])
    assert report["summary"]["compliant"] is False
    assert report["summary"]["counts"]["critical"] >= 1
    assert report["summary"]["total"] == len(report["findings"])


async def test_check_formula_rejects_an_out_of_range_concentration(deps: ToolDeps) -> None:
    bad = {"ingredients": [{"inci": "Phenoxyethanol", "concentration": 120}]}
    async with Client(build_server(deps), mode="legacy") as client:
        message = error_text(await client.call_tool("check_formula", bad))
    assert "concentration" in message


@pytest.mark.parametrize(
    ("tool", "about"), [("check_formula", "product"), ("safety_assess", "description")]
)
@pytest.mark.parametrize("value", [True, False, "1.5"])
async def test_a_concentration_must_be_a_number_not_a_boolean(
    deps: ToolDeps, tool: str, about: str, value: object
) -> None:
    def args(concentration: object) -> dict[str, Any]:
        line = {"inci": "Phenoxyethanol", "cas": "122-99-6", "concentration": concentration}
        return {about: {"form": "leave_on", "areas": ["face"]}, "ingredients": [line]}

    async with Client(build_server(deps), mode="legacy") as client:
        message = error_text(await client.call_tool(tool, args(value)))
        assert "ingredients.0.concentration" in message
        for number in (1, 0.5):  # integers stay numbers
            data(await client.call_tool(tool, args(number)))


async def test_check_restricted_returns_the_preservative_entry(deps: ToolDeps) -> None:
    async with Client(build_server(deps), mode="legacy") as client:
        by_cas = data(
            await client.call_tool(
                "check_restricted", {"inci": "Phenoxyethanol", "cas": "122-99-6"}
            )
        )
        by_name = data(await client.call_tool("check_restricted", {"inci": "phenoxyethanol"}))

    (entry,) = by_cas["entries"]
    assert entry["reference"] == "EU Annex V/29"
    assert (entry["jurisdiction"], entry["list_type"]) == ("EU", "preservative")
    assert entry["matched_by"] == "cas"
    assert entry["max_concentration_pct"] == 1.0
    assert entry["limits"][0]["max_pct"] == 1.0
    assert entry["max_text"] == "1.0%"
    assert entry["citation"] == "EU CosIng Annex V/29, Reg. (EC) 1223/2009, export 31/10/2025"
    assert {"conditions", "warnings", "disclosure_leave_on_pct", "cmr"} <= set(entry)
    assert [e["reference"] for e in by_name["entries"]] == ["EU Annex V/29"]
    assert by_name["entries"][0]["matched_by"] == "name"
    checked = {(li["jurisdiction"], li["list_type"]) for li in by_cas["lists_checked"]}
    assert ("EU", "prohibited") in checked and ("EU", "preservative") in checked


async def test_check_restricted_for_an_unlisted_ingredient_and_without_arguments(
    deps: ToolDeps,
) -> None:
    async with Client(build_server(deps), mode="legacy") as client:
        unlisted = data(
            await client.call_tool("check_restricted", {"inci": "Glycerin", "cas": "56-81-5"})
        )
        missing = await client.call_tool("check_restricted", {})

    assert unlisted["entries"] == []
    assert unlisted["lists_checked"] and "No entry" in unlisted["note"]
    assert "`cas` or `name`" in error_text(missing)


async def test_inci_normalize_maps_a_common_misspelling(deps: ToolDeps) -> None:
    async with Client(build_server(deps), mode="legacy") as client:
        glycerin = data(await client.call_tool("inci_normalize", {"name": "Glycerine"}))
        nothing = data(await client.call_tool("inci_normalize", {"name": "Zzqx Unobtainium"}))

    assert glycerin["inci_name"] == "GLYCERIN"
    assert glycerin["method"] in {"synonym", "exact"} and glycerin["score"] >= 0.9
    assert glycerin["confidence_band"] == "high"
    assert "56-81-5" in glycerin["cas_numbers"]
    assert (nothing["inci_name"], nothing["method"], nothing["score"]) == (None, "none", 0.0)
    assert "lookup" in nothing["note"]


async def test_lookup_searches_the_ingredient_master(deps: ToolDeps) -> None:
    async with Client(build_server(deps), mode="legacy") as client:
        by_name = data(await client.call_tool("lookup", {"query": "glycerin", "limit": 5}))
        by_cas = data(await client.call_tool("lookup", {"query": "56-81-5"}))

    assert by_name["hits"][0]["inci_name"] == "GLYCERIN"
    assert by_name["hits"][0]["score"] == 1.0 and len(by_name["hits"]) <= 5
    assert [h["inci_name"] for h in by_cas["hits"]] == ["GLYCERIN"]
    assert by_cas["hits"][0]["matched_on"] == "cas"


def _pubchem(deps: ToolDeps, mock_http: ClientFactory, handler: Any) -> ToolDeps:
    client = mock_http(handler, PUBCHEM_HOSTS)
    return dataclasses.replace(deps, pubchem=PubChemSource(client, backoff=0.0))


async def test_pubchem_query_returns_cited_identity(
    deps: ToolDeps, mock_http: ClientFactory
) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.url.path.startswith("/rest/pug/compound/name/property/"):
            return httpx.Response(200, json=PROPERTY_TABLE)
        return httpx.Response(404, json=VIEW_NOT_FOUND)  # no GHS / toxicity sections

    async with Client(build_server(_pubchem(deps, mock_http, handler)), mode="legacy") as client:
        found = data(await client.call_tool("pubchem_query", {"cas": "122-99-6"}))

    assert found["status"] == "ok"
    assert found["cid"] == 31236
    assert (found["molecular_formula"], found["molecular_weight"]) == ("C8H10O2", 138.16)
    assert found["smiles"] == "C1=CC=C(C=C1)OCCO" and found["xlogp"] == 1.2
    assert found["citation"] == "PubChem CID 31236"
    assert found["url"] == "https://pubchem.ncbi.nlm.nih.gov/compound/31236"
    assert found["query"] == {"cas": "122-99-6", "name": None}
    assert requests[0].content == b"name=122-99-6"
    assert all(r.url.host == "pubchem.ncbi.nlm.nih.gov" for r in requests)


async def test_pubchem_query_reports_unavailable_on_503_and_invents_nothing(
    deps: ToolDeps, mock_http: ClientFactory
) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503, text="Service Unavailable")

    async with Client(build_server(_pubchem(deps, mock_http, handler)), mode="legacy") as client:
        down = data(await client.call_tool("pubchem_query", {"name": "Phenoxyethanol"}))

    assert down["status"] == "unavailable"
    assert "503" in down["error"]
    assert "unavailable" in down["note"]
    for field in ("cid", "molecular_formula", "molecular_weight", "smiles", "citation"):
        assert down[field] is None
    assert down["endpoints"] == [] and down["hazard_codes"] == []
    assert len(calls) == 2  # the spec's single retry


async def test_pubchem_query_validates_its_arguments(deps: ToolDeps) -> None:
    async with Client(build_server(deps), mode="legacy") as client:
        empty = await client.call_tool("pubchem_query", {})
        malformed = await client.call_tool("pubchem_query", {"cas": "122996"})
        bad_digit = await client.call_tool("pubchem_query", {"cas": "122-99-7"})
        offline = data(await client.call_tool("pubchem_query", {"cas": "122-99-6"}))

    assert "`cas` or `name`" in error_text(empty)
    assert "pattern" in error_text(malformed)
    assert "check-digit" in error_text(bad_digit)
    assert offline["status"] == "unavailable" and offline["cid"] is None
    assert "not configured" in offline["error"]


async def test_tool_sessions_are_read_only(deps: ToolDeps) -> None:
    async with deps.session() as session:
        with pytest.raises(DBAPIError, match="read-only transaction"):
            await session.execute(text("CREATE TEMP TABLE mcp_probe (i int)"))
