"""Org-scoped queries of the review context (RLS underneath every one)."""

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.tenancy import OrgId
from app.models import IngredientVerdict, PifDocument, PifVersion, Product, ProductIngredient, User
from app.models.enums import ReviewStatus
from app.models.review import SaReview

OPEN_STATUSES = (
    ReviewStatus.PENDING.value,
    ReviewStatus.IN_REVIEW.value,
    ReviewStatus.REVISION_REQUESTED.value,
)
QUEUE_STATUSES = (ReviewStatus.PENDING.value, ReviewStatus.IN_REVIEW.value)
LOW_CONFIDENCE = 0.5


async def get_review_for_org(
    session: AsyncSession, review_id: uuid.UUID, org_id: OrgId, *, for_update: bool = False
) -> SaReview | None:
    stmt = (
        select(SaReview)
        .join(Product, Product.id == SaReview.product_id)
        .where(SaReview.id == review_id, SaReview.org_id == org_id, Product.deleted_at.is_(None))
    )
    if for_update:
        stmt = stmt.with_for_update(of=SaReview)
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_open_review_for_org(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId
) -> SaReview | None:
    stmt = (
        select(SaReview)
        .where(
            SaReview.product_id == product_id,
            SaReview.org_id == org_id,
            SaReview.status.in_(OPEN_STATUSES),
        )
        .order_by(SaReview.created_at.desc())
        .limit(1)
        .with_for_update()
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def list_queue_for_org(
    session: AsyncSession, org_id: OrgId
) -> list[tuple[SaReview, str, float | None, int]]:
    """(review, product name, lowest item confidence, formula lines below 0.5) of open reviews."""
    min_conf = (
        select(func.min(PifDocument.ai_confidence))
        .where(PifDocument.product_id == SaReview.product_id, PifDocument.org_id == org_id)
        .scalar_subquery()
    )
    low_lines = (
        select(func.count())
        .where(
            ProductIngredient.product_id == SaReview.product_id,
            ProductIngredient.org_id == org_id,
            ProductIngredient.confidence < LOW_CONFIDENCE,
        )
        .scalar_subquery()
    )
    rows = await session.execute(
        select(SaReview, Product.name, min_conf, low_lines)
        .join(Product, Product.id == SaReview.product_id)
        .where(
            SaReview.org_id == org_id,
            SaReview.status.in_(QUEUE_STATUSES),
            Product.deleted_at.is_(None),
        )
        .order_by(SaReview.created_at, SaReview.id)
    )
    return [(r, name, conf, int(low or 0)) for r, name, conf, low in rows]


async def get_draft_version_for_org(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId
) -> PifVersion | None:
    stmt = (
        select(PifVersion)
        .where(
            PifVersion.product_id == product_id,
            PifVersion.org_id == org_id,
            PifVersion.is_signed.is_(False),
        )
        .with_for_update()
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def list_versions_for_org(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId
) -> list[PifVersion]:
    rows = await session.execute(
        select(PifVersion)
        .where(PifVersion.product_id == product_id, PifVersion.org_id == org_id)
        .order_by(PifVersion.sequence)
    )
    return list(rows.scalars())


async def latest_signed_version_for_org(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId
) -> PifVersion | None:
    rows = await session.execute(
        select(PifVersion)
        .where(
            PifVersion.product_id == product_id,
            PifVersion.org_id == org_id,
            PifVersion.is_signed.is_(True),
        )
        .order_by(PifVersion.signed_at.desc(), PifVersion.sequence.desc())
        .limit(1)
    )
    return rows.scalar_one_or_none()


async def max_sequence_for_org(session: AsyncSession, product_id: uuid.UUID, org_id: OrgId) -> int:
    stmt = select(func.coalesce(func.max(PifVersion.sequence), -1)).where(
        PifVersion.product_id == product_id, PifVersion.org_id == org_id
    )
    return int((await session.execute(stmt)).scalar_one())


async def list_verdicts_for_org(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId
) -> list[tuple[ProductIngredient, IngredientVerdict]]:
    rows = await session.execute(
        select(ProductIngredient, IngredientVerdict)
        .join(IngredientVerdict, IngredientVerdict.product_ingredient_id == ProductIngredient.id)
        .where(IngredientVerdict.product_id == product_id, IngredientVerdict.org_id == org_id)
        .order_by(ProductIngredient.sort_order)
    )
    return [(line, verdict) for line, verdict in rows]


async def get_sa_for_org(session: AsyncSession, user_id: uuid.UUID, org_id: OrgId) -> User | None:
    stmt = select(User).where(User.id == user_id, User.org_id == org_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def signing_sa_qualification_for_org(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId
) -> date | None:
    """Qualification end of the SA who signed the product's latest version."""
    stmt = (
        select(User.sa_qualified_until)
        .join(SaReview, SaReview.sa_id == User.id)
        .where(
            SaReview.product_id == product_id,
            SaReview.org_id == org_id,
            SaReview.status == ReviewStatus.SIGNED.value,
        )
        .order_by(SaReview.signed_at.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def list_products_for_org(session: AsyncSession, org_id: OrgId) -> list[Product]:
    rows = await session.execute(
        select(Product)
        .where(Product.org_id == org_id, Product.deleted_at.is_(None))
        .order_by(Product.created_at)
    )
    return list(rows.scalars())


async def list_notify_emails_for_org(
    session: AsyncSession, org_id: OrgId, roles: tuple[str, ...]
) -> list[str]:
    rows = await session.execute(
        select(User.email).where(
            User.org_id == org_id, User.role.in_(roles), User.is_active.is_(True)
        )
    )
    return list(rows.scalars())
