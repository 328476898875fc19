"""Org-scoped queries of the compliance context (RLS underneath every one)."""

import uuid

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.tenancy import OrgId
from app.models import (
    IngredientVerdict,
    Organization,
    Outsourcing,
    PifVersion,
    ProductIngredient,
)


async def get_org_type_for_org(session: AsyncSession, org_id: OrgId) -> str | None:
    row = await session.execute(select(Organization.type).where(Organization.id == org_id))
    return row.scalar_one_or_none()


async def list_verdicts_for_org(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId
) -> list[tuple[str, str]]:
    """(INCI or raw name, effective verdict) per assessed formula line; the SA's decision wins."""
    rows = await session.execute(
        select(
            ProductIngredient.inci_name,
            ProductIngredient.raw_name,
            IngredientVerdict.verdict,
            IngredientVerdict.sa_decision,
        )
        .join(ProductIngredient, ProductIngredient.id == IngredientVerdict.product_ingredient_id)
        .where(IngredientVerdict.product_id == product_id, IngredientVerdict.org_id == org_id)
    )
    return [(inci or raw, decision or verdict) for inci, raw, verdict, decision in rows]


async def has_signed_version_for_org(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId
) -> bool:
    stmt = select(
        exists().where(
            PifVersion.product_id == product_id,
            PifVersion.org_id == org_id,
            PifVersion.is_signed.is_(True),
        )
    )
    return bool((await session.execute(stmt)).scalar())


async def list_outsourcings_for_org(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId
) -> list[Outsourcing]:
    rows = await session.execute(
        select(Outsourcing)
        .where(Outsourcing.product_id == product_id, Outsourcing.org_id == org_id)
        .order_by(Outsourcing.item_number, Outsourcing.created_at, Outsourcing.id)
    )
    return list(rows.scalars())


async def delete_outsourcing_for_org(
    session: AsyncSession, product_id: uuid.UUID, outsourcing_id: uuid.UUID, org_id: OrgId
) -> bool:
    result = await session.execute(
        delete(Outsourcing)
        .where(
            Outsourcing.id == outsourcing_id,
            Outsourcing.product_id == product_id,
            Outsourcing.org_id == org_id,
        )
        .returning(Outsourcing.id)
    )
    return result.scalar_one_or_none() is not None
