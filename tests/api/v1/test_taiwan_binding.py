"""Taiwan binding, EU advisory where TW decides (spec 06 §6; issue 19), at the route boundary.

The module loads the five real TFDA lists (through the `pifai sync tw-list` importer) next to the
EU annexes and removes the TW rows afterwards (the reference tables are shared per worker).
"""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.config import Settings
from app.models import ChemicalSyncRun, RegulatedSubstance
from app.models.enums import SyncSource
from app.services.formulation import import_ingredients, records_from_starter
from app.services.regulatory import sync_entries
from tests.factories import make_actor
from tests.regulatory_corpus.runner import eu_entries, tw_entries

URL = "/api/v1/ingredients/check-formula"
FACE = {"form": "leave_on", "areas": ["face"]}
HAIR_DYE = {"form": "rinse_off", "areas": ["hair", "scalp"], "kind": "hair_dye"}
SUNSCREEN = {"form": "leave_on", "areas": ["face", "body"], "kind": "sunscreen"}
TW_PROHIBITED_ANNOUNCEMENT = "衛授食字第1131601051號"


@pytest.fixture(scope="module")
async def tw_and_eu_lists(app: FastAPI, owner_engine: AsyncEngine) -> AsyncIterator[None]:
    async with AsyncSession(owner_engine) as session, session.begin():
        await sync_entries(session, list(eu_entries()), source=SyncSource.COSING)
        await sync_entries(session, list(tw_entries()), source=SyncSource.TFDA)
        await import_ingredients(session, records_from_starter())
    yield
    async with AsyncSession(owner_engine) as session, session.begin():
        await session.execute(
            delete(RegulatedSubstance).where(RegulatedSubstance.jurisdiction == "TW")
        )
        await session.execute(delete(ChemicalSyncRun).where(ChemicalSyncRun.source == "tfda"))


pytestmark = pytest.mark.usefixtures("tw_and_eu_lists")


async def _check(
    client: AsyncClient,
    headers: dict[str, str],
    lines: list[dict[str, Any]],
    product: dict[str, Any] = FACE,
    markets: list[str] | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"product": product, "ingredients": lines}
    if markets is not None:
        body["markets"] = markets
    extra = {"Accept-Language": language} if language else {}
    response = await client.post(URL, json=body, headers={**headers, **extra})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def _binding(data: dict[str, Any], jurisdiction: str | None = None) -> list[dict[str, Any]]:
    return [
        f
        for f in data["findings"]
        if f["binding"]
        and f["severity"] in ("critical", "high")
        and jurisdiction in (None, f["jurisdiction"])
    ]


@pytest.fixture
async def headers(owner_session: AsyncSession, settings: Settings) -> dict[str, str]:
    return (await make_actor(owner_session, settings)).headers


async def test_bithionol_is_prohibited_by_tw_binding_with_the_announcement(
    client: AsyncClient, headers: dict[str, str]
) -> None:
    data = await _check(
        client, headers, [{"inci": "Bithionol", "cas": "97-18-7", "concentration": 0.1}]
    )
    tw = [f for f in _binding(data, "TW") if f["kind"] == "prohibited"]
    assert tw and tw[0]["reference"] == "TW TFDA 化粧品禁止使用成分表 no. 3"
    assert TW_PROHIBITED_ANNOUNCEMENT in tw[0]["citation"]
    assert data["summary"]["compliant"] is False
    assert data["markets"] == ["TW"] and data["summary"]["binding_jurisdictions"] == ["TW"]
    assert data["lines"][0]["status"] == "prohibited"


@pytest.mark.parametrize(("ref", "cas"), [("621", "12221-52-2"), ("645", "2390-60-5")])
async def test_hair_dye_only_ban_of_entries_621_645(
    client: AsyncClient, headers: dict[str, str], ref: str, cas: str
) -> None:
    line = [{"inci": f"TW prohibited {ref}", "cas": cas, "concentration": 0.1}]
    dye = await _check(client, headers, line, HAIR_DYE)
    assert any(
        f["kind"] == "prohibited" and f["reference"].endswith(f"no. {ref}")
        for f in _binding(dye, "TW")
    )
    face = await _check(client, headers, line, FACE)
    assert not _binding(face, "TW")
    note = next(f for f in face["findings"] if f["reference"].endswith(f"no. {ref}"))
    assert note["kind"] == "condition" and not note["binding"] and "染髮" in note["message"]


async def test_allantoin_over_the_tw_limit(client: AsyncClient, headers: dict[str, str]) -> None:
    data = await _check(
        client, headers, [{"inci": "Allantoin", "cas": "97-59-6", "concentration": 0.8}]
    )
    over = [f for f in _binding(data, "TW") if f["kind"] == "over_limit"]
    assert over and over[0]["allowed"] == 0.5 and over[0]["actual"] == 0.8
    assert over[0]["reference"] == "TW TFDA 化粧品成分使用限制表 no. 1"
    assert data["summary"]["compliant"] is False


# Real pairs found by `pifai regulatory compare` (bench/RESULTS.md): TW limit above the EU one.
PAIRS = [
    ("Kojic acid", "501-30-4", 1.5, None, "TW TFDA 化粧品成分使用限制表 no. 9", "EU Annex III/375"),
    (
        "Polyaminopropyl biguanide",
        "32289-58-0",
        0.2,
        "preservative",
        "TW TFDA 化粧品防腐劑成分名稱及使用限制表 no. 39",
        "EU Annex V/28",
    ),
    (
        "Climbazole",
        "38083-17-9",
        0.3,
        "preservative",
        "TW TFDA 化粧品防腐劑成分名稱及使用限制表 no. 14",
        "EU Annex V/32",
    ),
]


@pytest.mark.parametrize(("inci", "cas", "conc", "function", "tw_ref", "eu_ref"), PAIRS)
async def test_tw_limit_met_eu_exceeded_is_compliant_with_an_eu_advisory(
    client: AsyncClient,
    headers: dict[str, str],
    inci: str,
    cas: str,
    conc: float,
    function: str | None,
    tw_ref: str,
    eu_ref: str,
) -> None:
    line = [{"inci": inci, "cas": cas, "concentration": conc, "function": function}]
    data = await _check(client, headers, line)
    assert data["summary"]["compliant"] is True, data["findings"]
    eu = next(f for f in data["findings"] if f["reference"] == eu_ref)
    assert eu["kind"] == "over_limit" and not eu["binding"] and "TFDA" in eu["message"]
    assert data["lines"][0]["status"] == "advisory"
    # both markets targeted: the EU limit binds
    both = await _check(client, headers, line, markets=["TW", "EU"])
    assert any(f["reference"] == eu_ref for f in _binding(both, "EU"))
    assert both["summary"]["compliant"] is False
    assert both["summary"]["binding_jurisdictions"] == ["TW", "EU"]
    assert tw_ref  # the TW entry whose limit is met (cited in the corpus case)


async def test_tw_silent_and_eu_exceeded_is_binding(
    client: AsyncClient, headers: dict[str, str]
) -> None:
    # Musk ketone: no TFDA entry; EU Annex III/97 limits it to 0.042 % in this product.
    data = await _check(
        client, headers, [{"inci": "Musk ketone", "cas": "81-14-1", "concentration": 0.1}]
    )
    eu = _binding(data, "EU")
    assert eu and eu[0]["reference"] == "EU Annex III/97" and eu[0]["kind"] == "over_limit"
    assert data["summary"]["compliant"] is False


async def test_eu_market_gives_exactly_the_eu_results(
    client: AsyncClient, headers: dict[str, str]
) -> None:
    lines = [
        {"inci": "Bithionol", "cas": "97-18-7", "concentration": 0.1},
        {"inci": "Allantoin", "cas": "97-59-6", "concentration": 0.8},
        {"inci": "Kojic acid", "cas": "501-30-4", "concentration": 1.5},
        {"inci": "Water", "cas": "7732-18-5", "concentration": 97.6},
    ]
    eu_only = await _check(client, headers, lines, markets=["EU"])
    both = await _check(client, headers, lines, markets=["TW", "EU"])
    assert eu_only["summary"]["binding_jurisdictions"] == ["EU"]
    assert all(not f["binding"] for f in eu_only["findings"] if f["jurisdiction"] == "TW")

    def key(f: dict[str, Any]) -> tuple[str, str, tuple[int, ...]]:
        return (f["reference"], f["kind"], tuple(f["lines"]))

    assert sorted(map(key, _binding(eu_only))) == sorted(map(key, _binding(both, "EU")))
    assert {f["reference"] for f in _binding(both, "TW")} >= {
        "TW TFDA 化粧品禁止使用成分表 no. 3",
        "TW TFDA 化粧品成分使用限制表 no. 1",
    }
    statuses = [ln["status"] for ln in eu_only["lines"]]
    assert statuses[1] == "advisory"  # allantoin: a TW-only limit, advisory for an EU export


async def test_uv_filter_findings_are_provisional_and_never_downgrade_the_eu(
    client: AsyncClient, headers: dict[str, str]
) -> None:
    # Homosalate: TW (provisional parse) 10 %, EU Annex VI/3 7.34 %.
    between = await _check(
        client, headers, [{"inci": "Homosalate", "cas": "118-56-9", "concentration": 8}], SUNSCREEN
    )
    eu = [f for f in _binding(between, "EU") if f["reference"] == "EU Annex VI/3"]
    assert eu, between["findings"]  # the provisional TW limit does not make it an advisory
    summary = between["summary"]
    assert summary["provisional_lists"] == ["TW uv_filter"]
    assert any("provisional" in r and "TW uv_filter" in r for r in summary["reasons"])
    over = await _check(
        client, headers, [{"inci": "Homosalate", "cas": "118-56-9", "concentration": 12}], SUNSCREEN
    )
    tw = [f for f in over["findings"] if f["jurisdiction"] == "TW"]
    assert tw and all(f["provisional"] and "暫定來源" in f["message"] for f in tw)


@pytest.mark.parametrize("markets", [["XX"], [], ["TW", "TW"]])
async def test_bad_markets_are_422(
    client: AsyncClient, headers: dict[str, str], markets: list[str]
) -> None:
    body = {"product": FACE, "ingredients": [{"inci": "Water"}], "markets": markets}
    response = await client.post(URL, json=body, headers=headers)
    assert response.status_code == 422


async def test_messages_are_zh_tw_by_default_and_en_on_request(
    client: AsyncClient, headers: dict[str, str]
) -> None:
    lines = [{"inci": "Allantoin", "cas": "97-59-6", "concentration": 0.8}]
    zh = await _check(client, headers, lines)
    over = next(f for f in zh["findings"] if f["kind"] == "over_limit")
    assert zh["language"] == "zh-TW" and "超過" in over["message"] and "之限量" in over["message"]
    en = await _check(client, headers, lines, language="en-US,en;q=0.9")
    over_en = next(f for f in en["findings"] if f["kind"] == "over_limit")
    assert en["language"] == "en" and "exceeds the 0.5 % limit" in over_en["message"]
    uv = await _check(
        client, headers, [{"inci": "Homosalate", "cas": "118-56-9", "concentration": 12}], SUNSCREEN
    )
    tw = next(f for f in uv["findings"] if f["jurisdiction"] == "TW")
    assert "暫定來源" in tw["message"] and tw["provisional"]
