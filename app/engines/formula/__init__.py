"""Pure formulation engine for PIF Item 3 (no database, no HTTP)."""

from app.engines.formula.concentration import ParsedConcentration, parse_concentration
from app.engines.formula.errors import ExtractionError
from app.engines.formula.extract import extract_formula
from app.engines.formula.inci import IngredientDictionary, IngredientEntry, Match
from app.engines.formula.models import (
    ExtractedIngredient,
    ExtractionWarning,
    FieldConfidence,
    FormulaExtractionResult,
    confidence_band,
)
from app.engines.formula.starter import starter_dictionary

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
    "parse_concentration",
    "starter_dictionary",
]
