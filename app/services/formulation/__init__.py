"""Formulation context: the shared ingredient master (import, search) and formula lines."""

from app.services.formulation.confirm import item3_confirmed
from app.services.formulation.dictionary import dictionary_cache
from app.services.formulation.importer import (
    ImportReport,
    IngredientRecord,
    import_ingredients,
    records_from_inventory,
    records_from_starter,
)
from app.services.formulation.limits import TableTooLarge, check_formula_table
from app.services.formulation.lines import replace_formula_lines
from app.services.formulation.repository import confirmed_lines, get_ingredient, search_ingredients

__all__ = [
    "ImportReport",
    "IngredientRecord",
    "TableTooLarge",
    "check_formula_table",
    "confirmed_lines",
    "dictionary_cache",
    "get_ingredient",
    "import_ingredients",
    "item3_confirmed",
    "records_from_inventory",
    "records_from_starter",
    "replace_formula_lines",
    "search_ingredients",
]
