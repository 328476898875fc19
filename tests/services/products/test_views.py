"""The product page rendered from rows is byte for byte what validating each row into
`ProductRead` and dumping the `ProductPage` gives (the route answers the former, issue 18)."""

import json
import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from app.schemas.products import ProductPage, ProductRead
from app.services.products import views
from app.services.products.views import product_page_json

NOW = datetime(2026, 12, 1, 16, 7, 47, 707020, tzinfo=UTC)


def _row(**values: Any) -> SimpleNamespace:
    base: dict[str, Any] = {
        "id": uuid.uuid4(),
        "org_id": uuid.uuid4(),
        "name": "保濕精華液",
        "name_en": "Serum",
        "category": "general",
        "dosage_form": None,
        "intended_use": None,
        "manufacturer_name": None,
        "manufacturer_address": None,
        "registration_id": None,
        "launch_date": None,
        "pif_status": "draft",
        "pif_completed_at": None,
        "rag_kb_id": None,
        "created_at": NOW,
        "updated_at": NOW,
        "markets": ["TW"],
        "description": None,
    }
    return SimpleNamespace(**{**base, **values})


ROWS = [
    _row(),
    _row(name="Serum only latin", name_en=None, registration_id="ABC-1", markets=None),
    _row(category="baby", description={"form": "leave_on"}, markets=["TW", "EU"]),
    _row(
        category="general",
        description={"form": "rinse_off", "areas": ["face", "body"], "kind": None},
        dosage_form="cream",
        intended_use="daily care",
        manufacturer_name="某公司",
        manufacturer_address="台北市",
        registration_id="衛部粧製字第123456號",
        launch_date=date(2026, 1, 2),
        pif_status="completed",
        pif_completed_at=NOW,
        rag_kb_id="kb-1",
    ),
    _row(category="baby", description={"form": "leave_on"}),  # same pair again (cached)
]


def _driver_row(row: SimpleNamespace) -> dict[str, Any]:
    """The row as the list query returns it: a mapping, the description as jsonb text."""
    values = dict(vars(row))
    if values["description"] is not None:
        values["description"] = json.dumps(values["description"], ensure_ascii=False)
    return values


@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], []])
def test_the_page_is_what_validating_each_row_gives(rows: list[SimpleNamespace]) -> None:
    expected = ProductPage(
        items=[ProductRead.model_validate(r) for r in rows], total=42, limit=20, offset=5
    ).model_dump_json(by_alias=True)
    page = product_page_json([_driver_row(r) for r in rows], total=42, limit=20, offset=5)
    assert page == expected.encode()


def test_a_json_null_or_empty_description_is_the_category_defaults() -> None:
    for stored in ("null", "{}"):
        row = {**_driver_row(_row(category="baby")), "description": stored}
        page = json.loads(product_page_json([row], total=1, limit=20, offset=0))
        expected = ProductRead.model_validate(_row(category="baby")).model_dump(mode="json")
        assert page["items"][0]["description"] == expected["description"]


def test_an_unknown_stored_enum_value_is_refused_not_echoed() -> None:
    with pytest.raises(ValueError):
        product_page_json(
            [_driver_row(_row(category="not-a-category"))], total=1, limit=20, offset=0
        )


# a different valid value for every column an item is derived from
CHANGED: dict[str, Any] = {
    "id": uuid.uuid4(), "org_id": uuid.uuid4(), "name": "另一個", "name_en": "Other",
    "category": "baby", "dosage_form": "gel", "intended_use": "night", "manufacturer_name": "M",
    "manufacturer_address": "A", "registration_id": "R-2", "launch_date": date(2027, 1, 1),
    "pif_status": "completed", "pif_completed_at": NOW, "rag_kb_id": "kb-9",
    "created_at": datetime(2025, 1, 1, tzinfo=UTC), "updated_at": datetime(2025, 1, 2, tzinfo=UTC),
    "markets": ["TW", "EU"], "description": {"form": "rinse_off"},
}  # fmt: skip


@pytest.mark.parametrize("column", sorted(CHANGED))
def test_a_row_read_again_with_one_column_changed_is_rendered_anew(column: str) -> None:
    """Items are remembered by the row's whole content: a change to any column shows."""
    before = _row(registration_id=None)
    after = SimpleNamespace(**{**vars(before), column: CHANGED[column]})
    for row in (before, after, before, after):  # warm: each content rendered from memory
        expected = ProductPage(
            items=[ProductRead.model_validate(row)], total=1, limit=20, offset=0
        ).model_dump_json(by_alias=True)
        page = product_page_json([_driver_row(row)], total=1, limit=20, offset=0)
        assert page == expected.encode()


def test_every_column_an_item_reads_is_tried_above() -> None:
    assert set(CHANGED) == set(vars(_row())) == set(views._ROW_FIELDS)
