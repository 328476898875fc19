"""Dictionary/rule-index backed default tools."""

from __future__ import annotations

import pytest

from app.ai.providers import local_tools
from app.ai.providers.tools import ToolInputError, call_tool
from app.engines.formula.inci import IngredientDictionary
from app.engines.regulatory import RegulatedEntry, RuleIndex

PHENOXY = RegulatedEntry(
    jurisdiction="EU",
    list_type="preservative",
    annex="V",
    ref_no="29",
    chemical_name="2-Phenoxyethanol",
    inci_name="PHENOXYETHANOL",
    cas_numbers=("122-99-6",),
    max_concentration_pct=1.0,
    citation="EU Annex V/29",
)


async def test_local_tools_answer_from_the_dictionary_and_rules(
    starter: IngredientDictionary,
) -> None:
    tools = local_tools(starter, rule_index=RuleIndex.build([PHENOXY]))
    normalized = await call_tool(tools, "inci_normalize", {"raw": "Glycerine"})
    assert normalized["inci_name"] == "GLYCERIN" and normalized["cas_numbers"] == ["56-81-5"]
    found = await call_tool(tools, "db_lookup_ingredient", {"query": "56-81-5"})
    assert found["found"] and found["ingredients"][0]["inci_name"] == "GLYCERIN"
    rules = await call_tool(tools, "tfda_check_restricted", {"cas": "122-99-6"})
    assert rules["count"] == 1 and rules["entries"][0]["max_concentration_pct"] == 1.0
    pubchem = await call_tool(tools, "pubchem_query", {"name": "glycerin"})
    assert pubchem["status"] == "unavailable"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("pubchem_query", {}),
        ("pubchem_query", {"cas": "56815"}),
        ("tfda_check_restricted", {"inci": ""}),
        ("inci_normalize", {"raw": 5}),
        ("drop_tables", {}),
    ],
)
async def test_bad_tool_calls_are_rejected(
    starter: IngredientDictionary, name: str, data: dict[str, object]
) -> None:
    with pytest.raises(ToolInputError):
        await call_tool(local_tools(starter), name, data)
