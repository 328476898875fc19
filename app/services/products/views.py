"""Product pages rendered from plain rows, serialized once (issue 18).

`ProductRead.model_validate` per row re-derives the effective description (category defaults
merged with what was stated: two validations and a dump) for every row of every page. The
result depends on the category and the stored description only, so it is computed once per
distinct pair here; each row becomes the dict `ProductRead` would dump (the values come from the
database's typed columns; the enums are checked) and pydantic's serializer writes the page in
one call. The body is byte for byte what `ProductPage.model_validate(...)` gives
(tests/services/products/test_views.py).
"""

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from pydantic_core import to_json

from app.models.enums import PifStatus, ProductCategory
from app.schemas.product_description import (
    Market,
    ProductDescriptionFields,
    effective_description,
    missing_fields,
)
from app.schemas.products import ProductRead, product_warnings

_DEFAULT_MARKETS = (Market.TW.value,)


@lru_cache(maxsize=1024)
def _described(category: str, stored: str | None) -> tuple[dict[str, Any], tuple[str, ...]]:
    """What `ProductRead._effective` derives, for one category and stored description (jsonb's
    text: one canonical text per value), as JSON-ready values."""
    given = ProductDescriptionFields.model_validate((json.loads(stored) if stored else None) or {})
    merged = effective_description(category, given.stated())
    effective = ProductDescriptionFields.model_validate(merged).model_dump(mode="json")
    return effective, tuple(missing_fields(merged))


# ProductRead's fields taken from the row as they are; the others are derived below
_AS_STORED = (
    "id", "org_id", "name", "name_en", "dosage_form", "intended_use", "manufacturer_name",
    "manufacturer_address", "registration_id", "launch_date", "pif_completed_at", "rag_kb_id",
    "created_at", "updated_at",
)  # fmt: skip
_DERIVED = ("category", "pif_status", "markets", "description", "description_missing")
# a field added to ProductRead must be added here too
assert set(_AS_STORED + _DERIVED) == set(ProductRead.model_fields), "ProductRead changed"
assert set(ProductRead.model_computed_fields) == {"warnings"}, "ProductRead changed"
# the dump's key order: the model's fields, then the computed one (filled per row)
_FIELD_ORDER = tuple(ProductRead.model_fields)


# the enums' values, checked by set membership (an Enum call per value was 10 % of a page)
_CATEGORIES = frozenset(c.value for c in ProductCategory)
_STATUSES = frozenset(s.value for s in PifStatus)
_MARKETS = frozenset(m.value for m in Market)


def _checked(value: Any, allowed: frozenset[str], kind: str) -> str:
    if value not in allowed:
        raise ValueError(f"{value!r} is not a valid {kind}")
    return str(value)


def product_read(row: Any) -> dict[str, Any]:
    """What `ProductRead.model_validate(...).model_dump()` gives for a row of the list's columns
    (a mapping by column name, the description as jsonb text), enums as their values."""
    category = _checked(row["category"], _CATEGORIES, "ProductCategory")
    description, missing = _described(category, row["description"])
    markets = row["markets"]
    item = dict.fromkeys(_FIELD_ORDER)
    for name in _AS_STORED:
        item[name] = row[name]
    item["category"] = category
    item["pif_status"] = _checked(row["pif_status"], _STATUSES, "PifStatus")
    item["markets"] = (
        [_checked(m, _MARKETS, "Market") for m in markets]
        if markets is not None
        else list(_DEFAULT_MARKETS)
    )
    item["description"] = description
    item["description_missing"] = list(missing)
    item["warnings"] = product_warnings(row["name"], row["name_en"], row["registration_id"])
    return item


_ROW_FIELDS = (*_AS_STORED, "category", "pif_status", "markets", "description")


def product_json(product: Any) -> bytes:
    """The JSON body of one `ProductRead` of an inserted row or an ORM product (attribute
    access, the description decoded)."""
    row = {name: getattr(product, name) for name in _ROW_FIELDS}
    if row["description"] is not None:
        row["description"] = json.dumps(row["description"], sort_keys=True)
    return to_json(product_read(row))


# Each item's JSON by the row's whole content (every column the item is derived from): a page
# re-read unchanged costs a dict lookup per row instead of building and serializing it again
# (issue 18: ~a quarter of a list request). A fragment is a pure function of its key, so it can
# only be served for a row with exactly those values, which the caller has just read under RLS.
_FRAGMENTS: dict[tuple[Any, ...], bytes] = {}
_FRAGMENTS_MAX = 2048


def _content_key(row: Any) -> tuple[Any, ...]:
    markets = row["markets"]
    return (
        *(row[name] for name in _AS_STORED),
        row["category"],
        row["pif_status"],
        tuple(markets) if markets is not None else None,
        row["description"],
    )


def _item_json(row: Any) -> bytes:
    key = _content_key(row)
    fragment = _FRAGMENTS.get(key)
    if fragment is None:
        fragment = to_json(product_read(row))
        if len(_FRAGMENTS) >= _FRAGMENTS_MAX:
            _FRAGMENTS.clear()  # bounded; a miss only costs the item's serialization
        _FRAGMENTS[key] = fragment
    return fragment


def product_page_json(rows: Sequence[Any], *, total: int, limit: int, offset: int) -> bytes:
    """The JSON body of a `ProductPage` of these rows (driver rows: `row["name"]`, the
    description as jsonb text), what `to_json` of the page's dict gives."""
    items = b",".join([_item_json(row) for row in rows])
    return b'{"items":[%b],"total":%d,"limit":%d,"offset":%d}' % (items, total, limit, offset)
