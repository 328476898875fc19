"""AnthropicProvider through a mocked Messages API: tool loop, caching, cost, post-checks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.ai.providers import ProviderOutputError, ProviderUnavailableError, total_cost
from app.integrations.toxicology import SourceResult
from tests.ai.providers.messages_api import answer, message, text_block, tool_use
from tests.ai.providers.provider_fakes import (
    PUBCHEM_PHENOXYETHANOL,
    TFDA_PHENOXYETHANOL,
    MakeProvider,
)

SOURCES = [
    SourceResult.model_validate(PUBCHEM_PHENOXYETHANOL),
    SourceResult.unavailable("echa", "HTTPStatusError: 503"),
]
REGULATORY = {"tfda_status": "preservative_positive_list", "tfda_max_concentration_pct": 1.0}


def summary_payload(**overrides: Any) -> dict[str, Any]:
    """A well-formed model answer for phenoxyethanol, built only from the facts above."""
    payload: dict[str, Any] = {
        "ingredient": "Phenoxyethanol",
        "cas": "122-99-6",
        "inci": "PHENOXYETHANOL",
        "risk_level": "medium",
        "risk_endpoints": {
            "acute_toxicity_oral_ld50": {
                "value": 1260,
                "unit": "mg/kg",
                "species": "rat",
                "source": "PubChem CID 31236 (HSDB)",
            },
            "eye_irritation": {"rating": "H319", "source": "PubChem CID 31236"},
            "noael": {"value": None, "note": "no data in this source"},
        },
        "summary_en": "Oral LD50 1260 mg/kg in rats (PubChem CID 31236); eye irritant (H319). "
        "Permitted as a preservative up to 1 % (TFDA preservative list No. 29).",
        "citations": ["PubChem CID 31236", "TFDA preservative list No. 29"],
        "confidence": 0.8,
    }
    payload.update(overrides)
    return payload


def tool_turn() -> dict[str, Any]:
    return message(
        [
            text_block("I will look up PubChem and the TFDA lists."),
            tool_use("toolu_01A", "pubchem_query", {"cas": "122-99-6"}),
            tool_use("toolu_01B", "check_restricted", {"inci": "Phenoxyethanol"}),
        ],
        "tool_use",
        input_tokens=2100,
        output_tokens=120,
        cache_creation=1800,
    )


async def test_multi_turn_tool_use_runs_our_tools_and_records_cost(
    make_provider: MakeProvider,
) -> None:
    final = answer(summary_payload(), input_tokens=2600, output_tokens=450, cache_read=1800)
    provider, api, tools = make_provider([tool_turn(), final])

    result = await provider.summarize_toxicology("Phenoxyethanol", "122-99-6", SOURCES, REGULATORY)

    # Our code executed the tools the model asked for, with the model's arguments.
    assert tools.calls == [
        ("pubchem_query", {"cas": "122-99-6"}),
        ("check_restricted", {"inci": "Phenoxyethanol"}),
    ]
    first, second = api.requests
    assert api.headers[0]["authorization"] == "Bearer sk-ant-test-key"  # SDK 2.x auth
    assert "anthropic-version" in api.headers[0]
    assert first["model"] == "claude-sonnet-5"  # toxicology synthesis is a complex task
    assert [t["name"] for t in first["tools"]] == [
        "inci_normalize",
        "lookup",
        "check_restricted",
        "pubchem_query",
        "classification",
    ]
    pubchem_schema = first["tools"][3]["input_schema"]
    cas_schema = pubchem_schema["properties"]["cas"]["anyOf"][0]
    assert cas_schema["pattern"] == r"^\d{2,7}-\d{2}-\d$"
    assert pubchem_schema["anyOf"] == [{"required": ["cas"]}, {"required": ["name"]}]
    # Prompt caching: breakpoints on the system prompt and the last tool definition.
    assert first["system"][-1]["cache_control"] == {"type": "ephemeral"}
    assert first["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    assert "no data in this source" in first["system"][0]["text"]
    # The second request replays the assistant turn and carries our tool results.
    assistant, user = second["messages"][1], second["messages"][2]
    assert assistant["role"] == "assistant"
    assert [b["type"] for b in assistant["content"]] == ["text", "tool_use", "tool_use"]
    assert user["role"] == "user"
    results = {b["tool_use_id"]: b for b in user["content"]}
    assert set(results) == {"toolu_01A", "toolu_01B"}
    assert all(b["type"] == "tool_result" and not b.get("is_error") for b in results.values())
    assert json.loads(results["toolu_01A"]["content"]) == PUBCHEM_PHENOXYETHANOL
    assert json.loads(results["toolu_01B"]["content"]) == TFDA_PHENOXYETHANOL

    summary = result.value
    assert summary.risk_endpoints["acute_toxicity_oral_ld50"].value == 1260
    assert summary.regulatory == REGULATORY  # ours, not the model's
    assert summary.sources_unavailable == ["echa"]
    assert summary.source_status["echa"] == "[source temporarily unavailable]"
    # Usage per call, with cache fields; cost from list prices ($2 in / $10 out per MTok).
    assert [
        (u.input_tokens, u.cache_creation_tokens, u.cache_read_tokens) for u in result.usage
    ] == [
        (2100, 1800, 0),
        (2600, 0, 1800),
    ]
    first_cost = (2100 * 2 + 1800 * 2 * 1.25 + 120 * 10) / 1e6
    second_cost = (2600 * 2 + 1800 * 2 * 0.1 + 450 * 10) / 1e6
    assert result.usage[0].cost_usd == pytest.approx(first_cost)
    assert total_cost(result.usage) == pytest.approx(first_cost + second_cost)
    assert result.provider == "anthropic"


async def test_invalid_tool_input_is_reported_to_the_model_not_executed(
    make_provider: MakeProvider,
) -> None:
    bad = message([tool_use("toolu_bad", "pubchem_query", {"cas": "122996"})], "tool_use")
    provider, api, tools = make_provider([bad, answer(summary_payload())])
    await provider.summarize_toxicology("Phenoxyethanol", "122-99-6", SOURCES, REGULATORY)
    assert tools.calls == []
    block = api.requests[1]["messages"][2]["content"][0]
    assert block["is_error"] is True and "cas: String should match pattern" in block["content"]


async def test_invalid_final_json_raises_provider_output_error(make_provider: MakeProvider) -> None:
    provider, _, _ = make_provider([answer('{"ingredient": "Phenoxyethanol", "risk_level": ')])
    with pytest.raises(ProviderOutputError) as err:
        await provider.summarize_toxicology("Phenoxyethanol", "122-99-6", SOURCES, REGULATORY)
    assert "invalid JSON" in err.value.reason
    assert len(err.value.usage) == 1 and err.value.usage[0].cost_usd  # cost still recorded


async def test_schema_mismatch_raises_provider_output_error(make_provider: MakeProvider) -> None:
    provider, _, _ = make_provider([answer(summary_payload(risk_level="negligible"))])
    with pytest.raises(ProviderOutputError, match="schema mismatch"):
        await provider.summarize_toxicology("Phenoxyethanol", "122-99-6", SOURCES, REGULATORY)


@pytest.mark.parametrize("phrase", ["This preservative is absolutely safe.", "本成分絕對安全"])
async def test_forbidden_phrase_is_rejected(make_provider: MakeProvider, phrase: str) -> None:
    payload = summary_payload(summary_en=phrase)
    provider, _, _ = make_provider([answer(payload)])
    with pytest.raises(ProviderOutputError, match="forbidden phrase"):
        await provider.summarize_toxicology("Phenoxyethanol", "122-99-6", SOURCES, REGULATORY)


async def test_fabricated_noael_is_rejected(make_provider: MakeProvider) -> None:
    endpoints = summary_payload()["risk_endpoints"]
    endpoints["noael"] = {"value": 369, "unit": "mg/kg bw/day", "source": "SCCS/1575/16"}
    provider, _, _ = make_provider([answer(summary_payload(risk_endpoints=endpoints))])
    with pytest.raises(ProviderOutputError, match="noael: value 369 appears in no source"):
        await provider.summarize_toxicology("Phenoxyethanol", "122-99-6", SOURCES, REGULATORY)


async def test_fabricated_number_in_text_is_rejected(make_provider: MakeProvider) -> None:
    text = "NOAEL 164 mg/kg bw/day in a 90-day study."
    provider, _, _ = make_provider([answer(summary_payload(summary_en=text))])
    with pytest.raises(ProviderOutputError, match="164"):
        await provider.summarize_toxicology("Phenoxyethanol", "122-99-6", SOURCES, REGULATORY)


async def test_ai_noael_above_2000_is_discarded(make_provider: MakeProvider) -> None:
    comptox = {
        "source": "comptox",
        "status": "ok",
        "citation": "EPA CompTox Chemicals Dashboard DTXSID9021976",
        "identifiers": {"dtxsid": "DTXSID9021976"},
        "endpoints": [
            {"name": "noael", "value": 2500.0, "unit": "mg/kg-day", "source": "EPA ToxValDB"}
        ],
    }
    ask = message([tool_use("toolu_9", "pubchem_query", {"name": "phenoxyethanol"})], "tool_use")
    endpoints = summary_payload()["risk_endpoints"]
    endpoints["noael"] = {"value": 2500, "unit": "mg/kg bw/day", "source": "EPA ToxValDB"}
    provider, _, _ = make_provider(
        [ask, answer(summary_payload(risk_endpoints=endpoints))], pubchem=comptox
    )
    result = await provider.summarize_toxicology("Phenoxyethanol", "122-99-6", SOURCES, REGULATORY)
    noael = result.value.risk_endpoints["noael"]
    assert noael.value is None and "plausibility ceiling" in (noael.note or "")
    assert noael.source == "EPA ToxValDB"
    assert result.value.risk_endpoints["acute_toxicity_oral_ld50"].value == 1260


async def test_tool_loop_is_bounded(make_provider: MakeProvider) -> None:
    loop = [
        message([tool_use(f"toolu_{i}", "lookup", {"query": "x"})], "tool_use") for i in range(3)
    ]
    provider, api, tools = make_provider(loop, max_iterations=3)
    with pytest.raises(ProviderOutputError, match="no answer within 3 model calls") as err:
        await provider.normalize_inci("x")
    assert len(api.requests) == 3 and len(tools.calls) == 3 and len(err.value.usage) == 3


async def test_api_error_is_a_typed_unavailable_error(make_provider: MakeProvider) -> None:
    provider, _, _ = make_provider([])  # the fake answers 500 when it has no reply left
    with pytest.raises(ProviderUnavailableError):
        await provider.normalize_inci("Glycerine")


async def test_normalize_inci_uses_the_light_model_and_the_dictionary(
    make_provider: MakeProvider,
) -> None:
    ask = message(
        [tool_use("t1", "inci_normalize", {"name": "Glycerine"})],
        "tool_use",
        model="claude-haiku-4-5",
    )
    final = answer(
        {"inci_name": "Glycerin", "confidence": 0.97, "method": "exact"},
        model="claude-haiku-4-5-20251001",
    )
    provider, api, tools = make_provider([ask, final])
    result = await provider.normalize_inci("Glycerine")
    assert api.requests[0]["model"] == "claude-haiku-4-5"
    assert tools.calls == [("inci_normalize", {"name": "Glycerine"})]
    assert result.value.inci_name == "GLYCERIN"  # canonical dictionary spelling
    assert result.value.method == "llm"
    # A dated snapshot is priced as its alias ($1 in / $5 out per MTok).
    assert result.usage[1].cost_usd == pytest.approx((1200 * 1 + 300 * 5) / 1e6)


async def test_unknown_name_from_the_model_is_capped(make_provider: MakeProvider) -> None:
    final = answer(
        {"inci_name": "Glycerol Extract", "confidence": 0.99, "method": "llm"},
        model="claude-haiku-4-5",
    )
    provider, _, _ = make_provider([final])
    result = await provider.normalize_inci("Glycerol Extract")
    assert result.value.confidence == 0.5


async def test_model_cannot_lower_the_rule_based_risk_level(make_provider: MakeProvider) -> None:
    provider, _, _ = make_provider([answer(summary_payload(risk_level="low"))])
    result = await provider.summarize_toxicology("Phenoxyethanol", "122-99-6", SOURCES, REGULATORY)
    assert result.value.risk_level == "medium"  # H302/H319 in the PubChem result
