"""Structured per-item content (`pif_documents.data`, spec 01 §2): one schema per item."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, TypeAdapter, model_validator

from app.engines.formula.models import ExtractedIngredient, FormulaExtractionResult
from app.schemas.numbers import NotBool

Text = Annotated[str, Field(max_length=20_000)]
Short = Annotated[str, Field(max_length=500)]
Number = Annotated[float, NotBool, Field(allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Item1(_Strict):
    launch_date: date | None = None
    brand_name: Short | None = None
    country_of_origin: Short | None = None
    responsible_person: Short | None = None
    responsible_person_address: Text | None = None
    net_content: Short | None = None
    notes: Text | None = None


class Item2(_Strict):
    registration_number: Short | None = None
    registration_date: date | None = None
    valid_until: date | None = None
    platform_status: Short | None = None


class FormulaLine(_Strict):
    # as long as a formula table's cell may be (the upload caps), so any draft is confirmable
    raw_name: Annotated[str, Field(max_length=5_000)]
    inci_name: Short | None = None
    cas: Annotated[str, Field(max_length=64)] | None = None
    concentration_pct: Annotated[Decimal, NotBool, Field(ge=0, le=100)] | None = None
    function: Short | None = None  # CosIng lists several functions per substance
    zh_name: Short | None = None
    is_nano: bool = False
    notes: Text | None = None
    # Kept and stored (not draft annotations): a blend part's origin, the trade-name raw
    # material(s) it was computed from (parent % x share; several joined with "; "), and the
    # phase the sheet gives the line. The SA reads both.
    from_blend: Text | None = None
    phase: Annotated[str, Field(max_length=5_000)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _drop_draft_annotations(cls, value: Any) -> Any:
        return _without(value, DRAFT_LINE_ANNOTATIONS)


class Item3(_Strict):
    """Item 3's data. The AI draft (`ai_draft`) is accepted exactly as returned: its annotations
    (confidences and bands, flags, candidates, warnings, totals, the label, the source table
    and file) are dropped, never stored; a line's `from_blend` and `phase` are kept; any other
    unknown key is still refused."""

    ingredients: Annotated[list[FormulaLine], Field(max_length=1000)] = []

    @model_validator(mode="before")
    @classmethod
    def _drop_draft_annotations(cls, value: Any) -> Any:
        return _without(value, DRAFT_ANNOTATIONS)


def _without(value: Any, keys: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in keys}
    return value


# What the extraction engine's draft carries beyond the item's data (derived from its models,
# so a field the engine adds stays confirmable), plus what the draft builder adds.
DRAFT_LINE_ANNOTATIONS = frozenset(
    (set(ExtractedIngredient.model_fields) - set(FormulaLine.model_fields)) | {"confidence_band"}
)
DRAFT_ANNOTATIONS = frozenset(
    (set(FormulaExtractionResult.model_fields) - set(Item3.model_fields))
    # the keys `engines.formula.draft.draft_of` adds (tests/api/v1/test_item_data_contract.py
    # confirms a real draft, so a key added there without being listed here fails the suite)
    | {"confidence_band", "label", "source_file_id", "review_order"}
)


class Item4(_Strict):
    claims: list[Text] = []
    warnings: list[Text] = []
    population_restrictions: list[Short] = []
    ocr_text: Text | None = None
    label_elements: dict[Short, bool] = {}


class Item5(_Strict):
    certificate_type: Literal["iso_22716", "mohw_gmp", "other"] | None = None
    certificate_no: Short | None = None
    holder_name: Short | None = None
    issuer: Short | None = None
    issue_date: date | None = None
    expiry_date: date | None = None


class ProcessStep(_Strict):
    stage: Short
    step: Text
    temperature_c: Number | None = None
    duration_min: Number | None = None
    equipment: Short | None = None
    qc_point: Short | None = None


class Item6(_Strict):
    manufacturing_stage: Short | None = None
    steps: list[ProcessStep] = []


class Item7(_Strict):
    method: Text | None = None
    amount: Short | None = None
    frequency: Short | None = None
    application_area: Short | None = None
    precautions_warnings: Text | None = None


class AdverseEvent(_Strict):
    occurred_on: date | None = None
    became_aware_on: date | None = None
    category: Literal["irritation", "allergy", "other"]
    serious: bool = False
    risk_grade: Short | None = None
    reported_on: date | None = None


class Item8(_Strict):
    declaration: Text | None = None
    events: list[AdverseEvent] = []


class Item9(_Strict):
    product_ph: Annotated[Number, Field(ge=0, le=14)] | None = None


class Item10(_Strict):
    notes: Text | None = None


class StabilityReport(_Strict):
    test_date: date | None = None
    conditions: list[Short] = []
    parameters_tested: list[Short] = []
    container_materials_tested: list[Short] = []
    conclusion: Text | None = None
    shelf_life_months: Annotated[int, NotBool, Field(ge=0, le=240)] | None = None


class Item11(_Strict):
    reports: list[StabilityReport] = []


class MicroResult(_Strict):
    organism: Short
    value: Number | None = None
    unit: Short | None = None
    limit: Number | None = None
    passed: bool | None = Field(default=None, alias="pass")


class Item12(_Strict):
    test_date: date | None = None
    results: list[MicroResult] = []
    overall_pass: bool | None = None


class Item13(_Strict):
    test_date: date | None = None
    strains: list[Short] = []
    log_reductions: dict[Short, Number] = {}
    criteria: Literal["A", "B"] | None = None
    result: Literal["pass", "fail"] | None = None


class ClaimEvidence(_Strict):
    claim: Text
    evidence_file_ids: list[str] = []
    evidence_type: Short | None = None


class Item14(_Strict):
    claims: list[ClaimEvidence] = []


class PackagingComponent(_Strict):
    component: Short
    material: Short
    spec: Short | None = None


class Migration(_Strict):
    Pb: Number | None = None
    Hg: Number | None = None
    As: Number | None = None
    Cd: Number | None = None


class Item15(_Strict):
    components: list[PackagingComponent] = []
    migration: Migration | None = None
    plasticizers: Text | None = None
    compatibility: Text | None = None


class Item16(_Strict):
    notes: Text | None = None


ITEM_SCHEMAS: dict[int, type[_Strict]] = {
    1: Item1, 2: Item2, 3: Item3, 4: Item4, 5: Item5, 6: Item6, 7: Item7, 8: Item8,
    9: Item9, 10: Item10, 11: Item11, 12: Item12, 13: Item13, 14: Item14, 15: Item15, 16: Item16,
}  # fmt: skip


def validate_item_data(item_number: int, data: object) -> dict[str, object]:
    """Validate with the item's schema and return JSON-ready data (raises ValidationError)."""
    model = TypeAdapter(ITEM_SCHEMAS[item_number]).validate_python(data)
    dumped: dict[str, object] = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    return dumped


def _any_object(value: object) -> dict[str, object]:
    """The item's own schema validates `data` once the item number (from the path) is known."""
    if not isinstance(value, dict):
        raise ValueError("data must be an object")  # pydantic turns ValueError into a 422
    return value


# `data` of PUT …/pif/{item_number}: documented as one of the 16 item schemas (each a named
# component, `Item1` … `Item16`, chosen by the path's item number); validated by that one only
ItemData = Annotated[
    dict[str, object],
    PlainValidator(
        _any_object,
        json_schema_input_type=Item1
        | Item2
        | Item3
        | Item4
        | Item5
        | Item6
        | Item7
        | Item8
        | Item9
        | Item10
        | Item11
        | Item12
        | Item13
        | Item14
        | Item15
        | Item16,
    ),
    Field(
        description="The item's structured content: the schema `Item<N>` for item N of the path "
        "(an Item 3 AI draft is accepted exactly as returned; its annotations are not stored)."
    ),
]
