"""Ingredient master, formula check and toxicology request/response models."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.engines.regulatory import Finding, Summary
from app.engines.regulatory.findings import LineResult
from app.schemas.numbers import NotBool
from app.schemas.product_description import Market, Markets, ProductDescription


class IngredientRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    inci_name: str
    cas_number: str | None
    cas_numbers: list[str]
    ec_numbers: list[str]
    zh_name: str | None
    synonyms: list[str]
    functions: list[str]
    pubchem_cid: int | None
    molecular_weight: float | None
    source: str
    source_ref: str | None


class SearchResult(IngredientRead):
    score: float
    matched_on: str


class SearchPage(BaseModel):
    items: list[SearchResult]
    total: int


class CachedToxicology(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    source: str
    risk_level: str
    data_json: dict[str, Any]
    ai_summary: str | None
    fetched_at: datetime
    expires_at: datetime
    stale: bool = False


class RegulatoryStatus(BaseModel):
    jurisdiction: str
    list_type: str
    reference: str
    max_concentration_pct: float | None
    citation: str


class IngredientDetail(IngredientRead):
    toxicology: list[CachedToxicology] = []
    regulatory: list[RegulatoryStatus] = []


Concentration = Annotated[float, NotBool, Field(ge=0, le=100, allow_inf_nan=False)]


class CheckLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    inci: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    cas: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None = None
    concentration: Concentration | None = Field(default=None, description="% w/w; null = unknown")
    function: Annotated[str, StringConstraints(max_length=100)] | None = None
    is_nano: bool = False


class CheckFormulaRequest(BaseModel):
    """Either explicit `ingredients`, or `product_id` to check a product's confirmed Item 3."""

    model_config = ConfigDict(extra="forbid")

    # What the product is (closed vocabulary); for `product_id` it defaults from Item 1's category.
    product: ProductDescription | None = None
    ingredients: Annotated[list[CheckLine], Field(max_length=2000)] | None = None
    product_id: uuid.UUID | None = None
    markets: Markets = [Market.TW]

    @model_validator(mode="after")
    def _one_source(self) -> "CheckFormulaRequest":
        if (self.ingredients is None) == (self.product_id is None):
            raise ValueError("give either `ingredients` or `product_id`")
        if self.ingredients is not None and self.product is None:
            raise ValueError("`product` (form, areas, ...) is required with `ingredients`")
        if len(set(self.markets)) != len(self.markets):
            raise ValueError("`markets` lists a market twice")
        return self


class CheckFormulaResponse(BaseModel):
    findings: list[Finding]
    summary: Summary
    # Per-line status (prohibited / non_compliant / unidentified / review / advisory / ...).
    lines: list[LineResult] = []
    product: ProductDescription | None = None
    markets: list[Market] = []
    language: str = "zh-TW"  # of the finding messages (Accept-Language: en for English)
