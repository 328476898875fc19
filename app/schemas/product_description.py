"""The product description every rule is evaluated against (one closed vocabulary).

Used by check-formula, products, the MCP tools and the safety engine. Values may be added, never
renamed (API contract of the regulatory-check issue). An unknown value is a 422 listing the allowed
values; nothing silently widens or narrows a scope.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.models.enums import ProductCategory


class ProductForm(StrEnum):
    LEAVE_ON = "leave_on"
    RINSE_OFF = "rinse_off"


class ApplicationArea(StrEnum):
    FACE = "face"
    EYE_AREA = "eye_area"
    LIPS = "lips"
    BODY = "body"
    HANDS = "hands"
    FEET = "feet"
    UNDERARM = "underarm"
    HAIR = "hair"
    SCALP = "scalp"
    NAILS = "nails"
    ORAL = "oral"
    INTIMATE_EXTERNAL = "intimate_external"
    NAPPY_AREA = "nappy_area"


class ProductKind(StrEnum):
    HAIR_DYE = "hair_dye"
    HAIR_WAVING_STRAIGHTENING = "hair_waving_straightening"
    DEPILATORY = "depilatory"
    ARTIFICIAL_NAIL_SYSTEM = "artificial_nail_system"
    NAIL_HARDENER = "nail_hardener"
    TOOTHPASTE = "toothpaste"
    MOUTHWASH = "mouthwash"
    SUNSCREEN = "sunscreen"
    DEODORANT_ANTIPERSPIRANT = "deodorant_antiperspirant"
    LIP_PRODUCT = "lip_product"
    EYE_PRODUCT = "eye_product"
    BATH_PRODUCT = "bath_product"
    SHAVING_PRODUCT = "shaving_product"


class Presentation(StrEnum):
    NON_SPRAY = "non_spray"
    PUMP_SPRAY = "pump_spray"
    PROPELLANT_SPRAY = "propellant_spray"
    LOOSE_POWDER = "loose_powder"

    @property
    def may_be_inhaled(self) -> bool:
        """Annex wording: 'applications that may lead to exposure of the end-user's lungs'."""
        return self is not Presentation.NON_SPRAY


class ProductUse(StrEnum):
    CONSUMER = "consumer"
    PROFESSIONAL = "professional"


class Population(StrEnum):
    GENERAL = "general"
    CHILDREN_UNDER_3 = "children_under_3"
    CHILDREN_UNDER_6 = "children_under_6"
    CHILDREN_UNDER_10 = "children_under_10"


class ProductDescription(BaseModel):
    """What a product is, as far as annex conditions and exposure tables care."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    form: ProductForm
    areas: list[ApplicationArea] = Field(min_length=1, max_length=len(ApplicationArea))
    kind: ProductKind | None = None
    presentation: Presentation = Presentation.NON_SPRAY
    use: ProductUse = ProductUse.CONSUMER
    population: Population = Population.GENERAL


class ProductDescriptionFields(BaseModel):
    """A product's stored description as the user states it: any subset of the fields.

    What is left out comes from the Item 1 category defaults (`CATEGORY_DEFAULTS`); the same
    closed vocabulary, so an unknown value is a 422 listing the allowed values.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    form: ProductForm | None = None
    areas: list[ApplicationArea] | None = Field(
        default=None, min_length=1, max_length=len(ApplicationArea)
    )
    kind: ProductKind | None = None
    presentation: Presentation | None = None
    use: ProductUse | None = None
    population: Population | None = None

    def stated(self) -> dict[str, Any]:
        """The fields the user gave, JSON-ready (`kind: null` is a statement: no kind)."""
        data = self.model_dump(mode="json", exclude_unset=True)
        return {k: v for k, v in data.items() if v is not None or k == "kind"}


class Market(StrEnum):
    """A target market: its lists bind; the others give advisories (spec 06 §6)."""

    TW = "TW"
    EU = "EU"


Markets = Annotated[
    list[Market],
    Field(
        min_length=1,
        max_length=len(Market),
        description='Target markets whose lists bind: ["TW"] (default), ["TW", "EU"], ["EU"].',
    ),
]
DEFAULT_MARKETS: tuple[Market, ...] = (Market.TW,)


# Item 1 category -> defaults for a stored description (editable by the operator). `general` says
# nothing: the engines then apply the strictest reading and name the assumption.
CATEGORY_DEFAULTS: dict[ProductCategory, dict[str, object]] = {
    ProductCategory.SUNSCREEN: {"kind": ProductKind.SUNSCREEN, "form": ProductForm.LEAVE_ON},
    ProductCategory.HAIR_DYE: {
        "kind": ProductKind.HAIR_DYE,
        "form": ProductForm.RINSE_OFF,
        "areas": [ApplicationArea.HAIR, ApplicationArea.SCALP],
    },
    ProductCategory.BABY: {"population": Population.CHILDREN_UNDER_3},
    ProductCategory.LIP: {
        "kind": ProductKind.LIP_PRODUCT,
        "form": ProductForm.LEAVE_ON,
        "areas": [ApplicationArea.LIPS],
    },
    ProductCategory.EYE: {"kind": ProductKind.EYE_PRODUCT, "areas": [ApplicationArea.EYE_AREA]},
    ProductCategory.ORAL: {"areas": [ApplicationArea.ORAL]},
    ProductCategory.GENERAL: {},
}


REQUIRED_FIELDS = ("form", "areas")


def effective_description(
    category: str, stored: Mapping[str, object] | None, given: Mapping[str, object] | None = None
) -> dict[str, object]:
    """Category defaults, overridden by the stored description, overridden by `given`.

    A `baby` product stays for children under 3 unless the user (stored) or the request says
    otherwise. The result may lack `form`/`areas` (see `missing_fields`).
    """
    try:
        defaults: Mapping[str, object] = CATEGORY_DEFAULTS[ProductCategory(category)]
    except ValueError:
        defaults = {}
    merged: dict[str, object] = {**defaults, **(stored or {}), **(given or {})}
    return ProductDescriptionFields.model_validate(merged).model_dump(mode="json")


def missing_fields(description: Mapping[str, object]) -> list[str]:
    """Required fields a description still lacks (a check then needs them in the request)."""
    return [f for f in REQUIRED_FIELDS if description.get(f) in (None, [])]


def known_description(category: str, stored: object) -> ProductDescription | None:
    """The stored description over the Item 1 category defaults; None when they still do not say
    the form and the areas (checks then apply the strictest category limits, spec 06 §5.6).

    The free-text dosage form is never parsed ("cream" does not mean face).
    """
    try:
        merged = effective_description(category, stored if isinstance(stored, Mapping) else None)
        return ProductDescription.model_validate(
            {k: v for k, v in merged.items() if v is not None or k == "kind"}
        )
    except (ValueError, ValidationError):
        return None
