"""Worker handler of the review context: the deterministic reference draft of Item 16.

The handler writes text only: it never moves an item, never approves, never signs."""

import uuid
from typing import Any

from app.engines.review import REFERENCE_DRAFT_LABEL, reference_draft
from app.models.enums import ReviewStatus
from app.services.review import repository
from app.services.review.snapshot import live_snapshot
from app.services.review.versions import require_product
from app.services.tasks import JobContext, PermanentError, Queue, register_handler

DRAFTABLE = frozenset({ReviewStatus.PENDING.value, ReviewStatus.IN_REVIEW.value})


@register_handler("review.draft_assessment", queue=Queue.SA_DRAFT)
async def draft_assessment(ctx: JobContext) -> dict[str, Any]:
    task = ctx.task
    if task.org_id is None:
        raise PermanentError("an SA draft needs an organization")
    review_id = uuid.UUID(str(task.payload["review_id"]))
    review = await repository.get_review_for_org(
        ctx.session, review_id, task.org_id, for_update=True
    )
    if review is None or review.status not in DRAFTABLE:
        return {"review_id": str(review_id), "draft_stored": False}  # gone or signed: idempotent
    product = await require_product(ctx.session, review.product_id, task.org_id)
    versions = await repository.list_versions_for_org(ctx.session, product.id, task.org_id)
    stored = next(
        (v.items_snapshot for v in versions if str(v.id) == task.payload.get("version_id")), None
    )
    source = stored or await live_snapshot(ctx.session, product, lint=None)
    review.ai_draft_assessment = reference_draft(source)
    await ctx.session.flush()
    await ctx.progress(100)
    return {"review_id": str(review_id), "draft_stored": True, "label": REFERENCE_DRAFT_LABEL}
