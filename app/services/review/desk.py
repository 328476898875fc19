"""The SA's desk: the queue, opening a review, saving work, sending items back for revision."""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, NotFound
from app.core.tenancy import OrgId, org_of
from app.models import PifDocument, PifVersion, Product
from app.models.enums import DocumentStatus, ReviewStatus
from app.models.review import SaReview
from app.services import audit, pif
from app.services.audit import ClientInfo
from app.services.review import repository
from app.services.review.versions import require_product

EDITABLE = frozenset({ReviewStatus.PENDING.value, ReviewStatus.IN_REVIEW.value})


@dataclass(frozen=True)
class QueueEntry:
    review: SaReview
    product_name: str
    lowest_confidence: float | None
    low_confidence_lines: int

    @property
    def needs_attention(self) -> bool:
        low = self.lowest_confidence is not None and self.lowest_confidence < 0.5
        return low or self.low_confidence_lines > 0


async def pending_queue(session: AsyncSession, org_id: OrgId) -> list[QueueEntry]:
    """Open reviews: those with a field or line below 0.5 confidence first, then oldest."""
    rows = [QueueEntry(*row) for row in await repository.list_queue_for_org(session, org_id)]
    return sorted(rows, key=lambda e: not e.needs_attention)  # stable: oldest first within


@dataclass(frozen=True)
class ReviewView:
    review: SaReview
    product: Product
    documents: list[PifDocument]
    version: PifVersion | None


async def require_review(session: AsyncSession, review_id: uuid.UUID, org_id: OrgId) -> SaReview:
    review = await repository.get_review_for_org(session, review_id, org_id, for_update=True)
    if review is None:
        raise NotFound("Review not found")  # also for other organizations' reviews
    return review


async def _view(session: AsyncSession, review: SaReview) -> ReviewView:
    await session.flush()
    await session.refresh(review)  # server-set columns (updated_at) loaded before serialising
    product = await require_product(session, review.product_id, org_of(review))
    documents = await pif.list_documents_for_org(session, product.id, org_of(review))
    versions = await repository.list_versions_for_org(session, product.id, org_of(review))
    version = next((v for v in versions if v.id == review.version_id), None)
    return ReviewView(review, product, documents, version)


async def open_review(
    session: AsyncSession,
    org_id: OrgId,
    sa_id: uuid.UUID,
    review_id: uuid.UUID,
    *,
    client: ClientInfo | None = None,
) -> ReviewView:
    """The review with its snapshot and items; the first open moves it to in_review (audited)."""
    review = await require_review(session, review_id, org_id)
    if review.status == ReviewStatus.PENDING.value:
        review.status = ReviewStatus.IN_REVIEW.value
        review.sa_id = sa_id
        await session.flush()
        await audit.record(
            session,
            "sa.review_started",
            org_id=org_id,
            user_id=sa_id,
            resource_type="sa_review",
            resource_id=review.id,
            details={"product_id": str(review.product_id)},
            client=client,
        )
    return await _view(session, review)


async def update_review(
    session: AsyncSession,
    org_id: OrgId,
    sa_id: uuid.UUID,
    review_id: uuid.UUID,
    *,
    changes: dict[str, Any],
    approve_items: list[int],
    client: ClientInfo | None = None,
) -> ReviewView:
    """Save the assessment, comments and alert annotations; approve the listed items (1–15)."""
    review = await require_review(session, review_id, org_id)
    if review.status not in EDITABLE:
        raise Conflict(f"The review is {review.status}", code="review_not_editable")
    review.status, review.sa_id = ReviewStatus.IN_REVIEW.value, sa_id
    for field in ("sa_final_assessment", "sa_comments"):
        if field in changes:
            setattr(review, field, changes[field])
    if changes.get("alert_annotations") is not None:
        review.alert_annotations = (
            dict(review.alert_annotations or {}) | changes["alert_annotations"]
        )
    for number in dict.fromkeys(approve_items):
        document = await pif.require_document(session, review.product_id, number, org_id)
        if document.status != DocumentStatus.APPROVED.value:
            await pif.move_document(
                session,
                document,
                DocumentStatus.APPROVED,
                actor=pif.Actor.SA,
                user_id=sa_id,
                reason=f"approved in review {review.id}",
                client=client,
            )
    await session.flush()
    return await _view(session, review)


async def request_revision(
    session: AsyncSession,
    org_id: OrgId,
    sa_id: uuid.UUID,
    review_id: uuid.UUID,
    *,
    items: list[int],
    comment: str,
    client: ClientInfo | None = None,
) -> ReviewView:
    """The listed items go back to ai_draft_ready with the SA's comment; the operator resubmits."""
    review = await require_review(session, review_id, org_id)
    if review.status not in EDITABLE:
        raise Conflict(f"The review is {review.status}", code="review_not_editable")
    for number in dict.fromkeys(items):
        document = await pif.require_document(session, review.product_id, number, org_id)
        if document.status == DocumentStatus.APPROVED.value:
            await pif.move_document(
                session, document, DocumentStatus.HUMAN_REVIEWED, actor=pif.Actor.SA,
                user_id=sa_id, reason=comment, client=client,
            )  # fmt: skip
        await pif.move_document(
            session,
            document,
            DocumentStatus.AI_DRAFT_READY,
            actor=pif.Actor.SA,
            user_id=sa_id,
            reason=comment,
            client=client,
        )
    review.status, review.sa_id = ReviewStatus.REVISION_REQUESTED.value, sa_id
    review.sa_comments = comment
    await session.flush()
    await audit.record(
        session,
        "sa.revision_requested",
        org_id=org_id,
        user_id=sa_id,
        resource_type="sa_review",
        resource_id=review.id,
        details={"items": list(dict.fromkeys(items)), "comment": comment},
        client=client,
    )
    view = await _view(session, review)
    await pif.refresh_product_status(session, view.product)
    return view
