"""SA review and version API shapes (spec 03 §5, §8, §10)."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

ItemNumber = Annotated[int, Field(ge=1, le=15)]
RuleId = Annotated[str, StringConstraints(pattern=r"^R\d{1,2}$")]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]


class ReviewSubmitted(BaseModel):
    review_id: uuid.UUID
    status: str
    version_id: uuid.UUID | None
    task_id: uuid.UUID | None = Field(description="The SA-draft task; null if already open")
    created: bool


class ReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    product_id: uuid.UUID
    status: str
    sa_id: uuid.UUID | None
    version_id: uuid.UUID | None
    ai_draft_assessment: str | None = Field(description="Reference draft only; the SA decides")
    sa_final_assessment: str | None
    sa_comments: str | None
    alert_annotations: dict[str, Any]
    signed_at: datetime | None
    signature_method: str | None
    signature_hash: str | None
    signature_ip: str | None
    signature_user_agent: str | None
    sa_certificate_ref: str | None
    created_at: datetime
    updated_at: datetime

    @field_validator("signature_ip", mode="before")
    @classmethod
    def _ip_text(cls, value: object) -> object:
        return None if value is None else str(value)


class QueueEntryRead(BaseModel):
    review_id: uuid.UUID
    product_id: uuid.UUID
    product_name: str
    status: str
    created_at: datetime
    lowest_confidence: float | None
    low_confidence_lines: int
    needs_attention: bool = Field(description="A field or formula line below 0.5 confidence")


class QueueRead(BaseModel):
    items: list[QueueEntryRead]
    total: int


class ReviewItemRead(BaseModel):
    item_number: int
    status: str
    status_reason: str | None
    ai_confidence: float | None
    data: dict[str, Any]
    ai_draft: dict[str, Any] | None


class ReviewDetail(BaseModel):
    review: ReviewRead
    product_name: str
    version_label: str | None
    items: list[ReviewItemRead]
    lint: dict[str, Any] | None = Field(description="Lint result stored in the draft snapshot")
    verdicts: list[dict[str, Any]]
    files: dict[str, list[dict[str, Any]]] = Field(description="Item number -> files with sha256")


class ReviewUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sa_final_assessment: Annotated[str, Field(max_length=100_000)] | None = None
    sa_comments: Annotated[str, Field(max_length=20_000)] | None = None
    alert_annotations: dict[RuleId, Note] | None = Field(
        default=None, description="Rule id -> remediation note (covers that rule's alerts)"
    )
    approve_items: list[ItemNumber] = Field(default=[], max_length=15)


class RevisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[ItemNumber] = Field(min_length=1, max_length=15)
    comment: Note


class VersionRead(BaseModel):
    id: uuid.UUID
    product_id: uuid.UUID
    version_label: str
    sequence: int
    is_signed: bool
    signature_hash: str | None
    sa_review_id: uuid.UUID | None
    created_at: datetime
    signed_at: datetime | None
    fingerprints: dict[str, str] | None


class VersionDetail(VersionRead):
    items_snapshot: dict[str, Any]


class VersionList(BaseModel):
    items: list[VersionRead]
    total: int


class SignedRead(BaseModel):
    review: ReviewRead
    version: VersionRead


class ChangeDetectionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    needs_resign: bool
    reasons: list[Literal["formula changed", "process changed", "packaging changed"]]
    current_version: str
    suggested_next_version: str


class ExpiryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    category: Literal["gmp", "test_report", "adverse_event_report", "sa_qualification"]
    item_number: int | None
    reference: str
    due_date: date
    days_left: int
    status: Literal["ok", "warning", "overdue"]


class ExpiryList(BaseModel):
    items: list[ExpiryRead]
    total: int
