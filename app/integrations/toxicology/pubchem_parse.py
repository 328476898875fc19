"""Pure parsers for PubChem PUG REST property tables and PUG View records."""

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from app.integrations.toxicology.base import Endpoint

COMPOUND_URL = "https://pubchem.ncbi.nlm.nih.gov/compound/{cid}"

_H_CODE = re.compile(r"\b(EUH\d{3}|H\d{3}(?:[A-Za-z]{1,2})?)\b")
_SPECIES = re.compile(
    r"\b(rats?|mice|mouse|rabbits?|guinea[ -]pigs?|dogs?|cats?|hamsters?|monkeys?)\b", re.I
)
_ROUTE = re.compile(
    r"\b(oral|orally|gavage|dermal|skin|percutaneous|intraperitoneal|intravenous|"
    r"subcutaneous|intramuscular|inhalation|i\.?p|i\.?v|s\.?c)(?![A-Za-z])",
    re.I,
)
_ROUTE_ALIASES = {
    "orally": "oral",
    "gavage": "oral",
    "skin": "dermal",
    "percutaneous": "dermal",
    "ip": "intraperitoneal",
    "iv": "intravenous",
    "sc": "subcutaneous",
}
_NUMBER = r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_DOSE = re.compile(
    rf"(?P<qual>[<>≤≥]=?)?\s*(?P<low>{_NUMBER})(?:\s*[-–]\s*(?P<high>{_NUMBER}))?\s*"
    r"(?P<unit>mg/kg|g/kg|ug/kg|µg/kg|ml/kg)\b",
    re.I,
)
# factor to mg/kg; mL/kg cannot be converted without the density, so it stays as reported
_TO_MG_PER_KG = {"mg/kg": Decimal(1), "g/kg": Decimal(1000), "ug/kg": Decimal("0.001")}


def first_property_row(payload: Any) -> dict[str, Any] | None:
    """The first row of a PUG REST `PropertyTable`, if any."""
    try:
        rows = payload["PropertyTable"]["Properties"]
    except (KeyError, TypeError):
        return None
    return rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], dict) else None


def properties_of(row: dict[str, Any]) -> dict[str, float | str]:
    """Formula, weight, XLogP and SMILES under stable names (PubChem renamed its SMILES keys)."""
    out: dict[str, float | str] = {}
    if isinstance(row.get("MolecularFormula"), str):
        out["molecular_formula"] = row["MolecularFormula"]
    for key, name in (("MolecularWeight", "molecular_weight"), ("XLogP", "xlogp")):
        value = row.get(key)
        if value is not None:
            out[name] = float(value)  # PUG REST sends MolecularWeight as a string
    for key in ("SMILES", "IsomericSMILES", "ConnectivitySMILES", "CanonicalSMILES"):
        if isinstance(row.get(key), str):
            out["smiles"] = row[key]
            break
    if isinstance(row.get("IUPACName"), str):
        out["iupac_name"] = row["IUPACName"]
    return out


def _walk(sections: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    for section in sections if isinstance(sections, list) else []:
        here = (*path, str(section.get("TOCHeading", "")))
        for info in section.get("Information") or []:
            yield here, info
        yield from _walk(section.get("Section"), here)


def _strings(info: dict[str, Any]) -> list[str]:
    value = info.get("Value") or {}
    return [s["String"] for s in value.get("StringWithMarkup") or [] if "String" in s]


def _citation(cid: int, info: dict[str, Any], refs: dict[int, dict[str, Any]]) -> tuple[str, str]:
    ref = refs.get(info.get("ReferenceNumber", -1), {})
    name = ref.get("SourceName")
    source = f"PubChem CID {cid} ({name})" if name else f"PubChem CID {cid}"
    return source, ref.get("URL") or COMPOUND_URL.format(cid=cid)


def _references(record: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {
        r["ReferenceNumber"]: r for r in record.get("Reference") or [] if "ReferenceNumber" in r
    }


def ghs_endpoints(payload: Any, cid: int) -> list[Endpoint]:
    """One `ghs_classification` endpoint per cited GHS hazard-statement entry."""
    record = (payload or {}).get("Record") or {}
    refs = _references(record)
    endpoints = []
    for path, info in _walk(record.get("Section"), ()):
        if "GHS Classification" not in path:
            continue
        texts = _strings(info)
        codes = list(dict.fromkeys(c for t in texts for c in _H_CODE.findall(t)))
        if not codes:
            continue
        source, url = _citation(cid, info, refs)
        endpoints.append(
            Endpoint(
                name="ghs_classification",
                rating=", ".join(codes),
                source=source,
                reference_url=url,
                raw_text="; ".join(texts),
            )
        )
    return endpoints


def ld50_endpoints(payload: Any, cid: int) -> list[Endpoint]:
    """LD50 values found in the toxicity sections' text, each with its reference."""
    record = (payload or {}).get("Record") or {}
    refs = _references(record)
    endpoints = []
    for _, info in _walk(record.get("Section"), ()):
        for text in _strings(info):
            for chunk in re.split(r"(?=\bLD50\b)", text):
                if not chunk.startswith("LD50"):
                    continue
                endpoint = parse_ld50(chunk.strip(), *_citation(cid, info, refs))
                if endpoint is not None:
                    endpoints.append(endpoint)
    return endpoints


def parse_ld50(text: str, source: str, reference_url: str | None = None) -> Endpoint | None:
    """Read `LD50 Rat oral 1.26 g/kg`-style text; None when no dose with a unit is stated."""
    dose = _DOSE.search(text)
    if dose is None:
        return None
    unit = dose["unit"].lower().replace("µ", "u")
    low = Decimal(dose["low"].replace(",", ""))
    qualifier = dose["qual"]
    if dose["high"]:
        qualifier = "range"  # keep the lower (more conservative) bound; raw_text has both
    value, unit_out = low, "mL/kg" if unit == "ml/kg" else unit
    if unit in _TO_MG_PER_KG:
        value, unit_out = low * _TO_MG_PER_KG[unit], "mg/kg"
    species = _SPECIES.search(text)
    route = _ROUTE.search(text)
    route_name = _route_name(route[1]) if route else None
    return Endpoint(
        name=f"acute_toxicity_{route_name}_ld50" if route_name else "acute_toxicity_ld50",
        value=float(value),
        unit=unit_out,
        qualifier=qualifier,
        species=_singular(species[1]) if species else None,
        route=route_name,
        source=source,
        reference_url=reference_url,
        raw_text=text,
    )


def _singular(species: str) -> str:
    word = species.lower().replace("-", " ")
    return "mouse" if word in {"mice", "mouse"} else word.removesuffix("s")


def _route_name(route: str) -> str:
    word = route.lower().replace(".", "")
    return _ROUTE_ALIASES.get(word, word)
