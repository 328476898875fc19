"""POST …/pif/analyze end to end: 202, the worker extracts Item 3, the draft, confirmation."""

import io
import random
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from fpdf import FPDF
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.models import ProductIngredient
from app.services.formulation.limits import too_many_lines
from bench.formula.scans import degrade, encode, formula_rows, render_table
from tests.engines.formula.formula_sheets import xlsx_bytes
from tests.factories import Actor, make_actor, make_product, poll_task
from tests.worker.conftest import running_worker

pytestmark = pytest.mark.usefixtures("reference_data")

SHEET = xlsx_bytes(
    [
        ["Formula sheet — Moisturising lotion", None, None, None],
        ["成分 INCI", "CAS No.", "含量 %", "功能"],
        ["Aqua", "7732-18-5", "q.s.", "solvent"],
        ["Glycerine", "56-81-5", "5,0", "humectant"],
        ["Butylene  glycol", "107-88-0", "3", "humectant"],
        ["Phenoxyethanol ", "122-99-6", "0.8%", "preservative"],
        ["Tocopherol", "59-02-8", "0.5", "antioxidant"],
    ]
)


async def _upload_and_analyze(
    client: AsyncClient, actor: Actor, product_id: uuid.UUID, name: str, data: bytes
) -> tuple[str, dict[str, Any]]:
    upload = await client.post(
        f"/api/v1/products/{product_id}/pif/upload",
        data={"item_number": "3"},
        files={"file": (name, data, "application/octet-stream")},
        headers=actor.headers,
    )
    assert upload.status_code == 201, upload.text
    response = await client.post(
        f"/api/v1/products/{product_id}/pif/analyze", json={"item_number": 3}, headers=actor.headers
    )
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "pending"
    return response.headers["Location"], response.json()


async def test_formula_extraction_draft_then_confirmation(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, fast_settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    location, accepted = await _upload_and_analyze(client, actor, product.id, "formula.xlsx", SHEET)
    item = (await client.get(f"/api/v1/products/{product.id}/pif/3", headers=actor.headers)).json()
    assert item["status"] == "ai_processing"
    async with running_worker(fast_settings):
        task, seen = await poll_task(client, actor, location)
    assert seen[0] == "pending" and task["status"] == "done", task
    assert task["id"] == accepted["task_id"] and task["progress"] == 100

    item = (await client.get(f"/api/v1/products/{product.id}/pif/3", headers=actor.headers)).json()
    assert item["status"] == "ai_draft_ready"
    draft = item["ai_draft"]
    names = {line["inci_name"]: line for line in draft["ingredients"]}
    assert set(names) == {"WATER", "GLYCERIN", "BUTYLENE GLYCOL", "PHENOXYETHANOL", "TOCOPHEROL"}
    assert names["GLYCERIN"]["concentration_pct"] == 5.0
    assert names["WATER"]["concentration_pct"] == pytest.approx(90.7)
    assert "qs_balance" in names["WATER"]["flags"]
    assert names["GLYCERIN"]["confidence_band"]["inci_name"] in ("high", "medium", "low")
    assert 0 <= item["ai_confidence"] <= 1
    # nothing becomes a formula line until a person confirms it
    count = select(func.count()).select_from(ProductIngredient)
    assert await owner_session.scalar(count) == 0

    lines = [
        {k: line[k] for k in ("raw_name", "inci_name", "cas", "concentration_pct", "function")}
        for line in draft["ingredients"]
    ]
    confirmed = await client.put(
        f"/api/v1/products/{product.id}/pif/3",
        json={"data": {"ingredients": lines}, "confirm": True},
        headers=actor.headers,
    )
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "human_reviewed"
    rows = (
        await owner_session.execute(
            select(ProductIngredient.inci_name, ProductIngredient.sort_order).order_by(
                ProductIngredient.sort_order
            )
        )
    ).all()
    assert [name for name, _ in rows][:2] == ["WATER", "GLYCERIN"]


def _corrupt_xlsx() -> bytes:
    """Passes the upload checks (a zip with the OOXML markers) but is no workbook."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "not xml at all <<<")
    return buffer.getvalue()


def _pdf_without_table() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="This letter confirms our order. Regards, Purchasing.")
    return bytes(pdf.output())


async def test_a_photographed_formula_is_read_by_offline_ocr(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, fast_settings: Settings
) -> None:
    rows, truth = formula_rows(random.Random(8), 8, zh_header=False)
    photo = encode(degrade(render_table(rows), random.Random(8), "photo"), "jpeg")
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    location, _ = await _upload_and_analyze(client, actor, product.id, "photo.jpg", photo)
    async with running_worker(fast_settings):
        task, _ = await poll_task(client, actor, location)
    assert task["status"] == "done", task
    draft = (
        await client.get(f"/api/v1/products/{product.id}/pif/3", headers=actor.headers)
    ).json()["ai_draft"]
    assert draft["ocr"]["pages"] == [1] and draft["ocr"]["engine"].startswith("rapidocr")
    got = {(line["inci_name"], line["concentration_pct"]) for line in draft["ingredients"]}
    assert got == {(t.inci_name, t.concentration_pct) for t in truth}
    # every line, least certain first, for the SA
    order = draft["review_order"]
    assert sorted(order) == [line["sort_order"] for line in draft["ingredients"]]
    by_order = {line["sort_order"]: line for line in draft["ingredients"]}
    lows = [min(by_order[n]["confidence"].values()) for n in order]
    assert lows == sorted(lows)


def _blank_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (500, 300), 255).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("broken.xlsx", _corrupt_xlsx),
        ("empty.csv", lambda: b"\n\n"),
        ("letter.pdf", _pdf_without_table),
        ("blank-scan.png", _blank_png),
    ],
)
async def test_unreadable_formula_goes_back_to_uploaded_with_reason(
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    fast_settings: Settings,
    name: str,
    make: Callable[[], bytes],
) -> None:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    upload = await client.post(
        f"/api/v1/products/{product.id}/pif/upload",
        data={"item_number": "3", "document_type": "formula"},
        files={"file": (name, make(), "application/octet-stream")},
        headers=actor.headers,
    )
    assert upload.status_code == 201, upload.text
    response = await client.post(
        f"/api/v1/products/{product.id}/pif/analyze", json={"item_number": 3}, headers=actor.headers
    )
    async with running_worker(fast_settings):
        task, _ = await poll_task(client, actor, response.headers["Location"])
    assert task["status"] == "failed" and task["attempts"] == 1
    item = (await client.get(f"/api/v1/products/{product.id}/pif/3", headers=actor.headers)).json()
    assert item["status"] == "uploaded"
    assert item["status_reason"].startswith("Analysis failed:")
    assert len(item["status_reason"]) > len("Analysis failed: ")  # the parser's readable reason
    if name.endswith(".png"):
        assert "scan unreadable" in item["status_reason"]
    assert item["ai_draft"] is None
    count = select(func.count()).select_from(ProductIngredient)
    assert await owner_session.scalar(count) == 0


async def test_a_formula_over_the_line_cap_fails_at_once_with_its_line_count(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, fast_settings: Settings
) -> None:
    # 1,200 rows pass the upload caps (2,500); Item 3 takes 1,000 lines: refused before matching
    rows = ["INCI Name,CAS No.,% w/w"] + [f"GLYCERIN {i},,{100 / 1200:.6f}" for i in range(1200)]
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    location, _ = await _upload_and_analyze(
        client, actor, product.id, "big.csv", ("\n".join(rows) + "\n").encode()
    )
    async with running_worker(fast_settings):
        task, _ = await poll_task(client, actor, location)
    assert task["status"] == "failed" and task["attempts"] == 1
    assert too_many_lines(1200) in task["error"]
    item = (await client.get(f"/api/v1/products/{product.id}/pif/3", headers=actor.headers)).json()
    assert item["status"] == "uploaded" and too_many_lines(1200) in item["status_reason"]
