"""Input and output models of the MCP tools; their JSON schemas are what agents read."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints

from app.engines.regulatory.models import RegulatedEntry
from app.integrations.toxicology import Endpoint
from app.schemas.product_description import ProductDescription

CAS_PATTERN = r"^\d{2,7}-\d{2}-\d$"
SourceState = Literal["ok", "no_data", "unavailable"]
MatchedBy = Literal["cas", "name", "group"]


class FormulaIngredient(BaseModel):
    """One line of the formula to check."""

    model_config = ConfigDict(extra="forbid")

    inci: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
        Field(description="INCI name as written in the formula, e.g. 'Phenoxyethanol'."),
    ]
    cas: Annotated[
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None,
        Field(description="CAS number if known, e.g. '122-99-6'. Matching uses CAS first."),
    ] = None
    concentration: Annotated[
        # strict: a JSON number (integers included), never a boolean (lax mode reads true as 1)
        # nor a numeric string
        Annotated[float, Strict(), Field(ge=0, le=100, allow_inf_nan=False)] | None,
        Field(
            description="Concentration in the finished product, % w/w (a number; a boolean is "
            "refused). null = unknown; an unknown concentration of a listed substance is "
            "reported for review, never passed."
        ),
    ] = None
    function: Annotated[
        Annotated[str, StringConstraints(max_length=100)] | None,
        Field(
            description="Declared function, e.g. 'preservative', 'colorant' or 'uv_filter'; a "
            "declared positive-list function that is not on that list is a finding."
        ),
    ] = None
    is_nano: Annotated[
        bool, Field(description="True for the nanomaterial form (or write '[nano]' after inci).")
    ] = False


class SubstanceQuery(BaseModel):
    """The identifiers a lookup was asked for (echoed back)."""

    cas: str | None = None
    name: str | None = None


class ScopedLimitOut(BaseModel):
    """A maximum concentration for one product-type category of an entry."""

    category: str = Field(description="Category label in the annex, e.g. '(a)'; '' = all uses.")
    product_type_text: str = Field(description="The annex's own product-type wording.")
    scopes: list[str] = Field(description="Parsed scopes, e.g. ['leave_on', 'hair'].")
    excluded_scopes: list[str]
    max_pct: float = Field(description="Maximum concentration in the ready-for-use product, %.")


class ListEntry(BaseModel):
    """One entry of a regulatory list (TW TFDA or EU CosIng annex), with its citation."""

    reference: str = Field(description="Short reference, e.g. 'EU Annex V/29'.")
    jurisdiction: str = Field(description="'TW' or 'EU'.")
    list_type: str = Field(
        description="prohibited | restricted | preservative | colorant | uv_filter"
    )
    annex: str | None
    ref_no: str
    matched_by: MatchedBy = Field(
        description="cas: CAS number; name: INCI/chemical name; group: a substance-group entry "
        "such as 'X and its salts' (check that the ingredient really belongs to the group)."
    )
    chemical_name: str
    inci_name: str | None
    cas_numbers: list[str]
    ec_numbers: list[str]
    is_group: bool
    max_concentration_pct: float | None = Field(
        description="The single unconditional maximum, if the entry has one; see `limits`."
    )
    limits: list[ScopedLimitOut]
    product_type_text: str | None = Field(description="Product type / body parts, verbatim.")
    max_text: str | None = Field(description="Maximum concentration column, verbatim.")
    conditions: str | None = Field(description="Other limitations and requirements, verbatim.")
    warnings: str | None = Field(description="Required label warnings, verbatim.")
    disclosure_leave_on_pct: float | None = Field(
        description="Labelling duty above this % in leave-on products (not a limit)."
    )
    disclosure_rinse_off_pct: float | None = Field(
        description="Labelling duty above this % in rinse-off products (not a limit)."
    )
    cmr: str | None = Field(description="CMR classification remark of the annex, verbatim.")
    sccs_opinions: str | None
    regulation: str | None
    updated_on: date | None
    citation: str = Field(description="Cite this when relying on the entry.")

    @classmethod
    def from_entry(cls, entry: RegulatedEntry, matched_by: MatchedBy) -> ListEntry:
        return cls(
            reference=entry.reference,
            jurisdiction=entry.jurisdiction,
            list_type=entry.list_type,
            annex=entry.annex or None,
            ref_no=entry.ref_no,
            matched_by=matched_by,
            chemical_name=entry.chemical_name,
            inci_name=entry.inci_name or None,
            cas_numbers=list(entry.cas_numbers),
            ec_numbers=list(entry.ec_numbers),
            is_group=entry.is_group,
            max_concentration_pct=entry.max_concentration_pct,
            limits=[
                ScopedLimitOut(
                    category=limit.category_label,
                    product_type_text=limit.product_type_text,
                    scopes=sorted(limit.scopes),
                    excluded_scopes=sorted(limit.excluded_scopes),
                    max_pct=limit.max_pct,
                )
                for limit in entry.limits
            ],
            product_type_text=entry.product_type_text or None,
            max_text=entry.max_text or None,
            conditions=entry.other_text or None,
            warnings=entry.warnings_text or None,
            disclosure_leave_on_pct=entry.disclosure_leave_on_pct,
            disclosure_rinse_off_pct=entry.disclosure_rinse_off_pct,
            cmr=entry.cmr_text or None,
            sccs_opinions=entry.sccs_opinions or None,
            regulation=entry.regulation or None,
            updated_on=entry.updated_on,
            citation=entry.citation,
        )


class LoadedList(BaseModel):
    """A list present in the local mirror (what an empty answer was checked against)."""

    jurisdiction: str
    list_type: str
    citation: str


class RestrictedResult(BaseModel):
    """Answer of `check_restricted`."""

    query: SubstanceQuery
    entries: list[ListEntry] = Field(description="Matching entries, TW first, then EU.")
    lists_checked: list[LoadedList]
    note: str


class IngredientHit(BaseModel):
    """One row of the shared ingredient master."""

    inci_name: str
    cas_numbers: list[str]
    ec_numbers: list[str]
    zh_name: str | None
    synonyms: list[str]
    functions: list[str]
    pubchem_cid: int | None
    molecular_weight: float | None
    source: str = Field(description="Where the row came from, e.g. the CosIng inventory.")
    source_ref: str | None
    score: float = Field(description="Match score 0-1 (1 = exact INCI, CAS or EC match).")
    matched_on: str = Field(description="inci | synonym | zh_name | cas | ec | fuzzy")


class LookupResult(BaseModel):
    """Answer of `lookup`."""

    query: str
    hits: list[IngredientHit]


class NormalizeResult(BaseModel):
    """Answer of `inci_normalize`."""

    input: str
    inci_name: str | None = Field(description="Canonical INCI name; null when nothing matched.")
    method: Literal["exact", "synonym", "fuzzy", "none"]
    score: float = Field(description="Confidence 0-1 of the match.")
    confidence_band: Literal["high", "medium", "low"] = Field(
        description="high >= 0.8, medium 0.5-0.8, low < 0.5; confirm medium/low matches."
    )
    cas_numbers: list[str]
    functions: list[str]
    source: str | None = Field(description="Dictionary row provenance.")
    note: str | None = None


class PubChemResult(BaseModel):
    """Answer of `pubchem_query`; values are only what PubChem returned."""

    status: SourceState = Field(
        description="ok | no_data (PubChem has no such compound) | unavailable (PubChem could "
        "not be reached or is not configured: no values, do not guess them)."
    )
    query: SubstanceQuery
    cid: int | None = None
    molecular_formula: str | None = None
    molecular_weight: float | None = Field(default=None, description="g/mol")
    xlogp: float | None = None
    smiles: str | None = None
    iupac_name: str | None = None
    hazard_codes: list[str] = Field(default_factory=list, description="GHS H-codes reported.")
    endpoints: list[Endpoint] = Field(
        default_factory=list,
        description="GHS classification and acute toxicity values, each with its own source.",
    )
    citation: str | None = Field(default=None, description="e.g. 'PubChem CID 31236'.")
    url: str | None = None
    note: str | None = None
    error: str | None = None


class HarmonisedClassification(BaseModel):
    """ECHA C&L Inventory harmonised (CLP Annex VI) classification."""

    status: Literal["ok", "no_data", "unavailable", "not_configured"] = Field(
        description="ok | no_data (no harmonised classification) | unavailable (ECHA could not "
        "be reached) | not_configured (this server has no ECHA source)."
    )
    hazard_codes: list[str] = Field(default_factory=list)
    classifications: list[Endpoint] = Field(
        default_factory=list,
        description="One per hazard class, rating e.g. 'Acute Tox. 4 (H302)', with citation.",
    )
    identifiers: dict[str, str] = Field(default_factory=dict)
    citation: str | None = None
    note: str | None = None
    error: str | None = None


class CmrRemark(BaseModel):
    """A CMR classification remark carried by a stored CosIng annex entry."""

    reference: str
    list_type: str
    substance: str
    cmr: str = Field(description="e.g. 'Reprotoxic Cat. 1B', verbatim from the annex.")
    citation: str


class ClassificationResult(BaseModel):
    """Answer of `classification`."""

    query: SubstanceQuery
    harmonised: HarmonisedClassification
    cmr_remarks: list[CmrRemark]
    note: str


# --- tool inputs: the one catalog's argument models (MCP and the AI tool loop read these) ------

StrictCas = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, pattern=CAS_PATTERN)] | None,
    Field(
        description="CAS registry number, e.g. '122-99-6' (format ^\\d{2,7}-\\d{2}-\\d$, valid "
        "check digit). Give `cas`, `name` or both; CAS is used first."
    ),
]
SubstanceName = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)] | None,
    Field(description="INCI or chemical name, e.g. 'Phenoxyethanol'. Give `cas`, `name` or both."),
]
Ingredients = Annotated[
    list[FormulaIngredient],
    Field(min_length=1, max_length=2000, description="The formula's ingredients."),
]
LOOKUP_MAX = 50


class ToolInput(BaseModel):
    """Tool arguments: unknown keys are a caller's mistake, not something to ignore."""

    model_config = ConfigDict(extra="forbid")


class CheckFormulaInput(ToolInput):
    ingredients: Ingredients
    product: Annotated[
        ProductDescription,
        Field(
            description="What the product is (closed vocabulary): form leave_on|rinse_off, areas "
            "(face, eye_area, lips, body, hands, feet, underarm, hair, scalp, nails, oral, "
            "intimate_external, nappy_area), kind (e.g. toothpaste, mouthwash, hair_dye), "
            "presentation (non_spray, pump_spray, propellant_spray, loose_powder), use "
            "(consumer, professional), population (general, children_under_3/6/10).",
            examples=[{"form": "leave_on", "areas": ["face"]}],
        ),
    ]
    markets: Annotated[
        list[Literal["TW", "EU"]],
        Field(
            min_length=1,
            max_length=2,
            description='Target markets whose lists bind: ["TW"] (default), ["TW", "EU"] '
            'for a product also sold in the EU, ["EU"] for an export check. The other '
            "market's findings are advisories (spec 06 §6).",
        ),
    ] = ["TW"]


class CheckRestrictedInput(ToolInput):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"anyOf": [{"required": ["inci"]}, {"required": ["cas"]}]}
    )

    inci: Annotated[
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None,
        Field(description="INCI or chemical name, e.g. 'Phenoxyethanol'."),
    ] = None
    cas: Annotated[
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None,
        Field(description="CAS number, e.g. '122-99-6' (leading zeros are tolerated)."),
    ] = None


class SafetyAssessInput(ToolInput):
    ingredients: Ingredients
    description: Annotated[
        ProductDescription | None,
        Field(description="Product description; null = unknown (whole-body exposure)."),
    ] = None


class LookupInput(ToolInput):
    query: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
        Field(description="INCI name, synonym, CAS, EC or Chinese name."),
    ]
    limit: Annotated[int, Field(ge=1, le=LOOKUP_MAX, description="Maximum hits.")] = 10


class InciNormalizeInput(ToolInput):
    name: Annotated[
        str,
        StringConstraints(min_length=1, max_length=500),
        Field(description="Raw ingredient name, e.g. 'Glycerine' or 'Aqua/Water'."),
    ]


class SubstanceInput(ToolInput):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"anyOf": [{"required": ["cas"]}, {"required": ["name"]}]}
    )

    cas: StrictCas = None
    name: SubstanceName = None
