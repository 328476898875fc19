"""Regulatory use cases over the stored lists: formula check and an ingredient's list status."""

import uuid
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, NotFound
from app.engines.regulatory.check import check_formula
from app.engines.regulatory.findings import CheckReport, FormulaLine
from app.engines.substance import normalize_name
from app.models import RegulatedSubstance
from app.services import formulation
from app.services.regulatory.store import RuleIndexCache

# products.category -> the check's product type; unknown ones use the strictest limits (06 §5.6)
CATEGORY_PRODUCT_TYPE = {"oral": "oral", "eye": "eye", "hair_dye": "hair", "lip": "lip"}


async def check_lines(
    session: AsyncSession,
    cache: RuleIndexCache,
    lines: list[FormulaLine],
    *,
    product_type: str | None,
    body_area: str | None,
) -> CheckReport:
    index = await cache.get(session)
    return check_formula(index, product_type, body_area, lines)


async def check_product_formula(
    session: AsyncSession,
    cache: RuleIndexCache,
    *,
    org_id: uuid.UUID,
    product_id: uuid.UUID,
    product_type: str | None,
    body_area: str | None,
) -> CheckReport:
    """The same check on a product's confirmed Item 3 lines."""
    from app.services.products import get_product_for_org

    product = await get_product_for_org(session, product_id, org_id)
    if product is None:
        raise NotFound("Product not found")
    rows = await formulation.confirmed_lines(session, product_id, org_id)
    if not rows:  # checking nothing must not read as a clean formula
        raise Conflict("The product has no confirmed Item 3 formula yet; confirm the draft first")
    lines = [
        FormulaLine(
            inci=row.inci_name or row.raw_name,
            cas=row.cas_number,
            concentration_pct=float(row.concentration_pct)
            if isinstance(row.concentration_pct, Decimal)
            else None,
            function=row.function,
        )
        for row in rows
    ]
    kind = product_type or CATEGORY_PRODUCT_TYPE.get(product.category)
    return await check_lines(session, cache, lines, product_type=kind, body_area=body_area)


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
