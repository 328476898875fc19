"""Compliance engine at the route boundary: the spec 05 §7 scenarios, matrix, workflow, register."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.tenancy import OrgId
from app.engines.compliance import load_compliance_data, penalty_block
from app.models.enums import OrgType
from app.services.compliance import lint_for_signing, taiwan_today
from tests.factories import Actor, make_actor, make_org

pytestmark = pytest.mark.usefixtures("reference_data")

ELEMENTS = [e.key for e in load_compliance_data().label_elements.elements]
IMPORTER_ITEMS = ["3", "5", "6", "8-16"]


def day(offset: int) -> str:
    return (taiwan_today() + timedelta(days=offset)).isoformat()


async def actor_of(owner_session: AsyncSession, settings: Settings, org_type: OrgType) -> Actor:
    org = await make_org(owner_session, type=org_type, name=f"{org_type.value} co")
    return await make_actor(owner_session, settings, org=org)


async def new_product(client: AsyncClient, actor: Actor, name: str = "美白精華") -> str:
    response = await client.post(
        "/api/v1/products", json={"name": name, "category": "general"}, headers=actor.headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def put_items(
    client: AsyncClient, actor: Actor, product_id: str, items: dict[int, dict[str, Any]]
) -> None:
    for number, data in items.items():
        response = await client.put(
            f"/api/v1/products/{product_id}/pif/{number}",
            json={"data": data, "confirm": True},
            headers=actor.headers,
        )
        assert response.status_code == 200, (number, response.text)


async def lint(
    client: AsyncClient, actor: Actor, product_id: str, lang: str | None = None
) -> dict[str, Any]:
    headers = actor.headers | ({"Accept-Language": lang} if lang else {})
    response = await client.get(f"/api/v1/products/{product_id}/cross-item-lint", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def fired(body: dict[str, Any]) -> set[str]:
    return {a["rule_id"] for a in body["alerts"]}


def formula(*extra: dict[str, Any]) -> dict[str, Any]:
    lines = [
        {"raw_name": "水", "inci_name": "AQUA", "cas": "7732-18-5", "concentration_pct": "84",
         "function": "solvent"},
        {"raw_name": "甘油", "inci_name": "GLYCERIN", "cas": "56-81-5", "concentration_pct": "10",
         "function": "humectant"},
        {"raw_name": "菸鹼醯胺", "inci_name": "NIACINAMIDE", "cas": "98-92-0",
         "concentration_pct": "4", "function": "skin whitening"},
        *extra,
    ]  # fmt: skip
    return {"ingredients": lines}


DBP = {"raw_name": "DBP", "inci_name": "DIBUTYL PHTHALATE", "cas": "84-74-2",
       "concentration_pct": "2", "function": "plasticiser"}  # fmt: skip
USAGE = {"method": "塗抹於臉部", "amount": "適量", "frequency": "每日早晚",
         "application_area": "臉部", "precautions_warnings": "避免接觸眼睛"}  # fmt: skip
PASSING_TESTS: dict[int, dict[str, Any]] = {
    11: {"reports": [{"test_date": day(-60), "parameters_tested": ["appearance", "ph", "viscosity"],
                      "container_materials_tested": ["PET"], "conclusion": "stable"}]},
    12: {"test_date": day(-60), "overall_pass": True},
    13: {"test_date": day(-60), "criteria": "A", "result": "pass"},
}  # fmt: skip


def brand_items() -> dict[int, dict[str, Any]]:
    return {
        1: {"launch_date": day(-30), "brand_name": "Acme"},
        2: {"registration_number": "衛部粧製字第000123號"},
        3: formula(DBP),
        4: {"claims": ["whitening", "保濕"], "ocr_text": "用法：早晚取適量塗抹於臉部",
            "label_elements": dict.fromkeys(ELEMENTS, True)},
        5: {"certificate_type": "iso_22716", "issue_date": day(-100), "expiry_date": day(700)},
        7: USAGE,
        8: {"declaration": "迄今未知有不良反應"},
        9: {"product_ph": 5.5},
        **PASSING_TESTS,
        15: {"components": [{"component": "bottle", "material": "PET"}]},
    }  # fmt: skip


def importer_items() -> dict[int, dict[str, Any]]:
    return {
        1: {"launch_date": day(-200), "country_of_origin": "France"},
        3: formula(DBP),
        4: {"claims": ["美白", "適合敏感肌"], "label_elements": dict.fromkeys(ELEMENTS, True)},
        5: {"certificate_type": "iso_22716", "issue_date": day(-200), "expiry_date": day(80)},
        6: {"steps": [{"stage": "emulsification", "step": "heat oil phase", "temperature_c": 85}]},
        7: USAGE,
        8: {"declaration": "see events",
            "events": [{"occurred_on": day(-5), "category": "allergy", "serious": True}]},
        9: {"product_ph": 6.0},
        11: {"reports": [{"test_date": day(-60), "parameters_tested": ["appearance", "ph"],
                          "container_materials_tested": ["PET"]}]},
        12: {"test_date": day(-60), "overall_pass": True},
        13: {"test_date": day(-60), "criteria": "A", "result": "fail"},
        15: {"components": [{"component": "tube", "material": "aluminium"}]},
    }  # fmt: skip


async def test_brand_scenario(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await actor_of(owner_session, settings, OrgType.BRAND)
    product = await new_product(client, actor)
    await put_items(client, actor, product, brand_items())

    body = await lint(client, actor, product)

    assert {"R1", "R9"} <= fired(body)
    assert not {"R5", "R7", "R8", "R11"} & fired(body)
    assert body["can_sign"] is False and body["summary"]["blocking"] >= 1
    assert "R9" not in body["not_evaluated"] and "R14" in body["not_evaluated"]
    r9 = next(a for a in body["alerts"] if a["rule_id"] == "R9")
    assert "DIBUTYL PHTHALATE" in r9["message"] and r9["target_item"] == 3


async def test_importer_scenario(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await actor_of(owner_session, settings, OrgType.IMPORTER)
    product = await new_product(client, actor)
    await put_items(client, actor, product, importer_items())

    body = await lint(client, actor, product)
    workflow = (
        await client.get(f"/api/v1/products/{product}/pif-workflow", headers=actor.headers)
    ).json()

    assert {"R1", "R7", "R8", "R9", "R10", "R11", "R12", "R13"} <= fired(body)
    assert body["summary"]["blocking"] >= 1 and body["can_sign"] is False
    order = {"blocking": 0, "error": 1, "warning": 2}
    keys = [(order[a["severity"]], int(a["rule_id"][1:])) for a in body["alerts"]]
    assert keys == sorted(keys)
    assert body["summary"] == {
        s: sum(a["severity"] == s for a in body["alerts"]) for s in ("blocking", "error", "warning")
    }
    assert workflow["outsourcing_suggestions"] == IMPORTER_ITEMS
    assert len(workflow["steps"]) == 7 and workflow["post_launch"]["item_number"] == 8


async def test_rule_triggers_through_the_api(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await actor_of(owner_session, settings, OrgType.BRAND)
    product = await new_product(client, actor)
    clean = brand_items() | {3: formula()}
    await put_items(client, actor, product, clean | {4: clean[4] | {"claims": ["保濕"]}})
    assert "R1" not in fired(await lint(client, actor, product))

    await put_items(client, actor, product, {4: clean[4] | {"claims": ["美白"]}})
    assert "R1" in fired(await lint(client, actor, product))

    await put_items(client, actor, product, {4: clean[4] | {"claims": ["敏感肌專用"]}})
    assert "R7" in fired(await lint(client, actor, product))

    hot = {"steps": [{"stage": "mixing", "step": "heat", "temperature_c": 80}]}
    await put_items(client, actor, product, {6: hot})
    assert "R11" in fired(await lint(client, actor, product))
    report = clean[11]["reports"][0]
    tested = report | {"parameters_tested": [*report["parameters_tested"], "high_temperature"]}
    await put_items(client, actor, product, {11: {"reports": [tested]}})
    assert "R11" not in fired(await lint(client, actor, product))


async def test_r4_uses_the_regulatory_warning_text_on_normalised_label_text(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await actor_of(owner_session, settings, OrgType.BRAND)
    product = await new_product(client, actor)
    salicylic = {"raw_name": "水楊酸", "inci_name": "SALICYLIC ACID", "cas": "69-72-7",
                 "concentration_pct": "0.5", "function": "preservative"}  # fmt: skip
    items = brand_items() | {3: formula(salicylic)}
    await put_items(client, actor, product, items)

    def warnings_for(body: dict[str, Any]) -> list[str]:
        return [
            a["message"].split(": ", 1)[1]
            for a in body["alerts"]
            if a["rule_id"] == "R4" and "SALICYLIC ACID" in a["message"]
        ]

    texts = warnings_for(await lint(client, actor, product, "en"))
    assert texts, "the regulatory check names a mandatory warning for salicylic acid"
    # printed in upper case with full-width letters and extra spaces: still found
    printed = " ".join(t.upper().replace("A", "Ａ") for t in texts)
    label = items[4] | {"ocr_text": f"{items[4]['ocr_text']}\n{printed}"}
    await put_items(client, actor, product, {4: label})
    assert warnings_for(await lint(client, actor, product, "en")) == []


async def test_messages_localised_and_penalties_match_the_data_file(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await actor_of(owner_session, settings, OrgType.IMPORTER)
    product = await new_product(client, actor)
    await put_items(client, actor, product, importer_items())
    data = load_compliance_data()

    zh = await lint(client, actor, product)
    en = await lint(client, actor, product, "en-US,en;q=0.9")
    zh_explicit = await lint(client, actor, product, "zh-TW,zh;q=0.9,en;q=0.8")

    assert [a["rule_id"] for a in zh["alerts"]] == [a["rule_id"] for a in en["alerts"]]
    assert zh_explicit == zh
    r9_en = next(a for a in en["alerts"] if a["rule_id"] == "R9")
    r9_zh = next(a for a in zh["alerts"] if a["rule_id"] == "R9")
    assert r9_en["message"].startswith("Ingredient") and r9_zh["message"].startswith("成分")
    for body, locale in ((zh, "zh-TW"), (en, "en")):
        for alert in body["alerts"]:
            rule = data.rule(alert["rule_id"])
            assert (alert["severity"], alert["target_item"]) == (rule.severity, rule.target_item)
            block = penalty_block(data, rule, locale)  # type: ignore[arg-type]
            expected = None if block is None else {
                "act": block.act, "articles": block.articles, "fine_min_twd": block.fine_min_twd,
                "fine_max_twd": block.fine_max_twd, "description": block.description,
                "indicative": True,
            }  # fmt: skip
            assert alert["penalty"] == expected, alert["rule_id"]
    assert r9_en["penalty"]["description"] == "Banned / regulated ingredient"
    assert r9_en["penalty"]["fine_max_twd"] == 5000000


async def test_responsibility_matrix(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await make_actor(owner_session, settings)
    rows: dict[str, list[dict[str, Any]]] = {}
    for org_type in ("brand", "oem", "importer", "consultant"):
        response = await client.get(
            "/api/v1/pif/responsibility-matrix",
            params={"org_type": org_type},
            headers=actor.headers,
        )
        assert response.status_code == 200
        assert response.json()["org_type"] == org_type
        rows[org_type] = response.json()["cells"]

    def outsourced(t: str) -> set[int]:
        return {c["item_number"] for c in rows[t] if c["typically_outsourced"]}

    assert sum(len(cells) for cells in rows.values()) == 64
    assert all([c["item_number"] for c in cells] == list(range(1, 17)) for cells in rows.values())
    assert outsourced("importer") == {3, 5, 6, *range(8, 17)}
    assert len(outsourced("brand")) > len(outsourced("oem"))
    assert rows["importer"][2]["who_provides"] == "Foreign principal"
    assert {c["typically_outsourced"] for c in rows["consultant"]} == {None}

    bad = await client.get(
        "/api/v1/pif/responsibility-matrix", params={"org_type": "retailer"}, headers=actor.headers
    )
    assert bad.status_code == 422
    assert all(t in bad.text for t in ("brand", "oem", "importer", "consultant"))
    missing = await client.get("/api/v1/pif/responsibility-matrix", headers=actor.headers)
    assert missing.status_code == 422


async def test_product_responsibilities_workflow_and_outsourcing_register(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    actor = await actor_of(owner_session, settings, OrgType.IMPORTER)
    outsider = await actor_of(owner_session, settings, OrgType.IMPORTER)
    product = await new_product(client, actor)
    base = f"/api/v1/products/{product}"

    row = (await client.get(f"{base}/pif-responsibilities", headers=actor.headers)).json()
    assert row["org_type"] == "importer" and len(row["cells"]) == 16
    flow = (await client.get(f"{base}/pif-workflow", headers=actor.headers)).json()
    assert flow["current_step"] == 1 and flow["outsourcing_suggestions"] == IMPORTER_ITEMS
    assert [s["number"] for s in flow["steps"]] == list(range(1, 8))

    created = await client.post(
        f"{base}/outsourcings",
        json={"item_number": 9, "vendor": "Maison Principal SA", "note": "CoA"},
        headers=actor.headers,
    )
    assert created.status_code == 201, created.text
    entry = created.json()
    listed = (await client.get(f"{base}/outsourcings", headers=actor.headers)).json()
    assert [e["id"] for e in listed] == [entry["id"]]
    flow = (await client.get(f"{base}/pif-workflow", headers=actor.headers)).json()
    assert flow["outsourcing_suggestions"] == ["3", "5", "6", "8", "10-16"]

    await put_items(client, actor, product, {3: formula()})
    flow = (await client.get(f"{base}/pif-workflow", headers=actor.headers)).json()
    assert flow["steps"][0]["completed"] is True and flow["current_step"] == 2

    bad = await client.post(
        f"{base}/outsourcings", json={"item_number": 17, "vendor": "x"}, headers=actor.headers
    )
    assert bad.status_code == 422
    empty_vendor = await client.post(
        f"{base}/outsourcings", json={"item_number": 3, "vendor": "  "}, headers=actor.headers
    )
    assert empty_vendor.status_code == 422

    # another tenant sees none of it
    for path in ("cross-item-lint", "pif-workflow", "pif-responsibilities", "outsourcings"):
        assert (await client.get(f"{base}/{path}", headers=outsider.headers)).status_code == 404
    foreign = await client.delete(f"{base}/outsourcings/{entry['id']}", headers=outsider.headers)
    assert foreign.status_code == 404
    steal = await client.post(
        f"{base}/outsourcings", json={"item_number": 3, "vendor": "x"}, headers=outsider.headers
    )
    assert steal.status_code == 404

    deleted = await client.delete(f"{base}/outsourcings/{entry['id']}", headers=actor.headers)
    assert deleted.status_code == 204
    again = await client.delete(f"{base}/outsourcings/{entry['id']}", headers=actor.headers)
    assert again.status_code == 404
    unknown = await client.get(
        f"/api/v1/products/{uuid.uuid4()}/cross-item-lint", headers=actor.headers
    )
    assert unknown.status_code == 404


@dataclass(frozen=True)
class _Principal:
    tenant_org: OrgId


async def test_lint_for_signing_blocks_on_sa_qualification(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, app: FastAPI
) -> None:
    actor = await actor_of(owner_session, settings, OrgType.BRAND)
    product = await new_product(client, actor)
    clean = brand_items() | {3: formula()}
    await put_items(client, actor, product, clean | {4: clean[4] | {"claims": ["保濕"]}})
    today = taiwan_today()
    principal = _Principal(actor.org_id)

    async with app.state.db.tenant(actor.org_id) as session:
        valid = await lint_for_signing(
            session, principal, uuid.UUID(product), today + timedelta(days=30), today,
            rule_index=app.state.rule_index,
        )  # fmt: skip
        expired = await lint_for_signing(
            session, principal, uuid.UUID(product), today - timedelta(days=1), today,
            rule_index=app.state.rule_index,
        )  # fmt: skip
        unknown = await lint_for_signing(session, principal, uuid.UUID(product), None, today)

    assert valid.can_sign is True and [a.rule_id for a in valid.alerts] == []
    assert expired.can_sign is False and [a.rule_id for a in expired.alerts] == ["R14"]
    assert unknown.can_sign is False and "R14" in {a.rule_id for a in unknown.alerts}
    assert isinstance(date.today(), date)


SALICYLIC = {"raw_name": "Salicylic acid", "inci_name": "SALICYLIC ACID", "cas": "69-72-7",
             "concentration_pct": "2.5", "function": "keratolytic"}  # fmt: skip


async def test_r9_checks_the_products_stored_description(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    """EU Annex III/98 salicylic acid (not as a preservative): (a) rinse-off hair products 3.0 %,
    (b) other products 2.0 %, (c) body lotion, eye shadow, … 0.5 %."""
    actor = await actor_of(owner_session, settings, OrgType.BRAND)
    unknown = await new_product(client, actor, "未說明產品")
    response = await client.post(
        "/api/v1/products",
        json={"name": "洗髮精", "category": "general",
              "description": {"form": "rinse_off", "areas": ["hair", "scalp"]}},
        headers=actor.headers,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    shampoo = str(response.json()["id"])
    for product in (unknown, shampoo):
        await put_items(client, actor, product, {3: formula(SALICYLIC)})

    def over_limit(body: dict[str, Any]) -> list[str]:
        return [
            a["message"]
            for a in body["alerts"]
            if a["rule_id"] == "R9" and "SALICYLIC" in a["message"].upper()
            and "III/98" in a["message"] and "exceeds" in a["message"]
        ]  # fmt: skip

    assert over_limit(await lint(client, actor, unknown))  # strictest reading: 2.0 % applies
    assert not over_limit(await lint(client, actor, shampoo))  # rinse-off hair: 3.0 % applies
