"""Product (Item 1) request/response models; the PIF workspace ones are in `app.schemas.pif`."""

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
    field_validator,
    model_validator,
)

from app.models.enums import PifStatus, ProductCategory
from app.schemas.product_description import (
    Market,
    Markets,
    ProductDescriptionFields,
    effective_description,
    missing_fields,
)

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
    # What the product is for the regulatory check and safety (closed vocabulary, any subset;
    # the rest defaults from `category`, e.g. `baby` -> children under 3). Editable.
    description: ProductDescriptionFields | None = None
    markets: Markets | None = Field(
        default=None, description='Target markets whose lists bind; default ["TW"].'
    )

    @field_validator("markets")
    @classmethod
    def _distinct_markets(cls, value: list[Market] | None) -> list[Market] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("`markets` lists a market twice")
        return value


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
    markets: list[Market] = [Market.TW]
    # The description the checks use: category defaults overridden by what the user stated.
    description: ProductDescriptionFields = ProductDescriptionFields()
    # Required fields neither stated nor implied by the category: a check then needs them in
    # the request (422 otherwise).
    description_missing: list[str] = []

    @field_validator("markets", mode="before")
    @classmethod
    def _markets_default(cls, value: object) -> object:
        return [Market.TW] if value is None else value

    @field_validator("description", mode="before")
    @classmethod
    def _stored(cls, value: object) -> object:
        return {} if value is None else value

    @model_validator(mode="after")
    def _effective(self) -> "ProductRead":
        merged = effective_description(self.category.value, self.description.stated())
        self.description = ProductDescriptionFields.model_validate(merged)
        self.description_missing = missing_fields(merged)
        return self

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
