"""A product's confirmed formula lines (`product_ingredients`): written only on confirmation."""

import uuid
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.tenancy import OrgId
from app.engines.substance import normalize_name
from app.models import Ingredient, ProductIngredient
from app.schemas.pif_items import FormulaLine
from app.services.formulation.repository import delete_formula_lines_for_org


async def _ingredient_ids(session: AsyncSession, lines: list[FormulaLine]) -> dict[int, uuid.UUID]:
    keys = {normalize_name(line.inci_name or line.raw_name) for line in lines}
    cas = {line.cas for line in lines if line.cas}
    rows = await session.execute(
        select(Ingredient.id, Ingredient.inci_name_normalized, Ingredient.cas_numbers).where(
            or_(
                Ingredient.inci_name_normalized.in_(keys), Ingredient.cas_numbers.overlap(list(cas))
            )
        )
    )
    by_name: dict[str, uuid.UUID] = {}
    by_cas: dict[str, uuid.UUID] = {}
    for ingredient_id, name, cas_numbers in rows:
        by_name[name] = ingredient_id
        for number in cas_numbers:
            by_cas.setdefault(number, ingredient_id)
    found: dict[int, uuid.UUID] = {}
    for position, line in enumerate(lines):
        match = by_name.get(normalize_name(line.inci_name or line.raw_name))
        if match is None and line.cas:
            match = by_cas.get(line.cas)
        if match is not None:
            found[position] = match
    return found


def _descending(line: FormulaLine) -> tuple[bool, Decimal]:
    # unknown concentrations sort last: never treated as 0, never as the largest
    return (line.concentration_pct is None, -(line.concentration_pct or Decimal(0)))


async def replace_formula_lines(
    session: AsyncSession, *, org_id: OrgId, product_id: uuid.UUID, lines: list[FormulaLine]
) -> list[ProductIngredient]:
    """Store the reviewed Item 3 rows in descending concentration order (sort_order 1..n)."""
    await delete_formula_lines_for_org(session, product_id, org_id)
    ordered = sorted(lines, key=_descending)
    ids = await _ingredient_ids(session, ordered)
    rows = [
        ProductIngredient(
            org_id=org_id,
            product_id=product_id,
            ingredient_id=ids.get(position),
            raw_name=line.raw_name,
            inci_name=line.inci_name,
            cas_number=line.cas,
            zh_name=line.zh_name,
            concentration_pct=line.concentration_pct,
            function=line.function,
            sort_order=position + 1,
            confidence=1.0,  # confirmed by a person
            is_nano=line.is_nano,
            from_blend=line.from_blend,
            phase=line.phase,
        )
        for position, line in enumerate(ordered)
    ]
    session.add_all(rows)
    await session.flush()
    return rows
