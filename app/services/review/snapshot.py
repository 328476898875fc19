"""Build the snapshot of a product from live data and keep its one unsigned draft fresh."""

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.tenancy import OrgId, org_of
from app.engines.compliance import LintResult
from app.engines.versions import (
    FINGERPRINTS_KEY,
    Fingerprints,
    next_signed_label,
    normalised,
    snapshot_fingerprints,
)
from app.engines.versions.canonical import CANONICAL_FORM_VERSION, canonical_decimal
from app.models import PifVersion, Product
from app.schemas.pif_items import Item3
from app.services import formulation, pif
from app.services.review import repository

SNAPSHOT_FIELDS = (
    "name",
    "name_en",
    "category",
    "dosage_form",
    "intended_use",
    "manufacturer_name",
    "manufacturer_address",
    "registration_id",
    "launch_date",
    # what the product is for its checks (stored fields only) and its target markets: a change
    # of either changes the regulatory result, so it is a change of the PIF
    "description",
    "markets",
)


def lint_data(result: LintResult) -> dict[str, Any]:
    return {
        "alerts": [
            {
                "rule_id": a.rule_id,
                "severity": a.severity,
                "target_item": a.target_item,
                "message": a.message,
            }
            for a in result.alerts
        ],
        "summary": dict(result.summary),
        "can_sign": result.can_sign,
        "not_evaluated": dict(result.not_evaluated),
    }


async def _formula_lines(
    session: AsyncSession, product_id: uuid.UUID, org_id: OrgId, item3: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The confirmed lines (with master ids); else the Item 3 rows as entered (decisions.md)."""
    confirmed = await formulation.confirmed_lines(session, product_id, org_id)
    if confirmed:
        return [
            {
                "ingredient_id": str(line.ingredient_id) if line.ingredient_id else None,
                "raw_name": line.raw_name,
                "inci_name": line.inci_name,
                "cas": line.cas_number,
                "concentration_pct": canonical_decimal(line.concentration_pct),
                "function": line.function,
                "is_nano": line.is_nano,
                "from_blend": line.from_blend,
                "phase": line.phase,
                "sort_order": line.sort_order,
            }
            for line in confirmed
        ]
    rows = Item3.model_validate(item3 or {}).ingredients
    return [
        {
            "ingredient_id": None,
            "raw_name": line.raw_name,
            "inci_name": line.inci_name,
            "cas": line.cas,
            "concentration_pct": canonical_decimal(line.concentration_pct),
            "function": line.function,
            "is_nano": line.is_nano,
            "from_blend": line.from_blend,
            "phase": line.phase,
            "sort_order": position + 1,
        }
        for position, line in enumerate(rows)
    ]


async def live_snapshot(
    session: AsyncSession, product: Product, *, lint: LintResult | None
) -> dict[str, Any]:
    """Everything needed to rebuild the file as it is now, in canonical form."""
    org_id = org_of(product)
    documents = await pif.list_documents_for_org(session, product.id, org_id)
    files = [
        f for f in await pif.list_files_for_org(session, product.id, org_id) if not f.superseded_by
    ]
    items: dict[str, Any] = {}
    for doc in documents:
        items[str(doc.item_number)] = {
            "status": doc.status,
            "data": dict(doc.data or {}),
            "ai_confidence": doc.ai_confidence,
            "files": [
                {
                    "id": str(f.id),
                    "filename": f.original_filename,
                    "content_type": f.content_type,
                    "file_type": f.file_type,
                    "size_bytes": f.size_bytes,
                    "sha256": f.sha256,
                    "issue_date": f.issue_date,
                    "expiry_date": f.expiry_date,
                    "test_date": f.test_date,
                }
                for f in files
                if f.pif_item_number == doc.item_number
            ],
        }
    verdicts = [
        {
            "ingredient": line.inci_name or line.raw_name,
            "verdict": verdict.sa_decision or verdict.verdict,
            "computed_verdict": verdict.verdict,
            "sa_decision": verdict.sa_decision,
            "method_label": verdict.method_label,
            "mos": verdict.mos,
            "noael_source": verdict.noael_source,
            "exposure_source": verdict.exposure_source,
        }
        for line, verdict in await repository.list_verdicts_for_org(session, product.id, org_id)
    ]
    snapshot: dict[str, Any] = {
        "canonical_form_version": CANONICAL_FORM_VERSION,
        "product": {"id": product.id} | {f: getattr(product, f) for f in SNAPSHOT_FIELDS},
        "items": items,
        "formula_lines": await _formula_lines(
            session, product.id, org_id, items.get("3", {}).get("data", {})
        ),
        "verdicts": verdicts,
        "lint": lint_data(lint) if lint is not None else None,
    }
    snapshot = normalised(snapshot)
    snapshot[FINGERPRINTS_KEY] = snapshot_fingerprints(snapshot).as_dict()
    return snapshot


async def live_fingerprints(session: AsyncSession, product: Product) -> Fingerprints:
    return snapshot_fingerprints(await live_snapshot(session, product, lint=None))


async def refresh_draft(
    session: AsyncSession, product: Product, *, lint: LintResult | None, user_id: uuid.UUID | None
) -> PifVersion:
    """Overwrite the one unsigned draft with live data (create it, labelled, if there is none)."""
    snapshot = await live_snapshot(session, product, lint=lint)
    draft = await repository.get_draft_version_for_org(session, product.id, org_of(product))
    if draft is None:
        draft = await new_draft(session, product, snapshot, user_id=user_id)
    else:
        draft.items_snapshot = snapshot
    await session.flush()
    return draft


async def new_draft(
    session: AsyncSession,
    product: Product,
    snapshot: dict[str, Any],
    *,
    user_id: uuid.UUID | None,
) -> PifVersion:
    versions = await repository.list_versions_for_org(session, product.id, org_of(product))
    signed = [v.version_label for v in versions if v.is_signed]
    draft = PifVersion(
        org_id=product.org_id,
        product_id=product.id,
        version_label=next_signed_label(signed) if signed else "V0",
        sequence=await repository.max_sequence_for_org(session, product.id, org_of(product)) + 1,
        items_snapshot=snapshot,
        created_by=user_id,
    )
    session.add(draft)
    await session.flush()
    return draft
