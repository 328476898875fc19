"""The regulatory PDF routes: live and snapshot PDFs, headers, byte stability, isolation."""

import email
from email.parser import HeaderParser
from email.policy import default
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.api.v1.document_support import assert_pdf, page_text, pdf_text
from tests.api.v1.review_support import (
    Desk,
    clean_items,
    make_desk,
    new_product,
    opened_review,
    put_item,
    sign,
)

PARABEN = {"raw_name": "對羥基苯甲酸甲酯", "inci_name": "METHYLPARABEN", "cas": "99-76-3",
           "concentration_pct": "0.2", "function": "preservative"}  # fmt: skip


def items(formula: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    data = clean_items()
    data[3] = {"ingredients": formula}
    data[4] = dict(data[4], claims=["保濕", "美白"])  # a strong claim: R1 fires (warning)
    return data


def v1_formula() -> list[dict[str, Any]]:
    return [*clean_items()[3]["ingredients"][:2], PARABEN,
            {"raw_name": "泛醇", "inci_name": "PANTHENOL", "cas": "81-13-0",
             "concentration_pct": "1.8", "function": "skin conditioning"}]  # fmt: skip


async def serum(client: AsyncClient, desk: Desk) -> str:
    product = await new_product(client, desk.operator, "保濕精華液")
    for number, data in items(v1_formula()).items():
        await put_item(client, desk.operator, product, number, data)
    return product


def disposition(response: Response) -> tuple[str, str]:
    """(UTF-8 `filename*` as Python's email parser decodes it, the ASCII `filename`)."""
    raw = response.headers["content-disposition"]
    assert all(0x20 <= b <= 0x7E for b in raw.encode("latin-1"))
    modern = email.message_from_string(f"Content-Disposition: {raw}\n\n", policy=default)
    decoded = modern.get_filename()
    compat = HeaderParser().parsestr(f"Content-Disposition: {raw}\n\n")
    params = compat.get_params(header="content-disposition") or []
    ascii_names = [v for k, v in params if k == "filename" and isinstance(v, str)]
    assert isinstance(decoded, str) and len(ascii_names) == 1
    assert all(0x20 <= ord(c) <= 0x7E for c in ascii_names[0])
    return decoded, ascii_names[0]


async def test_live_pdf_has_the_sections_lint_table_and_chinese_name(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    desk = await make_desk(owner_session, settings, "某品牌")
    product = await serum(client, desk)
    response = await client.get(
        f"/api/v1/products/{product}/pif-versions/regulatory-pdf", headers=desk.operator.headers
    )
    body = assert_pdf(response)
    text = pdf_text(body)
    for label in [f"§7-1-{n}" for n in range(1, 10)] + ["§22", "R1"]:
        assert label in text, label
    assert "保濕精華液" in text and "對羥基苯甲酸甲酯" in text
    ingredients = page_text(body, 4)  # the ingredient table is page 4
    for column in ("INCI", "CAS", "% w/w", "TFDA 狀態", "EU 狀態"):
        assert column in ingredients
    for inci in ("AQUA", "GLYCERIN", "METHYLPARABEN", "PANTHENOL", "99-76-3"):
        assert inci in ingredients, inci
    assert "V0" in page_text(body, 1)

    utf8_name, ascii_name = disposition(response)
    assert ascii_name.startswith("PIF_V0_") and ascii_name.endswith(".pdf")  # brand not ASCII
    assert utf8_name == f"某品牌_{ascii_name}"  # the UTF-8 name, decoded exactly

    english = await client.get(
        f"/api/v1/products/{product}/pif-versions/regulatory-pdf?lang=en",
        headers=desk.operator.headers,
    )
    english_text = pdf_text(assert_pdf(english))
    assert "Full ingredient table" in english_text and "§22" in english_text
    assert "Full ingredient table" not in text


async def test_snapshot_pdf_keeps_the_signed_formula_and_is_byte_stable(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    desk = await make_desk(owner_session, settings, "Acme Beauty")
    product = await serum(client, desk)
    signed = await sign(client, desk, await opened_review(client, desk, product))
    assert signed.status_code == 200, signed.text
    v1 = signed.json()["version"]
    changed = [line for line in v1_formula() if line["inci_name"] != "PANTHENOL"]
    changed.append({"raw_name": "菸鹼醯胺", "inci_name": "NIACINAMIDE", "cas": "98-92-0",
                    "concentration_pct": "1.8", "function": "skin conditioning"})  # fmt: skip
    await put_item(client, desk.operator, product, 3, {"ingredients": changed})

    base = f"/api/v1/products/{product}/pif-versions"
    first = await client.get(f"{base}/{v1['id']}/regulatory-pdf", headers=desk.operator.headers)
    again = await client.get(f"{base}/{v1['id']}/regulatory-pdf", headers=desk.sa.headers)
    old = assert_pdf(first)
    assert assert_pdf(again) == old  # same snapshot, same renderer: same bytes
    old_table = page_text(old, 4)
    assert "PANTHENOL" in old_table and "NIACINAMIDE" not in old_table
    old_text = pdf_text(old)
    assert v1["signature_hash"] in old_text.replace("\n", "")
    assert "V1" in page_text(old, 1)
    utf8_name, ascii_name = disposition(first)
    assert utf8_name.startswith("Acme Beauty_PIF_V1_")
    assert ascii_name.startswith("Acme-Beauty_PIF_V1_")

    live = assert_pdf(await client.get(f"{base}/regulatory-pdf", headers=desk.operator.headers))
    live_table = page_text(live, 4)
    assert "NIACINAMIDE" in live_table and "PANTHENOL" not in live_table


async def test_other_orgs_unknown_versions_and_bad_lang(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    desk = await make_desk(owner_session, settings)
    product = await serum(client, desk)
    signed = await sign(client, desk, await opened_review(client, desk, product))
    version = signed.json()["version"]["id"]
    base = f"/api/v1/products/{product}/pif-versions"
    outsider = (await make_desk(owner_session, settings, "B")).operator.headers
    for path in (f"{base}/regulatory-pdf", f"{base}/{version}/regulatory-pdf"):
        response = await client.get(path, headers=outsider)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
    unknown = await client.get(
        f"{base}/00000000-0000-0000-0000-000000000000/regulatory-pdf",
        headers=desk.operator.headers,
    )
    assert unknown.status_code == 404
    bad = await client.get(f"{base}/regulatory-pdf?lang=fr", headers=desk.operator.headers)
    assert bad.status_code == 422 and "error" in bad.json()
