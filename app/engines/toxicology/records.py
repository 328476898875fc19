"""What a toxicology source is asked (SubstanceRef) and answers (SourceResult): plain data."""

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CAS_PATTERN = r"^\d{2,7}-\d{2}-\d$"
NO_DATA_NOTE = "no data in this source"


class SubstanceRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    inci_name: str = Field(min_length=1)
    cas: str | None = Field(default=None, pattern=CAS_PATTERN)

    @field_validator("inci_name", "cas", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        # formula extraction often leaves padding or an empty CAS cell
        if isinstance(value, str):
            return value.strip() or None
        return value


class SourceStatus(StrEnum):
    OK = "ok"
    NO_DATA = "no_data"
    UNAVAILABLE = "unavailable"


class Endpoint(BaseModel):
    """One cited data point; `value` is only ever a number the source itself reported."""

    model_config = ConfigDict(frozen=True)

    name: str  # e.g. acute_toxicity_oral_ld50, noael, loael, ghs_classification
    value: float | None = None
    unit: str | None = None
    qualifier: str | None = None  # "<", ">=", "range" ... as reported
    species: str | None = None
    route: str | None = None
    rating: str | None = None  # qualitative result, e.g. "Eye Irrit. 2" or "H302, H319"
    study_type: str | None = None
    source: str = Field(min_length=1)  # citation text, e.g. "PubChem CID 31236 (HSDB)"
    reference_url: str | None = None
    raw_text: str | None = None  # the source's own wording the value was read from


class CoverageEntry(BaseModel):
    """A dataset that exists for the substance (eChemPortal reports coverage, not values)."""

    model_config = ConfigDict(frozen=True)

    participant: str
    name: str | None = None
    number: str | None = None
    url: str | None = None
    has_endpoint_data: bool | None = None
    source: str = Field(min_length=1)


class SourceResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    status: SourceStatus
    identifiers: dict[str, str] = Field(default_factory=dict)
    properties: dict[str, float | str] = Field(default_factory=dict)
    citation: str | None = None  # covers identifiers and properties
    endpoints: list[Endpoint] = Field(default_factory=list)
    hazard_codes: list[str] = Field(default_factory=list)
    coverage: list[CoverageEntry] = Field(default_factory=list)
    note: str | None = None
    fetched_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    error: str | None = None

    @model_validator(mode="after")
    def _properties_are_cited(self) -> "SourceResult":
        if (self.properties or self.identifiers) and not self.citation:
            raise ValueError("identifiers and properties need a citation")
        return self

    @classmethod
    def no_data(cls, source: str, note: str = NO_DATA_NOTE) -> "SourceResult":
        """The source answered but holds nothing for this substance."""
        return cls(source=source, status=SourceStatus.NO_DATA, note=note)

    @classmethod
    def unavailable(cls, source: str, error: str) -> "SourceResult":
        """The source could not be queried; callers must not cache this."""
        return cls(source=source, status=SourceStatus.UNAVAILABLE, error=error)
