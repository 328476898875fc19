"""Pure formulation engine for PIF Item 3 (no database, no HTTP)."""

from app.ai.formula.cas import is_valid_cas, normalize_cas, split_cas_cell
from app.ai.formula.concentration import ParsedConcentration, parse_concentration
from app.ai.formula.errors import ExtractionError
from app.ai.formula.extract import extract_formula
from app.ai.formula.inci import IngredientDictionary, IngredientEntry, Match, normalize_key
from app.ai.formula.models import (
    ExtractedIngredient,
    ExtractionWarning,
    FieldConfidence,
    FormulaExtractionResult,
    confidence_band,
)
from app.ai.formula.starter import starter_dictionary

__all__ = [
    "ExtractedIngredient",
    "ExtractionError",
    "ExtractionWarning",
    "FieldConfidence",
    "FormulaExtractionResult",
    "IngredientDictionary",
    "IngredientEntry",
    "Match",
    "ParsedConcentration",
    "confidence_band",
    "extract_formula",
    "is_valid_cas",
    "normalize_cas",
    "normalize_key",
    "parse_concentration",
    "split_cas_cell",
    "starter_dictionary",
]
