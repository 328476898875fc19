"""The tool catalog as JSON-schema tools, their execution, and dictionary-backed defaults."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from typing import Any

from app.ai.providers.base import Tools
from app.engines.formula.inci import IngredientDictionary
from app.engines.formula.resolve import _name_confidence
from app.engines.regulatory import RuleIndex
from app.engines.regulatory.serialize import entry_to_json
from app.engines.substance import normalize_cas
from app.integrations.toxicology import SubstanceRef, ToxSource

CAS_PATTERN = r"^\d{2,7}-\d{2}-\d$"
_CAS_RE = re.compile(CAS_PATTERN)
MAX_TOOL_OUTPUT = 20_000  # characters; bounds the tokens one tool result can add

TOOL_DEFINITIONS: list[dict[str, Any]] = [
    {
        "name": "inci_normalize",
        "description": "Map a raw ingredient name (trade name, misspelling, Chinese name) to "
        "its canonical INCI name with a confidence in [0, 1] and the dictionary CAS numbers.",
        "input_schema": {
            "type": "object",
            "properties": {"raw": {"type": "string", "minLength": 1}},
            "required": ["raw"],
        },
    },
    {
        "name": "db_lookup_ingredient",
        "description": "Look up the ingredient master by normalised INCI name or CAS number; "
        "returns the stored rows (INCI, CAS, functions, Chinese name, source) or none.",
        "input_schema": {
            "type": "object",
            "properties": {"query": {"type": "string", "minLength": 1}},
            "required": ["query"],
        },
    },
    {
        "name": "pubchem_query",
        "description": "Query PubChem by CAS number or name; returns CID, molecular weight, "
        "SMILES, properties, GHS hazard codes and acute toxicity values, each with its citation.",
        "input_schema": {
            "type": "object",
            "properties": {
                "cas": {"type": "string", "pattern": CAS_PATTERN},
                "name": {"type": "string", "minLength": 1},
            },
            "anyOf": [{"required": ["cas"]}, {"required": ["name"]}],
        },
    },
    {
        "name": "tfda_check_restricted",
        "description": "Regulatory list entries (TFDA and EU annexes: prohibited, restricted, "
        "preservative, colorant, UV filter) for an INCI name and/or CAS, with limits, "
        "conditions, label warnings and the citation of each entry.",
        "input_schema": {
            "type": "object",
            "properties": {
                "inci": {"type": "string", "minLength": 1},
                "cas": {"type": "string", "pattern": CAS_PATTERN},
            },
            "anyOf": [{"required": ["inci"]}, {"required": ["cas"]}],
        },
    },
]


class ToolInputError(ValueError):
    """The model called a tool with input that breaks its schema."""


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ToolInputError(f"{key} must be a non-empty string")
    return value.strip()


def _cas(data: dict[str, Any], key: str = "cas") -> str | None:
    value = _text(data, key)
    if value is not None and not _CAS_RE.match(value):
        raise ToolInputError(f"{key} must match {CAS_PATTERN}")
    return value


async def call_tool(tools: Tools, name: str, data: dict[str, Any]) -> Any:
    """Validate the input against the tool's schema and run our implementation."""
    if name == "inci_normalize":
        raw = _text(data, "raw")
        if raw is None:
            raise ToolInputError("raw is required")
        return await tools.inci_normalize(raw)
    if name == "db_lookup_ingredient":
        query = _text(data, "query")
        if query is None:
            raise ToolInputError("query is required")
        return await tools.db_lookup_ingredient(query)
    if name == "pubchem_query":
        cas, chem = _cas(data), _text(data, "name")
        if cas is None and chem is None:
            raise ToolInputError("cas or name is required")
        return await tools.pubchem_query(cas, chem)
    if name == "tfda_check_restricted":
        inci, cas = _text(data, "inci"), _cas(data)
        if inci is None and cas is None:
            raise ToolInputError("inci or cas is required")
        return await tools.tfda_check_restricted(inci, cas)
    raise ToolInputError(f"unknown tool {name!r}")


def dump_tool_output(output: Any) -> str:
    """JSON text of a tool output, truncated to MAX_TOOL_OUTPUT characters."""
    text = json.dumps(output, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_TOOL_OUTPUT else text[:MAX_TOOL_OUTPUT] + " …[truncated]"


def local_tools(
    dictionary: IngredientDictionary,
    *,
    rule_index: RuleIndex | None = None,
    pubchem: ToxSource | None = None,
) -> Tools:
    """Tools backed by the in-memory dictionary, rule index and a PubChem source (if given)."""

    async def inci_normalize(raw: str) -> dict[str, Any]:
        match = dictionary.match(raw)
        return {
            "inci_name": match.inci_name,
            "method": match.method,
            "confidence": 0.0 if match.method == "none" else _name_confidence(match),
            "cas_numbers": list(match.entry.cas_numbers) if match.entry else [],
        }

    async def db_lookup_ingredient(query: str) -> dict[str, Any]:
        cas = normalize_cas(query)
        if cas is not None:
            entries = dictionary.by_cas(cas)
        else:
            entry = dictionary.get(query)
            entries = [entry] if entry is not None else []
        return {"found": bool(entries), "ingredients": [asdict(e) for e in entries]}

    async def pubchem_query(cas: str | None, name: str | None) -> dict[str, Any]:
        if pubchem is None:
            return {"status": "unavailable", "error": "PubChem is not configured"}
        result = await pubchem.fetch(SubstanceRef(inci_name=name or cas or "", cas=cas))
        return result.model_dump(mode="json", exclude={"fetched_at"})

    async def tfda_check_restricted(inci: str | None, cas: str | None) -> dict[str, Any]:
        if rule_index is None:
            return {"status": "unavailable", "error": "regulatory lists are not loaded"}
        entries = [entry_to_json(e) for e in rule_index.match(inci, cas)]
        return {"entries": entries, "count": len(entries)}

    return Tools(inci_normalize, db_lookup_ingredient, pubchem_query, tfda_check_restricted)
