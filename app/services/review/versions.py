"""Versions use cases (spec 05 §3–4): list, refresh the draft, change detection, auto-draft,
expiry, and the status facts the product status derives from."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, NotFound
from app.core.tenancy import OrgId, org_of
from app.engines.versions import (
    FINGERPRINTS_KEY,
    ChangeReport,
    ExpiryEntry,
    ExpiryStatus,
    SeriousEvent,
    detect_changes,
    expiry_entries,
)
from app.models import PifVersion, Product
from app.schemas.pif_items import Item5, Item8, Item11, Item12, Item13
from app.services import audit, compliance, pif
from app.services.audit import ClientInfo
from app.services.products import get_product_for_org
from app.services.review import repository, snapshot

TEST_ITEMS = (11, 12, 13)
LAPSING = frozenset({"gmp", "test_report", "sa_qualification"})


async def require_product(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId, *, for_update: bool = False
) -> Product:
    product = await get_product_for_org(session, product_id, org_id, for_update=for_update)
    if product is None:
        raise NotFound("Product not found")  # also for other tenants' ids
    return product


async def list_versions(
    session: AsyncSession, org_id: OrgId, product_id: uuid.UUID
) -> list[PifVersion]:
    await require_product(session, product_id, org_id)
    return await repository.list_versions_for_org(session, product_id, org_id)


async def refresh_snapshot(
    session: AsyncSession,
    org_id: OrgId,
    user_id: uuid.UUID,
    product_id: uuid.UUID,
    *,
    rule_index: compliance.RuleIndexSource,
) -> PifVersion:
    """POST …/snapshot: the unsigned draft now holds live data (lint included)."""
    product = await require_product(session, product_id, org_id, for_update=True)
    lint = await compliance.lint_product(
        session, _Tenant(org_id), product_id, rule_index=rule_index
    )
    return await snapshot.refresh_draft(session, product, lint=lint, user_id=user_id)


@dataclass(frozen=True)
class _Tenant:
    tenant_org: OrgId


async def change_report(session: AsyncSession, product: Product) -> ChangeReport:
    signed = await repository.latest_signed_version_for_org(session, product.id, org_of(product))
    live = await snapshot.live_fingerprints(session, product)
    if signed is None:
        return detect_changes(live, None, None)
    stored: Any = signed.items_snapshot.get(FINGERPRINTS_KEY) or {}
    return detect_changes(live, dict(stored), signed.version_label)


async def change_detection(
    session: AsyncSession, org_id: OrgId, product_id: uuid.UUID
) -> ChangeReport:
    return await change_report(session, await require_product(session, product_id, org_id))


async def auto_draft(
    session: AsyncSession,
    org_id: OrgId,
    user_id: uuid.UUID,
    product_id: uuid.UUID,
    *,
    client: ClientInfo | None = None,
) -> PifVersion:
    """Clone the latest signed snapshot into the V2/V3 draft; the existing draft if there is one."""
    product = await require_product(session, product_id, org_id, for_update=True)
    report = await change_report(session, product)
    if not report.needs_resign:
        raise Conflict(
            "No formula, process or packaging change since the last signed version",
            code="no_change",
            details={"current_version": report.current_version},
        )
    draft = await repository.get_draft_version_for_org(session, product.id, org_id)
    if draft is not None:
        if draft.version_label != report.suggested_next_version:
            draft.version_label = report.suggested_next_version
            await session.flush()
        return draft
    signed = await repository.latest_signed_version_for_org(session, product.id, org_id)
    assert signed is not None  # needs_resign implies a signed version
    draft = await snapshot.new_draft(session, product, dict(signed.items_snapshot), user_id=user_id)
    await audit.record(
        session,
        "pif.version_auto_drafted",
        org_id=org_id,
        user_id=user_id,
        resource_type="pif_version",
        resource_id=draft.id,
        details={
            "label": draft.version_label,
            "from": signed.version_label,
            "reasons": report.reasons,
        },
        client=client,
    )
    return draft


def _dates(data: dict[str, Any], key: str) -> date | None:
    value = data.get(key)
    return date.fromisoformat(value) if isinstance(value, str) else None


async def expiring(
    session: AsyncSession, org_id: OrgId, product_id: uuid.UUID, *, today: date
) -> list[ExpiryEntry]:
    product = await require_product(session, product_id, org_id)
    return await product_expiry(session, product, today=today)


async def product_expiry(
    session: AsyncSession, product: Product, *, today: date
) -> list[ExpiryEntry]:
    """GMP (Item 5 data, else its latest certificate file), test reports, §12 reports, SA."""
    documents = {
        d.item_number: dict(d.data or {})
        for d in await pif.list_documents_for_org(session, product.id, org_of(product))
    }
    files = [
        f
        for f in await pif.list_files_for_org(session, product.id, org_of(product))
        if not f.superseded_by
    ]
    gmp = Item5.model_validate(documents.get(5, {})).expiry_date
    if gmp is None:
        gmp = max((f.expiry_date for f in files if f.pif_item_number == 5 and f.expiry_date),
                  default=None)  # fmt: skip
    tests: list[tuple[int, str, date]] = []
    for n, report in enumerate(Item11.model_validate(documents.get(11, {})).reports, start=1):
        if report.test_date:
            tests.append((11, f"Stability report {n}", report.test_date))
    for number, model in ((12, Item12), (13, Item13)):
        tested = model.model_validate(documents.get(number, {})).test_date
        if tested:
            tests.append((number, f"Item {number} test report", tested))
    if not any(t[0] == 11 for t in tests):
        tests += [(11, f.original_filename, f.test_date) for f in files
                  if f.pif_item_number == 11 and f.test_date]  # fmt: skip
    events = [
        SeriousEvent(e.occurred_on, e.became_aware_on, e.reported_on, f"Serious event {n}")
        for n, e in enumerate(Item8.model_validate(documents.get(8, {})).events, start=1)
        if e.serious
    ]
    qualified = await repository.signing_sa_qualification_for_org(
        session, product.id, org_of(product)
    )
    return expiry_entries(
        today=today,
        gmp_expiry=gmp,
        test_dates=tests,
        serious_events=events,
        sa_qualified_until=qualified,
    )


async def status_facts(session: AsyncSession, product: Product) -> pif.StatusFacts:
    """Open review, signed-and-current and lapsed validity, from data (spec 01 §5)."""
    open_review = await repository.get_open_review_for_org(session, product.id, org_of(product))
    signed = await repository.latest_signed_version_for_org(session, product.id, org_of(product))
    if signed is None:
        return pif.StatusFacts(open_review=open_review is not None)
    report = await change_report(session, product)
    entries = await product_expiry(session, product, today=compliance.taiwan_today())
    lapsed = any(e.status is ExpiryStatus.OVERDUE and e.category in LAPSING for e in entries)
    return pif.StatusFacts(
        open_review=open_review is not None,
        signed_and_current=not report.needs_resign,
        validity_lapsed=lapsed,
    )
