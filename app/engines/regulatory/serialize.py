"""RegulatedEntry <-> JSON, so the database holds everything the rule index needs."""

from datetime import date
from typing import Any

from app.engines.regulatory.models import RegulatedEntry, ScopedLimit, UseCategory


def _limit_json(limit: ScopedLimit) -> dict[str, Any]:
    return {
        "category_label": limit.category_label,
        "product_type_text": limit.product_type_text,
        "scopes": sorted(limit.scopes),
        "max_pct": limit.max_pct,
        "excluded_scopes": sorted(limit.excluded_scopes),
    }


def _category_json(category: UseCategory) -> dict[str, Any]:
    return {
        "label": category.label,
        "product_type_text": category.product_type_text,
        "scopes": sorted(category.scopes),
        "excluded_scopes": sorted(category.excluded_scopes),
    }


def entry_to_json(entry: RegulatedEntry) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in RegulatedEntry.__dataclass_fields__:
        value = getattr(entry, name)
        if name == "limits":
            value = [_limit_json(v) for v in value]
        elif name == "categories":
            value = [_category_json(v) for v in value]
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, date):
            value = value.isoformat()
        data[name] = value
    return data


def entry_from_json(data: dict[str, Any]) -> RegulatedEntry:
    values = dict(data)
    values["limits"] = tuple(
        ScopedLimit(
            category_label=v["category_label"],
            product_type_text=v["product_type_text"],
            scopes=frozenset(v["scopes"]),
            max_pct=float(v["max_pct"]),
            excluded_scopes=frozenset(v.get("excluded_scopes", ())),
        )
        for v in values.get("limits", ())
    )
    values["categories"] = tuple(
        UseCategory(
            label=v["label"],
            product_type_text=v["product_type_text"],
            scopes=frozenset(v["scopes"]),
            excluded_scopes=frozenset(v.get("excluded_scopes", ())),
        )
        for v in values.get("categories", ())
    )
    for name in ("cas_numbers", "ec_numbers", "group_terms", "identified_ingredients"):
        values[name] = tuple(values.get(name, ()))
    if values.get("updated_on"):
        values["updated_on"] = date.fromisoformat(values["updated_on"])
    return RegulatedEntry(**values)
