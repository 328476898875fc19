"""SA review and e-signature at the route boundary (issue 14 acceptance)."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.config import Settings
from app.engines.review import REFERENCE_DRAFT_LABEL
from app.engines.versions import canonical_json, sha256_hex
from app.models import PifDocument, PifVersion, Product, User
from app.models.platform import Task
from app.models.review import SaReview
from app.services import review
from app.services.compliance import taiwan_today
from app.services.tasks import JobContext, get_handler
from tests.api.v1.review_support import (
    audit_count,
    clean_items,
    formula,
    make_desk,
    opened_review,
    put_item,
    ready_product,
    sign,
    submit,
)


async def item_status(owner: AsyncSession, product: str, number: int) -> tuple[str, str | None]:
    row = (
        await owner.execute(
            select(PifDocument.status, PifDocument.status_reason).where(
                PifDocument.product_id == uuid.UUID(product), PifDocument.item_number == number
            )
        )
    ).one()
    return row[0], row[1]


async def product_status(owner: AsyncSession, product: str) -> str:
    owner.expire_all()
    stmt = select(Product.pif_status).where(Product.id == uuid.UUID(product))
    return str((await owner.execute(stmt)).scalar_one())


async def signed_count(owner: AsyncSession, product: str) -> int:
    stmt = select(func.count()).where(
        PifVersion.product_id == uuid.UUID(product), PifVersion.is_signed
    )
    return int((await owner.execute(stmt)).scalar_one())


async def test_submit_revision_resubmit_sign_v1(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    desk = await make_desk(owner_session, settings)
    product = await ready_product(client, desk)

    first = await submit(client, desk.operator, product)
    assert first.status_code == 202, first.text
    review_id = first.json()["review_id"]
    assert first.json()["task_id"] and first.headers["Location"].startswith("/api/v1/tasks/")
    again = await submit(client, desk.operator, product)
    assert again.status_code == 200 and again.json()["review_id"] == review_id
    assert again.json()["created"] is False and again.json()["task_id"] is None
    assert await product_status(owner_session, product) == "sa_review"

    queue = await client.get("/api/v1/sa/pending", headers=desk.sa.headers)
    assert queue.status_code == 200 and [e["review_id"] for e in queue.json()["items"]] == [
        review_id
    ]
    opened = await client.get(f"/api/v1/sa/reviews/{review_id}", headers=desk.sa.headers)
    assert opened.status_code == 200, opened.text
    body = opened.json()
    assert body["review"]["status"] == "in_review" and body["version_label"] == "V0"
    assert body["lint"]["can_sign"] is True and len(body["items"]) == 15
    assert await audit_count(owner_session, "sa.review_started") == 1

    revision = await client.post(
        f"/api/v1/sa/reviews/{review_id}/revision",
        json={"items": [3, 7], "comment": "請補充甘油來源與使用頻率"},
        headers=await desk.sa_headers(),
    )
    assert revision.status_code == 200, revision.text
    assert revision.json()["review"]["status"] == "revision_requested"
    for number in (3, 7):
        assert await item_status(owner_session, product, number) == (
            "ai_draft_ready",
            "請補充甘油來源與使用頻率",
        )
    assert await audit_count(owner_session, "sa.revision_requested") == 1
    assert await product_status(owner_session, product) == "sa_review"

    unfixed = await submit(client, desk.operator, product)
    assert unfixed.status_code == 409 and unfixed.json()["error"]["details"]["items"] == [3, 7]

    items = clean_items()
    await put_item(client, desk.operator, product, 3, items[3])
    await put_item(client, desk.operator, product, 7, items[7])
    resubmitted = await submit(client, desk.operator, product)
    assert resubmitted.status_code == 202, resubmitted.text
    assert resubmitted.json()["review_id"] == review_id and resubmitted.json()["created"] is False
    reopened = await client.get(f"/api/v1/sa/reviews/{review_id}", headers=desk.sa.headers)
    assert reopened.json()["review"]["status"] == "in_review"

    signed = await sign(client, desk, review_id)
    assert signed.status_code == 200, signed.text
    version = signed.json()["version"]
    assert version["version_label"] == "V1" and version["is_signed"] is True
    stored = (
        await owner_session.execute(
            select(PifVersion).where(PifVersion.id == uuid.UUID(version["id"]))
        )
    ).scalar_one()
    digest = sha256_hex(canonical_json(stored.items_snapshot))
    assert stored.signature_hash == digest == version["signature_hash"] and len(digest) == 64
    snap: dict[str, Any] = dict(stored.items_snapshot)
    assert {"items", "formula_lines", "verdicts", "lint", "__fingerprints__"} <= set(snap)
    assert [line["concentration_pct"] for line in snap["formula_lines"]] == [
        "86.0000",
        "10.0000",
        "4.0000",
    ]
    got = signed.json()["review"]
    assert got["status"] == "signed" and got["signature_method"] == "password_2fa"
    assert got["sa_certificate_ref"] == "SA-CERT-0001" and got["signature_hash"] == digest
    assert got["signature_ip"] and got["signed_at"]
    assert (await item_status(owner_session, product, 16))[0] == "approved"
    assert await product_status(owner_session, product) == "completed"
    assert await audit_count(owner_session, "sa.signed", label="V1") == 1
    flow = await client.get(f"/api/v1/products/{product}/pif-workflow", headers=desk.admin.headers)
    steps = {step["number"]: step["completed"] for step in flow.json()["steps"]}
    assert steps[6] is True and steps[7] is True  # signed, and nothing changed since

    # a signed file is retained (E4): delete is a soft delete
    deleted = await client.delete(f"/api/v1/products/{product}", headers=desk.admin.headers)
    assert deleted.status_code == 204
    owner_session.expire_all()
    row = (
        await owner_session.execute(select(Product).where(Product.id == uuid.UUID(product)))
    ).scalar_one()
    assert row.deleted_at is not None and await signed_count(owner_session, product) == 1


async def test_sign_refusals_are_audited_and_lock_nothing(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    desk = await make_desk(owner_session, settings)
    product = await ready_product(client, desk)
    review_id = await opened_review(client, desk, product)
    url = f"/api/v1/sa/reviews/{review_id}/sign"

    missing = await client.post(url, headers=desk.sa.headers)
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "totp_required"

    used = await desk.code()
    saved = await client.put(
        f"/api/v1/sa/reviews/{review_id}",
        json={"sa_comments": "looks complete"},
        headers=desk.sa.headers | {"X-TOTP-Code": used},
    )
    assert saved.status_code == 200, saved.text
    replayed = await client.post(url, headers=desk.sa.headers | {"X-TOTP-Code": used})
    assert replayed.status_code == 401 and replayed.json()["error"]["code"] == "totp_invalid"

    yesterday = taiwan_today() - timedelta(days=1)
    await owner_session.execute(
        update(User).where(User.id == desk.sa_id).values(sa_qualified_until=yesterday)
    )
    await owner_session.commit()
    expired = await sign(client, desk, review_id)
    assert expired.status_code == 409
    assert expired.json()["error"]["code"] == "sa_qualification_expired"
    await owner_session.execute(
        update(User)
        .where(User.id == desk.sa_id)
        .values(sa_qualified_until=taiwan_today() + timedelta(days=365))
    )
    await owner_session.commit()

    failing = clean_items()[13] | {"result": "fail"}
    await put_item(client, desk.operator, product, 13, failing)
    blocked = await sign(client, desk, review_id)
    assert blocked.status_code == 409, blocked.text
    error = blocked.json()["error"]
    assert error["code"] == "lint_blocking"
    assert [a["rule_id"] for a in error["details"]["alerts"]] == ["R12"]

    await put_item(client, desk.operator, product, 13, clean_items()[13])
    claims = clean_items()[4] | {"claims": ["保濕", "適合敏感肌"]}
    await put_item(client, desk.operator, product, 4, claims)
    unannotated = await sign(client, desk, review_id)
    assert unannotated.status_code == 409
    assert unannotated.json()["error"]["code"] == "lint_errors_unannotated"
    assert [a["rule_id"] for a in unannotated.json()["error"]["details"]["alerts"]] == ["R7"]

    for actor in (desk.operator, desk.admin):
        refused = await client.post(url, headers=actor.headers | {"X-TOTP-Code": "123456"})
        assert refused.status_code == 403

    assert await signed_count(owner_session, product) == 0
    assert await audit_count(owner_session, "sa.sign_refused") == 7
    for reason in ("totp_required", "totp_invalid", "sa_qualification_expired", "lint_blocking",
                   "lint_errors_unannotated"):  # fmt: skip
        assert await audit_count(owner_session, "sa.sign_refused", reason=reason) == 1, reason
    assert await audit_count(owner_session, "sa.sign_refused", reason="sa_only") == 2

    noted = await client.put(
        f"/api/v1/sa/reviews/{review_id}",
        json={"alert_annotations": {"R7": "Patch test ordered; claim removed from the next print"}},
        headers=await desk.sa_headers(),
    )
    assert noted.status_code == 200, noted.text
    ok = await sign(client, desk, review_id)
    assert ok.status_code == 200, ok.text
    assert await signed_count(owner_session, product) == 1


async def test_four_signatures_label_v1_v2_v3_v3_and_rows_are_locked_in_the_database(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, app_engine: AsyncEngine
) -> None:
    desk = await make_desk(owner_session, settings)
    product = await ready_product(client, desk)
    labels = []
    for glycerin in ("10", "9.5", "9", "8.5"):
        await put_item(client, desk.operator, product, 3, formula(glycerin))
        review_id = await opened_review(client, desk, product)
        signed = await sign(client, desk, review_id)
        assert signed.status_code == 200, signed.text
        labels.append(signed.json()["version"]["version_label"])
    assert labels == ["V1", "V2", "V3", "V3"]
    listed = await client.get(
        f"/api/v1/products/{product}/pif-versions", headers=desk.operator.headers
    )
    assert [v["version_label"] for v in listed.json()["items"]] == labels

    for sql in (
        "UPDATE pif_versions SET items_snapshot = '{}'::jsonb WHERE product_id = :p AND is_signed",
        "DELETE FROM pif_versions WHERE product_id = :p AND is_signed",
        "UPDATE sa_reviews SET sa_final_assessment = 'rewritten' WHERE product_id = :p "
        "AND status = 'signed'",
        "UPDATE sa_reviews SET status = 'in_review' WHERE product_id = :p AND status = 'signed'",
        "DELETE FROM sa_reviews WHERE product_id = :p AND status = 'signed'",
    ):
        async with app_engine.connect() as conn:
            await conn.execute(
                text("SELECT set_config('app.current_org_id', :o, true)"), {"o": str(desk.org_id)}
            )
            with pytest.raises(DBAPIError, match="signed and locked"):
                await conn.execute(text(sql), {"p": product})
            await conn.rollback()
    assert await signed_count(owner_session, product) == 4
    signed_reviews = await owner_session.scalar(
        select(func.count())
        .select_from(SaReview)
        .where(SaReview.product_id == uuid.UUID(product), SaReview.status == "signed")
    )
    assert signed_reviews == 4
    opened = await opened_review(client, desk, product)
    async with app_engine.connect() as conn:  # an unsigned review row stays editable
        await conn.execute(
            text("SELECT set_config('app.current_org_id', :o, true)"), {"o": str(desk.org_id)}
        )
        changed = await conn.execute(
            text("UPDATE sa_reviews SET sa_comments = 'draft note' WHERE id = :r"), {"r": opened}
        )
        assert changed.rowcount == 1
        await conn.rollback()


async def test_members_admins_and_workers_cannot_sign_or_approve_and_other_org_sa_gets_404(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, app: FastAPI
) -> None:
    desk = await make_desk(owner_session, settings)
    other = await make_desk(owner_session, settings, name="Other Co")
    product = await ready_product(client, desk)
    submitted = await submit(client, desk.operator, product)
    review_id = submitted.json()["review_id"]

    for actor in (desk.operator, desk.admin):
        assert (await client.get("/api/v1/sa/pending", headers=actor.headers)).status_code == 403
        put = await client.put(
            f"/api/v1/sa/reviews/{review_id}",
            json={"approve_items": [1]},
            headers=actor.headers | {"X-TOTP-Code": "123456"},
        )
        assert put.status_code == 403
        approve = await client.post(
            f"/api/v1/products/{product}/pif/1/status",
            json={"status": "approved"},
            headers=actor.headers,
        )
        assert approve.status_code == 403

    base = f"/api/v1/sa/reviews/{review_id}"
    assert (await client.get(base, headers=other.sa.headers)).status_code == 404
    put = await client.put(base, json={"sa_comments": "x"}, headers=await other.sa_headers())
    assert put.status_code == 404
    assert (await client.post(f"{base}/sign", headers=await other.sa_headers())).status_code == 404
    assert (await client.get("/api/v1/sa/pending", headers=other.sa.headers)).json()["total"] == 0

    # the SA-draft worker writes the labelled reference draft and nothing else
    task = (
        await owner_session.execute(
            select(Task).where(Task.id == uuid.UUID(submitted.json()["task_id"]))
        )
    ).scalar_one()
    spec = get_handler(task.type)
    assert spec.queue.value == "sa_draft"

    async def progress(_: int) -> None:
        return None

    async with app.state.db.tenant(desk.org_id) as session:
        result = await spec.handler(JobContext(session, task, settings, progress, app.state.redis))
        assert result and result["draft_stored"] is True
        refused = pytest.raises(Exception, match="Only a safety assessor")
        with refused:
            await review.sign_review(
                session,
                review.Signer(None, desk.org_id, None, automated="worker:review.draft_assessment"),
                uuid.UUID(review_id),
                rule_index=app.state.rule_index,
                today=taiwan_today(),
            )
    owner_session.expire_all()
    row = (
        await owner_session.execute(select(SaReview).where(SaReview.id == uuid.UUID(review_id)))
    ).scalar_one()
    assert row.ai_draft_assessment and row.ai_draft_assessment.startswith(REFERENCE_DRAFT_LABEL)
    assert row.status == "pending" and row.signed_at is None
    assert (await item_status(owner_session, product, 16))[0] != "approved"
    assert await audit_count(owner_session, "sa.sign_refused", reason="sa_only") == 1
    assert await signed_count(owner_session, product) == 0
