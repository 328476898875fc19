"""SA review: the operator's submit, the SA's desk (queue, open, save, revision) and signing."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from app.api.accepted import task_location
from app.api.deps import (
    Client,
    CurrentPrincipal,
    Jobs,
    RequestSession,
    SettingsDep,
    TenantSession,
)
from app.api.identity_deps import SaPrincipal, SaTotpPrincipal, TotpHeader, require_plan_access
from app.api.v1.versions import version_read
from app.core.errors import DomainError, Forbidden
from app.core.tenancy import Principal
from app.core.unit_of_work import commit
from app.models.enums import Role
from app.models.review import SaReview
from app.schemas.errors import ERROR_RESPONSES
from app.schemas.review import (
    QueueEntryRead,
    QueueRead,
    ReviewDetail,
    ReviewItemRead,
    ReviewRead,
    ReviewSubmitted,
    ReviewUpdate,
    RevisionRequest,
    SignedRead,
)
from app.services import audit, compliance, review
from app.services.identity import require_totp_code

router = APIRouter(tags=["review"], responses=ERROR_RESPONSES, dependencies=[require_plan_access()])


def _rule_index(request: Request) -> compliance.RuleIndexSource:
    cache: compliance.RuleIndexSource = request.app.state.rule_index
    return cache


def review_read(row: SaReview) -> ReviewRead:
    return ReviewRead.model_validate(row)


def review_detail(view: review.ReviewView) -> ReviewDetail:
    snap: dict[str, Any] = dict(view.version.items_snapshot) if view.version is not None else {}
    items: dict[str, Any] = snap.get("items") or {}
    return ReviewDetail(
        review=review_read(view.review),
        product_name=view.product.name,
        version_label=view.version.version_label if view.version else None,
        items=[
            ReviewItemRead(
                item_number=d.item_number,
                status=d.status,
                status_reason=d.status_reason,
                ai_confidence=d.ai_confidence,
                data=dict(d.data or {}),
                ai_draft=d.ai_draft,
            )
            for d in view.documents
            if d.item_number <= 15
        ],
        lint=snap.get("lint"),
        verdicts=list(snap.get("verdicts") or []),
        files={n: list(item.get("files") or []) for n, item in items.items() if item.get("files")},
    )


@router.post(
    "/products/{product_id}/pif/submit-review",
    status_code=202,
    response_model=ReviewSubmitted,
)
async def submit_review(
    product_id: uuid.UUID,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    session: TenantSession,
    jobs: Jobs,
    client: Client,
) -> ReviewSubmitted:
    """Operator: refresh the draft snapshot, open the SA review, queue the reference draft (202).

    While a review is open the same review is returned (200, no new task)."""
    done = await review.submit_for_review(
        session,
        jobs,
        org_id=principal.tenant_org,
        user_id=principal.user_id,
        product_id=product_id,
        rule_index=_rule_index(request),
        client=client,
    )
    if done.task is not None:
        response.headers["Location"] = task_location(done.task)
    else:
        response.status_code = 200
    return ReviewSubmitted(
        review_id=done.review.id,
        status=done.review.status,
        version_id=done.review.version_id,
        task_id=done.task.id if done.task else None,
        created=done.created,
    )


@router.get("/sa/pending", response_model=QueueRead)
async def pending(principal: SaPrincipal, session: TenantSession) -> QueueRead:
    """Open reviews; those with a field or formula line below 0.5 confidence first, then oldest."""
    entries = await review.pending_queue(session, principal.tenant_org)
    items = [
        QueueEntryRead(
            review_id=e.review.id,
            product_id=e.review.product_id,
            product_name=e.product_name,
            status=e.review.status,
            created_at=e.review.created_at,
            lowest_confidence=e.lowest_confidence,
            low_confidence_lines=e.low_confidence_lines,
            needs_attention=e.needs_attention,
        )
        for e in entries
    ]
    return QueueRead(items=items, total=len(items))


@router.get("/sa/reviews/{review_id}", response_model=ReviewDetail)
async def get_review(
    review_id: uuid.UUID, principal: SaPrincipal, session: TenantSession, client: Client
) -> ReviewDetail:
    """Snapshot, items 1–15, lint and verdicts; the first open moves it to in_review (audited)."""
    view = await review.open_review(
        session, principal.tenant_org, principal.user_id, review_id, client=client
    )
    return review_detail(view)


@router.put("/sa/reviews/{review_id}", response_model=ReviewDetail)
async def update_review(
    review_id: uuid.UUID,
    body: ReviewUpdate,
    principal: SaTotpPrincipal,
    session: TenantSession,
    client: Client,
) -> ReviewDetail:
    """Final assessment, comments, per-rule remediation notes, per-item approvals (TOTP)."""
    view = await review.update_review(
        session,
        principal.tenant_org,
        principal.user_id,
        review_id,
        changes=body.model_dump(exclude_unset=True, exclude={"approve_items"}),
        approve_items=body.approve_items,
        client=client,
    )
    return review_detail(view)


@router.post("/sa/reviews/{review_id}/revision", response_model=ReviewDetail)
async def request_revision(
    review_id: uuid.UUID,
    body: RevisionRequest,
    principal: SaTotpPrincipal,
    session: TenantSession,
    client: Client,
) -> ReviewDetail:
    """Send the listed items back to ai_draft_ready with the SA's comment (TOTP; audited)."""
    view = await review.request_revision(
        session,
        principal.tenant_org,
        principal.user_id,
        review_id,
        items=body.items,
        comment=body.comment,
        client=client,
    )
    return review_detail(view)


async def sign_gate(
    review_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: RequestSession,
    settings: SettingsDep,
    client: Client,
    code: TotpHeader = None,
) -> Principal:
    """Role sa and a fresh TOTP code; each refusal leaves an `sa.sign_refused` row."""
    error: DomainError | None = None
    if principal.role is not Role.SA:
        error = Forbidden("Only safety assessors may sign", code="sa_only")
    else:
        try:
            await require_totp_code(
                session, settings, user_id=principal.user_id, org_id=principal.org_id,
                code=code, client=client,
            )  # fmt: skip
        except DomainError as exc:
            error = exc
    if error is not None:
        await audit.record_denied(
            session, "sa.sign_refused", org_id=principal.org_id, user_id=principal.user_id,
            resource_type="sa_review", resource_id=review_id,
            details={"reason": error.code}, client=client,
        )  # fmt: skip
        raise error
    # the used step is committed now: a signature refused later cannot free the code for reuse
    await commit(session)
    return principal


@router.post("/sa/reviews/{review_id}/sign", response_model=SignedRead)
async def sign(
    review_id: uuid.UUID,
    request: Request,
    principal: Annotated[Principal, Depends(sign_gate)],
    session: TenantSession,
    client: Client,
) -> SignedRead:
    """TOTP -> qualification -> lint -> snapshot -> hash -> lock as V1/V2/V3 -> Item 16 approved."""
    signed = await review.sign_review(
        session,
        review.Signer(principal.user_id, principal.tenant_org, principal.role),
        review_id,
        rule_index=_rule_index(request),
        today=compliance.taiwan_today(),
        client=client,
    )
    return SignedRead(review=review_read(signed.review), version=version_read(signed.version))
