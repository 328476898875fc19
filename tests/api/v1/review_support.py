"""Shared set-up for the review/versions route tests: a clean file, an SA with TOTP, codes."""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pyotp
from httpx import AsyncClient, Response
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.tenancy import OrgId
from app.engines.compliance import load_compliance_data
from app.models import Organization, User
from app.models.enums import OrgType, Role
from app.models.platform import AuditLog
from app.services.compliance import taiwan_today
from tests.factories import Actor, auth_headers, enable_totp, make_actor, make_org, totp_code

ELEMENTS = [e.key for e in load_compliance_data().label_elements.elements]


def day(offset: int) -> str:
    return (taiwan_today() + timedelta(days=offset)).isoformat()


def formula(glycerin: str = "10", *, reverse: bool = False) -> dict[str, Any]:
    lines = [
        {"raw_name": "水", "inci_name": "AQUA", "cas": "7732-18-5", "concentration_pct": "86",
         "function": "solvent"},
        {"raw_name": "甘油", "inci_name": "GLYCERIN", "cas": "56-81-5",
         "concentration_pct": glycerin, "function": "humectant"},
        {"raw_name": "泛醇", "inci_name": "PANTHENOL", "cas": "81-13-0", "concentration_pct": "4",
         "function": "skin conditioning"},
    ]  # fmt: skip
    return {"ingredients": lines[::-1] if reverse else lines}


DBP = {"raw_name": "DBP", "inci_name": "DIBUTYL PHTHALATE", "cas": "84-74-2",
       "concentration_pct": "2", "function": "plasticiser"}  # fmt: skip
STEPS = [
    {"stage": "water phase", "step": "dissolve glycerin in water", "temperature_c": 40},
    {"stage": "cool down", "step": "add panthenol below 40 °C", "temperature_c": 35},
]


def clean_items() -> dict[int, dict[str, Any]]:
    """A file with no lint alert (no blocking, error or warning)."""
    return {
        1: {"launch_date": day(-30), "brand_name": "Acme"},
        2: {"registration_number": "衛部粧製字第000123號"},
        3: formula(),
        4: {"claims": ["保濕"], "ocr_text": "用法：早晚取適量塗抹於臉部",
            "label_elements": dict.fromkeys(ELEMENTS, True)},
        5: {"certificate_type": "iso_22716", "issue_date": day(-100), "expiry_date": day(700)},
        6: {"steps": STEPS},
        7: {"method": "塗抹於臉部", "amount": "適量", "frequency": "每日早晚",
            "application_area": "臉部", "precautions_warnings": "避免接觸眼睛"},
        8: {"declaration": "迄今未知有不良反應"},
        9: {"product_ph": 5.5},
        11: {"reports": [{"test_date": day(-60), "parameters_tested": ["appearance", "ph"],
                          "container_materials_tested": ["PET"], "conclusion": "stable"}]},
        12: {"test_date": day(-60), "overall_pass": True},
        13: {"test_date": day(-60), "criteria": "A", "result": "pass"},
        15: {"components": [{"component": "bottle", "material": "PET"}]},
    }  # fmt: skip


@dataclass
class Desk:
    """An org with an operator (member), an admin and a qualified SA with TOTP."""

    org: Organization
    operator: Actor
    admin: Actor
    sa: Actor
    totp: pyotp.TOTP
    owner: AsyncSession
    sa_id: uuid.UUID
    org_id: OrgId

    async def code(self) -> str:
        """A code the replay guard accepts: forget the last used step first (tests only)."""
        await self.owner.execute(
            update(User).where(User.id == self.sa_id).values(totp_last_step=None)
        )
        await self.owner.commit()
        return totp_code(self.totp)

    async def sa_headers(self) -> dict[str, str]:
        return self.sa.headers | {"X-TOTP-Code": await self.code()}


async def make_desk(owner: AsyncSession, settings: Settings, name: str = "Acme") -> Desk:
    org = await make_org(owner, type=OrgType.BRAND, name=name)
    operator = await make_actor(owner, settings, org=org)
    admin = await make_actor(owner, settings, org=org, role=Role.ADMIN)
    sa = await make_actor(owner, settings, org=org, role=Role.SA)
    sa.user.sa_qualified_until = taiwan_today() + timedelta(days=365)
    sa.user.sa_certificate_ref = "SA-CERT-0001"
    totp = await enable_totp(owner, settings, sa.user)
    sa.headers = auth_headers(settings, sa.user)
    return Desk(org, operator, admin, sa, totp, owner, sa.user.id, OrgId(org.id))


async def new_product(client: AsyncClient, actor: Actor, name: str = "保濕乳液") -> str:
    response = await client.post(
        "/api/v1/products", json={"name": name, "category": "general"}, headers=actor.headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def put_item(
    client: AsyncClient, actor: Actor, product: str, number: int, data: dict[str, Any]
) -> None:
    response = await client.put(
        f"/api/v1/products/{product}/pif/{number}",
        json={"data": data, "confirm": True},
        headers=actor.headers,
    )
    assert response.status_code == 200, (number, response.text)


async def ready_product(client: AsyncClient, desk: Desk) -> str:
    product = await new_product(client, desk.operator)
    for number, data in clean_items().items():
        await put_item(client, desk.operator, product, number, data)
    return product


async def submit(client: AsyncClient, actor: Actor, product: str) -> Response:
    return await client.post(f"/api/v1/products/{product}/pif/submit-review", headers=actor.headers)


async def opened_review(client: AsyncClient, desk: Desk, product: str) -> str:
    response = await submit(client, desk.operator, product)
    assert response.status_code in (200, 202), response.text
    review_id = str(response.json()["review_id"])
    opened = await client.get(f"/api/v1/sa/reviews/{review_id}", headers=desk.sa.headers)
    assert opened.status_code == 200, opened.text
    return review_id


async def sign(client: AsyncClient, desk: Desk, review_id: str) -> Response:
    return await client.post(
        f"/api/v1/sa/reviews/{review_id}/sign", headers=await desk.sa_headers()
    )


async def audit_count(owner: AsyncSession, action: str, **details: str) -> int:
    stmt = select(func.count()).select_from(AuditLog).where(AuditLog.action == action)
    for key, value in details.items():
        stmt = stmt.where(AuditLog.details[key].astext == value)
    return int((await owner.execute(stmt)).scalar_one())
