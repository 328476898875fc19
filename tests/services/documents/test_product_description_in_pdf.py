"""The regulatory PDF's TFDA/EU column checks the product as stored (description, markets)."""

from app.services.documents.service import _description
from app.services.review.snapshot import SNAPSHOT_FIELDS


def test_stored_description_over_category_defaults() -> None:
    general = {"category": "general", "description": None}
    assert _description(general) is None  # neither says form and areas: strictest limits
    stored = {"category": "baby", "description": {"form": "leave_on", "areas": ["body"]}}
    found = _description(stored)
    assert found is not None
    assert (found.form.value, found.population.value) == ("leave_on", "children_under_3")


def test_snapshot_carries_description_and_markets() -> None:
    # a change of either changes the regulatory result, so change detection must see it
    assert {"description", "markets"} <= set(SNAPSHOT_FIELDS)
