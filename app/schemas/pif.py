"""PIF workspace request/response models: overview, items, files, transitions, analysis.

The structured content of each item is validated by `app.schemas.pif_items`.
"""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.models.enums import DocumentStatus, FileType, PifStatus
from app.schemas.pif_items import ItemData
from app.schemas.tasks import TaskRead


class FileRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    product_id: uuid.UUID
    pif_item_number: int
    file_type: FileType
    sensitivity: str
    original_filename: str
    content_type: str
    size_bytes: int
    sha256: str
    encrypted: bool = Field(default=False)
    issue_date: date | None
    expiry_date: date | None
    test_date: date | None
    superseded_by: uuid.UUID | None
    uploaded_by: uuid.UUID | None
    created_at: datetime


class PifItemSummary(BaseModel):
    item_number: int
    title_zh: str
    title_en: str
    stage: str
    status: DocumentStatus
    ai_confidence: float | None = Field(
        description="Confidence of the AI draft; null while no draft is ready (e.g. the "
        "analysis waits for a retry because its sources were unavailable)"
    )
    status_reason: str | None = Field(
        default=None,
        description='Why the item is in its status; while `pending_retry`, e.g. "Toxicology '
        "sources unavailable (echa, pubchem) for 2 of 2 ingredients; retry at 2026-12-01 16:30 "
        'UTC"',
    )
    pending_retry: bool = Field(
        default=False,
        description="The item's analysis waits for a scheduled retry (outside sources were "
        "unavailable): not a finished draft; `next_attempt_at` says when",
    )
    next_attempt_at: datetime | None = None
    updated_at: datetime
    files: list[FileRead]


class PifOverview(BaseModel):
    product_id: uuid.UUID
    pif_status: PifStatus
    completion: float
    items: list[PifItemSummary]
    stages: dict[str, list[int]] | None = None


class PifItemDetail(PifItemSummary):
    data: dict[str, object]
    ai_draft: dict[str, object] | None
    reviewed_by: uuid.UUID | None
    reviewed_at: datetime | None
    approved_by: uuid.UUID | None
    approved_at: datetime | None
    allowed_transitions: list[DocumentStatus]
    analysis_task: TaskRead | None = Field(
        default=None,
        description="The item's latest analysis task: `pending_retry` with `next_attempt_at` "
        "and `error` while it waits for outside sources to come back",
    )
    pending_retries: list[TaskRead] = Field(
        default_factory=list,
        description="The product's tasks waiting for a scheduled retry (e.g. an ingredient's "
        "toxicology lookup while its sources were unavailable), with `next_attempt_at`",
    )


class PifItemUpdate(BaseModel):
    """Save structured content; `confirm` marks it human-reviewed (spec 03 §3)."""

    model_config = ConfigDict(extra="forbid")

    data: ItemData
    confirm: bool = False


class TransitionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: DocumentStatus
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


class AnalyzeRequest(BaseModel):
    """`{item_number: 3}` or `{item_numbers: [3, 9, 10]}`."""

    model_config = ConfigDict(extra="forbid")

    item_number: Annotated[int, Field(ge=1, le=16)] | None = None
    item_numbers: Annotated[list[Annotated[int, Field(ge=1, le=16)]], Field(max_length=16)] = []

    @model_validator(mode="after")
    def _some_item(self) -> "AnalyzeRequest":
        if self.item_number is None and not self.item_numbers:
            raise ValueError("give `item_number` or `item_numbers`")
        return self

    @property
    def items(self) -> list[int]:
        return ([self.item_number] if self.item_number else []) + self.item_numbers
