"""The product description every rule is evaluated against (one closed vocabulary).

Used by check-formula, products, the MCP tools and the safety engine. Values may be added, never
renamed (API contract of the regulatory-check issue). An unknown value is a 422 listing the allowed
values; nothing silently widens or narrows a scope.
"""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

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
