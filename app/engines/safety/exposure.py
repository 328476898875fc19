"""SCCS/1647/22 Table 3A/3B daily exposure per product type, mapped from the product description."""

import json
from functools import cache
from typing import Any

from app.data import DATA_DIR
from app.engines.safety.models import Description, Exposure

EXPOSURE_PATH = DATA_DIR / "safety" / "exposure_sccs.json"
FALLBACK_NOTE = (
    "No precise dosage form was given: a conservative whole-body exposure value "
    "(SCCS body lotion, 123.20 mg/kg bw/day) was used. Supplying the dosage form allows a "
    "precise calculation."
)
# Values of app.schemas.product_description (engines do not import schemas: that would cycle).
# Areas -> SCCS row per form. Areas only (never the product's name): "cream" is not "face".
_LEAVE_ON = {
    "body": "body_lotion",
    "face": "face_cream",
    "hands": "hand_cream",
    "lips": "lipstick",
    "hair": "hair_styling",
    "underarm": "deodorant_non_spray",
}
_RINSE_OFF = {"body": "shower_gel", "hair": "shampoo", "scalp": "shampoo"}
_KIND = {"toothpaste": "toothpaste", "mouthwash": "mouthwash", "lip_product": "lipstick"}
_SPRAYS = frozenset({"pump_spray", "propellant_spray"})


@cache
def load_table() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXPOSURE_PATH.read_text(encoding="utf-8"))
    data["by_id"] = {row["id"]: row for row in data["rows"]}
    return data


def _exposure(row_id: str, *, fallback: bool, note: str | None = None) -> Exposure:
    table = load_table()
    row = table["by_id"][row_id]
    source = f"SCCS/1647/22 Table {row['table']}: {row['product_type']} ({row['source_text']})"
    return Exposure(
        value=float(row["exposure_mg_kg_bw_day"]),
        row_id=row_id,
        source=source,
        fallback=fallback,
        note=note,
    )


def fallback_exposure() -> Exposure:
    return _exposure(load_table()["fallback_row"], fallback=True, note=FALLBACK_NOTE)


def _row_ids(description: Description) -> list[str] | None:
    """Row per area; None when any area has no listed row (then the whole-body fallback)."""
    kind = description.kind
    if kind is not None and kind in _KIND:
        return [_KIND[kind]]
    if kind == "deodorant_antiperspirant":
        spray = description.presentation in _SPRAYS
        return ["deodorant_spray" if spray else "deodorant_non_spray"]
    mapping = _LEAVE_ON if description.form == "leave_on" else _RINSE_OFF
    rows = [mapping.get(str(area)) for area in description.areas]
    if any(r is None for r in rows):
        return None
    return [r for r in rows if r is not None]


def exposure_for(description: Description | None) -> Exposure:
    """The listed row; several areas -> the highest of them; nothing fits -> whole-body fallback."""
    if description is None:
        return fallback_exposure()
    ids = _row_ids(description)
    if not ids:
        return fallback_exposure()
    rows = load_table()["by_id"]
    best = max(ids, key=lambda i: float(rows[i]["exposure_mg_kg_bw_day"]))
    return _exposure(best, fallback=False)
