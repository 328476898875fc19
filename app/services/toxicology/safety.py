"""Item 10 safety assessment of a product: engine inputs from Item 3, the cache and the check.

GET /products/{id}/safety, the toxicology batch and the MCP tool all go through `assess_lines`,
so the three always show the same verdicts. Reads are recomputed from the current Item 3 and
product description (nothing stale is served); the batch also stores the verdict rows.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, NotFound
from app.core.tenancy import OrgId
from app.engines.regulatory import FormulaLine
from app.engines.safety import (
    DECISION_LABELS,
    LineInput,
    NoaelCandidate,
    RegulatoryStatus,
    SafetyResult,
    assess_formula,
    render_basis_appendix,
)
from app.engines.safety.confirm import open_points
from app.engines.safety.proposals import DRAFT_STATUS
from app.integrations.toxicology import SourceResult, SourceStatus
from app.models import Ingredient, IngredientVerdict, Product, ProductIngredient
from app.models.enums import Role, Verdict
from app.schemas.product_description import ProductDescription, known_description
from app.services import formulation, pif
from app.services.regulatory import CheckerCache
from app.services.toxicology import anchors as tox_anchors
from app.services.toxicology import cache as tox_cache
from app.services.toxicology.regulatory_adapter import regulatory_statuses

_NOAEL_NAMES = frozenset({"noael", "noel"})


@dataclass(frozen=True)
class FormulaInput:
    """One formula line as the safety service sees it (from Item 3 or an API/MCP payload)."""

    line_id: str
    inci: str
    cas: str | None
    concentration_pct: float | None
    is_nano: bool = False
    function: str | None = None
    smiles: str | None = None
    molecular_weight: float | None = None


def description_for(product: Product) -> ProductDescription | None:
    """The product's description for the exposure scenario; None = form/areas unknown."""
    return known_description(product.category, product.description)


def _candidates(results: Sequence[SourceResult]) -> tuple[NoaelCandidate, ...]:
    found: list[NoaelCandidate] = []
    for result in results:
        if result.status is not SourceStatus.OK:
            continue
        for e in result.endpoints:
            if (
                e.name.lower() not in _NOAEL_NAMES
                or e.value is None
                or e.qualifier
                not in (
                    None,
                    "=",
                    "==",
                )
            ):
                continue  # only point values ("<", ">" or ranges are not a NOAEL to divide by)
            found.append(
                NoaelCandidate(
                    value=e.value,
                    unit=e.unit or "",
                    source=e.source,
                    origin="epa" if result.source == "comptox" else "authority",
                    identifiers=tuple(sorted(result.identifiers.items())),
                )
            )
    return tuple(found)


def engine_input(
    line: FormulaInput, status: RegulatoryStatus, results: Sequence[SourceResult]
) -> LineInput:
    codes = sorted({c for r in results if r.status is SourceStatus.OK for c in r.hazard_codes})
    return LineInput(
        line_id=line.line_id,
        inci=line.inci,
        cas=line.cas,
        concentration_pct=line.concentration_pct,
        is_nano=line.is_nano,
        molecular_weight=line.molecular_weight,
        smiles=line.smiles,
        hazard_codes=tuple(codes),
        regulatory=status,
        noael_candidates=_candidates(results),
        sources_unavailable=tuple(
            sorted(r.source for r in results if r.status is SourceStatus.UNAVAILABLE)
        ),
    )


async def assess_lines(
    session: AsyncSession,
    rule_cache: CheckerCache,
    description: ProductDescription | None,
    lines: Sequence[FormulaInput],
    results: Sequence[Sequence[SourceResult]] | None = None,
    markets: Sequence[str] | None = None,
) -> SafetyResult:
    """The engine over these lines with the regulatory status of each (one shared function).

    `markets`: the product's target markets (None = the check's default, Taiwan).
    """
    statuses = await regulatory_statuses(
        session,
        rule_cache,
        description,
        [FormulaLine(ln.inci, ln.cas, ln.concentration_pct, ln.function) for ln in lines],
        markets,
    )
    per_line = results if results is not None else [()] * len(lines)
    inputs = [
        engine_input(line, status, found)
        for line, status, found in zip(lines, statuses, per_line, strict=True)
    ]
    anchors, analogues = await tox_anchors.load_anchors(session)
    return assess_formula(description, inputs, anchors, analogues)


def _as_float(value: Decimal | None) -> float | None:
    return float(value) if isinstance(value, Decimal) else None


async def formula_inputs(
    session: AsyncSession, rows: Sequence[ProductIngredient]
) -> list[FormulaInput]:
    ids = {r.ingredient_id for r in rows if r.ingredient_id is not None}
    masters: dict[uuid.UUID, Ingredient] = {}
    if ids:
        found = await session.execute(select(Ingredient).where(Ingredient.id.in_(ids)))
        masters = {i.id: i for i in found.scalars()}
    out: list[FormulaInput] = []
    for row in rows:
        master = masters.get(row.ingredient_id) if row.ingredient_id else None
        out.append(
            FormulaInput(
                line_id=str(row.id),
                inci=row.inci_name or row.raw_name,
                cas=row.cas_number or (master.cas_number if master else None),
                concentration_pct=_as_float(row.concentration_pct),
                is_nano=row.is_nano,
                function=row.function,
                smiles=master.smiles if master else None,
                molecular_weight=master.molecular_weight if master else None,
            )
        )
    return out


async def assess_product(
    session: AsyncSession,
    rule_cache: CheckerCache,
    *,
    org_id: OrgId,
    product_id: uuid.UUID,
    results: Sequence[Sequence[SourceResult]] | None = None,
) -> tuple[SafetyResult, list[ProductIngredient]]:
    """A product's confirmed Item 3 through the engine; cached source answers unless given."""
    from app.services.products import get_product_for_org

    product = await get_product_for_org(session, product_id, org_id)
    if product is None:
        raise NotFound("Product not found")
    rows = await formulation.confirmed_lines(session, product_id, org_id)
    if not rows:
        raise Conflict("The product has no confirmed Item 3 formula yet; confirm the draft first")
    if results is None:
        cached = await tox_cache.load_many(
            session, [r.ingredient_id for r in rows if r.ingredient_id is not None]
        )
        results = [
            [c.result for c in cached.get(r.ingredient_id, {}).values()] if r.ingredient_id else []
            for r in rows
        ]
    inputs = await formula_inputs(session, rows)
    result = await assess_lines(
        session, rule_cache, description_for(product), inputs, results, product.markets
    )
    return result, rows


def _decimal(value: float | None) -> Decimal | None:
    return Decimal(repr(value)) if value is not None else None


async def store_verdicts(
    session: AsyncSession,
    *,
    org_id: OrgId,
    product_id: uuid.UUID,
    result: SafetyResult,
) -> int:
    """Upsert one ingredient_verdicts row per line (the SA decision is kept)."""
    now = datetime.now(UTC)
    for v in result.lines:
        values: dict[str, Any] = {
            "org_id": org_id,
            "product_id": product_id,
            "product_ingredient_id": uuid.UUID(v.line_id),
            "verdict": v.verdict.value,
            "tier": v.tier,
            "method_label": v.basis_label,
            "noael_mg_kg_bw_day": _decimal(v.noael.value if v.noael else None),
            "noael_source": v.noael.source if v.noael else None,
            "exposure_mg_kg_bw_day": _decimal(v.exposure.value),
            "exposure_source": v.exposure.source,
            "exposure_fallback": v.exposure.fallback,
            "dap_pct": _decimal(v.dap_pct),
            "dap_source": v.dap_source,
            "sed": _decimal(round(v.sed, 10) if v.sed is not None else None),
            "mos": _decimal(round(min(v.mos, 1e15), 4) if v.mos is not None else None),
            "review_points": [vars_of(p) for p in v.review_points],
            "advisory": list(v.advisories),
            "computed_at": now,
        }
        stmt = insert(IngredientVerdict).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["product_ingredient_id"],
            set_={k: stmt.excluded[k] for k in values if k != "product_ingredient_id"},
        )
        await session.execute(stmt)
    return len(result.lines)


def vars_of(point: object) -> dict[str, str]:
    return {k: str(getattr(point, k)) for k in ("code", "severity", "message")}


def serialize(result: SafetyResult, product_id: uuid.UUID | None) -> dict[str, Any]:
    """The API / draft shape (schemas.safety.SafetyRead)."""
    lines = []
    for v in result.lines:
        noael = None
        if v.noael is not None:
            noael = {
                "value_mg_kg_bw_day": v.noael.value,
                "source": v.noael.source,
                "tier": v.noael.tier,
                "method": v.noael.method,
                "assessment_factor": v.noael.af,
                "identifiers": dict(v.noael.identifiers),
            }
        lines.append(
            {
                "line_id": v.line_id,
                "inci": v.inci,
                "cas": v.cas,
                "concentration_pct": v.concentration_pct,
                "verdict": v.verdict.value,
                "tier": v.tier,
                "basis_label": v.basis_label,
                "noael": noael,
                "dap_pct": v.dap_pct,
                "dap_source": v.dap_source,
                "sed_mg_kg_bw_day": v.sed,
                "mos": None if v.mos is None or v.mos == float("inf") else v.mos,
                "primary_reason": v.primary_reason,
                "review_points": [vars_of(p) for p in v.review_points],
                "advisories": list(v.advisories),
                "discarded": list(v.discarded),
                "sources_unavailable": list(v.sources_unavailable),
            }
        )
    e = result.exposure
    return {
        "product_id": str(product_id) if product_id else None,
        "decision": result.decision.value,
        "decision_label": DECISION_LABELS[result.decision],
        "exposure": {
            "value_mg_kg_bw_day": e.value,
            "row": e.row_id,
            "source": e.source,
            "fallback": e.fallback,
            "note": e.note,
        },
        "registry_version": result.registry_version,
        "lines": lines,
        "basis_appendix": [vars(r) for r in render_basis_appendix()],
    }


SAFETY_ITEM = 10


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


async def stored_proposals(
    session: AsyncSession, *, org_id: OrgId, product_id: uuid.UUID, result: SafetyResult
) -> list[dict[str, Any]]:
    """The analogue proposals of the latest Item 10 analysis (its draft's `safety.proposals`)
    for the lines of the current formula, labelled as drafts the SA confirms; a proposal for a
    line of an earlier formula (Item 3 confirmed again since) is not shown."""
    document = await pif.get_document_for_org(session, product_id, SAFETY_ITEM, org_id)
    safety = (document.ai_draft or {}).get("safety") if document is not None else None
    stored = safety.get("proposals") if isinstance(safety, dict) else None
    if not isinstance(stored, list):
        return []
    names = {v.line_id: v.inci for v in result.lines}
    out: list[dict[str, Any]] = []
    for p in stored:
        if not isinstance(p, dict) or _text(p.get("line_id")) not in names:
            continue
        accepted = p.get("accepted") is True
        out.append(
            {
                "status": DRAFT_STATUS,
                "line_id": p["line_id"],
                "inci": names[p["line_id"]],
                "analogue_cas": _text(p.get("analogue_cas")) or "",
                "analogue": _text(p.get("analogue")),
                "proposer": _text(p.get("proposer")) or "unknown",
                "rationale": _text(p.get("rationale")) or "",
                "passed_engine_checks": accepted,
                "engine_reason": _text(p.get("reason")) or "",
                "tanimoto": _number(p.get("tanimoto")),
                # a value and its citation only with the checks passed (the engine's own rule)
                "candidate_value_mg_kg_bw_day": (
                    _number(p.get("candidate_value")) if accepted else None
                ),
                "citation": _text(p.get("citation")) if accepted else None,
            }
        )
    return out


def require_sa_for_open_draft(role: Role, draft: dict[str, Any] | None) -> None:
    """A non-SA cannot confirm an Item 10 draft with data_gap/review lines as if it were done."""
    reasons = open_points(draft)
    if reasons and role is not Role.SA:  # the same rule the PIF confirm step applies
        raise Conflict(
            "Item 10 has open safety points; it stays open for the SA",
            code="sa_must_resolve",
            details={"reasons": reasons},
        )


__all__ = [
    "FormulaInput",
    "Verdict",
    "assess_lines",
    "assess_product",
    "description_for",
    "open_points",
    "require_sa_for_open_draft",
    "serialize",
    "store_verdicts",
    "stored_proposals",
]
