"""The PIF workspace: 16-item overview, item content, transitions, uploads, downloads."""

import asyncio
import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from redis.asyncio import Redis

from app.api.accepted import ACCEPTED, accepted
from app.api.deps import (
    Client,
    CurrentPrincipal,
    Jobs,
    KekDep,
    RedisDep,
    SettingsDep,
    StorageDep,
    TenantSession,
)
from app.api.identity_deps import TotpHeader, require_plan_access, require_sa_step_up
from app.core.errors import PayloadTooLarge
from app.core.http_headers import content_disposition
from app.core.tenancy import OrgId
from app.engines.pif import BY_NUMBER, FORMULA_ITEM, ITEMS
from app.models import PifDocument, UploadedFile
from app.models.enums import DocumentStatus, FileType, PifStatus
from app.schemas.errors import ERROR_RESPONSES
from app.schemas.pif import (
    AnalyzeRequest,
    FileRead,
    PifItemDetail,
    PifItemSummary,
    PifItemUpdate,
    PifOverview,
    TransitionRequest,
)
from app.schemas.tasks import PENDING_RETRY, TaskAccepted, TaskRead
from app.services import formulation
from app.services import tasks as tasks_service
from app.services.pif import analyzer_for, repository, service
from app.services.pif import files as pif_files
from app.services.pif.analysis import start_analysis
from app.services.pif.state_machine import SA_DECISIONS, allowed_targets
from app.services.pif.status import completion_ratio
from app.services.pif.uploads import inspect_upload

router = APIRouter(
    prefix="/products/{product_id}",
    tags=["pif"],
    responses=ERROR_RESPONSES,
    dependencies=[require_plan_access()],
)
_MULTIPART_OVERHEAD = 64 * 1024


def file_read(record: UploadedFile) -> FileRead:
    return FileRead.model_validate(record).model_copy(
        update={"encrypted": record.enc_wrapped_key is not None}
    )


def _summary(
    doc: PifDocument, files: list[UploadedFile], analysis: TaskRead | None = None
) -> PifItemSummary:
    """`analysis`: the item's analysis task; when it waits for a retry, so does the item."""
    item = BY_NUMBER[doc.item_number]
    retrying = analysis is not None and analysis.status == PENDING_RETRY
    return PifItemSummary(
        item_number=doc.item_number,
        title_zh=item.title_zh,
        title_en=item.title_en,
        stage=item.stage.value,
        status=DocumentStatus(doc.status),
        ai_confidence=doc.ai_confidence,
        status_reason=analysis.message if retrying and analysis else doc.status_reason,
        pending_retry=retrying,
        next_attempt_at=analysis.next_attempt_at if retrying and analysis else None,
        updated_at=doc.updated_at,
        files=[file_read(f) for f in files if f.pif_item_number == doc.item_number],
    )


async def _item_detail(
    session: TenantSession,
    product_id: uuid.UUID,
    doc: PifDocument,
    principal: CurrentPrincipal,
    redis: Redis | None = None,
) -> PifItemDetail:
    org = principal.tenant_org
    files = await repository.list_files_for_org(session, product_id, org, doc.item_number)
    task = await tasks_service.latest_item_task(
        session, org, product_id, doc.item_number, analyzer_for(doc.item_number)
    )
    retries = await tasks_service.pending_retries_for_product(session, org, product_id)
    views = await tasks_service.task_views(
        session, org, ([task] if task is not None else []) + retries, redis=redis
    )
    analysis = views[0] if task is not None else None
    return PifItemDetail(
        **_summary(doc, files, analysis).model_dump(),
        data=doc.data,
        ai_draft=doc.ai_draft,
        reviewed_by=doc.reviewed_by,
        reviewed_at=doc.reviewed_at,
        approved_by=doc.approved_by,
        approved_at=doc.approved_at,
        allowed_transitions=allowed_targets(
            DocumentStatus(doc.status), service.actor_for(principal.role)
        ),
        analysis_task=analysis,
        pending_retries=views[1:] if task is not None else views,
    )


async def _retrying_items(
    session: TenantSession, org: OrgId, product_id: uuid.UUID
) -> dict[int, TaskRead]:
    """Each item whose analysis waits for a scheduled retry, with that task (one query)."""
    waiting = [
        t
        for t in await tasks_service.pending_retries_for_product(
            session, org, product_id, item_analyses_only=True, limit=None
        )
        if isinstance(n := t.payload.get("item_number"), int) and t.type == analyzer_for(n)
    ]
    views = await tasks_service.task_views(session, org, waiting)
    by_item: dict[int, TaskRead] = {}
    for task, view in zip(waiting, views, strict=True):
        by_item.setdefault(int(task.payload["item_number"]), view)  # type: ignore[call-overload]
    return by_item


@router.get("/pif", response_model=PifOverview)
async def pif_overview(
    product_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: TenantSession,
    group: Annotated[
        Literal["stage"] | None, Query(description="`stage`: also group by stage")
    ] = None,
) -> PifOverview:
    """The 16 items with status, confidence and files, plus the derived product status."""
    org = principal.tenant_org
    product = await service.require_product(session, product_id, org)
    docs = await repository.list_documents_for_org(session, product_id, org, summary=True)
    files = await repository.list_files_for_org(session, product_id, org)
    analysing = any(d.status == DocumentStatus.AI_PROCESSING.value for d in docs)
    # only an item being analysed can wait for a retry: no query otherwise
    retrying = await _retrying_items(session, org, product_id) if analysing else {}
    stages: dict[str, list[int]] | None = None
    if group == "stage":
        stages = {}
        for item in ITEMS:
            stages.setdefault(item.stage.value, []).append(item.number)
    return PifOverview(
        product_id=product.id,
        pif_status=PifStatus(product.pif_status),
        completion=completion_ratio(DocumentStatus(d.status) for d in docs),
        items=[_summary(d, files, retrying.get(d.item_number)) for d in docs],
        stages=stages,
    )


@router.get("/pif/{item_number}", response_model=PifItemDetail)
async def get_item(
    product_id: uuid.UUID,
    item_number: int,
    principal: CurrentPrincipal,
    session: TenantSession,
    redis: RedisDep,
) -> PifItemDetail:
    """One item; `pending_retry` (with `next_attempt_at` and the reason) while its analysis waits
    for outside sources, and the analysis task's progress while it runs."""
    doc = await service.require_document(session, product_id, item_number, principal.tenant_org)
    return await _item_detail(session, product_id, doc, principal, redis)


@router.put("/pif/{item_number}", response_model=PifItemDetail)
async def update_item(
    product_id: uuid.UUID,
    item_number: int,
    body: PifItemUpdate,
    principal: CurrentPrincipal,
    session: TenantSession,
    client: Client,
) -> PifItemDetail:
    """Save the item's structured content; `confirm: true` marks it human-reviewed."""
    doc = await service.update_item(
        session,
        org_id=principal.tenant_org,
        user_id=principal.user_id,
        role=principal.role,
        product_id=product_id,
        item_number=item_number,
        data=body.data,
        confirm=body.confirm,
        client=client,
    )
    return await _item_detail(session, product_id, doc, principal)


@router.post("/pif/{item_number}/status", response_model=PifItemDetail)
async def transition_item(
    product_id: uuid.UUID,
    item_number: int,
    body: TransitionRequest,
    principal: CurrentPrincipal,
    session: TenantSession,
    client: Client,
    settings: SettingsDep,
    totp_code: TotpHeader = None,
) -> PifItemDetail:
    """Move an item through the state machine; 409 lists the legal targets. Approval and sending
    back for revision are SA-only and need a fresh `X-TOTP-Code`."""
    if body.status in SA_DECISIONS:
        await require_sa_step_up(principal, session, settings, client, totp_code)
    doc = await service.transition_item(
        session,
        org_id=principal.tenant_org,
        user_id=principal.user_id,
        role=principal.role,
        product_id=product_id,
        item_number=item_number,
        target=body.status,
        reason=body.reason,
        client=client,
    )
    return await _item_detail(session, product_id, doc, principal)


@router.post("/pif/analyze", **ACCEPTED)
async def analyze(
    product_id: uuid.UUID,
    body: AnalyzeRequest,
    response: Response,
    principal: CurrentPrincipal,
    session: TenantSession,
    jobs: Jobs,
    client: Client,
) -> TaskAccepted:
    """Start AI analysis of items (item 3: formulation extraction; 9/10: toxicology); 202."""
    started = await start_analysis(
        session,
        jobs,
        org_id=principal.tenant_org,
        user_id=principal.user_id,
        role=principal.role,
        product_id=product_id,
        item_numbers=body.items,
        client=client,
    )
    return accepted(response, *started)


@router.post("/pif/upload", status_code=201, response_model=FileRead)
async def upload(
    product_id: uuid.UUID,
    request: Request,
    principal: CurrentPrincipal,
    session: TenantSession,
    storage: StorageDep,
    kek: KekDep,
    settings: SettingsDep,
    client: Client,
    item_number: Annotated[int, Form(ge=1, le=16)],
    file: Annotated[UploadFile, File()],
    document_type: Annotated[FileType | None, Form()] = None,
    issue_date: Annotated[date | None, Form()] = None,
    expiry_date: Annotated[date | None, Form()] = None,
    test_date: Annotated[date | None, Form()] = None,
) -> FileRead:
    """Upload a document for one item (size/type checked; formula files encrypted)."""
    limit = settings.max_upload_bytes
    declared = int(request.headers.get("content-length") or 0)
    if declared > limit + _MULTIPART_OVERHEAD:
        raise PayloadTooLarge(f"The file exceeds the {limit // (1024 * 1024)} MB limit")
    data = await file.read(limit + 1)
    inspected = inspect_upload(file.filename, data, limit)
    if item_number == FORMULA_ITEM:
        # row/column/cell caps before it is stored: a refusal now, not a stalled extraction later
        await asyncio.to_thread(formulation.check_formula_table, data, inspected.extension)
    meta = pif_files.UploadMeta(item_number, document_type, issue_date, expiry_date, test_date)
    record = await pif_files.upload_file(
        session,
        storage,
        kek,
        org_id=principal.tenant_org,
        user_id=principal.user_id,
        role=principal.role,
        product_id=product_id,
        meta=meta,
        upload=inspected,
        data=data,
        client=client,
    )
    return file_read(record)


@router.get("/files/{file_id}/content", response_class=Response)
async def download(
    product_id: uuid.UUID,
    file_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: TenantSession,
    storage: StorageDep,
    kek: KekDep,
) -> Response:
    """The file as uploaded (decrypted for formula files), for members of the owning org."""
    record, data = await pif_files.read_file(
        session,
        storage,
        kek,
        org_id=principal.tenant_org,
        product_id=product_id,
        file_id=file_id,
    )
    return Response(
        content=data,
        media_type=record.content_type,
        headers={
            "Content-Disposition": content_disposition(record.original_filename),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
