"""Compliance API shapes: lint (spec 03 §10), responsibility matrix, workflow, outsourcings."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

OrgTypeParam = Literal["brand", "oem", "importer", "consultant"]


class PenaltyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    act: str
    articles: list[str]
    fine_min_twd: int
    fine_max_twd: int
    description: str
    indicative: bool = Field(description="Counsel-reviewed data shown as indicative (08 C7)")


class AlertRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    rule_id: str = Field(description="Stable key R1-R14; the message is localised")
    severity: Literal["blocking", "error", "warning"]
    target_item: int
    message: str
    penalty: PenaltyRead | None


class LintSummary(BaseModel):
    blocking: int
    error: int
    warning: int


class LintRead(BaseModel):
    alerts: list[AlertRead]
    summary: LintSummary
    can_sign: bool
    not_evaluated: dict[str, str] = Field(
        default_factory=dict, description="Rule id -> why it could not be evaluated (not 'clean')"
    )


class MatrixCellRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    item_number: int
    who_provides: str
    suggested_source: str
    typically_outsourced: bool | None
    citation: str


class MatrixRead(BaseModel):
    org_type: OrgTypeParam
    cells: list[MatrixCellRead]


class StepRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    name: str
    completed: bool
    items: list[int]


class PostLaunchRead(BaseModel):
    item_number: int
    status: str


class WorkflowRead(BaseModel):
    current_step: int
    steps: list[StepRead]
    post_launch: PostLaunchRead = Field(description="Item 8 belongs to no step (spec 05 §2)")
    outsourcing_suggestions: list[str]


class OutsourcingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_number: Annotated[int, Field(ge=1, le=16)]
    vendor: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    note: Annotated[str, StringConstraints(max_length=5000)] | None = None


class OutsourcingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    item_number: int
    vendor: str
    note: str | None
    created_at: datetime
