"""Cross-item lint of a product, computed live from its stored items (spec 05 §5)."""

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFound
from app.core.tenancy import OrgId
from app.engines import regulatory
from app.engines.compliance import (
    LintInput,
    LintResult,
    Locale,
    RegulatoryFinding,
    normalize,
    run_lint,
)
from app.models import Product
from app.schemas.pif_items import Item3
from app.schemas.product_description import known_description
from app.services import pif
from app.services.compliance import repository
from app.services.products import get_product_for_org
from app.services.regulatory import check_lines, shared_checker, shared_rule_index

TAIWAN = timezone(timedelta(hours=8))  # no DST; deadlines (GMP, §12) run on Taiwan dates


class TenantPrincipal(Protocol):
    @property
    def tenant_org(self) -> OrgId: ...


class RuleIndexSource(Protocol):
    """The per-process regulatory rule index cache (app.state.rule_index)."""

    async def get(self, session: AsyncSession) -> regulatory.RuleIndex: ...


def taiwan_today() -> date:
    return datetime.now(UTC).astimezone(TAIWAN).date()


async def require_product(session: AsyncSession, product_id: uuid.UUID, org_id: OrgId) -> Product:
    product = await get_product_for_org(session, product_id, org_id)
    if product is None:
        raise NotFound("Product not found")  # also for other tenants' ids
    return product


async def require_org_type(session: AsyncSession, org_id: OrgId) -> str:
    org_type = await repository.get_org_type_for_org(session, org_id)
    if org_type is None:
        raise NotFound("Organization not found")
    return org_type


def _label_text(finding: regulatory.Finding) -> str | None:
    """The required wording of a label_warning finding (the check states it after its reference)."""
    if finding.kind != "label_warning":
        return None
    prefix = f"({finding.reference}): "
    _, found, text = finding.message.partition(prefix)
    return text.strip() if found else None


async def regulatory_findings(
    session: AsyncSession,
    rule_index: RuleIndexSource,
    item3: Mapping[str, Any],
    product: Product | None = None,
) -> tuple[list[RegulatoryFinding], bool]:
    """Run the regulatory engine's own check on the Item 3 lines (R9 never re-implements it):
    against the product's description and markets when they say its form and areas, else the
    strictest category limits."""
    lines = [
        regulatory.FormulaLine(
            inci=line.inci_name or line.raw_name,
            cas=line.cas,
            concentration_pct=float(line.concentration_pct)
            if isinstance(line.concentration_pct, Decimal)
            else None,
            function=line.function,
        )
        for line in Item3.model_validate(item3 or {}).ingredients
    ]
    if not lines:
        return [], True
    description = known_description(product.category, product.description) if product else None
    if description is not None and product is not None:
        report = await check_lines(
            session,
            shared_checker(),
            lines,
            product=description,
            markets=tuple(product.markets or ("TW",)),
        )
    else:  # form or areas unknown: the strictest category limits (06 §5.6)
        report = regulatory.check_formula(await rule_index.get(session), None, None, lines)
    findings = [
        RegulatoryFinding(
            ingredient=f.ingredient,
            kind=f.kind,
            severity=f.severity,
            binding=f.binding,
            reference=f.reference,
            message=f.message,
            label_text=_label_text(f),
        )
        for f in report.findings
    ]
    return findings, bool(report.summary.lists_checked)


async def lint_input(
    session: AsyncSession,
    org_id: OrgId,
    product_id: uuid.UUID,
    *,
    rule_index: RuleIndexSource,
    today: date,
    sa_qualified_until: date | None = None,
    signing: bool = False,
) -> LintInput:
    """Gather one product's items and the results the lint consumes."""
    product = await require_product(session, product_id, org_id)
    org_type = await require_org_type(session, org_id)
    documents = await pif.list_documents_for_org(session, product_id, org_id)
    items: dict[int, dict[str, Any]] = {d.item_number: dict(d.data or {}) for d in documents}
    if product.launch_date and not items.get(1, {}).get("launch_date"):
        items.setdefault(1, {})["launch_date"] = product.launch_date.isoformat()
    verdicts = {
        normalize(name): verdict
        for name, verdict in await repository.list_verdicts_for_org(session, product_id, org_id)
    }
    findings, lists_loaded = await regulatory_findings(
        session, rule_index, items.get(3, {}), product
    )
    return LintInput(
        items=items,
        org_type=org_type,
        today=today,
        product_category=product.category,
        regulatory=findings,
        regulatory_lists_loaded=lists_loaded,
        verdicts=verdicts,
        sa_qualified_until=sa_qualified_until,
        signing=signing,
    )


async def lint_product(
    session: AsyncSession,
    principal: TenantPrincipal,
    product_id: uuid.UUID,
    *,
    rule_index: RuleIndexSource,
    locale: Locale = "zh-TW",
    today: date | None = None,
) -> LintResult:
    """The live cross-item lint of a product (GET …/cross-item-lint)."""
    inp = await lint_input(
        session,
        principal.tenant_org,
        product_id,
        rule_index=rule_index,
        today=today or taiwan_today(),
    )
    return run_lint(inp, locale=locale)


async def lint_for_signing(
    session: AsyncSession,
    principal: TenantPrincipal,
    product_id: uuid.UUID,
    sa_qualified_until: date | None,
    today: date,
    *,
    rule_index: RuleIndexSource | None = None,
    locale: Locale = "zh-TW",
) -> LintResult:
    """The lint signing must pass: R14 is evaluated for the signing SA; `can_sign` is the verdict.

    `sa_qualified_until=None` means no qualification on record, which blocks (R14)."""
    if rule_index is None:
        rule_index = shared_rule_index()
    inp = await lint_input(
        session,
        principal.tenant_org,
        product_id,
        rule_index=rule_index,
        today=today,
        sa_qualified_until=sa_qualified_until,
        signing=True,
    )
    return run_lint(inp, locale=locale)
