"""Computation-basis registry (spec 06 §7): every constant the engine uses, with its citation.

The code constants below are the ones the engine computes with; `verify_live_constants()` fails
when they differ from the versioned data file, so neither can drift silently.
"""

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from app.data import DATA_DIR

REGISTRY_PATH = DATA_DIR / "safety" / "registry.json"

MOS_THRESHOLD = 100.0
DAP_DEFAULT_PCT = 50.0
DAP_FIXED_OIL_PCT = 5.0
BODY_WEIGHT_KG = 60.0
TTC_UG_PERSON_DAY = {"I": 1800.0, "II": 540.0, "III": 90.0}
TTC_GENOTOXIC_UG_PERSON_DAY = 0.15
TTC_EXCLUDED_CLASSES = frozenset(
    {
        "high_potency_carcinogen",
        "inorganic",
        "metal",
        "organometallic",
        "protein",
        "steroid",
        "bioaccumulative",
        "nanomaterial",
        "prohibited_or_cmr",
    }
)
READ_ACROSS_AF = 10.0
TANIMOTO_THRESHOLD = 0.50
MORGAN_RADIUS = 2
MORGAN_BITS = 2048
CEILING_AI_NOAEL = 2000.0
CEILING_EPA_NOAEL = 10000.0

LIVE_CONSTANTS: dict[str, object] = {
    "mos_threshold": MOS_THRESHOLD,
    "dap_default_pct": DAP_DEFAULT_PCT,
    "dap_fixed_oil_pct": DAP_FIXED_OIL_PCT,
    "body_weight_kg": BODY_WEIGHT_KG,
    "ttc_cramer_i_ug_person_day": TTC_UG_PERSON_DAY["I"],
    "ttc_cramer_ii_ug_person_day": TTC_UG_PERSON_DAY["II"],
    "ttc_cramer_iii_ug_person_day": TTC_UG_PERSON_DAY["III"],
    "ttc_genotoxic_ug_person_day": TTC_GENOTOXIC_UG_PERSON_DAY,
    "ttc_excluded_classes": TTC_EXCLUDED_CLASSES,
    "read_across_af": READ_ACROSS_AF,
    "tanimoto_threshold": TANIMOTO_THRESHOLD,
    "morgan_radius": MORGAN_RADIUS,
    "morgan_bits": MORGAN_BITS,
    "ceiling_ai_noael": CEILING_AI_NOAEL,
    "ceiling_epa_noael": CEILING_EPA_NOAEL,
}
REQUIRED_FIELDS = ("value", "unit", "alternatives", "citation", "source_text", "reason")


class RegistryMismatch(RuntimeError):
    """Code and registry disagree: the engine must not start."""


@dataclass(frozen=True)
class BasisRow:
    """One appendix row of the SA report."""

    key: str
    value: str
    unit: str
    citation: str
    alternatives: str
    reason: str


@cache
def load_registry() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(REGISTRY_PATH.read_text(encoding="utf-8"))
    return data


def _same(code: object, registered: object) -> bool:
    if isinstance(code, frozenset):
        return isinstance(registered, list) and code == frozenset(registered)
    if isinstance(code, int | float) and isinstance(registered, int | float):
        return float(code) == float(registered)
    return code == registered


def verify_live_constants(registry: dict[str, Any] | None = None) -> None:
    """Raise RegistryMismatch naming every constant that differs, lacks a citation or is missing."""
    data = registry if registry is not None else load_registry()
    entries: dict[str, dict[str, Any]] = data.get("constants", {})
    problems: list[str] = []
    for key, code_value in LIVE_CONSTANTS.items():
        entry = entries.get(key)
        if entry is None:
            problems.append(f"{key}: not in the registry")
            continue
        missing = [f for f in REQUIRED_FIELDS if f not in entry or entry[f] in ("", None)]
        if missing:
            problems.append(f"{key}: registry entry lacks {', '.join(missing)}")
        if not _same(code_value, entry.get("value")):
            problems.append(f"{key}: code {code_value!r} != registry {entry.get('value')!r}")
    for key in entries.keys() - LIVE_CONSTANTS.keys():
        problems.append(f"{key}: in the registry but unknown to the code")
    if not data.get("version") or not data.get("date"):
        problems.append("registry has no version/date")
    if problems:
        raise RegistryMismatch("; ".join(sorted(problems)))


def _fmt(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def render_basis_appendix() -> list[BasisRow]:
    """Rows of the report appendix: adopted value, citation, alternatives and why."""
    rows: list[BasisRow] = []
    for key, entry in load_registry()["constants"].items():
        alternatives = "; ".join(
            f"{_fmt(a['value'])} ({a['note']})" for a in entry.get("alternatives", [])
        )
        rows.append(
            BasisRow(
                key=key,
                value=_fmt(entry["value"]),
                unit=str(entry["unit"]),
                citation=str(entry["citation"]),
                alternatives=alternatives or "none recorded",
                reason=str(entry["reason"]),
            )
        )
    return rows


def registry_version() -> str:
    return str(load_registry()["version"])
