"""Regulatory PDF use cases: gather a snapshot (live or stored) and its facts, build, render."""

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFound
from app.core.tenancy import OrgId, org_of
from app.engines import regulatory
from app.engines.documents import (
    DocumentInput,
    FindingFacts,
    Lang,
    LineStatus,
    Signature,
    VersionEntry,
    build_document,
    line_statuses,
)
from app.engines.versions import next_signed_label
from app.models import PifVersion, Product
from app.schemas.product_description import ProductDescription, known_description
from app.services import compliance, review
from app.services import regulatory as regulatory_service
from app.services.documents import repository
from app.services.documents.render import render_pdf
from app.services.products import get_product_for_org

TAIWAN = timezone(timedelta(hours=8))  # a snapshot speaks for its Taiwan date


@dataclass(frozen=True)
class Tenant:
    tenant_org: OrgId


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    version_label: str
    org_name: str


def _taiwan_date(moment: datetime) -> date:
    return moment.astimezone(TAIWAN).date()


def _entry(row: PifVersion) -> VersionEntry:
    return VersionEntry(
        label=row.version_label,
        sequence=row.sequence,
        is_signed=row.is_signed,
        created_at=row.created_at.astimezone(UTC),
        signed_at=row.signed_at.astimezone(UTC) if row.signed_at else None,
        signature_hash=row.signature_hash,
    )


def _description(product: dict[str, Any]) -> ProductDescription | None:
    return known_description(str(product.get("category")), product.get("description"))


async def _line_status(
    session: AsyncSession,
    rule_index: compliance.RuleIndexSource,
    checker: regulatory_service.CheckerCache,
    snapshot: dict[str, Any],
) -> tuple[list[LineStatus] | None, list[str], bool]:
    """TFDA / EU status per formula line from the regulatory check (TW binding, EU advisory).

    A category whose defaults do not describe the product (e.g. `general`) is checked as the
    lint's R9 checks it: the strictest category limits (third value True, stated in the PDF)."""
    lines = sorted(snapshot.get("formula_lines") or [], key=lambda x: int(x.get("sort_order") or 0))
    if not lines:
        return None, [], False
    formula = [
        regulatory.FormulaLine(
            inci=str(line.get("inci_name") or line.get("raw_name") or ""),
            cas=line.get("cas"),
            concentration_pct=float(line["concentration_pct"])
            if line.get("concentration_pct") is not None
            else None,
            function=line.get("function"),
            is_nano=bool(line.get("is_nano")),
        )
        for line in lines
    ]
    shown = snapshot.get("product") or {}
    product = _description(shown)
    markets = [str(m) for m in shown.get("markets") or ()]
    if product is not None:
        report = await regulatory_service.check_lines(
            session, checker, formula, product=product, **({"markets": markets} if markets else {})
        )
    else:
        report = regulatory.check_formula(await rule_index.get(session), None, None, formula)
    by_name: dict[str, list[int]] = {}  # the strictest check names lines by ingredient only
    for number, item in enumerate(formula, start=1):
        by_name.setdefault(item.inci.casefold(), []).append(number)
    facts = [
        FindingFacts(
            jurisdiction=f.jurisdiction,
            kind=f.kind,
            binding=f.binding,
            lines=list(f.lines) or by_name.get(f.ingredient.casefold(), []),
            reference=f.reference,
            provisional=f.provisional,
        )
        for f in report.findings
    ]
    checked = list(report.summary.lists_checked)
    return (line_statuses(facts, len(lines)) if checked else None), checked, product is None


async def _signature(session: AsyncSession, row: PifVersion) -> Signature | None:
    if not row.is_signed or row.signed_at is None or row.signature_hash is None:
        return None
    found = (
        await repository.get_signing_review_for_org(session, row.sa_review_id, org_of(row))
        if row.sa_review_id
        else None
    )
    sa_review, sa = found if found else (None, None)
    return Signature(
        signed_at=row.signed_at.astimezone(UTC),
        signature_hash=row.signature_hash,
        sa_name=(sa.full_name or sa.email) if sa is not None else None,
        sa_certificate_ref=sa_review.sa_certificate_ref if sa_review is not None else None,
        method=sa_review.signature_method if sa_review is not None else None,
    )


def _live_label(versions: list[PifVersion]) -> str:
    """E20: the live PDF carries the current draft's label (else the next label)."""
    draft = next((v for v in versions if not v.is_signed), None)
    if draft is not None:
        return draft.version_label
    signed = [v.version_label for v in versions if v.is_signed]
    return next_signed_label(signed) if signed else "V0"


async def document_input(
    session: AsyncSession,
    org_id: OrgId,
    product_id: uuid.UUID,
    *,
    version_id: uuid.UUID | None,
    rule_index: compliance.RuleIndexSource,
    checker: regulatory_service.CheckerCache,
    lang: Lang,
) -> DocumentInput:
    product: Product | None = await get_product_for_org(session, product_id, org_id)
    if product is None:
        raise NotFound("Product not found")  # also for other tenants' ids
    org = await repository.get_org_for_org(session, org_id)
    if org is None:
        raise NotFound("Organization not found")
    versions = await review.list_versions(session, org_id, product_id)
    if version_id is None:
        lint = await compliance.lint_product(
            session, Tenant(org_id), product_id, rule_index=rule_index, locale=lang
        )
        snapshot = await review.live_snapshot(session, product, lint=lint)
        label, live, as_of, signature = _live_label(versions), True, compliance.taiwan_today(), None
        shown = versions
    else:
        row = next((v for v in versions if v.id == version_id), None)
        if row is None:
            raise NotFound("Version not found")
        snapshot = dict(row.items_snapshot)
        label, live = row.version_label, False
        as_of = _taiwan_date(row.signed_at or row.created_at)
        signature = await _signature(session, row)
        shown = [v for v in versions if v.sequence <= row.sequence]  # as the version knew it
    statuses, lists, strictest = await _line_status(session, rule_index, checker, snapshot)
    return DocumentInput(
        snapshot=snapshot,
        version_label=label,
        live=live,
        as_of=as_of,
        org_name=org.name,
        org_type=org.type,
        versions=[_entry(v) for v in shown],
        signature=signature,
        line_status=statuses,
        lists_checked=lists,
        strictest_limits=strictest,
    )


async def regulatory_pdf(
    session: AsyncSession,
    org_id: OrgId,
    product_id: uuid.UUID,
    *,
    version_id: uuid.UUID | None = None,
    lang: Lang = "zh-TW",
    rule_index: compliance.RuleIndexSource | None = None,
    checker: regulatory_service.CheckerCache | None = None,
) -> RenderedPdf:
    """The 14-section PDF of the live file (`version_id=None`) or of one stored snapshot."""
    inp = await document_input(
        session,
        org_id,
        product_id,
        version_id=version_id,
        rule_index=rule_index or regulatory_service.shared_rule_index(),
        checker=checker or regulatory_service.shared_checker(),
        lang=lang,
    )
    document = build_document(inp, lang)
    content = await asyncio.to_thread(render_pdf, document)
    return RenderedPdf(content=content, version_label=inp.version_label, org_name=inp.org_name)


async def render_regulatory_pdf(
    session: AsyncSession,
    org_id: OrgId,
    product_id: uuid.UUID,
    *,
    version_id: uuid.UUID | None = None,
    lang: Lang = "zh-TW",
    rule_index: compliance.RuleIndexSource | None = None,
    checker: regulatory_service.CheckerCache | None = None,
) -> bytes:
    """PDF bytes only (for the dossier and signing): live state, or the snapshot `version_id`."""
    rendered = await regulatory_pdf(
        session,
        org_id,
        product_id,
        version_id=version_id,
        lang=lang,
        rule_index=rule_index,
        checker=checker,
    )
    return rendered.content
