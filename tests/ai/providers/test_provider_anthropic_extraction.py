"""AnthropicProvider extraction: vision / document blocks and the shared post-checks."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.ai.providers.messages_api import answer, message, tool_use
from tests.ai.providers.provider_fakes import MakeProvider


def _png() -> bytes:
    return base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )


def extraction_payload() -> dict[str, Any]:
    def row(order: int, raw: str, inci: str, cas: str | None, pct: float) -> dict[str, Any]:
        return {
            "raw_name": raw,
            "inci_name": inci,
            "cas": cas,
            "concentration_pct": pct,
            "function": None,
            "zh_name": None,
            "sort_order": order,
            "confidence": {"inci_name": 0.95, "cas": 0.95, "concentration_pct": 0.9},
            "flags": [],
            "notes": f"image row {order}",
        }

    return {
        "ingredients": [
            row(1, "Aqua", "WATER", "7732-18-5", 85.0),
            row(2, "Phenoxyethanol", "PHENOXYETHANOL", "122-99-6", 0.8),
            row(3, "Glycerine", "GLYCERIN", "56-81-6", 5.0),  # wrong check digit
        ],
        "warnings": [],
        "total_pct": 100.0,  # the model's claim; the real sum is 90.8
        "confidence": 0.95,
    }


async def test_image_upload_is_sent_as_an_image_block_and_output_is_finalized(
    make_provider: MakeProvider,
) -> None:
    ask = message([tool_use("t1", "inci_normalize", {"name": "Glycerine"})], "tool_use")
    provider, api, tools = make_provider([ask, answer(extraction_payload())])
    png = _png()
    result = await provider.extract_formulation(png, "formula-photo.png", "image/png")

    block = api.requests[0]["messages"][0]["content"][0]
    assert block["type"] == "image"
    assert block["source"] == {
        "type": "base64",
        "media_type": "image/png",
        "data": base64.standard_b64encode(png).decode(),
    }
    assert tools.calls == [("inci_normalize", {"name": "Glycerine"})]
    value = result.value
    assert [i.inci_name for i in value.ingredients] == ["WATER", "GLYCERIN", "PHENOXYETHANOL"]
    assert [i.sort_order for i in value.ingredients] == [1, 2, 3]
    glycerin = value.ingredients[1]
    assert "cas_checksum_invalid" in glycerin.flags and glycerin.confidence.cas <= 0.1
    codes = {w.code for w in value.warnings}
    assert {"total_out_of_range", "not_descending"} <= codes
    assert value.total_pct == pytest.approx(90.8)
    assert value.confidence == pytest.approx(0.1)  # min of all field confidences


async def test_pdf_is_sent_as_a_document_block(make_provider: MakeProvider) -> None:
    provider, api, _ = make_provider([answer(extraction_payload())])
    await provider.extract_formulation(b"%PDF-1.4\n%scanned\n", "scan.pdf", "application/pdf")
    block = api.requests[0]["messages"][0]["content"][0]
    assert block["type"] == "document"
    assert block["source"]["media_type"] == "application/pdf"
