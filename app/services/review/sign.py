"""Signing Item 16 (spec 03 §5): one transaction, refusals audited, nothing locked on refusal.

Order: (TOTP, checked by the caller's gate) -> qualification -> lint -> refresh the draft ->
signature_hash -> signature metadata -> lock + label -> Item 16 approved -> status -> audit.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, DomainError, Forbidden
from app.core.tenancy import OrgId
from app.engines.compliance import LintResult
from app.engines.versions import next_signed_label, signature_hash
from app.models import PifVersion
from app.models.enums import DocumentStatus, ReviewStatus, Role, SignatureMethod
from app.models.review import SaReview
from app.services import audit, compliance, pif
from app.services.audit import ClientInfo
from app.services.review import repository, snapshot
from app.services.review.desk import EDITABLE, require_review
from app.services.review.versions import require_product

SIGNATURE_ITEM = 16
# Item 16 has no upload: signing walks it missing -> uploaded -> human_reviewed -> approved
_ITEM16_PATH = {
    DocumentStatus.MISSING.value: DocumentStatus.UPLOADED,
    DocumentStatus.UPLOADED.value: DocumentStatus.HUMAN_REVIEWED,
    DocumentStatus.AI_DRAFT_READY.value: DocumentStatus.HUMAN_REVIEWED,
    DocumentStatus.HUMAN_REVIEWED.value: DocumentStatus.APPROVED,
}


@dataclass(frozen=True)
class Signer:
    """Who asks to sign: a person (user id + role) or an automated actor (worker / AI)."""

    user_id: uuid.UUID | None
    org_id: OrgId
    role: Role | None
    automated: str | None = None  # e.g. "worker:review.draft_assessment"


@dataclass(frozen=True)
class Signed:
    review: SaReview
    version: PifVersion


async def _refuse(
    session: AsyncSession,
    signer: Signer,
    review_id: uuid.UUID,
    error: DomainError,
    client: ClientInfo | None,
    **details: Any,
) -> DomainError:
    await audit.record_denied(
        session,
        "sa.sign_refused",
        org_id=signer.org_id,
        user_id=signer.user_id,
        resource_type="sa_review",
        resource_id=review_id,
        details={"reason": error.code, "automated": signer.automated} | details,
        client=client,
    )
    return error


def _unannotated_errors(lint: LintResult, annotations: dict[str, Any]) -> list[dict[str, Any]]:
    noted = {k for k, v in annotations.items() if isinstance(v, str) and v.strip()}
    return [
        {"rule_id": a.rule_id, "target_item": a.target_item, "message": a.message}
        for a in lint.alerts
        if a.severity == "error" and a.rule_id not in noted
    ]


async def sign_review(
    session: AsyncSession,
    signer: Signer,
    review_id: uuid.UUID,
    *,
    rule_index: compliance.RuleIndexSource,
    today: date,
    client: ClientInfo | None = None,
) -> Signed:
    """Sign the review's draft as V1/V2/V3; any refusal raises after an audit row is written."""
    if signer.automated is not None or signer.role is not Role.SA or signer.user_id is None:
        raise await _refuse(
            session, signer, review_id,
            Forbidden("Only a safety assessor may sign; AI and workers never sign",
                      code="sa_only"), client,
        )  # fmt: skip
    sa_id = signer.user_id
    review = await require_review(session, review_id, signer.org_id)
    if review.status not in EDITABLE:
        raise await _refuse(
            session, signer, review_id,
            Conflict(f"The review is {review.status}", code="review_not_signable"), client,
        )  # fmt: skip
    sa = await repository.get_sa_for_org(session, sa_id, signer.org_id)
    qualified = sa.sa_qualified_until if sa else None
    if qualified is None or qualified < today:
        raise await _refuse(
            session, signer, review_id,
            Conflict("The safety assessor's qualification has expired or is not on record",
                     code="sa_qualification_expired",
                     details={"sa_qualified_until": qualified.isoformat() if qualified else None}),
            client,
        )  # fmt: skip
    lint = await compliance.lint_for_signing(
        session, _Tenant(signer.org_id), review.product_id, qualified, today, rule_index=rule_index
    )
    if not lint.can_sign:
        blocking = [
            {"rule_id": a.rule_id, "target_item": a.target_item, "message": a.message}
            for a in lint.alerts
            if a.severity == "blocking"
        ]
        raise await _refuse(
            session, signer, review_id,
            Conflict("Blocking alerts prevent signing", code="lint_blocking",
                     details={"alerts": blocking}),
            client, alerts=[a["rule_id"] for a in blocking],
        )  # fmt: skip
    missing_notes = _unannotated_errors(lint, dict(review.alert_annotations or {}))
    if missing_notes:
        raise await _refuse(
            session, signer, review_id,
            Conflict("Record a remediation note for each error alert before signing",
                     code="lint_errors_unannotated", details={"alerts": missing_notes}),
            client, alerts=[a["rule_id"] for a in missing_notes],
        )  # fmt: skip

    document = await pif.require_document(session, review.product_id, SIGNATURE_ITEM, signer.org_id)
    if document.status not in _ITEM16_PATH and document.status != DocumentStatus.APPROVED.value:
        raise await _refuse(
            session,
            signer,
            review_id,
            Conflict(f"Item 16 is {document.status}", code="illegal_transition"),
            client,
        )
    product = await require_product(session, review.product_id, signer.org_id, for_update=True)
    draft = await snapshot.refresh_draft(session, product, lint=lint, user_id=sa_id)
    versions = await repository.list_versions_for_org(session, product.id, signer.org_id)
    label = next_signed_label(v.version_label for v in versions if v.is_signed)
    digest = signature_hash(draft.items_snapshot)
    now = datetime.now(UTC)
    client = client or ClientInfo()

    review.signature_method = SignatureMethod.PASSWORD_2FA.value
    review.signature_ip = client.ip
    review.signature_user_agent = client.user_agent
    review.sa_certificate_ref = sa.sa_certificate_ref if sa else None
    review.signed_at = now
    review.signature_hash = digest
    review.status = ReviewStatus.SIGNED.value
    review.sa_id = sa_id
    review.version_id = draft.id

    draft.version_label = label
    draft.signature_hash = digest
    draft.sa_review_id = review.id
    draft.signed_at = now
    draft.is_signed = True  # the DB trigger refuses any later UPDATE/DELETE of this row
    await session.flush()

    while document.status != DocumentStatus.APPROVED.value:
        await pif.move_document(
            session, document, _ITEM16_PATH[document.status], actor=pif.Actor.SA,
            user_id=sa_id, reason=f"signed {label}", client=client,
        )  # fmt: skip
    await pif.refresh_product_status(session, product)
    await audit.record(
        session,
        "sa.signed",
        org_id=signer.org_id,
        user_id=sa_id,
        resource_type="pif_version",
        resource_id=draft.id,
        details={
            "review_id": str(review.id),
            "label": label,
            "signature_hash": digest,
            "ip": client.ip,
            "user_agent": client.user_agent,
            "sa_certificate_ref": review.sa_certificate_ref,
        },
        client=client,
    )
    await session.flush()
    await session.refresh(review)
    return Signed(review, draft)


@dataclass(frozen=True)
class _Tenant:
    tenant_org: OrgId
