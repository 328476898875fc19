"""Formulation context: the shared ingredient master (import, search) and formula lines."""

from app.services.formulation.importer import (
    ImportReport,
    IngredientRecord,
    import_ingredients,
    records_from_inventory,
    records_from_starter,
)
from app.services.formulation.repository import get_ingredient, search_ingredients

__all__ = [
    "ImportReport",
    "IngredientRecord",
    "get_ingredient",
    "import_ingredients",
    "records_from_inventory",
    "records_from_starter",
    "search_ingredients",
]
