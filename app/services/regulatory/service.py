"""Regulatory use cases over the stored lists: formula check and an ingredient's list status."""

import asyncio
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal

from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, NotFound, Unprocessable
from app.core.tenancy import OrgId
from app.engines.regulatory.engine import DEFAULT_MARKETS, evaluate_formula
from app.engines.regulatory.findings import CheckReport, FormulaLine, LineResult
from app.engines.substance import normalize_name
from app.models import RegulatedSubstance
from app.schemas.product_description import (
    ProductDescription,
    effective_description,
    missing_fields,
)
from app.services import formulation
from app.services.regulatory.store import CheckerCache

INLINE_LINES = 60  # a formula up to this long is evaluated on the event loop ...
INLINE_SEARCHES = 4  # ... when at most this many of its names need a candidate search


def description_for_category(
    category: str,
    given: ProductDescription | None,
    stored: Mapping[str, object] | None = None,
) -> ProductDescription:
    """The product's description: the request's fields, then the stored ones, then the Item 1
    category defaults (a `baby` product stays for children under 3 unless stated otherwise).

    A description that still lacks the form or the areas cannot be checked honestly: 422.
    """
    # What the request states wins; what it leaves out comes from the product.
    stated = given.model_dump(mode="json", exclude_unset=True) if given is not None else {}
    merged = effective_description(category, stored, stated)
    try:
        return ProductDescription.model_validate(
            {k: v for k, v in merged.items() if v is not None or k == "kind"}
        )
    except ValidationError as exc:
        missing = missing_fields(merged) or sorted(
            {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
        )
        raise Unprocessable(
            f"Category {category!r} does not say the product's {', '.join(missing)}; "
            "store them in the product's `description` or send `product` with the check",
            details={"missing": missing},
        ) from exc


async def check_lines(
    session: AsyncSession,
    cache: CheckerCache,
    lines: list[FormulaLine],
    *,
    product: ProductDescription,
    markets: Sequence[str] = DEFAULT_MARKETS,
) -> CheckReport:
    """The formula check; `markets` are the target markets whose lists bind (default TW)."""
    checker = await cache.get(session)
    if len(lines) <= INLINE_LINES and checker.searches_needed(lines) <= INLINE_SEARCHES:
        # ~1 ms for 40 lines with their candidates cached: the thread hand-off would cost
        # more than the loop waits (issue 18).
        return evaluate_formula(checker, product, lines, markets)
    # Longer formulas, or many names to search (~0.3 ms each): off the loop, so other
    # requests go on meanwhile.
    return await asyncio.to_thread(evaluate_formula, checker, product, lines, markets)


async def line_results(
    session: AsyncSession,
    cache: CheckerCache,
    lines: list[FormulaLine],
    *,
    product: ProductDescription,
    markets: Sequence[str] = DEFAULT_MARKETS,
) -> list[LineResult]:
    """Per-line regulatory status (prohibited / non_compliant / unidentified / review /
    advisory / label_warning / disclosure / compliant), in line order, for the safety engine."""
    return (await check_lines(session, cache, lines, product=product, markets=markets)).lines


async def check_product_formula(
    session: AsyncSession,
    cache: CheckerCache,
    *,
    org_id: OrgId,
    product_id: uuid.UUID,
    product: ProductDescription | None,
    markets: Sequence[str] | None = None,
) -> tuple[CheckReport, ProductDescription, list[str]]:
    """The same check on a product's confirmed Item 3 lines, with the product's stored
    description and markets unless the request gives them (its fields win)."""
    from app.services.products import get_product_for_org

    row = await get_product_for_org(session, product_id, org_id)
    if row is None:
        raise NotFound("Product not found")
    rows = await formulation.confirmed_lines(session, product_id, org_id)
    if not rows:  # checking nothing must not read as a clean formula
        raise Conflict("The product has no confirmed Item 3 formula yet; confirm the draft first")
    description = description_for_category(row.category, product, row.description)
    used = list(markets) if markets is not None else list(row.markets or DEFAULT_MARKETS)
    lines = [
        FormulaLine(
            inci=r.inci_name or r.raw_name,
            cas=r.cas_number,
            concentration_pct=float(r.concentration_pct)
            if isinstance(r.concentration_pct, Decimal)
            else None,
            function=r.function,
        )
        for r in rows
    ]
    report = await check_lines(session, cache, lines, product=description, markets=used)
    return report, description, used


async def list_status(
    session: AsyncSession, inci_name: str, cas_numbers: list[str]
) -> list[RegulatedSubstance]:
    """Entries that name this ingredient (by CAS or normalized name)."""
    conditions = [RegulatedSubstance.name_normalized == normalize_name(inci_name)]
    if cas_numbers:
        conditions.append(RegulatedSubstance.cas_numbers.overlap(cas_numbers))
    rows = await session.execute(
        select(RegulatedSubstance)
        .where(or_(*conditions))
        .order_by(RegulatedSubstance.jurisdiction.desc(), RegulatedSubstance.list_type)
    )
    return list(rows.scalars())
