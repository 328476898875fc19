"""The PIF dossier (generate, download), the org's signing certificate, offline-style verify."""

import asyncio
import uuid
from datetime import UTC
from typing import Annotated, Any

from fastapi import APIRouter, Body, File, Form, Query, Request, Response, UploadFile

from app.api.accepted import task_location
from app.api.deps import (
    Client,
    CurrentPrincipal,
    Jobs,
    KekDep,
    SettingsDep,
    StorageDep,
    TenantSession,
    require_permission,
)
from app.api.identity_deps import require_plan_access
from app.core.authz import Permission, can
from app.core.errors import PayloadTooLarge, Unprocessable
from app.core.http_headers import content_disposition
from app.core.tenancy import OrgId
from app.models.documents import DossierBuild
from app.schemas.dossier import CertificateRead, DossierRead, DossierRequest, VerifyRead
from app.schemas.errors import ERROR_RESPONSES
from app.services import documents

router = APIRouter(tags=["documents"], responses=ERROR_RESPONSES)
product_router = APIRouter(
    prefix="/products/{product_id}/pif",
    tags=["documents"],
    responses=ERROR_RESPONSES,
    dependencies=[require_plan_access()],
)
_MULTIPART_OVERHEAD = 64 * 1024
ZIP_TYPE = "application/zip"


def dossier_read(build: DossierBuild) -> DossierRead:
    url = (
        f"/api/v1/products/{build.product_id}/pif/download?build_id={build.id}"
        if build.status == "ready"
        else None
    )
    return DossierRead.model_validate(build).model_copy(update={"download_url": url})


@product_router.post(
    "/generate",
    status_code=201,
    response_model=DossierRead,
    responses={202: {"model": DossierRead, "description": "Queued; poll the Location task"}},
)
async def generate(
    product_id: uuid.UUID,
    response: Response,
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    storage: StorageDep,
    kek: KekDep,
    jobs: Jobs,
    client: Client,
    body: Annotated[DossierRequest | None, Body()] = None,
) -> DossierRead:
    """Build the dossier ZIP (regulatory PDF, evidence, signed manifest): 201 when built in the
    request, 202 + task when large. Formula files only for roles that may read them."""
    done = await documents.generate(
        session, settings, storage, kek, jobs,
        org_id=principal.tenant_org, user_id=principal.user_id,
        with_formula=can(principal, Permission.FORMULA_FILE_READ),
        product_id=product_id, version_id=body.version_id if body else None, client=client,
    )  # fmt: skip
    if done.task is not None:
        response.status_code = 202
        response.headers["Location"] = task_location(done.task)
    return dossier_read(done.build)


@product_router.get(
    "/download",
    response_class=Response,
    responses={200: {"content": {ZIP_TYPE: {}}, "description": "The dossier ZIP"}},
)
async def download(
    product_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: TenantSession,
    storage: StorageDep,
    kek: KekDep,
    client: Client,
    build_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Response:
    """The newest ready dossier the caller may read (or `build_id`); 404 if none; 409 if the
    asked-for build is still being made."""
    build, data, product = await documents.download(
        session, storage, kek,
        org_id=principal.tenant_org, product_id=product_id,
        with_formula=can(principal, Permission.FORMULA_FILE_READ),
        build_id=build_id, user_id=principal.user_id, client=client,
    )  # fmt: skip
    stamp = build.created_at.astimezone(UTC).strftime("%Y%m%d")
    name = f"{product.name}_PIF_{build.version_label}_{stamp}.zip"
    return Response(
        content=data,
        media_type=ZIP_TYPE,
        headers={
            "Content-Disposition": content_disposition(name),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "X-Dossier-SHA256": build.sha256 or "",
        },
    )


async def _certificate(session: TenantSession, settings: SettingsDep, org_id: OrgId) -> Any:
    await documents.signing_material(session, settings, org_id)  # made on first use
    return await documents.active_signing_key(session, org_id)


@router.get("/signing/certificate", response_model=CertificateRead)
async def signing_certificate(
    principal: CurrentPrincipal, session: TenantSession, settings: SettingsDep
) -> CertificateRead:
    """The organization's signing certificate (PEM): the trust root an inspector verifies with."""
    row = await _certificate(session, settings, principal.tenant_org)
    return CertificateRead.model_validate(row, from_attributes=True)


@router.post(
    "/signing/certificate",
    status_code=201,
    response_model=CertificateRead,
    dependencies=[require_permission(Permission.ORG_SETTINGS_MANAGE)],
)
async def import_certificate(
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    client: Client,
    file: Annotated[UploadFile, File(description="PKCS#12 (.p12/.pfx) or PEM cert + key")],
    password: Annotated[str | None, Form()] = None,
) -> CertificateRead:
    """Admins: sign with the organization's own certificate from now on (old one retired)."""
    data = await file.read(settings.max_json_body_bytes + 1)
    if len(data) > settings.max_json_body_bytes:
        raise PayloadTooLarge("The certificate file is too large")
    row = await documents.import_material(
        session, settings, principal.tenant_org,
        data=data, password=password or None, user_id=principal.user_id, client=client,
    )  # fmt: skip
    return CertificateRead.model_validate(row, from_attributes=True)


@router.post("/verify", response_model=VerifyRead)
async def verify(
    request: Request,
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="A signed PIF PDF or a dossier ZIP")],
    certificate: Annotated[UploadFile | None, File(description="Trust root (PEM/DER)")] = None,
) -> VerifyRead:
    """Check a PDF signature or a dossier (manifest, hashes, PDF signature). Trust roots: the
    certificate sent, else the caller organization's certificates, else the embedded one."""
    limit = settings.max_upload_bytes
    if int(request.headers.get("content-length") or 0) > limit + _MULTIPART_OVERHEAD:
        raise PayloadTooLarge(f"The file exceeds the {limit // (1024 * 1024)} MB limit")
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"The file exceeds the {limit // (1024 * 1024)} MB limit")
    if certificate is not None:
        try:
            roots = documents.load_trust_roots(await certificate.read(256 * 1024))
        except ValueError as exc:
            raise Unprocessable("The certificate cannot be read", code="bad_certificate") from exc
    else:
        roots = await documents.org_certificates(session, principal.tenant_org)
    report = await asyncio.to_thread(
        documents.verify_file, data, file.filename or "upload", roots or None
    )
    return VerifyRead.model_validate(report.to_dict())
