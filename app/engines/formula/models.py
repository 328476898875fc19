"""Pydantic models of the formula extraction result (PIF Item 3 AI draft, API contract)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

IngredientFlag = Literal[
    "cas_checksum_invalid",
    "cas_invalid_format",
    "cas_mismatch",
    "cas_from_dictionary",
    "fuzzy_match",
    "matched_by_cas",
    "unmatched",
    "qs_balance",
    "range",
    "less_than",
    "mixture_part",
    "duplicate",
    "concentration_missing",
    "concentration_invalid",
]
WarningCode = Literal[
    "total_out_of_range",
    "not_descending",
    "duplicates",
    "qs_unresolved",
    "concentration_missing",
]
ConfidenceBand = Literal["high", "medium", "low"]

_Unit = Field(ge=0.0, le=1.0)


class FieldConfidence(BaseModel):
    """Per-field confidence in [0, 1]."""

    model_config = ConfigDict(extra="forbid")

    inci_name: float = _Unit
    cas: float = _Unit
    concentration_pct: float = _Unit


class ExtractedIngredient(BaseModel):
    """One ingredient line of the draft formula."""

    model_config = ConfigDict(extra="forbid")

    raw_name: str
    inci_name: str | None
    cas: str | None
    concentration_pct: float | None
    function: str | None
    zh_name: str | None
    sort_order: int = Field(ge=1)
    confidence: FieldConfidence
    flags: list[IngredientFlag] = Field(default_factory=list)
    notes: str | None = None


class ExtractionWarning(BaseModel):
    """A formula-level finding that needs human attention (never a rejection)."""

    model_config = ConfigDict(extra="forbid")

    code: WarningCode
    message: str


class FormulaExtractionResult(BaseModel):
    """The whole draft: ingredients sorted by descending concentration."""

    model_config = ConfigDict(extra="forbid")

    ingredients: list[ExtractedIngredient]
    warnings: list[ExtractionWarning] = Field(default_factory=list)
    total_pct: float
    confidence: float = _Unit


def confidence_band(value: float) -> ConfidenceBand:
    """Band a confidence: high >= 0.8, medium 0.5-0.8, low < 0.5."""
    if value >= 0.8:
        return "high"
    if value >= 0.5:
        return "medium"
    return "low"
