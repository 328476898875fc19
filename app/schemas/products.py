"""Product (Item 1) and PIF overview request/response models."""

import re
import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    computed_field,
    model_validator,
)

from app.models.enums import DocumentStatus, FileType, PifStatus, ProductCategory

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)] | None

# Baseline regex covers domestic manufacture only: a mismatch is a warning, not a 422 (08 A6).
REGISTRATION_ID = re.compile(r"^衛?部粧製字第\d+號$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def product_warnings(name: str, name_en: str | None, registration_id: str | None) -> list[str]:
    """Item 1 checks that must not block saving (spec 01 §1, 08 A6)."""
    warnings = []
    if not _CJK.search(name):
        warnings.append("name_not_chinese: the Chinese product name is expected in `name`")
    if not name_en:
        warnings.append("name_en_missing: an English name is expected for the PIF")
    if registration_id and not REGISTRATION_ID.match(registration_id):
        warnings.append("registration_id_format: not in the domestic 衛部粧製字第N號 form")
    return warnings


class ProductBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_en: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None
    dosage_form: Annotated[str, StringConstraints(max_length=100)] | None = None
    intended_use: OptionalText = None
    manufacturer_name: Annotated[str, StringConstraints(max_length=500)] | None = None
    manufacturer_address: OptionalText = None
    registration_id: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None
    ) = None
    launch_date: date | None = None


class ProductCreate(ProductBase):
    name: Name
    category: ProductCategory


class ProductUpdate(ProductBase):
    name: Name | None = None
    category: ProductCategory | None = None


class ProductRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    org_id: uuid.UUID
    name: str
    name_en: str | None
    category: ProductCategory
    dosage_form: str | None
    intended_use: str | None
    manufacturer_name: str | None
    manufacturer_address: str | None
    registration_id: str | None
    launch_date: date | None
    pif_status: PifStatus
    pif_completed_at: datetime | None
    rag_kb_id: str | None
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def warnings(self) -> list[str]:
        return product_warnings(self.name, self.name_en, self.registration_id)


class ProductDetail(ProductRead):
    item_status_counts: dict[str, int] = {}
    completion: float = 0.0


class ProductPage(BaseModel):
    items: list[ProductRead]
    total: int
    limit: int
    offset: int


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
    ai_confidence: float | None
    updated_at: datetime
    files: list[FileRead]


class PifOverview(BaseModel):
    product_id: uuid.UUID
    pif_status: PifStatus
    completion: float
    items: list[PifItemSummary]
    stages: dict[str, list[int]] | None = None


class PifItemDetail(PifItemSummary):
    status_reason: str | None
    data: dict[str, object]
    ai_draft: dict[str, object] | None
    reviewed_by: uuid.UUID | None
    reviewed_at: datetime | None
    approved_by: uuid.UUID | None
    approved_at: datetime | None
    allowed_transitions: list[DocumentStatus]


class PifItemUpdate(BaseModel):
    """Save structured content; `confirm` marks it human-reviewed (spec 03 §3)."""

    model_config = ConfigDict(extra="forbid")

    data: dict[str, object]
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
