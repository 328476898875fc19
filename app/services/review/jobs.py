"""Worker handler of the review context: the deterministic reference draft of Item 16.

The handler writes text only: it never moves an item, never approves, never signs."""

import uuid
from datetime import date
from typing import Any

from app.ai.providers import total_cost
from app.ai.providers.from_settings import drafting_for
from app.core.tenancy import org_of
from app.engines.review import REFERENCE_DRAFT_LABEL
from app.models.enums import ReviewStatus
from app.services.compliance import taiwan_today
from app.services.identity import mailer_for
from app.services.review import repository
from app.services.review.expiry import expiry_digest_for_org, notify_org
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
        ctx.session, review_id, org_of(task), for_update=True
    )
    if review is None or review.status not in DRAFTABLE:
        return {"review_id": str(review_id), "draft_stored": False}  # gone or signed: idempotent
    product = await require_product(ctx.session, review.product_id, org_of(task))
    versions = await repository.list_versions_for_org(ctx.session, product.id, org_of(task))
    stored = next(
        (v.items_snapshot for v in versions if str(v.id) == task.payload.get("version_id")), None
    )
    source = stored or await live_snapshot(ctx.session, product, lint=None)
    writer, _ = drafting_for(ctx.settings)
    drafted = await writer.draft_assessment(source)  # a reference text; it changes no status
    review.ai_draft_assessment = drafted.value
    await ctx.session.flush()
    await ctx.progress(100)
    return {
        "review_id": str(review_id),
        "draft_stored": True,
        "label": REFERENCE_DRAFT_LABEL,
        "provider": drafted.provider,
        "usage": [u.model_dump(mode="json") for u in drafted.usage],
        "cost_usd": total_cost(drafted.usage),
    }


@register_handler("review.expiry_digest", queue=Queue.DEFAULT)
async def expiry_digest(ctx: JobContext) -> dict[str, Any]:
    """List what entered a warning window for the task's org and e-mail its owners/admins."""
    task = ctx.task
    if task.org_id is None:
        raise PermanentError("an expiry digest needs an organization")
    today = date.fromisoformat(str(task.payload.get("day") or taiwan_today().isoformat()))
    digests = await expiry_digest_for_org(ctx.session, org_of(task), today=today)
    sent = await notify_org(ctx.session, org_of(task), digests, mailer_for(ctx.settings))
    return {
        "day": today.isoformat(),
        "mails_sent": sent,
        "products": [
            {
                "product_id": str(d.product_id),
                "name": d.name,
                "entries": [
                    {"category": e.category, "item_number": e.item_number,
                     "reference": e.reference, "due_date": e.due_date.isoformat(),
                     "days_left": e.days_left, "status": e.status.value}
                    for e in d.entries
                ],
            }
            for d in digests
        ],
    }  # fmt: skip
