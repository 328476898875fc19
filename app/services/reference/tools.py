"""The tool functions of the one catalog (`catalog.py`): MCP servers and the AI tool loop.

Each function only reads: the regulatory lists and the ingredient master through a read-only
session, the in-process INCI dictionary, and optional remote sources that fail soft.
"""

from collections.abc import Sequence

from app.ai.providers import ToolInputError
from app.engines.formula import confidence_band
from app.engines.regulatory import CheckReport, FormulaLine, RegulatedEntry, RuleIndex
from app.engines.regulatory.index import entry_names, name_key
from app.engines.substance import first_valid_cas, is_valid_cas
from app.integrations.toxicology import SourceResult, SourceStatus, SubstanceRef
from app.integrations.toxicology.pubchem_parse import COMPOUND_URL
from app.schemas.product_description import ProductDescription
from app.schemas.safety import SafetyRead
from app.services.formulation import search_ingredients
from app.services.reference.deps import ToolDeps
from app.services.reference.schemas import (
    LOOKUP_MAX,
    ClassificationResult,
    CmrRemark,
    FormulaIngredient,
    HarmonisedClassification,
    IngredientHit,
    ListEntry,
    LoadedList,
    LookupResult,
    MatchedBy,
    NormalizeResult,
    PubChemResult,
    RestrictedResult,
    SourceState,
    SubstanceQuery,
)
from app.services.regulatory import check_lines
from app.services.toxicology import FormulaInput, assess_lines, serialize_safety


def _require_identity(cas: str | None, name: str | None) -> tuple[str | None, str | None]:
    cas, name = (cas or "").strip() or None, (name or "").strip() or None
    if cas is None and name is None:
        raise ToolInputError("give at least one of `cas` or `name`")
    return cas, name


def _checked_cas(cas: str | None) -> str | None:
    """A CAS number with a valid check digit; a wrong one is most likely a typo or invented."""
    if cas is not None and not is_valid_cas(cas):
        raise ToolInputError(f"CAS {cas!r} fails the CAS check-digit test; correct it or omit it")
    return cas


# --- regulatory lists -------------------------------------------------------------------------


async def check_formula(
    deps: ToolDeps,
    ingredients: Sequence[FormulaIngredient],
    *,
    product: ProductDescription,
    markets: Sequence[str] = ("TW",),
) -> CheckReport:
    """The formula compliance check of `POST /ingredients/check-formula`."""
    lines = [
        FormulaLine(
            inci=item.inci,
            cas=item.cas,
            concentration_pct=item.concentration,
            function=item.function,
            is_nano=item.is_nano,
        )
        for item in ingredients
    ]
    async with deps.session() as session:
        return await check_lines(
            session, deps.checker_cache, lines, product=product, markets=markets
        )


def _matched_by(entry: RegulatedEntry, name: str | None, cas: str | None) -> MatchedBy:
    cas_key = first_valid_cas(cas)
    if cas_key and cas_key in entry.cas_numbers:
        return "cas"
    if name and name_key(name) in entry_names(entry):
        return "name"
    return "group"


def _loaded_lists(index: RuleIndex) -> list[LoadedList]:
    return [
        LoadedList(jurisdiction=j, list_type=t, citation=c)
        for (j, t), c in sorted(index.list_citations.items(), key=lambda kv: (kv[0][0] != "TW", kv))
    ]


async def check_restricted(
    deps: ToolDeps, *, inci: str | None, cas: str | None
) -> RestrictedResult:
    """List entries naming the ingredient: CAS first, then names, then substance groups."""
    cas, inci = _require_identity(cas, inci)
    async with deps.session() as session:
        index = await deps.rule_cache.get(session)
    matches = index.match(inci, cas)
    entries = [ListEntry.from_entry(e, _matched_by(e, inci, cas)) for e in matches]
    entries.sort(key=lambda e: (e.jurisdiction != "TW", e.list_type, e.ref_no))
    lists = _loaded_lists(index)
    if entries:
        note = (
            f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} found. TW entries bind for "
            "Taiwan; where TW has no entry the EU entry stays binding. Cite each entry you use."
        )
    elif lists:
        note = "No entry on the loaded lists names this ingredient (see lists_checked)."
    else:
        note = "No regulatory lists are loaded in this mirror; nothing could be checked."
    return RestrictedResult(
        query=SubstanceQuery(cas=cas, name=inci), entries=entries, lists_checked=lists, note=note
    )


# --- ingredient master and INCI names ---------------------------------------------------------


async def lookup(deps: ToolDeps, query: str, *, limit: int = 10) -> LookupResult:
    """Search the shared ingredient master by INCI, synonym, CAS, EC or Chinese name."""
    query = query.strip()
    if not query:
        raise ToolInputError("`query` is empty")
    async with deps.session() as session:
        hits = await search_ingredients(session, query, limit=max(1, min(limit, LOOKUP_MAX)))
        rows = [
            IngredientHit(
                inci_name=hit.ingredient.inci_name,
                cas_numbers=list(hit.ingredient.cas_numbers),
                ec_numbers=list(hit.ingredient.ec_numbers),
                zh_name=hit.ingredient.zh_name,
                synonyms=list(hit.ingredient.synonyms),
                functions=list(hit.ingredient.functions),
                pubchem_cid=hit.ingredient.pubchem_cid,
                molecular_weight=hit.ingredient.molecular_weight,
                source=hit.ingredient.source,
                source_ref=hit.ingredient.source_ref,
                score=hit.score,
                matched_on=hit.matched_on,
            )
            for hit in hits
        ]
    return LookupResult(query=query, hits=rows)


def inci_normalize(deps: ToolDeps, name: str) -> NormalizeResult:
    """Canonical INCI name for a raw (misspelt, dual, bilingual) name, with method and score."""
    match = deps.ingredient_dictionary().match(name)
    entry = match.entry
    note = None
    if match.method == "none":
        note = "No dictionary match; try `lookup` on the full ingredient master."
    elif match.method == "fuzzy":
        note = "Fuzzy match: confirm it before relying on it."
    return NormalizeResult(
        input=name,
        inci_name=match.inci_name,
        method=match.method,
        score=match.score,
        confidence_band=confidence_band(match.score),
        cas_numbers=list(entry.cas_numbers) if entry else [],
        functions=list(entry.functions) if entry else [],
        source=_provenance(entry.source, entry.source_ref) if entry else None,
        note=note,
    )


def _provenance(*parts: str) -> str | None:
    return " ".join(p for p in parts if p) or None


# --- remote sources ---------------------------------------------------------------------------

_STATES: dict[SourceStatus, SourceState] = {
    SourceStatus.OK: "ok",
    SourceStatus.NO_DATA: "no_data",
    SourceStatus.UNAVAILABLE: "unavailable",
}
UNAVAILABLE_NOTE = "source temporarily unavailable: no values were retrieved"


def _ref(cas: str | None, name: str | None) -> SubstanceRef:
    return SubstanceRef(inci_name=name or cas or "", cas=cas)


def _text(value: float | str | None) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: float | str | None) -> float | None:
    return float(value) if isinstance(value, int | float) else None


async def pubchem_query(deps: ToolDeps, *, cas: str | None, name: str | None) -> PubChemResult:
    """CID and properties from PubChem; `unavailable` (never invented data) when unreachable."""
    cas, name = _require_identity(cas, name)
    query = SubstanceQuery(cas=_checked_cas(cas), name=name)
    if deps.pubchem is None:
        return PubChemResult(
            status="unavailable",
            query=query,
            error="PubChem is not configured on this server (offline mode)",
            note=UNAVAILABLE_NOTE,
        )
    result = await deps.pubchem.fetch(_ref(cas, name))
    if result.status is not SourceStatus.OK:
        return PubChemResult(
            status=_STATES[result.status],
            query=query,
            note=result.note or (UNAVAILABLE_NOTE if result.error else None),
            error=result.error,
        )
    props = result.properties
    cid = int(result.identifiers["cid"]) if "cid" in result.identifiers else None
    return PubChemResult(
        status="ok",
        query=query,
        cid=cid,
        molecular_formula=_text(props.get("molecular_formula")),
        molecular_weight=_number(props.get("molecular_weight")),
        xlogp=_number(props.get("xlogp")),
        smiles=_text(props.get("smiles")),
        iupac_name=_text(props.get("iupac_name")),
        hazard_codes=list(result.hazard_codes),
        endpoints=list(result.endpoints),
        citation=result.citation,
        url=COMPOUND_URL.format(cid=cid) if cid is not None else None,
        note=result.note,
    )


def _harmonised(result: SourceResult | None) -> HarmonisedClassification:
    if result is None:
        return HarmonisedClassification(
            status="not_configured", note="No ECHA source is configured on this server."
        )
    return HarmonisedClassification(
        status=_STATES[result.status],
        hazard_codes=list(result.hazard_codes),
        classifications=[e for e in result.endpoints if e.name == "ghs_classification"],
        identifiers=dict(result.identifiers),
        citation=result.citation,
        note=result.note
        or (UNAVAILABLE_NOTE if result.status is SourceStatus.UNAVAILABLE else None),
        error=result.error,
    )


async def classification(
    deps: ToolDeps, *, cas: str | None, name: str | None
) -> ClassificationResult:
    """ECHA harmonised classification (when configured) plus CMR remarks of the CosIng annexes."""
    cas, name = _require_identity(cas, name)
    query = SubstanceQuery(cas=_checked_cas(cas), name=name)
    remote = await deps.echa.fetch(_ref(cas, name)) if deps.echa is not None else None
    async with deps.session() as session:
        index = await deps.rule_cache.get(session)
    remarks = [
        CmrRemark(
            reference=e.reference,
            list_type=e.list_type,
            substance=e.inci_name or e.chemical_name,
            cmr=e.cmr_text,
            citation=e.citation,
        )
        for e in index.match(name, cas)
        if e.cmr_text.strip()
    ]
    harmonised = _harmonised(remote)
    parts = []
    if harmonised.status != "ok":
        parts.append(f"Harmonised classification: {harmonised.status}.")
    parts.append(
        f"{len(remarks)} CMR remark(s) on the stored annex entries."
        if remarks
        else "No CMR remark on the stored annex entries."
    )
    return ClassificationResult(
        query=query, harmonised=harmonised, cmr_remarks=remarks, note=" ".join(parts)
    )


# --- safety (Item 10) -------------------------------------------------------------------------


async def safety_assess(
    deps: ToolDeps,
    ingredients: Sequence[FormulaIngredient],
    description: ProductDescription | None,
) -> SafetyRead:
    """The Item 10 engine behind GET /products/{id}/safety, for a formula given inline."""
    lines = [
        FormulaInput(
            line_id=str(i),
            inci=item.inci,
            cas=item.cas,
            concentration_pct=item.concentration,
            function=item.function,
        )
        for i, item in enumerate(ingredients)
    ]
    async with deps.session() as session:
        result = await assess_lines(session, deps.checker_cache, description, lines)
    return SafetyRead.model_validate(serialize_safety(result, None))
