"""Dermal absorption: 50 % unless the ingredient is on the curated fixed-oil allow-list (5 %)."""

import json
from functools import cache

from app.data import DATA_DIR
from app.engines.safety.registry import DAP_DEFAULT_PCT, DAP_FIXED_OIL_PCT

FIXED_OILS_PATH = DATA_DIR / "safety" / "fixed_oils.json"
DEFAULT_SOURCE = "Default dermal absorption 50 % (SCCS/1647/22; computation-basis registry)"


def _key(name: str) -> str:
    return " ".join(name.casefold().replace("(", " ").replace(")", " ").split())


@cache
def _allow_list() -> tuple[dict[str, str], dict[str, str]]:
    data = json.loads(FIXED_OILS_PATH.read_text(encoding="utf-8"))
    by_name: dict[str, str] = {}
    by_cas: dict[str, str] = {}
    for entry in data["entries"]:
        citation = f"Fixed oil (triglyceride) DAp 5 %: {entry['inci']} - {entry['citation']}"
        for name in (entry["inci"], *entry.get("aliases", [])):
            by_name[_key(name)] = citation
        if entry.get("cas"):
            by_cas[entry["cas"]] = citation
    return by_name, by_cas


def dap_for(inci: str, cas: str | None, molecular_weight: float | None) -> tuple[float, str]:
    """(DAp %, source). A listed oil with a known MW < 500 Da still gets 50 % (500-Dalton rule)."""
    by_name, by_cas = _allow_list()
    citation = by_name.get(_key(inci)) or (by_cas.get(cas) if cas else None)
    if citation is None:
        return DAP_DEFAULT_PCT, DEFAULT_SOURCE
    if molecular_weight is not None and molecular_weight < 500:
        return DAP_DEFAULT_PCT, f"{DEFAULT_SOURCE}; MW {molecular_weight:g} Da < 500"
    return DAP_FIXED_OIL_PCT, citation
