"""API contract of `GET /products/{id}/safety` (and the MCP `safety_assess` tool)."""

import uuid

from pydantic import BaseModel, ConfigDict


class ReviewPointRead(BaseModel):
    code: str
    severity: str
    message: str


class ExposureRead(BaseModel):
    value_mg_kg_bw_day: float
    row: str
    source: str
    fallback: bool
    note: str | None


class NoaelRead(BaseModel):
    value_mg_kg_bw_day: float
    source: str
    tier: str
    method: str
    assessment_factor: float
    identifiers: dict[str, str]


class SafetyLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    line_id: str
    inci: str
    cas: str | None
    concentration_pct: float | None
    verdict: str
    tier: str
    basis_label: str
    noael: NoaelRead | None
    dap_pct: float
    dap_source: str
    sed_mg_kg_bw_day: float | None
    mos: float | None
    primary_reason: str | None
    review_points: list[ReviewPointRead]
    advisories: list[str]
    discarded: list[str]
    sources_unavailable: list[str]


class BasisRowRead(BaseModel):
    key: str
    value: str
    unit: str
    citation: str
    alternatives: str
    reason: str


class SafetyRead(BaseModel):
    product_id: uuid.UUID | None
    decision: str
    decision_label: str
    exposure: ExposureRead
    registry_version: str
    lines: list[SafetyLineRead]
    basis_appendix: list[BasisRowRead]
