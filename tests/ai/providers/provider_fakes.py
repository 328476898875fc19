"""Fakes for the provider tests: tools that record calls, canned facts, a provider factory type."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.ai.providers import AnthropicProvider, ToolDefinition, ToolInputError
from app.engines.formula.starter import starter_dictionary
from app.services import reference
from tests.ai.providers.messages_api import FakeMessagesAPI

PUBCHEM_PHENOXYETHANOL: dict[str, Any] = {
    "source": "pubchem",
    "status": "ok",
    "identifiers": {"cid": "31236"},
    "properties": {"molecular_weight": 138.16, "smiles": "C1=CC=C(C=C1)OCCO"},
    "citation": "PubChem CID 31236",
    "endpoints": [
        {
            "name": "acute_toxicity_oral_ld50",
            "value": 1260.0,
            "unit": "mg/kg",
            "species": "rat",
            "source": "PubChem CID 31236 (HSDB)",
        },
        {"name": "ghs_classification", "rating": "H302, H319", "source": "PubChem CID 31236"},
    ],
    "hazard_codes": ["H302", "H319"],
}
TFDA_PHENOXYETHANOL: dict[str, Any] = {
    "entries": [
        {
            "jurisdiction": "TW",
            "list_type": "preservative",
            "reference": "TW preservative/29",
            "max_concentration_pct": 1.0,
            "citation": "TFDA preservative list No. 29",
        }
    ]
}


class RecordingTools:
    """The real catalog's AI tools with canned answers; every valid call is recorded."""

    def __init__(self, pubchem: dict[str, Any] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.pubchem = pubchem or PUBCHEM_PHENOXYETHANOL

    @property
    def definitions(self) -> list[ToolDefinition]:
        return reference.definitions()

    async def call(self, name: str, data: Mapping[str, Any]) -> Any:
        if name not in reference.AI_TOOLS:
            raise ToolInputError(f"unknown tool {name!r}")
        reference.parse_input(reference.spec(name), data)
        self.calls.append((name, dict(data)))
        if name == "inci_normalize":
            match = starter_dictionary().match(str(data["name"]))
            return {"inci_name": match.inci_name, "method": match.method, "score": match.score}
        if name == "pubchem_query":
            return self.pubchem
        if name == "check_restricted":
            return TFDA_PHENOXYETHANOL
        return {"query": data.get("query"), "hits": []}


MakeProvider = Callable[..., tuple[AnthropicProvider, FakeMessagesAPI, RecordingTools]]
