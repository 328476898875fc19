"""A snapshot's fingerprints, recomputed from its own content (re-derivable from storage)."""

import json
from collections.abc import Mapping
from typing import Any

from app.engines.versions.canonical import canonical_json
from app.engines.versions.fingerprints import (
    Fingerprints,
    FormulaLineKey,
    PackagingKey,
    ProcessKey,
    fingerprints,
)

FINGERPRINTS_KEY = "__fingerprints__"


def normalised(value: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical form as plain JSON data: what is stored is exactly what is hashed."""
    data: dict[str, Any] = json.loads(canonical_json(dict(value)))
    return data


def _item_data(snapshot: Mapping[str, Any], number: int) -> Mapping[str, Any]:
    item = (snapshot.get("items") or {}).get(str(number)) or {}
    data: Mapping[str, Any] = item.get("data") or {}
    return data


def snapshot_fingerprints(snapshot: Mapping[str, Any]) -> Fingerprints:
    """Formula from `formula_lines`, process from Item 6 steps, packaging from Item 15."""
    formula = [
        FormulaLineKey(
            ingredient_id=line.get("ingredient_id"),
            raw_name=str(line.get("raw_name") or ""),
            concentration_pct=line.get("concentration_pct"),
        )
        for line in snapshot.get("formula_lines") or []
    ]
    process = [
        ProcessKey(stage=str(s.get("stage") or ""), step=str(s.get("step") or ""))
        for s in _item_data(snapshot, 6).get("steps") or []
    ]
    packaging = [
        PackagingKey(
            component=str(c.get("component") or ""),
            material=str(c.get("material") or ""),
            spec=c.get("spec"),
        )
        for c in _item_data(snapshot, 15).get("components") or []
    ]
    return fingerprints(formula, process, packaging)
