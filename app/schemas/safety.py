"""API contract of `GET /products/{id}/safety` (and the MCP `safety_assess` tool)."""

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PROPOSALS_LABEL = (
    "Analogue proposals for lines without a number: drafts the safety assessor confirms or "
    "rejects. A proposal is never a verdict and never a line's basis until the SA confirms it."
)


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


class SafetyProposalRead(BaseModel):
    """A read-across analogue proposed for a line (the LLM or the deterministic proposer) and
    checked by the engine; it stays a draft for the SA (spec 06: the LLM only proposes)."""

    kind: Literal["analogue_proposal"] = "analogue_proposal"
    status: str = Field(description="Always a proposal: the SA confirms or rejects it.")
    line_id: str
    inci: str = Field(description="The formula line the proposal is for.")
    analogue_cas: str
    analogue: str | None = Field(description="The cited anchor's name, when it is one.")
    proposer: str = Field(description="'local' (deterministic ranking) or the AI provider.")
    rationale: str
    passed_engine_checks: bool = Field(
        description="The analogue is a cited anchor with a structure and its Tanimoto "
        "similarity reaches the registry threshold. Still a proposal, not a verdict."
    )
    engine_reason: str = Field(description="Why the engine's checks passed or refused it.")
    tanimoto: float | None
    candidate_value_mg_kg_bw_day: float | None = Field(
        description="Anchor NOAEL ÷ the read-across assessment factor; only when the checks "
        "passed. Not used for any MoS until the SA confirms the proposal."
    )
    citation: str | None = Field(description="The anchor value's source, when checks passed.")


class SafetyRead(BaseModel):
    product_id: uuid.UUID | None
    decision: str
    decision_label: str
    exposure: ExposureRead
    registry_version: str
    lines: list[SafetyLineRead]
    basis_appendix: list[BasisRowRead]
    # From the latest Item 10 analysis (stored in its draft), for the current formula lines.
    proposals_label: str = PROPOSALS_LABEL
    proposals: list[SafetyProposalRead] = []
