"""Documents (spec 05 §6, 03 §11): the regulatory PDF, live or rebuilt from a stored snapshot."""

import re
import unicodedata
import uuid
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from app.api.deps import CurrentPrincipal, SettingsDep, TenantSession
from app.api.identity_deps import require_plan_access
from app.core.http_headers import content_disposition
from app.engines.documents import Lang
from app.schemas.errors import ERROR_RESPONSES
from app.services import compliance, documents
from app.services.regulatory import CheckerCache, shared_checker

router = APIRouter(
    prefix="/products/{product_id}/pif-versions",
    tags=["documents"],
    responses=ERROR_RESPONSES,
    dependencies=[require_plan_access("compliance_engine")],
)

PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        "description": "The 14-section regulatory PDF (A4), RFC 5987 Content-Disposition",
    }
}
LangQuery = Annotated[Lang, Query(description="zh-TW (default) or en")]


def _checker(request: Request) -> CheckerCache:
    cache: CheckerCache | None = getattr(request.app.state, "regulatory_checker", None)
    if cache is None:  # the same per-app checker as the compliance check
        cache = request.app.state.regulatory_checker = shared_checker()
    return cache


def filename_header(org_name: str, version_label: str) -> str:
    """`{brand}_PIF_{version}_{YYYYMMDD}.pdf`; the ASCII name drops a brand with no ASCII form."""
    day = compliance.taiwan_today().strftime("%Y%m%d")
    name = f"{org_name}_PIF_{version_label}_{day}.pdf"
    brand = unicodedata.normalize("NFKD", org_name).encode("ascii", "ignore").decode()
    brand = re.sub(r"[^A-Za-z0-9._-]+", "-", brand).strip("-._")
    fallback = f"{brand}_PIF_{version_label}_{day}.pdf" if brand else name.split("_", 1)[1]
    return content_disposition(name, ascii_fallback=fallback)


def pdf_response(rendered: documents.RenderedPdf) -> Response:
    return Response(
        content=rendered.content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": filename_header(rendered.org_name, rendered.version_label),
            "X-Renderer-Version": documents.RENDERER_VERSION,
        },
    )


@router.get("/regulatory-pdf", response_class=Response, responses=PDF_RESPONSE)
async def live_regulatory_pdf(
    product_id: uuid.UUID,
    request: Request,
    principal: CurrentPrincipal,
    session: TenantSession,
    lang: LangQuery = "zh-TW",
) -> Response:
    """The file as it is now, cross-item lint computed at request time; label = current draft."""
    rendered = await documents.regulatory_pdf(
        session,
        principal.tenant_org,
        product_id,
        lang=lang,
        rule_index=request.app.state.rule_index,
        checker=_checker(request),
    )
    return pdf_response(rendered)


@router.get("/{version_id}/regulatory-pdf", response_class=Response, responses=PDF_RESPONSE)
async def snapshot_regulatory_pdf(
    product_id: uuid.UUID,
    version_id: uuid.UUID,
    request: Request,
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    lang: LangQuery = "zh-TW",
) -> Response:
    """Rebuilt from that snapshot: the same bytes for the same snapshot and renderer version;
    a signed snapshot's PDF carries the organization's PAdES signature (deterministic)."""
    rendered = await documents.regulatory_pdf(
        session,
        principal.tenant_org,
        product_id,
        version_id=version_id,
        lang=lang,
        rule_index=request.app.state.rule_index,
        checker=_checker(request),
    )
    signed = await documents.sign_snapshot_pdf(
        session, settings, rendered.content,
        org_id=principal.tenant_org, product_id=product_id, version_id=version_id,
    )  # fmt: skip
    return pdf_response(replace(rendered, content=signed))
