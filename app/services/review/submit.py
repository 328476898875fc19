"""Opening an SA review (spec 08 B9): an explicit operator action after lint."""

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict
from app.core.jobs import JobBuffer
from app.core.tenancy import OrgId
from app.models.enums import DocumentStatus, ReviewStatus
from app.models.platform import Task
from app.models.review import SaReview
from app.services import audit, compliance, pif, tasks
from app.services.audit import ClientInfo
from app.services.review import repository, snapshot
from app.services.review.versions import _Tenant, require_product

DRAFT_TASK = "review.draft_assessment"
UNCONFIRMED = frozenset({DocumentStatus.AI_PROCESSING.value, DocumentStatus.AI_DRAFT_READY.value})


@dataclass(frozen=True)
class Submitted:
    review: SaReview
    task: Task | None
    created: bool


async def submit_for_review(
    session: AsyncSession,
    jobs: JobBuffer,
    *,
    org_id: OrgId,
    user_id: uuid.UUID,
    product_id: uuid.UUID,
    rule_index: compliance.RuleIndexSource,
    client: ClientInfo | None = None,
) -> Submitted:
    """Refresh the draft snapshot, open (or re-open) the review and queue the reference draft.

    A pending or in-review review is returned as is (idempotent); one sent back for revision
    is re-opened once no item is left unconfirmed."""
    product = await require_product(session, product_id, org_id, for_update=True)
    review = await repository.get_open_review_for_org(session, product_id, org_id)
    if review is not None and review.status != ReviewStatus.REVISION_REQUESTED.value:
        return Submitted(review, None, created=False)
    documents = await pif.list_documents_for_org(session, product_id, org_id)
    unconfirmed = [d.item_number for d in documents if d.status in UNCONFIRMED]
    if unconfirmed:
        raise Conflict(
            "Confirm the AI drafts of these items before submitting",
            code="items_unconfirmed",
            details={"items": unconfirmed},
        )
    lint = await compliance.lint_product(
        session, _Tenant(org_id), product_id, rule_index=rule_index
    )
    draft = await snapshot.refresh_draft(session, product, lint=lint, user_id=user_id)
    created = review is None
    if review is None:
        review = SaReview(org_id=org_id, product_id=product_id)
        session.add(review)
    review.status = ReviewStatus.PENDING.value
    review.version_id = draft.id
    await session.flush()
    task = await tasks.enqueue(
        session,
        jobs,
        org_id=org_id,
        type=DRAFT_TASK,
        product_id=product_id,
        created_by=user_id,
        payload={"review_id": str(review.id), "version_id": str(draft.id)},
    )
    await audit.record(
        session,
        "sa.review_submitted",
        org_id=org_id,
        user_id=user_id,
        resource_type="sa_review",
        resource_id=review.id,
        details={
            "product_id": str(product_id),
            "resubmitted": not created,
            "lint": lint.summary,
            "task_id": str(task.id),
        },
        client=client,
    )
    await pif.refresh_product_status(session, product)
    await session.flush()
    await session.refresh(review)
    return Submitted(review, task, created)
