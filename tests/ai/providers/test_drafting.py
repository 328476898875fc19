"""SA-draft writer and analogue proposer: Anthropic through a mocked Messages API, local default."""

from __future__ import annotations

import json

import httpx2
import pytest

from app.ai.providers import ProviderOutputError, ProviderUnavailableError
from app.ai.providers.drafting import (
    AnthropicAnalogueProposer,
    AnthropicSaDraftWriter,
    LocalAnalogueProposer,
    LocalSaDraftWriter,
    WithFallback,
    build_drafting,
)
from app.engines.review import REFERENCE_DRAFT_LABEL, reference_draft
from app.engines.safety import Anchor, ProposalLine, validate_proposals
from tests.ai.providers.messages_api import FakeMessagesAPI, answer

SNAPSHOT = {
    "product": {"name": "Fixture Lotion"},
    "formula_lines": [{"ingredient": "Glycerin", "concentration_pct": "5"}],
    "verdicts": [{"ingredient": "Glycerin", "verdict": "data_gap", "method_label": "Data gap"}],
    "lint": {"alerts": [{"rule_id": "R7", "severity": "error", "message": "claim unsupported"}]},
    "items": {"3": {"status": "approved"}, "7": {"status": "missing"}},
}
MODEL_TEXT = (
    "1. Formula: Glycerin 5 %.\n2. Verdicts: Glycerin has a data gap.\n3. Lint: R7 error.\n"
    "4. Items without content: 7.\nConclusion: to be written by the safety assessor."
)


def _writer(api: FakeMessagesAPI) -> AnthropicSaDraftWriter:
    return AnthropicSaDraftWriter(
        "sk-ant-test", model="claude-sonnet-5", http_client=api.client(), max_retries=0
    )


async def test_anthropic_draft_is_labelled_by_us_and_reads_only_the_snapshot_facts() -> None:
    api = FakeMessagesAPI([answer(MODEL_TEXT)])
    result = await _writer(api).draft_assessment(SNAPSHOT)
    assert result.provider == "anthropic"
    assert result.value == f"{REFERENCE_DRAFT_LABEL}\n\n{MODEL_TEXT}"
    [request] = api.requests
    assert request["model"] == "claude-sonnet-5"
    assert "alone decides and signs" in request["system"][0]["text"]
    sent = request["messages"][0]["content"]
    assert "Fixture Lotion" in sent and '"R7"' in sent and "data_gap" in sent
    assert api.headers[0]["authorization"] == "Bearer sk-ant-test"
    [usage] = result.usage
    assert usage.operation == "sa_draft" and usage.input_tokens == 1200


async def test_a_draft_that_claims_a_signature_is_refused_and_the_local_draft_used() -> None:
    api = FakeMessagesAPI([answer("The product is approved. Hereby signed.")])
    with pytest.raises(ProviderOutputError, match="approval or a signature"):
        await _writer(api).draft_assessment(SNAPSHOT)
    api = FakeMessagesAPI([answer("The product is approved. Hereby signed.")])
    fallback = await WithFallback(_writer(api), LocalSaDraftWriter()).draft_assessment(SNAPSHOT)
    assert fallback.value == reference_draft(SNAPSHOT) and fallback.provider == "local"
    assert len(fallback.usage) == 1  # the spent call is still recorded


async def test_api_down_falls_back_to_the_local_draft() -> None:
    api = FakeMessagesAPI([])  # every call answers 500
    with pytest.raises(ProviderUnavailableError):
        await _writer(api).draft_assessment(SNAPSHOT)
    result = await WithFallback(
        _writer(FakeMessagesAPI([])), LocalSaDraftWriter()
    ).draft_assessment(SNAPSHOT)
    assert result.value.startswith(REFERENCE_DRAFT_LABEL) and result.provider == "local"


def test_local_without_a_key_anthropic_with_one() -> None:
    writer, proposer = build_drafting(None, model="m")
    assert isinstance(writer, LocalSaDraftWriter) and isinstance(proposer, LocalAnalogueProposer)
    writer, proposer = build_drafting(" sk-ant-x ", model="m", http_client=httpx2.AsyncClient())
    assert writer.name == "anthropic" and proposer.name == "anthropic"


ANCHORS = (
    Anchor(
        cas="93-58-3", name="fixture methyl benzoate", noael=100, source="fixture",
        citation="fixture citation A", smiles="COC(=O)c1ccccc1",
    ),
    Anchor(
        cas="69-72-7", name="fixture salicylic acid", noael=100, source="fixture",
        citation="fixture citation B", smiles="OC(=O)c1ccccc1O",
    ),
)  # fmt: skip
LINES = [
    ProposalLine("m", "Methyl Salicylate", "119-36-8", "COC(=O)c1ccccc1O"),
    ProposalLine("e", "Ethyl Salicylate", "118-61-6", "CCOC(=O)c1ccccc1O"),
]


async def test_anthropic_proposals_are_validated_by_the_engine() -> None:
    payload = {
        "proposals": [
            {"line_id": "m", "analogue_cas": "93-58-3", "rationale": "methyl ester"},  # 0.52
            {"line_id": "e", "analogue_cas": "69-72-7", "rationale": "same acid"},  # 0.48
            {"line_id": "e", "analogue_cas": "50-00-0", "rationale": "not an anchor"},
            {"line_id": "zzz", "analogue_cas": "93-58-3", "rationale": "unknown line"},
        ]
    }
    api = FakeMessagesAPI([answer(payload)])
    proposer = AnthropicAnalogueProposer(
        "sk-ant-test", model="claude-sonnet-5", http_client=api.client(), max_retries=0
    )
    proposed = await proposer.propose_analogues(LINES, ANCHORS)
    assert {p.line_id for p in proposed.value} == {"m", "e"}
    sent = json.loads(api.requests[0]["messages"][0]["content"])
    assert {a["cas"] for a in sent["anchors"]} == {"93-58-3", "69-72-7"}
    checked = validate_proposals(LINES, ANCHORS, proposed.value)
    verdicts = [(c.line_id, c.analogue_cas, c.accepted) for c in checked]
    assert verdicts == [("m", "93-58-3", True), ("e", "69-72-7", False), ("e", "50-00-0", False)]
    accepted = checked[0]
    assert accepted.candidate_value == pytest.approx(10.0) and accepted.citation
    assert "SA confirms" in accepted.status
    assert "< 0.50" in checked[1].reason and "not a cited anchor" in checked[2].reason


async def test_unusable_proposal_answer_falls_back_to_the_local_ranking() -> None:
    api = FakeMessagesAPI([answer("no json here")])
    proposer = AnthropicAnalogueProposer(
        "sk-ant-test", model="m", http_client=api.client(), max_retries=0
    )
    with pytest.raises(ProviderOutputError):
        await proposer.propose_analogues(LINES, ANCHORS)
    api = FakeMessagesAPI([answer("no json here")])
    proposer = AnthropicAnalogueProposer(
        "sk-ant-test", model="m", http_client=api.client(), max_retries=0
    )
    result = await WithFallback(proposer, LocalAnalogueProposer()).propose_analogues(LINES, ANCHORS)
    assert result.provider == "local"
    from app.engines.safety.similarity import tanimoto

    for line, proposal in zip(LINES, result.value, strict=True):  # the most similar anchor
        assert line.smiles is not None and proposal.line_id == line.line_id
        best = max(ANCHORS, key=lambda a: tanimoto(line.smiles or "", a.smiles or "") or 0.0)
        assert proposal.analogue_cas == best.cas
