"""The one tool catalog: every reference tool once, with its input model, for MCP and the AI loop.

The MCP servers register a subset by name (`mcp_servers`), the Anthropic provider gets the
`AI_TOOLS` subset as a `ToolBox` (`toolbox`); both validate arguments with the same model, so a
tool's schema, limits and error messages cannot drift between the two.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from app.ai.providers import ToolDefinition, ToolInputError
from app.engines.regulatory import CheckReport
from app.schemas.safety import SafetyRead
from app.services.reference import tools
from app.services.reference.deps import ToolDeps
from app.services.reference.schemas import (
    CheckFormulaInput,
    CheckRestrictedInput,
    ClassificationResult,
    InciNormalizeInput,
    LookupInput,
    LookupResult,
    NormalizeResult,
    PubChemResult,
    RestrictedResult,
    SafetyAssessInput,
    SubstanceInput,
)


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """One tool: what callers read (name, title, description, input schema) and what runs."""

    name: str
    title: str
    description: str
    input_model: type[BaseModel]
    output_model: type[BaseModel]
    run: Callable[[ToolDeps, Any], Awaitable[BaseModel]]
    remote: bool = False  # reads a public remote service: answers may change or be unavailable

    def input_schema(self) -> dict[str, Any]:
        return self.input_model.model_json_schema()


async def _check_formula(deps: ToolDeps, q: CheckFormulaInput) -> BaseModel:
    return await tools.check_formula(deps, q.ingredients, product=q.product, markets=q.markets)


async def _check_restricted(deps: ToolDeps, q: CheckRestrictedInput) -> BaseModel:
    return await tools.check_restricted(deps, inci=q.inci, cas=q.cas)


async def _safety_assess(deps: ToolDeps, q: SafetyAssessInput) -> BaseModel:
    return await tools.safety_assess(deps, q.ingredients, q.description)


async def _lookup(deps: ToolDeps, q: LookupInput) -> BaseModel:
    return await tools.lookup(deps, q.query, limit=q.limit)


async def _inci_normalize(deps: ToolDeps, q: InciNormalizeInput) -> BaseModel:
    return tools.inci_normalize(deps, q.name)


async def _pubchem_query(deps: ToolDeps, q: SubstanceInput) -> BaseModel:
    return await tools.pubchem_query(deps, cas=q.cas, name=q.name)


async def _classification(deps: ToolDeps, q: SubstanceInput) -> BaseModel:
    return await tools.classification(deps, cas=q.cas, name=q.name)


CATALOG: tuple[ToolSpec, ...] = (
    ToolSpec(
        name="check_formula",
        title="Formula compliance check",
        description=(
            "Check a cosmetic formula against the TW and EU regulatory lists. Returns one finding "
            "per problem - kind: prohibited | over_limit | not_on_positive_list | label_warning | "
            "disclosure | condition; severity: critical | high | medium | low | info - with the "
            "actual vs allowed concentration (%), jurisdiction, whether it is binding or "
            "advisory, the list reference and its citation, plus a summary (counts by severity; "
            "compliant = no binding critical/high finding, null when no list is loaded; "
            "lists_checked / lists_missing name the lists the check ran against). Prohibited "
            "substances are critical at any concentration; a disclosure finding is a labelling "
            "duty, not a concentration violation. An empty finding list means nothing on the "
            "loaded lists applies, not a safety conclusion."
        ),
        input_model=CheckFormulaInput,
        output_model=CheckReport,
        run=_check_formula,
    ),
    ToolSpec(
        name="check_restricted",
        title="Regulatory list entries for an ingredient",
        description=(
            "Regulatory list entries for one ingredient from the local mirror of the Taiwan TFDA "
            "lists and the EU CosIng Annexes II-VI (prohibited, restricted, preservative, "
            "colorant, UV filter). Matching: CAS number first, then the normalised INCI/chemical "
            "name, then substance-group entries ('X and its salts/esters'; matched_by='group'). "
            "Each entry gives its maximum concentrations per product-type scope, conditions of "
            "use, required label warnings, disclosure thresholds (labelling duties, not limits), "
            "CMR remark and citation. TW entries bind for Taiwan; where TW has no entry the EU "
            "entry stays binding. An empty `entries` list means no entry on the lists in "
            "`lists_checked`. Give `inci`, `cas` or both."
        ),
        input_model=CheckRestrictedInput,
        output_model=RestrictedResult,
        run=_check_restricted,
    ),
    ToolSpec(
        name="safety_assess",
        title="Safety assessment (Item 10)",
        description=(
            "Safety assessment (PIF Item 10) of a cosmetic formula: per line a verdict "
            "(prohibited | non_compliant | insufficient_margin | review | data_gap | acceptable), "
            "the basis label (NOAEL with its source, method label, or 'Statutorily prohibited - "
            "NOAEL not required'), SED and MoS (SCCS/1647/22 exposure, DAp, NOAEL) and review "
            "points, plus the product decision. Deterministic and local (no toxicology source is "
            "queried here, so most lines without a curated value end as data_gap). Never present "
            "a data_gap or review line as safe."
        ),
        input_model=SafetyAssessInput,
        output_model=SafetyRead,
        run=_safety_assess,
    ),
    ToolSpec(
        name="lookup",
        title="Search the ingredient master",
        description=(
            "Search the shared ingredient master (CosIng inventory + curated starter dictionary) "
            "by INCI name, synonym, CAS number (e.g. '56-81-5'), EC number or Chinese name. "
            "Returns the best matches first with identifiers, functions, provenance and a match "
            "score."
        ),
        input_model=LookupInput,
        output_model=LookupResult,
        run=_lookup,
    ),
    ToolSpec(
        name="inci_normalize",
        title="Normalise an INCI name",
        description=(
            "Normalise a raw ingredient name as written on a supplier document (misspelt, trade "
            "spelling, 'Aqua/Water', bilingual '甘油 Glycerin') to its canonical INCI name. "
            "Returns the INCI name, the method (exact | synonym | fuzzy | none), a score 0-1 and "
            "its confidence band; confirm fuzzy or low-confidence matches."
        ),
        input_model=InciNormalizeInput,
        output_model=NormalizeResult,
        run=_inci_normalize,
    ),
    ToolSpec(
        name="pubchem_query",
        title="PubChem identity and properties",
        description=(
            "Identity and properties of a substance from PubChem (PUG REST/PUG View): CID, "
            "molecular formula, molecular weight, XLogP, SMILES, IUPAC name, GHS H-codes and "
            "reported acute toxicity values, each cited (e.g. 'PubChem CID 31236'). Give `cas` "
            "or `name` (at least one). status 'unavailable' means PubChem could not be reached: "
            "no values are returned and none may be assumed; 'no_data' means PubChem has no such "
            "compound."
        ),
        input_model=SubstanceInput,
        output_model=PubChemResult,
        run=_pubchem_query,
        remote=True,
    ),
    ToolSpec(
        name="classification",
        title="Harmonised classification and CMR remarks",
        description=(
            "Hazard classification of a substance. `harmonised`: the ECHA C&L Inventory "
            "harmonised classification (hazard class and category with H-codes, e.g. 'Acute Tox. "
            "4 (H302)'), each cited; status ok | no_data (no harmonised classification) | "
            "unavailable (ECHA could not be reached: no data, do not guess) | not_configured. "
            "`cmr_remarks`: CMR classifications noted on the EU CosIng annex entries matching "
            "the substance (e.g. 'Reprotoxic Cat. 1B'), with citations. Give `cas` or `name` (at "
            "least one); CAS gives an exact match."
        ),
        input_model=SubstanceInput,
        output_model=ClassificationResult,
        run=_classification,
        remote=True,
    ),
)
BY_NAME: Mapping[str, ToolSpec] = {spec.name: spec for spec in CATALOG}

# What the model may call while extracting or summarising (spec 04 §6: names per decision E15).
AI_TOOLS = ("inci_normalize", "lookup", "check_restricted", "pubchem_query", "classification")


def spec(name: str) -> ToolSpec:
    return BY_NAME[name]


def definitions(names: Sequence[str] = AI_TOOLS) -> list[ToolDefinition]:
    """The named tools as the Messages API reads them."""
    return [
        ToolDefinition(
            name=BY_NAME[n].name,
            description=BY_NAME[n].description,
            input_schema=BY_NAME[n].input_schema(),
        )
        for n in names
    ]


def parse_input(tool: ToolSpec, data: Mapping[str, Any]) -> BaseModel:
    """The validated arguments, or a ToolInputError the caller (a model, an agent) can read."""
    try:
        return tool.input_model.model_validate(dict(data))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'input'}: {err['msg']}"
            for err in exc.errors(include_url=False)
        )
        raise ToolInputError(problems) from exc


async def run_tool(deps: ToolDeps, name: str, data: Mapping[str, Any]) -> BaseModel:
    """Validate `data` against the tool's model and run it; unknown names are input errors."""
    tool = BY_NAME.get(name)
    if tool is None:
        raise ToolInputError(f"unknown tool {name!r}")
    return await tool.run(deps, parse_input(tool, data))


@dataclass(frozen=True, slots=True)
class CatalogToolBox:
    """The AI provider's view of the catalog: definitions to send, calls to run."""

    deps: ToolDeps
    names: Sequence[str] = AI_TOOLS

    @property
    def definitions(self) -> list[ToolDefinition]:
        return definitions(self.names)

    async def call(self, name: str, data: Mapping[str, Any]) -> dict[str, Any]:
        if name not in self.names:
            raise ToolInputError(f"unknown tool {name!r}")
        return (await run_tool(self.deps, name, data)).model_dump(mode="json")


def toolbox(deps: ToolDeps) -> CatalogToolBox:
    return CatalogToolBox(deps)
