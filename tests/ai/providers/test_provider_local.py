"""LocalProvider end to end, the provider factory and fallback."""

from __future__ import annotations

import io
from typing import Any

import httpx
import openpyxl
import pytest

from app.ai.providers import (
    AIProvider,
    AnthropicProvider,
    FallbackProvider,
    LocalProvider,
    build_provider,
    finalize_extraction,
)
from app.engines.formula import ExtractionError
from app.engines.formula.inci import IngredientDictionary
from app.engines.formula.ocr import OcrLimits
from app.integrations.toxicology import PubChemSource, SubstanceRef, gather_sources
from tests.ai.providers.messages_api import answer
from tests.ai.providers.provider_fakes import MakeProvider


def formula_xlsx() -> bytes:
    """A small Item 3 sheet: title row, Chinese/English header, q.s. water, a bad CAS."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [
        ["保濕乳液 配方表"],
        [],
        ["成分名稱 INCI Name", "中文名", "CAS No.", "含量 (%)", "功能"],
        ["Aqua", "水", "7732-18-5", "q.s.", "溶劑"],
        ["Glycerine", "甘油", "56-81-5", "5.00", "保濕劑"],
        ["Butylene  glycol", "丁二醇", "107-88-0", "3,00", "保濕劑"],
        ["Niacinamide", "菸鹼醯胺", "98-92-1", "2.0", "調理劑"],  # check digit should be 0
        ["Phenoxyethanol ", "苯氧乙醇", "122-99-6", "0.80", "防腐劑"],
    ]:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def test_local_provider_extracts_an_xlsx_end_to_end(starter: IngredientDictionary) -> None:
    provider = LocalProvider(starter)
    assert isinstance(provider, AIProvider)
    result = await provider.extract_formulation(formula_xlsx(), "formula.xlsx")
    assert result.usage == [] and result.provider == "local"
    rows = {i.inci_name: i for i in result.value.ingredients}
    assert list(rows) == ["WATER", "GLYCERIN", "BUTYLENE GLYCOL", "NIACINAMIDE", "PHENOXYETHANOL"]
    assert rows["WATER"].concentration_pct == pytest.approx(89.2)
    assert "qs_balance" in rows["WATER"].flags
    assert rows["BUTYLENE GLYCOL"].concentration_pct == 3.0
    niacinamide = rows["NIACINAMIDE"]
    assert "cas_checksum_invalid" in niacinamide.flags and niacinamide.confidence.cas <= 0.1
    assert result.value.total_pct == pytest.approx(100.0)
    assert result.value.confidence == pytest.approx(0.1)
    # The shared post-check is idempotent on the local engine's own output.
    assert finalize_extraction(result.value, starter) == result.value


async def test_local_provider_flags_a_93_percent_total(starter: IngredientDictionary) -> None:
    wb = openpyxl.Workbook()
    for row in [["INCI Name", "%"], ["Water", "80"], ["Glycerin", "8"], ["Squalane", "5"]]:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    result = await LocalProvider(starter).extract_formulation(buf.getvalue(), "f.xlsx")
    assert result.value.total_pct == 93.0
    assert [w.code for w in result.value.warnings] == ["total_out_of_range"]


async def test_local_provider_names_an_unreadable_scan(starter: IngredientDictionary) -> None:
    with pytest.raises(ExtractionError, match="scan unreadable"):
        await LocalProvider(starter).extract_formulation(b"\x89PNG\r\n\x1a\n....", "scan.png")


async def test_local_provider_without_ocr_points_to_vision(starter: IngredientDictionary) -> None:
    provider = LocalProvider(starter, OcrLimits(enabled=False))
    with pytest.raises(ExtractionError, match="vision-capable"):
        await provider.extract_formulation(b"\x89PNG\r\n\x1a\n....", "scan.png")


@pytest.mark.parametrize(
    ("raw", "inci", "method"),
    [
        ("Glycerine", "GLYCERIN", "synonym"),
        ("Phenoxyethanol ", "PHENOXYETHANOL", "exact"),
        ("Butylene  glycol", "BUTYLENE GLYCOL", "exact"),
        ("Zzqx Unknown", None, "none"),
    ],
)
async def test_local_normalize_inci(
    starter: IngredientDictionary, raw: str, inci: str | None, method: str
) -> None:
    result = await LocalProvider(starter).normalize_inci(raw)
    assert (result.value.inci_name, result.value.method) == (inci, method)
    assert (result.value.confidence >= 0.8) is (inci is not None)


async def test_local_summary_with_pubchem_503_lists_the_source_unavailable(
    starter: IngredientDictionary,
) -> None:
    calls = 0

    def down(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(503, text="Service Unavailable")

    async with httpx.AsyncClient(transport=httpx.MockTransport(down)) as client:
        source = PubChemSource(client, backoff=0.01)
        results = await gather_sources([source], SubstanceRef(inci_name="Phenoxyethanol"))
    assert calls == 2  # one retry, as the source contract says
    summary = (
        await LocalProvider(starter).summarize_toxicology("Phenoxyethanol", "122-99-6", results, {})
    ).value
    assert summary.sources_unavailable == ["pubchem"]
    assert summary.source_status == {"pubchem": "[source temporarily unavailable]"}
    assert "pubchem [source temporarily unavailable]" in summary.summary_en
    assert summary.risk_level == "unknown" and summary.confidence == 0.0
    assert summary.risk_endpoints["noael"].note == "no data in this source"


def test_build_provider_without_a_key_is_local(starter: IngredientDictionary) -> None:
    assert isinstance(build_provider(None, dictionary=starter), LocalProvider)
    assert isinstance(build_provider("  ", dictionary=starter), LocalProvider)


def test_build_provider_with_a_key_is_anthropic(starter: IngredientDictionary) -> None:
    provider = build_provider(
        "sk-ant-x",
        dictionary=starter,
        complex_model="claude-opus-5",
        light_model="claude-haiku-4-5",
    )
    assert isinstance(provider, AnthropicProvider)
    assert provider.router.model_for("extract_formulation") == "claude-opus-5"
    assert provider.router.model_for("normalize_inci") == "claude-haiku-4-5"
    assert isinstance(build_provider("sk-ant-x", fallback=True), FallbackProvider)


async def test_fallback_keeps_the_spent_usage(
    make_provider: MakeProvider, starter: IngredientDictionary
) -> None:
    remote, _, _ = make_provider([answer("not json at all")])
    provider = FallbackProvider(remote, LocalProvider(starter))
    result = await provider.normalize_inci("Glycerine")
    assert result.value.inci_name == "GLYCERIN" and result.provider == "local"
    assert [u.provider for u in result.usage] == ["anthropic"]


async def test_anthropic_extraction_of_a_sheet_sends_the_tables_as_text(
    make_provider: MakeProvider,
) -> None:
    payload: dict[str, Any] = {
        "ingredients": [
            {
                "raw_name": "Aqua",
                "inci_name": "Aqua",
                "cas": "7732-18-5",
                "concentration_pct": 100.0,
                "function": None,
                "zh_name": "水",
                "sort_order": 1,
                "confidence": {"inci_name": 1.0, "cas": 1.0, "concentration_pct": 1.0},
            }
        ],
        "total_pct": 100.0,
        "confidence": 1.0,
    }
    provider, api, _ = make_provider([answer(payload)])
    result = await provider.extract_formulation(formula_xlsx(), "formula.xlsx")
    text = api.requests[0]["messages"][0]["content"][0]["text"]
    assert "Glycerine | 甘油 | 56-81-5" in text
    water = result.value.ingredients[0]
    assert water.inci_name == "WATER"  # canonicalised by the shared post-check
    assert water.confidence.inci_name == 0.95  # synonym hit: capped like the local engine
