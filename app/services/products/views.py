"""Product pages rendered from plain rows, serialized once (issue 18).

`ProductRead.model_validate` per row re-derives the effective description (category defaults
merged with what was stated: two validations and a dump) for every row of every page. The
result depends on the category and the stored description only, so it is computed once per
distinct pair here; the rows become `ProductRead`s with `model_construct` (the values come from
the database's typed columns) and the page is serialized by pydantic in one call. The body is
byte for byte what `ProductPage.model_validate(...)` would give (tests/services/products).
"""

import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from app.models.enums import PifStatus, ProductCategory
from app.schemas.product_description import (
    Market,
    ProductDescriptionFields,
    effective_description,
    missing_fields,
)
from app.schemas.products import ProductPage, ProductRead

_DEFAULT_MARKETS = (Market.TW,)


@lru_cache(maxsize=1024)
def _described(category: str, stored: str | None) -> tuple[ProductDescriptionFields, list[str]]:
    """What `ProductRead._effective` derives, for one category and stored description (JSON)."""
    given = ProductDescriptionFields.model_validate(json.loads(stored) if stored else {})
    merged = effective_description(category, given.stated())
    return ProductDescriptionFields.model_validate(merged), missing_fields(merged)


def _stored_key(description: Any) -> str | None:
    if not description:
        return None
    return json.dumps(description, sort_keys=True, separators=(",", ":"))


# ProductRead's fields taken from the row as they are; the others are derived below
_AS_STORED = (
    "id", "org_id", "name", "name_en", "dosage_form", "intended_use", "manufacturer_name",
    "manufacturer_address", "registration_id", "launch_date", "pif_completed_at", "rag_kb_id",
    "created_at", "updated_at",
)  # fmt: skip
_DERIVED = ("category", "pif_status", "markets", "description", "description_missing")
# a field added to ProductRead must be added here too (model_construct would leave it unset)
assert set(_AS_STORED + _DERIVED) == set(ProductRead.model_fields), "ProductRead changed"


def product_read(row: Any) -> ProductRead:
    """A `ProductRead` of a row with the list's columns (attribute access by column name)."""
    category = ProductCategory(row.category)
    description, missing = _described(category.value, _stored_key(row.description))
    markets = row.markets
    fields = {name: getattr(row, name) for name in _AS_STORED}
    return ProductRead.model_construct(
        **fields,
        category=category,
        pif_status=PifStatus(row.pif_status),
        markets=[Market(m) for m in markets] if markets is not None else list(_DEFAULT_MARKETS),
        description=description,
        description_missing=list(missing),
    )


def product_page_json(rows: Sequence[Any], *, total: int, limit: int, offset: int) -> bytes:
    """The JSON body of a `ProductPage` of these rows."""
    page = ProductPage.model_construct(
        items=[product_read(row) for row in rows], total=total, limit=limit, offset=offset
    )
    return page.model_dump_json(by_alias=True).encode()
