"""PIF versions (spec 03 §8): snapshots, change detection, auto-draft, expiry."""

import uuid

from fastapi import APIRouter, Request

from app.api.deps import Client, CurrentPrincipal, TenantSession
from app.api.identity_deps import require_plan_access
from app.core.errors import NotFound
from app.engines.versions import FINGERPRINTS_KEY
from app.models import PifVersion
from app.schemas.errors import ERROR_RESPONSES
from app.schemas.review import (
    ChangeDetectionRead,
    ExpiryList,
    ExpiryRead,
    VersionDetail,
    VersionList,
    VersionRead,
)
from app.services import compliance, review

router = APIRouter(
    prefix="/products/{product_id}/pif-versions",
    tags=["versions"],
    responses=ERROR_RESPONSES,
    dependencies=[require_plan_access("compliance_engine")],
)


def version_read(row: PifVersion) -> VersionRead:
    prints = (row.items_snapshot or {}).get(FINGERPRINTS_KEY)
    return VersionRead(
        id=row.id,
        product_id=row.product_id,
        version_label=row.version_label,
        sequence=row.sequence,
        is_signed=row.is_signed,
        signature_hash=row.signature_hash,
        sa_review_id=row.sa_review_id,
        created_at=row.created_at,
        signed_at=row.signed_at,
        fingerprints=dict(prints) if isinstance(prints, dict) else None,
    )


@router.post("/snapshot", response_model=VersionRead)
async def snapshot(
    product_id: uuid.UUID, request: Request, principal: CurrentPrincipal, session: TenantSession
) -> VersionRead:
    """Refresh the unsigned draft from live data (created, labelled, if there is none)."""
    row = await review.refresh_snapshot(
        session,
        principal.tenant_org,
        principal.user_id,
        product_id,
        rule_index=request.app.state.rule_index,
    )
    return version_read(row)


@router.get("", response_model=VersionList)
async def list_versions(
    product_id: uuid.UUID, principal: CurrentPrincipal, session: TenantSession
) -> VersionList:
    rows = await review.list_versions(session, principal.tenant_org, product_id)
    return VersionList(items=[version_read(r) for r in rows], total=len(rows))


@router.get("/change-detection", response_model=ChangeDetectionRead)
async def change_detection(
    product_id: uuid.UUID, principal: CurrentPrincipal, session: TenantSession
) -> ChangeDetectionRead:
    """Live fingerprints against the latest signed snapshot's."""
    report = await review.change_detection(session, principal.tenant_org, product_id)
    return ChangeDetectionRead.model_validate(report)


@router.post("/auto-draft", response_model=VersionRead)
async def auto_draft(
    product_id: uuid.UUID, principal: CurrentPrincipal, session: TenantSession, client: Client
) -> VersionRead:
    """Clone the latest signed snapshot into the V2/V3 draft (idempotent); 409 with no change."""
    row = await review.auto_draft(
        session, principal.tenant_org, principal.user_id, product_id, client=client
    )
    return version_read(row)


@router.get("/expiring", response_model=ExpiryList)
async def expiring(
    product_id: uuid.UUID, principal: CurrentPrincipal, session: TenantSession
) -> ExpiryList:
    """Tracked deadlines, nearest first (Taiwan dates)."""
    entries = await review.expiring(
        session, principal.tenant_org, product_id, today=compliance.taiwan_today()
    )
    items = [ExpiryRead.model_validate(e) for e in entries]
    return ExpiryList(items=items, total=len(items))


@router.get("/{version_id}", response_model=VersionDetail)
async def get_version(
    product_id: uuid.UUID,
    version_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: TenantSession,
) -> VersionDetail:
    """One snapshot in full (the file as it was when signed)."""
    rows = await review.list_versions(session, principal.tenant_org, product_id)
    row = next((r for r in rows if r.id == version_id), None)
    if row is None:
        raise NotFound("Version not found")
    return VersionDetail(**version_read(row).model_dump(), items_snapshot=row.items_snapshot)
