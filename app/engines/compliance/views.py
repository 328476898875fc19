"""The lint's read-only view of the item data: only the fields the rules read.

The stored data was validated on write by the item schemas (app.schemas.pif_items); the engine
parses its own view so it does not depend on the API schemas (no engines <-> schemas cycle).
Unknown keys are ignored here.
"""

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict


class _View(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Item1(_View):
    launch_date: date | None = None


class FormulaLine(_View):
    raw_name: str = ""
    inci_name: str | None = None
    cas: str | None = None
    concentration_pct: Decimal | None = None
    function: str | None = None


class Item3(_View):
    ingredients: list[FormulaLine] = []


class Item4(_View):
    claims: list[str] = []
    warnings: list[str] = []
    population_restrictions: list[str] = []
    ocr_text: str | None = None
    label_elements: dict[str, bool] = {}


class Item5(_View):
    issue_date: date | None = None
    expiry_date: date | None = None


class ProcessStep(_View):
    stage: str = ""
    step: str = ""
    temperature_c: float | None = None


class Item6(_View):
    steps: list[ProcessStep] = []


class Item7(_View):
    method: str | None = None
    amount: str | None = None
    frequency: str | None = None
    application_area: str | None = None
    precautions_warnings: str | None = None


class AdverseEvent(_View):
    occurred_on: date | None = None
    became_aware_on: date | None = None
    serious: bool = False
    reported_on: date | None = None


class Item8(_View):
    declaration: str | None = None
    events: list[AdverseEvent] = []


class Item9(_View):
    product_ph: float | None = None


class StabilityReport(_View):
    test_date: date | None = None
    conditions: list[str] = []
    parameters_tested: list[str] = []
    container_materials_tested: list[str] = []


class Item11(_View):
    reports: list[StabilityReport] = []


class Item12(_View):
    test_date: date | None = None


class Item13(_View):
    test_date: date | None = None
    result: str | None = None


class ClaimEvidence(_View):
    claim: str = ""


class Item14(_View):
    claims: list[ClaimEvidence] = []


class PackagingComponent(_View):
    component: str = ""
    material: str = ""


class Item15(_View):
    components: list[PackagingComponent] = []


VIEWS: dict[int, type[_View]] = {
    1: Item1, 3: Item3, 4: Item4, 5: Item5, 6: Item6, 7: Item7, 8: Item8, 9: Item9,
    11: Item11, 12: Item12, 13: Item13, 14: Item14, 15: Item15,
}  # fmt: skip
