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
    "fraction_scaled",
    "blend_unresolved",
    "cas_alternative",
    "ocr_low_confidence",
]
WarningCode = Literal[
    "total_out_of_range",
    "not_descending",
    "duplicates",
    "qs_unresolved",
    "concentration_missing",
    "fraction_scaled",
    "blend_unresolved",
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
    # Trade-name raw material(s) this line was computed from (parent % x share), for the SA.
    from_blend: str | None = None
    # Nearest dictionary names when the name stayed unmatched (for the operator to pick from).
    candidates: list[str] = Field(default_factory=list)
    phase: str | None = None


class ExtractionWarning(BaseModel):
    """A formula-level finding that needs human attention (never a rejection)."""

    model_config = ConfigDict(extra="forbid")

    code: WarningCode
    message: str


class OcrSummary(BaseModel):
    """Which pages were read by OCR (scans, photos), with which engine and how well."""

    model_config = ConfigDict(extra="forbid")

    engine: str
    pages: list[int]
    mean_confidence: float = _Unit
    low_confidence_cells: int = Field(ge=0)


class FormulaExtractionResult(BaseModel):
    """The whole draft: ingredients sorted by descending concentration."""

    model_config = ConfigDict(extra="forbid")

    ingredients: list[ExtractedIngredient]
    warnings: list[ExtractionWarning] = Field(default_factory=list)
    total_pct: float
    confidence: float = _Unit
    # Where the lines were read from, e.g. "sheet 'Formula'" (other sheets/tables are named in
    # ``skipped_tables`` with the reason they were not read as ingredients).
    source_table: str | None = None
    skipped_tables: list[str] = Field(default_factory=list)
    ocr: OcrSummary | None = None  # set when pages were read by OCR


def confidence_band(value: float) -> ConfidenceBand:
    """Band a confidence: high >= 0.8, medium 0.5-0.8, low < 0.5."""
    if value >= 0.8:
        return "high"
    if value >= 0.5:
        return "medium"
    return "low"
