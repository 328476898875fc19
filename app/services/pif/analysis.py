"""AI analysis of PIF items: start (request side) and finish or fail (worker side)."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict
from app.core.jobs import JobBuffer
from app.core.tenancy import OrgId, org_of
from app.engines.pif import BY_NUMBER, Source
from app.models import PifDocument, Task
from app.models.enums import DocumentStatus, Role
from app.services import audit, tasks
from app.services.audit import ClientInfo
from app.services.pif import registry, repository
from app.services.pif.service import (
    actor_for,
    move_document,
    refresh_product_status,
    require_document,
    require_product,
)
from app.services.pif.state_machine import Actor


async def start_analysis(
    session: AsyncSession,
    jobs: JobBuffer,
    *,
    org_id: OrgId,
    user_id: uuid.UUID,
    role: Role,
    product_id: uuid.UUID,
    item_numbers: list[int],
    client: ClientInfo | None = None,
) -> list[Task]:
    """Move each item to ai_processing and enqueue its task (published after commit); 409,
    with nothing moved or enqueued, when an item's analyzer cannot start yet."""
    wanted = list(dict.fromkeys(item_numbers))
    refusals = {
        n: reason
        for n in wanted
        if (
            reason := await registry.refusal_for(
                session, org_id=org_id, product_id=product_id, item_number=n
            )
        )
    }
    if refusals:
        raise Conflict(
            " ".join(dict.fromkeys(refusals.values())),
            code="analysis_precondition",
            details={"items": {str(n): r for n, r in refusals.items()}},
        )
    started = []
    for item_number in wanted:
        document = await require_document(session, product_id, item_number, org_id)
        actor = actor_for(role)
        if BY_NUMBER[item_number].source is Source.QUERY and document.status == "missing":
            # query items have nothing to upload: the lookup itself is their input
            await move_document(
                session,
                document,
                DocumentStatus.UPLOADED,
                actor=actor,
                user_id=user_id,
                reason="database query requested",
                client=client,
            )
        await move_document(
            session,
            document,
            DocumentStatus.AI_PROCESSING,
            actor=actor,
            user_id=user_id,
            reason="analysis requested",
            client=client,
        )
        task = await tasks.enqueue(
            session,
            jobs,
            org_id=org_id,
            type=registry.analyzer_for(item_number),
            product_id=product_id,
            created_by=user_id,
            payload={"product_id": str(product_id), "item_number": item_number},
        )
        await audit.record(
            session,
            "pif.ai_analyzed",
            org_id=org_id,
            user_id=user_id,
            resource_type="pif_document",
            resource_id=document.id,
            details={"item": item_number, "task_id": str(task.id)},
            client=client,
        )
        started.append(task)
    await refresh_product_status(session, await require_product(session, product_id, org_id))
    return started


async def _processing_document(session: AsyncSession, task: Task) -> PifDocument | None:
    assert task.org_id is not None and task.product_id is not None
    item_number = int(task.payload["item_number"])  # type: ignore[call-overload]
    document = await repository.get_document_for_org(
        session, task.product_id, item_number, org_of(task), for_update=True
    )
    if document is None or document.status != DocumentStatus.AI_PROCESSING.value:
        return None  # deleted, or already finished by an earlier delivery (idempotent)
    return document


async def analysis_open(session: AsyncSession, task: Task) -> bool:
    """The task's item is still being analysed (a retry that finds it moved on does nothing)."""
    assert task.org_id is not None and task.product_id is not None
    item_number = int(task.payload["item_number"])  # type: ignore[call-overload]
    status = await repository.document_status(session, task.product_id, item_number, org_of(task))
    return status == DocumentStatus.AI_PROCESSING.value


async def finish_analysis(
    session: AsyncSession,
    task: Task,
    draft: dict[str, object],
    confidence: float | None,
    *,
    reason: str | None = None,
) -> bool:
    """Store the AI draft and move ai_processing → ai_draft_ready; False if nothing to do."""
    document = await _processing_document(session, task)
    if document is None:
        return False
    document.ai_draft = draft
    document.ai_confidence = confidence
    await move_document(
        session,
        document,
        DocumentStatus.AI_DRAFT_READY,
        actor=Actor.WORKER,
        user_id=None,
        reason=(reason or f"task {task.id}")[:2000],
    )
    product = await require_product(session, document.product_id, org_of(document))
    await refresh_product_status(session, product)
    return True


async def hold_analysis(
    session: AsyncSession, task: Task, draft: dict[str, object], reason: str
) -> bool:
    """The analysis waits for a scheduled retry (outside sources down): the item stays
    `ai_processing` with `reason`, the provisional draft is kept for reading, and no confidence
    is set (no draft is ready). False if nothing to do."""
    document = await _processing_document(session, task)
    if document is None:
        return False
    document.ai_draft = draft
    document.ai_confidence = None
    document.status_reason = reason[:2000]
    return True


async def fail_analysis(session: AsyncSession, task: Task, reason: str) -> None:
    """Fail-soft: the item goes back to `uploaded` with a readable reason."""
    document = await _processing_document(session, task)
    if document is None:
        return
    await move_document(
        session,
        document,
        DocumentStatus.UPLOADED,
        actor=Actor.WORKER,
        user_id=None,
        reason=reason[:2000],
    )
    product = await require_product(session, document.product_id, org_of(document))
    await refresh_product_status(session, product)
