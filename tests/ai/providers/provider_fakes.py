"""Fakes for the provider tests: tools that record calls, canned facts, a provider factory type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.ai.providers import AnthropicProvider, Tools
from app.engines.formula.starter import starter_dictionary
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
    """Fake tools returning canned facts; every call is recorded."""

    def __init__(self, pubchem: dict[str, Any] | None = None) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.pubchem = pubchem or PUBCHEM_PHENOXYETHANOL

    async def inci_normalize(self, raw: str) -> dict[str, Any]:
        self.calls.append(("inci_normalize", (raw,)))
        match = starter_dictionary().match(raw)
        return {"inci_name": match.inci_name, "method": match.method, "confidence": match.score}

    async def db_lookup_ingredient(self, query: str) -> dict[str, Any]:
        self.calls.append(("db_lookup_ingredient", (query,)))
        return {"found": False, "ingredients": []}

    async def pubchem_query(self, cas: str | None, name: str | None) -> dict[str, Any]:
        self.calls.append(("pubchem_query", (cas, name)))
        return self.pubchem

    async def tfda_check_restricted(self, inci: str | None, cas: str | None) -> dict[str, Any]:
        self.calls.append(("tfda_check_restricted", (inci, cas)))
        return TFDA_PHENOXYETHANOL

    def tools(self) -> Tools:
        return Tools(
            self.inci_normalize,
            self.db_lookup_ingredient,
            self.pubchem_query,
            self.tfda_check_restricted,
        )


MakeProvider = Callable[..., tuple[AnthropicProvider, FakeMessagesAPI, RecordingTools]]
