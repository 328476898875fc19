"""Regulatory list syncs (super admins, TOTP on every call): start as tasks, read status."""

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile

from app.api.accepted import ACCEPTED, accepted
from app.api.deps import Jobs, KekDep, RequestSession, SettingsDep, StorageDep
from app.api.identity_deps import SuperAdminPrincipal
from app.core.errors import PayloadTooLarge, Unprocessable
from app.core.unit_of_work import enter_system_scope
from app.models.enums import SyncSource
from app.schemas.chemical_sync import SyncRunRead, SyncSourceStatus, SyncStatus
from app.schemas.errors import ERROR_RESPONSES
from app.schemas.tasks import TaskAccepted
from app.services.chemical_sync import service
from app.services.pif.uploads import safe_filename

router = APIRouter(prefix="/chemical-sync", tags=["chemical sync"], responses=ERROR_RESPONSES)
STATUS_SOURCES = [SyncSource.TFDA, SyncSource.COSING, SyncSource.ECHA, SyncSource.COSING_INVENTORY]


@router.post("/tfda", **ACCEPTED)
async def sync_tfda(
    principal: SuperAdminPrincipal,
    file: Annotated[UploadFile, File(description="TW list template (CSV or XLSX)")],
    response: Response,
    session: RequestSession,
    storage: StorageDep,
    kek: KekDep,
    settings: SettingsDep,
    jobs: Jobs,
) -> TaskAccepted:
    """Import Taiwan TFDA list entries from the documented template, as a task (202)."""
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise PayloadTooLarge("The template exceeds the upload size limit")
    name = safe_filename(file.filename)
    if not data or not name.lower().endswith((".csv", ".xlsx")):
        raise Unprocessable("Upload a non-empty .csv or .xlsx template", code="invalid_template")
    await enter_system_scope(session)
    task = await service.start_tfda_sync(
        session, jobs, storage, kek, user_id=principal.user_id, filename=name, data=data
    )
    return accepted(response, task)


@router.post("/echa", **ACCEPTED)
async def sync_echa(
    principal: SuperAdminPrincipal, response: Response, session: RequestSession, jobs: Jobs
) -> TaskAccepted:
    """Refresh ECHA classifications of every ingredient in a confirmed formula (202)."""
    await enter_system_scope(session)
    task = await service.start_echa_sync(session, jobs, user_id=principal.user_id)
    return accepted(response, task)


@router.get("/status", response_model=SyncStatus)
async def sync_status(principal: SuperAdminPrincipal, session: RequestSession) -> SyncStatus:
    """The last run per source with its counts and diff summary."""
    runs = await service.last_runs(session, [s.value for s in STATUS_SOURCES])
    return SyncStatus(
        sources=[
            SyncSourceStatus(
                source=r.source,
                last_run=SyncRunRead.model_validate(r.last_run) if r.last_run else None,
            )
            for r in runs
        ]
    )
