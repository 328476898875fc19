"""Plain input/output values of the safety engine (no ORM, no HTTP)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, Protocol

from app.models.enums import Verdict

NoaelOrigin = Literal["authority", "epa", "regrounded", "ai"]
Tier = Literal["gate", "0", "0.5", "1", "1.5", "2", "3", "data_gap"]


class Description(Protocol):
    """What the engine reads of app.schemas.product_description.ProductDescription (StrEnums)."""

    @property
    def form(self) -> str: ...
    @property
    def areas(self) -> Sequence[str]: ...
    @property
    def kind(self) -> str | None: ...
    @property
    def presentation(self) -> str: ...


class ProductDecision(StrEnum):
    FORMULA_REVISION_REQUIRED = "formula_revision_required"
    SA_MUST_RESOLVE = "sa_must_resolve"
    SA_SIGNS = "sa_signs"


DECISION_LABELS = {
    ProductDecision.FORMULA_REVISION_REQUIRED: "Formula revision required",
    ProductDecision.SA_MUST_RESOLVE: "SA must resolve",
    ProductDecision.SA_SIGNS: "SA signs",
}


@dataclass(frozen=True, slots=True)
class NoaelCandidate:
    """A numeric point of departure offered to the cascade, always with its source."""

    value: float
    source: str
    origin: NoaelOrigin = "authority"
    unit: str = "mg/kg bw/day"
    identifiers: tuple[tuple[str, str], ...] = ()
    epa_verdict: str | None = None  # ToxValDB self-declared flag, e.g. "flag"


@dataclass(frozen=True, slots=True)
class QualitativeConclusion:
    """E.g. CIR 'safe as used'; a conditional one ('... non-irritating') leads to review."""

    authority: str
    conclusion: str
    conditional: bool
    reference: str


@dataclass(frozen=True, slots=True)
class Anchor:
    """A cited NOAEL usable for read-across (curated, resolved or re-grounded)."""

    cas: str | None
    name: str
    noael: float
    source: str
    citation: str
    smiles: str | None = None
    tier: Literal["curated", "resolved", "regrounded"] = "curated"
    dap_pct: float | None = None  # dermal absorption stated by the same source, if any


@dataclass(frozen=True, slots=True)
class RegulatoryStatus:
    """Per-line result of the regulatory check (passed in, so both always agree)."""

    prohibited_reference: str | None = None  # e.g. "EU Annex II/1375"
    non_compliant: tuple[str, ...] = ()  # binding over-limit / outside-use messages with references
    advisories: tuple[str, ...] = ()  # non-binding findings (EU limit when the TFDA limit is met)
    disclosures: tuple[str, ...] = ()
    on_permitted_list: bool = False  # colorant / preservative / UV filter entry matched
    checked: bool = True  # False: no list loaded, nothing was checked
    unidentified: str | None = None  # the check could not identify the line (message)
    review_required: tuple[str, ...] = ()  # check findings that need the SA (nano, conditions)


@dataclass(frozen=True, slots=True)
class LineInput:
    line_id: str
    inci: str
    cas: str | None = None
    concentration_pct: float | None = None
    is_nano: bool = False
    molecular_weight: float | None = None
    smiles: str | None = None
    hazard_codes: tuple[str, ...] = ()
    regulatory: RegulatoryStatus = field(default_factory=RegulatoryStatus)
    noael_candidates: tuple[NoaelCandidate, ...] = ()
    qualitative: tuple[QualitativeConclusion, ...] = ()
    cramer_class: str | None = None  # "I" / "II" / "III"; None: classified from the SMILES
    genotoxic_alert: bool = False
    ttc_excluded_class: str | None = None
    sources_unavailable: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReviewPoint:
    code: str
    severity: Literal["high", "medium", "low"]
    message: str


@dataclass(frozen=True, slots=True)
class Exposure:
    value: float  # mg/kg bw/day (SCCS calculated relative daily exposure, retention included)
    row_id: str
    source: str
    fallback: bool
    note: str | None = None


@dataclass(frozen=True, slots=True)
class NoaelBasis:
    value: float  # mg/kg bw/day, after the AF
    source: str
    tier: Tier
    method: str
    af: float = 1.0
    identifiers: tuple[tuple[str, str], ...] = ()
    origin: NoaelOrigin | Literal["read_across", "structural"] = "authority"


@dataclass(frozen=True, slots=True)
class LineVerdict:
    line_id: str
    inci: str
    cas: str | None
    verdict: Verdict
    tier: Tier
    basis_label: str
    concentration_pct: float | None
    exposure: Exposure
    dap_pct: float
    dap_source: str
    noael: NoaelBasis | None = None
    sed: float | None = None
    mos: float | None = None
    review_points: tuple[ReviewPoint, ...] = ()
    advisories: tuple[str, ...] = ()
    discarded: tuple[str, ...] = ()  # candidates the cascade rejected, with why
    sources_unavailable: tuple[str, ...] = ()

    @property
    def primary_reason(self) -> str | None:
        return self.review_points[0].code if self.review_points else None


@dataclass(frozen=True, slots=True)
class SafetyResult:
    lines: tuple[LineVerdict, ...]
    decision: ProductDecision
    exposure: Exposure
    registry_version: str

    @property
    def decision_label(self) -> str:
        return DECISION_LABELS[self.decision]
