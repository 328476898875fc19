"""PIF workspace use cases: overview, item content, state transitions, derived product status."""

import uuid
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.authz import ROLE_PERMISSIONS, Permission
from app.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from app.core.tenancy import OrgId, org_of
from app.engines.safety.confirm import open_points
from app.models import PifDocument, Product
from app.models.enums import DocumentStatus, PifStatus, Role
from app.schemas.pif_items import validate_item_data
from app.services import audit
from app.services.audit import ClientInfo
from app.services.pif import registry, repository
from app.services.pif.state_machine import (
    Actor,
    ForbiddenTransition,
    IllegalTransition,
    check_transition,
)
from app.services.pif.status import derive_pif_status
from app.services.pif.status_facts import status_facts
from app.services.products import get_product_for_org

SAFETY_ITEM = 10  # Item 10: an open safety draft is confirmed only by the SA


def actor_for(role: Role) -> Actor:
    """The state-machine actor of a role: reviewers (Permission.PIF_REVIEW) act as the SA."""
    return (
        Actor.SA if Permission.PIF_REVIEW in ROLE_PERMISSIONS.get(role, frozenset()) else Actor.USER
    )


async def require_product(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId, *, for_update: bool = False
) -> Product:
    product = await get_product_for_org(session, product_id, org_id, for_update=for_update)
    if product is None:
        raise NotFound("Product not found")
    return product


async def require_document(
    session: AsyncSession, product_id: uuid.UUID, item_number: int, org_id: OrgId
) -> PifDocument:
    await require_product(session, product_id, org_id)
    if not 1 <= item_number <= 16:
        raise NotFound("PIF item not found; items are numbered 1 to 16")
    document = await repository.get_document_for_org(
        session, product_id, item_number, org_id, for_update=True
    )
    if document is None:
        raise NotFound("PIF item not found")
    return document


async def refresh_product_status(session: AsyncSession, product: Product) -> None:
    """Re-derive products.pif_status from documents, reviews and versions (spec 01 §5)."""
    documents = await repository.list_documents_for_org(session, product.id, org_of(product))
    facts = await status_facts(session, product)
    status = derive_pif_status(
        (DocumentStatus(d.status) for d in documents),
        open_review=facts.open_review,
        signed_and_current=facts.signed_and_current,
        validity_lapsed=facts.validity_lapsed,
    )
    if product.pif_status != status.value:
        product.pif_status = status.value
        if status is PifStatus.COMPLETED and product.pif_completed_at is None:
            product.pif_completed_at = datetime.now(UTC)


async def move_document(
    session: AsyncSession,
    document: PifDocument,
    target: DocumentStatus,
    *,
    actor: Actor,
    user_id: uuid.UUID | None,
    reason: str | None = None,
    client: ClientInfo | None = None,
) -> None:
    """Apply one transition (or refuse it: 409 illegal, 403 wrong actor) and audit it."""
    current = DocumentStatus(document.status)
    try:
        check_transition(current, target, actor)
    except (IllegalTransition, ForbiddenTransition) as exc:
        # spec 01 §4: every attempt is audited; own transaction, so the refusal's rollback keeps it
        await audit.record_denied(
            session,
            "pif.transition_refused",
            org_id=document.org_id,
            user_id=user_id,
            resource_type="pif_document",
            resource_id=document.id,
            details={
                "item": document.item_number,
                "from": current,
                "to": target,
                "actor": actor,
                "reason": "illegal" if isinstance(exc, IllegalTransition) else "forbidden",
            },
            client=client,
        )
        if isinstance(exc, IllegalTransition):
            raise Conflict(
                f"Item {document.item_number} cannot move from {current} to {target}",
                code="illegal_transition",
                details={"from": current, "to": target, "allowed": [s.value for s in exc.allowed]},
            ) from exc
        raise Forbidden(
            "Only a safety assessor may approve an item"
            if target is DocumentStatus.APPROVED
            else f"A {actor} may not make this change"
        ) from exc
    now = datetime.now(UTC)
    document.status = target.value
    document.status_reason = reason
    document.updated_at = now
    if target is DocumentStatus.HUMAN_REVIEWED:
        document.reviewed_by, document.reviewed_at = user_id, now
    if target is DocumentStatus.APPROVED:
        document.approved_by, document.approved_at = user_id, now
    await audit.record(
        session,
        "pif.status_changed",
        org_id=document.org_id,
        user_id=user_id,
        resource_type="pif_document",
        resource_id=document.id,
        details={"item": document.item_number, "from": current, "to": target, "reason": reason},
        client=client,
    )


def validated_item_data(item_number: int, data: object) -> dict[str, object]:
    try:
        return validate_item_data(item_number, data)
    except ValidationError as exc:
        details = [
            {"loc": ["body", "data", *e["loc"]], "msg": e["msg"], "type": e["type"]}
            for e in exc.errors()
        ]
        raise Unprocessable(f"Invalid content for item {item_number}", details=details) from exc


async def update_item(
    session: AsyncSession,
    *,
    org_id: OrgId,
    user_id: uuid.UUID,
    role: Role,
    product_id: uuid.UUID,
    item_number: int,
    data: dict[str, object],
    confirm: bool,
    client: ClientInfo | None = None,
) -> PifDocument:
    """Save an item's structured content; `confirm` moves it to human_reviewed."""
    document = await require_document(session, product_id, item_number, org_id)
    clean = validated_item_data(item_number, data)
    actor = actor_for(role)
    current = DocumentStatus(document.status)
    if current is DocumentStatus.AI_PROCESSING:
        raise Conflict(
            "The item is being analysed; wait for the task to finish",
            code="illegal_transition",
            details={"from": current, "allowed": []},
        )
    if current is DocumentStatus.MISSING:
        await move_document(
            session,
            document,
            DocumentStatus.UPLOADED,
            actor=actor,
            user_id=user_id,
            reason="form data saved",
            client=client,
        )
    elif current is DocumentStatus.APPROVED:
        # edits after approval re-open review (and feed change detection)
        await move_document(
            session,
            document,
            DocumentStatus.HUMAN_REVIEWED,
            actor=actor,
            user_id=user_id,
            reason="edited after approval",
            client=client,
        )
    reasons = open_points(document.ai_draft) if item_number == SAFETY_ITEM else []
    if confirm and reasons and role is not Role.SA:
        raise Conflict(
            "Item 10 has open safety points; it stays open for the SA",
            code="sa_must_resolve",
            details={"reasons": reasons},
        )
    document.data = clean
    if confirm and DocumentStatus(document.status) is not DocumentStatus.HUMAN_REVIEWED:
        await move_document(
            session,
            document,
            DocumentStatus.HUMAN_REVIEWED,
            actor=actor,
            user_id=user_id,
            reason="content confirmed",
            client=client,
        )
    if document.status == DocumentStatus.HUMAN_REVIEWED.value:
        # e.g. formulation turns a confirmed Item 3 into formula lines (registered by it)
        await registry.run_confirm_hooks(
            session, org_id=org_id, product_id=product_id, item_number=item_number, data=clean
        )
    await refresh_product_status(session, await require_product(session, product_id, org_id))
    await session.flush()
    return document


async def transition_item(
    session: AsyncSession,
    *,
    org_id: OrgId,
    user_id: uuid.UUID,
    role: Role,
    product_id: uuid.UUID,
    item_number: int,
    target: DocumentStatus,
    reason: str | None,
    client: ClientInfo | None = None,
) -> PifDocument:
    document = await require_document(session, product_id, item_number, org_id)
    await move_document(
        session,
        document,
        target,
        actor=actor_for(role),
        user_id=user_id,
        reason=reason,
        client=client,
    )
    await refresh_product_status(session, await require_product(session, product_id, org_id))
    await session.flush()
    return document
