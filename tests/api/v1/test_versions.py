"""Versions at the route boundary: fingerprints, change detection, auto-draft, expiry windows."""

from typing import Any

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.engines.versions.expiry import add_months
from app.models.platform import Task
from app.services import review
from app.services.compliance import taiwan_today
from app.services.review.expiry import notify_org
from app.services.tasks import JobContext, get_handler
from tests.api.v1.review_support import (
    STEPS,
    Desk,
    clean_items,
    day,
    formula,
    make_desk,
    new_product,
    opened_review,
    put_item,
    ready_product,
    sign,
)


async def detection(client: AsyncClient, desk: Desk, product: str) -> dict[str, Any]:
    response = await client.get(
        f"/api/v1/products/{product}/pif-versions/change-detection", headers=desk.operator.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def snapshot_prints(client: AsyncClient, desk: Desk, product: str) -> dict[str, str]:
    response = await client.post(
        f"/api/v1/products/{product}/pif-versions/snapshot", headers=desk.operator.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["is_signed"] is False
    prints: dict[str, str] = response.json()["fingerprints"]
    return prints


def changed(a: dict[str, str], b: dict[str, str]) -> set[str]:
    return {k for k in a if a[k] != b[k]}


async def test_fingerprints_change_detection_and_auto_draft(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    desk = await make_desk(owner_session, settings)
    product = await ready_product(client, desk)
    base = f"/api/v1/products/{product}/pif-versions"
    before = await detection(client, desk, product)
    assert before == {"needs_resign": False, "reasons": [], "current_version": "V0",
                      "suggested_next_version": "V1"}  # fmt: skip
    assert (
        await client.post(f"{base}/auto-draft", headers=desk.operator.headers)
    ).status_code == 409

    signed = await sign(client, desk, await opened_review(client, desk, product))
    assert signed.status_code == 200, signed.text
    v1 = signed.json()["version"]
    assert (await detection(client, desk, product))["needs_resign"] is False
    no_change = await client.post(f"{base}/auto-draft", headers=desk.operator.headers)
    assert no_change.status_code == 409 and no_change.json()["error"]["code"] == "no_change"

    # reordering ingredient rows changes nothing
    await put_item(client, desk.operator, product, 3, formula(reverse=True))
    assert await snapshot_prints(client, desk, product) == v1["fingerprints"]
    assert (await detection(client, desk, product))["needs_resign"] is False

    # one concentration by 0.01: only the formula fingerprint moves
    await put_item(client, desk.operator, product, 3, formula("10.01"))
    moved = await snapshot_prints(client, desk, product)
    assert changed(v1["fingerprints"], moved) == {"formula_fingerprint"}
    report = await detection(client, desk, product)
    assert report == {"needs_resign": True, "reasons": ["formula changed"],
                      "current_version": "V1", "suggested_next_version": "V2"}  # fmt: skip
    flow = await client.get(
        f"/api/v1/products/{product}/pif-workflow", headers=desk.operator.headers
    )
    assert {s["number"]: s["completed"] for s in flow.json()["steps"]}[7] is False

    drafted = await client.post(f"{base}/auto-draft", headers=desk.operator.headers)
    again = await client.post(f"{base}/auto-draft", headers=desk.operator.headers)
    assert drafted.status_code == 200 and drafted.json()["version_label"] == "V2"
    assert again.json()["id"] == drafted.json()["id"] and drafted.json()["is_signed"] is False

    # the V1 snapshot still shows the V1 formula
    old = await client.get(f"{base}/{v1['id']}", headers=desk.operator.headers)
    lines = old.json()["items_snapshot"]["formula_lines"]
    assert "10.0000" in {line["concentration_pct"] for line in lines}
    assert "10.0100" not in {line["concentration_pct"] for line in lines}

    # process steps are ordered: swapping them changes the process fingerprint
    await put_item(client, desk.operator, product, 6, {"steps": STEPS[::-1]})
    swapped = await snapshot_prints(client, desk, product)
    assert changed(moved, swapped) == {"process_fingerprint"}
    assert (await detection(client, desk, product))["reasons"] == [
        "formula changed",
        "process changed",
    ]
    listed = await client.get(base, headers=desk.operator.headers)
    assert [(v["version_label"], v["is_signed"]) for v in listed.json()["items"]] == [
        ("V1", True),
        ("V2", False),
    ]
    assert (
        await client.get(
            base, headers=(await make_desk(owner_session, settings, "B")).operator.headers
        )
    ).status_code == 404


async def expiring(client: AsyncClient, desk: Desk, product: str) -> dict[str, dict[str, Any]]:
    response = await client.get(
        f"/api/v1/products/{product}/pif-versions/expiring", headers=desk.operator.headers
    )
    assert response.status_code == 200, response.text
    return {f"{e['category']}:{e['item_number']}": e for e in response.json()["items"]}


async def test_expiry_windows(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    desk = await make_desk(owner_session, settings)
    product = await new_product(client, desk.operator)
    gmp = clean_items()[5]
    today = taiwan_today()

    def tested(days_left: int) -> str:
        return add_months(today.fromordinal(today.toordinal() + days_left), -12).isoformat()

    cases = [(29, 61, "warning", "ok"), (31, 59, "ok", "warning"), (-1, -1, "overdue", "overdue")]
    for gmp_days, report_days, gmp_status, report_status in cases:
        await put_item(client, desk.operator, product, 5, gmp | {"expiry_date": day(gmp_days)})
        await put_item(client, desk.operator, product, 12, {"test_date": tested(report_days)})
        entries = await expiring(client, desk, product)
        assert entries["gmp:5"]["days_left"] == gmp_days
        assert entries["gmp:5"]["status"] == gmp_status
        assert entries["test_report:12"]["days_left"] == report_days
        assert entries["test_report:12"]["status"] == report_status

    await put_item(client, desk.operator, product, 8, {"events": [
        {"occurred_on": day(-3), "category": "allergy", "serious": True}]})  # fmt: skip
    event = (await expiring(client, desk, product))["adverse_event_report:8"]
    assert event["days_left"] == 12 and event["status"] == "warning"
    days = [e["days_left"] for e in (await expiring(client, desk, product)).values()]
    assert days == sorted(days)


async def test_daily_expiry_digest_per_org(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, app: Any
) -> None:
    desk = await make_desk(owner_session, settings)
    other = await make_desk(owner_session, settings, "Quiet Co")
    product = await new_product(client, desk.operator)
    await new_product(client, other.operator)
    await put_item(client, desk.operator, product, 5, clean_items()[5] | {"expiry_date": day(10)})

    today = taiwan_today()
    assert await review.enqueue_daily_digests(app.state.db, app.state.redis, today=today) == 2
    await review.enqueue_daily_digests(app.state.db, app.state.redis, today=today)
    rows = await owner_session.execute(select(Task).where(Task.type == "review.expiry_digest"))
    by_org = {t.org_id: t for t in rows.scalars()}
    assert set(by_org) == {desk.org_id, other.org_id}  # one per org and day

    sent: list[Any] = []

    class Recorder:
        async def send(self, mail: Any) -> None:
            sent.append(mail)

    async def progress(_: int) -> None:
        return None

    spec = get_handler("review.expiry_digest")
    async with app.state.db.tenant(desk.org_id) as session:
        result = await spec.handler(
            JobContext(session, by_org[desk.org_id], settings, progress, app.state.redis)
        )
        digests = await review.expiry_digest_for_org(session, desk.org_id, today=today)
    assert result is not None and result["products"][0]["entries"][0]["status"] == "warning"
    assert [d.entries[0].category for d in digests] == ["gmp"]
    async with app.state.db.tenant(other.org_id) as session:
        assert await review.expiry_digest_for_org(session, other.org_id, today=today) == []

    async with app.state.db.tenant(desk.org_id) as session:
        assert await notify_org(session, desk.org_id, digests, Recorder()) == 1
    assert sent[0].to == desk.admin.user.email and "GMP certificate" in sent[0].body
