"""Drafts the AI writes for a human to confirm: the Item 16 reference draft (SA review) and
analogue proposals for lines without a number (safety engine, spec 06: the LLM only proposes).

Local deterministic writers are the default; the Anthropic ones (official SDK) are used when
ANTHROPIC_API_KEY is set, and fall back to the local ones when the model fails. Nothing here
approves, signs or sets a verdict: the text is labelled a reference draft, and every proposal
goes through the engine's own validation (`app.engines.safety.validate_proposals`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

import structlog
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.ai.providers.base import (
    ProviderOutputError,
    ProviderResult,
    ProviderUnavailableError,
    Usage,
)
from app.ai.providers.pricing import DEFAULT_PRICES, ModelPrice, cost_usd
from app.engines.review import REFERENCE_DRAFT_LABEL, reference_draft
from app.engines.safety import AnalogueProposal, ProposalLine, rank_analogues

if TYPE_CHECKING:
    import httpx2
    from anthropic.types import MessageParam, TextBlockParam

    from app.engines.safety import Anchor

log = structlog.get_logger(__name__)
MAX_DRAFT_CHARS = 20_000
SA_DRAFT_SYSTEM = (
    "You write the reference draft of a cosmetic product safety assessment (Taiwan PIF Item 16) "
    "for a qualified safety assessor, who alone decides and signs. Use only the facts in the "
    "JSON you are given; never invent a value, a source or a conclusion the facts do not state. "
    "Name every data gap and every open review point. Do not write that the product is "
    "approved, safe or signed: end with 'Conclusion: to be written by the safety assessor.' "
    "Plain text, sections numbered 1-5: formula, ingredient verdicts, cross-item lint, items "
    "without content, conclusion."
)
PROPOSAL_SYSTEM = (
    "You propose read-across analogues for cosmetic ingredients that have no cited NOAEL. "
    "Choose only from the anchor list you are given (each has a cited NOAEL); never propose a "
    "substance that is not in it and never state a NOAEL. Answer one JSON object: "
    '{"proposals": [{"line_id": str, "analogue_cas": str, "rationale": str}]}. '
    "Leave a line out when no anchor is a plausible analogue."
)
_FORBIDDEN = ("i approve", "hereby sign", "signed by", "is approved")


def _facts(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """What the model may read: product, formula, verdicts, lint, item statuses (no files)."""
    items = snapshot.get("items") or {}
    return {
        "product": snapshot.get("product") or {},
        "formula_lines": snapshot.get("formula_lines") or [],
        "verdicts": snapshot.get("verdicts") or [],
        "lint": snapshot.get("lint") or {},
        "item_status": {n: (i or {}).get("status") for n, i in items.items()},
    }


class SaDraftWriter(Protocol):
    name: str

    async def draft_assessment(self, snapshot: Mapping[str, Any]) -> ProviderResult[str]:
        """The labelled reference draft of Item 16 for this snapshot."""
        ...


class LocalSaDraftWriter:
    """Deterministic: the review engine's fixed-order reference draft."""

    name = "local"

    async def draft_assessment(self, snapshot: Mapping[str, Any]) -> ProviderResult[str]:
        """No key, no network, no cost."""
        return ProviderResult(reference_draft(snapshot), [], self.name)


class _Claude:
    """One Messages API call through the official SDK (httpx2 client injectable for tests)."""

    name = "anthropic"

    def __init__(
        self,
        api_key: str,
        *,
        model: str,
        http_client: httpx2.AsyncClient | None = None,
        base_url: str | None = None,
        prices: Mapping[str, ModelPrice] = DEFAULT_PRICES,
        max_retries: int = 2,
        timeout: float = 120.0,
        max_tokens: int = 4096,
    ) -> None:
        self.model = model
        self.prices = prices
        self.max_tokens = max_tokens
        import anthropic  # ~37 MiB resident: loaded only when a key is configured (issue 18)

        self.client = anthropic.AsyncAnthropic(
            api_key=api_key,
            base_url=base_url,
            http_client=http_client,
            max_retries=max_retries,
            timeout=timeout,
        )

    async def _ask(self, operation: str, system: str, text: str) -> tuple[str, list[Usage]]:
        import anthropic

        system_blocks = [{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}]
        try:
            response = await self.client.messages.create(
                model=self.model,
                max_tokens=self.max_tokens,
                system=cast("list[TextBlockParam]", system_blocks),
                messages=cast("list[MessageParam]", [{"role": "user", "content": text}]),
            )
        except anthropic.APIError as exc:
            raise ProviderUnavailableError(f"Anthropic API error: {type(exc).__name__}") from exc
        u = response.usage
        counts = {
            "input_tokens": u.input_tokens,
            "output_tokens": u.output_tokens,
            "cache_read_tokens": u.cache_read_input_tokens or 0,
            "cache_creation_tokens": u.cache_creation_input_tokens or 0,
        }
        usage = [
            Usage(
                provider=self.name,
                model=response.model,
                operation=operation,
                cost_usd=cost_usd(response.model, prices=self.prices, **counts),
                **counts,
            )
        ]
        if response.stop_reason == "max_tokens":
            raise ProviderOutputError("answer truncated at max_tokens", usage)
        return "".join(b.text for b in response.content if b.type == "text").strip(), usage


class AnthropicSaDraftWriter(_Claude):
    """Claude writes the draft from the snapshot's facts; we add the label, never the model."""

    async def draft_assessment(self, snapshot: Mapping[str, Any]) -> ProviderResult[str]:
        """Raises ProviderOutputError (with the usage spent) on an unusable answer."""
        facts = json.dumps(_facts(snapshot), ensure_ascii=False, default=str, sort_keys=True)
        text, usage = await self._ask(
            "sa_draft", SA_DRAFT_SYSTEM, "Facts of the product file:\n" + facts
        )
        if not text:
            raise ProviderOutputError("empty draft", usage)
        if any(phrase in text.casefold() for phrase in _FORBIDDEN):
            raise ProviderOutputError("the draft claims an approval or a signature", usage)
        body = text[:MAX_DRAFT_CHARS]
        return ProviderResult(f"{REFERENCE_DRAFT_LABEL}\n\n{body}", usage, self.name)


class _ProposalItem(BaseModel):
    model_config = ConfigDict(extra="ignore")
    line_id: str
    analogue_cas: str
    rationale: str = Field(default="", max_length=2000)


class _ProposalAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")
    proposals: list[_ProposalItem] = Field(default_factory=list, max_length=2000)


class AnalogueProposer(Protocol):
    name: str

    async def propose_analogues(
        self, lines: Sequence[ProposalLine], anchors: Sequence[Anchor]
    ) -> ProviderResult[list[AnalogueProposal]]:
        """Candidate analogues (to be validated by the engine) for lines without a number."""
        ...


class LocalAnalogueProposer:
    """Deterministic: the most similar anchor with a structure, for each line with a SMILES."""

    name = "local"

    async def propose_analogues(
        self, lines: Sequence[ProposalLine], anchors: Sequence[Anchor]
    ) -> ProviderResult[list[AnalogueProposal]]:
        """No key, no network, no cost."""
        return ProviderResult(rank_analogues(lines, anchors, proposer=self.name), [], self.name)


class AnthropicAnalogueProposer(_Claude):
    """Claude picks analogues from the anchor list; the engine re-checks every pick."""

    async def propose_analogues(
        self, lines: Sequence[ProposalLine], anchors: Sequence[Anchor]
    ) -> ProviderResult[list[AnalogueProposal]]:
        """Raises ProviderOutputError on an answer that is not the JSON asked for."""
        if not lines or not anchors:
            return ProviderResult([], [], self.name)
        facts = {
            "lines": [
                {"line_id": ln.line_id, "inci": ln.inci, "cas": ln.cas, "smiles": ln.smiles}
                for ln in lines
            ],
            "anchors": [{"cas": a.cas, "name": a.name, "smiles": a.smiles} for a in anchors],
        }
        text, usage = await self._ask(
            "propose_analogues", PROPOSAL_SYSTEM, json.dumps(facts, ensure_ascii=False)
        )
        try:
            answer = _ProposalAnswer.model_validate_json(_json_object(text))
        except (ValidationError, ValueError) as exc:
            raise ProviderOutputError(f"proposal answer unusable: {exc}", usage) from exc
        known = {ln.line_id for ln in lines}
        proposals = [
            AnalogueProposal(p.line_id, p.analogue_cas.strip(), p.rationale, self.name)
            for p in answer.proposals
            if p.line_id in known
        ]
        return ProviderResult(proposals, usage, self.name)


def _json_object(text: str) -> str:
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise ValueError("no JSON object in the answer")
    return text[start : end + 1]


@dataclass(frozen=True)
class WithFallback:
    """The Anthropic writer/proposer, falling back to the local one (usage kept)."""

    primary: Any
    fallback: Any

    @property
    def name(self) -> str:
        return str(self.primary.name)

    async def draft_assessment(self, snapshot: Mapping[str, Any]) -> ProviderResult[str]:
        """Model draft, else the deterministic one."""
        try:
            return cast(ProviderResult[str], await self.primary.draft_assessment(snapshot))
        except ProviderOutputError as exc:
            log.warning("ai.fallback", operation="sa_draft", reason=exc.reason)
            local = await self.fallback.draft_assessment(snapshot)
            return ProviderResult(local.value, [*exc.usage, *local.usage], local.provider)

    async def propose_analogues(
        self, lines: Sequence[ProposalLine], anchors: Sequence[Anchor]
    ) -> ProviderResult[list[AnalogueProposal]]:
        """Model proposals, else the deterministic ones."""
        try:
            return cast(
                ProviderResult[list[AnalogueProposal]],
                await self.primary.propose_analogues(lines, anchors),
            )
        except ProviderOutputError as exc:
            log.warning("ai.fallback", operation="propose_analogues", reason=exc.reason)
            local = await self.fallback.propose_analogues(lines, anchors)
            return ProviderResult(local.value, [*exc.usage, *local.usage], local.provider)


def build_drafting(
    api_key: str | None,
    *,
    model: str,
    http_client: httpx2.AsyncClient | None = None,
    base_url: str | None = None,
) -> tuple[SaDraftWriter, AnalogueProposer]:
    """Local writers without a key; Anthropic (with local fallback) with one."""
    if not api_key or not api_key.strip():
        return LocalSaDraftWriter(), LocalAnalogueProposer()
    key = api_key.strip()
    writer = AnthropicSaDraftWriter(key, model=model, http_client=http_client, base_url=base_url)
    proposer = AnthropicAnalogueProposer(
        key, model=model, http_client=http_client, base_url=base_url
    )
    return (
        cast(SaDraftWriter, WithFallback(writer, LocalSaDraftWriter())),
        cast(AnalogueProposer, WithFallback(proposer, LocalAnalogueProposer())),
    )
